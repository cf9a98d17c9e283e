import StructuredData
import Testing
@testable import ClusterCore

/// Pure parts of the kubelet: phase and QoS class from records and specs, settings for `--nodes`.
@Suite("kubelet status")
struct KubeletStatusTests {
    static func record(_ states: [(ContainerRunState, Bool)], restarts: Int = 0) -> PodRecord {
        PodRecord(uid: "u", namespace: "default", name: "p",
                  containers: states.enumerated().map { i, s in
                      var c = ContainerRecord(name: "c\(i)", image: "busybox", isInit: s.1)
                      c.state = s.0
                      c.id = c.state == .waiting(reason: "ContainerCreating", message: nil) ? nil : "id\(i)"
                      c.restartCount = restarts
                      return c
                  }, startTime: 0)
    }

    static let running = ContainerRunState.running(startedAt: 1)
    static func exited(_ code: Int32) -> ContainerRunState { .terminated(exitCode: code, reason: "x", startedAt: 1, finishedAt: 2, id: "i") }
    static let creating = ContainerRunState.waiting(reason: "ContainerCreating", message: nil)
    static let pullError = ContainerRunState.waiting(reason: "ErrImagePull", message: "no")

    @Test("back-off steps print as Go durations, as the kubelet's CrashLoopBackOff message does", arguments: [
        (Int64(1), "1s"), (10, "10s"), (59, "59s"), (60, "1m0s"), (80, "1m20s"), (300, "5m0s"), (3600, "1h0m0s"), (3725, "1h2m5s"),
    ])
    func goDuration(seconds: Int64, text: String) {
        #expect(Kubelet.goDuration(seconds: seconds) == text)
    }

    @Test("phase", arguments: [
        ([(running, false)], "Always", "Running"),
        ([(creating, false)], "Always", "Pending"),
        ([(pullError, false)], "Always", "Pending"),
        ([(running, true), (creating, false)], "Always", "Pending"),
        ([(exited(0), true), (running, false)], "Always", "Running"),
        ([(exited(1), true), (creating, false)], "Never", "Failed"),
        ([(exited(0), false)], "Never", "Succeeded"),
        ([(exited(2), false)], "Never", "Failed"),
        ([(exited(0), false)], "OnFailure", "Succeeded"),
        ([(exited(2), false)], "OnFailure", "Running"),
        ([(exited(0), false), (running, false)], "Never", "Running"),
    ] as [([(ContainerRunState, Bool)], String, String)])
    func phase(states: [(ContainerRunState, Bool)], policy: String, expected: String) {
        #expect(PodStatusBuilder.phase(Self.record(states), restartPolicy: policy) == expected)
    }

    @Test("QoS class", arguments: [
        (#"{"containers":[{"name":"a"}]}"#, "BestEffort"),
        (#"{"containers":[{"name":"a","resources":{"requests":{"cpu":"1"}}}]}"#, "Burstable"),
        (#"{"containers":[{"name":"a","resources":{"limits":{"cpu":"1","memory":"1Gi"}}}]}"#, "Guaranteed"),
        (#"{"containers":[{"name":"a","resources":{"limits":{"cpu":"1","memory":"1Gi"},"requests":{"cpu":"500m"}}}]}"#, "Burstable"),
        (#"{"containers":[{"name":"a","resources":{"limits":{"cpu":"1","memory":"1Gi"}}},{"name":"b"}]}"#, "Burstable"),
    ])
    func qos(spec: String, expected: String) throws {
        #expect(PodStatusBuilder.qosClass(try JSON.decode(spec)) == expected)
    }

    @Test("conditions keep their transition time until their status changes")
    func transitions() throws {
        var r = Self.record([(Self.creating, false)])
        let pod = try JSON.decode(#"{"metadata":{"name":"p"},"spec":{"containers":[{"name":"c0"}]}}"#)
        _ = PodStatusBuilder.status(&r, pod: pod, now: 100)
        r.containers[0].state = Self.running
        r.containers[0].id = "id0"
        let s = PodStatusBuilder.status(&r, pod: pod, now: 200)
        let conditions = s["conditions"]?.listValue ?? []
        let ready = conditions.first { $0["type"] == "Ready" }
        let scheduled = conditions.first { $0["type"] == "PodScheduled" }
        #expect(ready?["status"] == "True")
        #expect(ready?["lastTransitionTime"] == .string(Timestamps.rfc3339(200)))
        #expect(scheduled?["lastTransitionTime"] == .string(Timestamps.rfc3339(100)))
        #expect(s["phase"] == "Running")
        #expect(s["containerStatuses"]?.listValue?.first?["containerID"] == "runc://id0")
    }

    @Test("--nodes is kept in the settings file only when set")
    func settings() throws {
        let plain = ClusterSettings(listen: "127.0.0.1:6443", store: "sqlite", etcdEndpoints: [])
        #expect(!plain.json.contains("nodes"))
        #expect(try ClusterSettings(json: plain.json) == plain)
        let one = ClusterSettings(listen: "127.0.0.1:6443", store: "sqlite", etcdEndpoints: [], nodes: 1)
        #expect(try ClusterSettings(json: one.json).nodes == 1)
        #expect(try ClusterSettings(json: #"{"listen":"127.0.0.1:1","store":"sqlite","nodes":"many"}"#).nodes == 0)
    }

    @Test("$(VAR) expansion", arguments: [
        ("plain", "plain"), ("$(A)", "1"), ("x$(A)y$(B)", "x1y2"), ("$$(A)", "$(A)"), ("$(MISSING)", "$(MISSING)"),
        ("$(A", "$(A"), ("cost $5", "cost $5"), ("$", "$"),
    ])
    func expansion(text: String, expected: String) {
        #expect(ContainerEnvironment.expand(text, ["A": "1", "B": "2"]) == expected)
    }

    @Test("env: literal values, field references and references to earlier variables")
    func environment() throws {
        let pod = try JSON.decode(#"{"metadata":{"name":"p","namespace":"ns","labels":{"app":"web"}},"spec":{"nodeName":"n1"}}"#)
        let container = try JSON.decode(#"""
            {"name":"c","env":[{"name":"NAME","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}},
             {"name":"APP","valueFrom":{"fieldRef":{"fieldPath":"metadata.labels['app']"}}},
             {"name":"NODE","valueFrom":{"fieldRef":{"fieldPath":"spec.nodeName"}}},
             {"name":"HOST_IP","valueFrom":{"fieldRef":{"fieldPath":"status.hostIP"}}},
             {"name":"GREETING","value":"hi $(NAME) in $(NS)"},
             {"name":"SECRET","valueFrom":{"secretKeyRef":{"name":"s","key":"k"}}}]}
            """#)
        let vars = ContainerEnvironment.variables(pod: pod, container: container, hostname: "p")
        #expect(vars.map { "\($0.0)=\($0.1)" } == [
            "HOSTNAME=p", "NAME=p", "APP=web", "NODE=n1", "HOST_IP=127.0.0.1", "GREETING=hi p in $(NS)", "SECRET=",
        ])
    }
}
