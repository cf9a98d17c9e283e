import Foundation
import NIOHTTP1
import StructuredData
import Testing
@testable import ClusterCore

/// Startup, liveness and readiness probes (exec, httpGet, tcpSocket) on real busybox pods.
@Suite("probes", .serialized)
struct ProbeTests {
    static func condition(_ pod: Value, _ type: String) -> String? {
        (pod[path: "status.conditions"]?.listValue ?? []).first { $0["type"]?.stringValue == type }?["status"]?.stringValue
    }

    static func ready(_ pod: Value) -> Bool {
        condition(pod, "Ready") == "True" && condition(pod, "ContainersReady") == "True"
            && pod[path: "status.containerStatuses.0.ready"] == .bool(true)
    }

    static func podJSON(_ name: String, command: String, probes: String, ports: String = "[]") -> String {
        """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"\(name)"},"spec":{"terminationGracePeriodSeconds":1,\
        "containers":[{"name":"main","image":"busybox","command":["sh","-c",\(JSON.encode(.string(command)))],"ports":\(ports),\(probes)}]}}
        """
    }

    func events(_ f: KubeletFixture, _ pod: String) async -> [Value] {
        let list = await f.api.call(.GET, "/api/v1/namespaces/default/events")
        return (list.body["items"]?.listValue ?? []).filter { $0[path: "involvedObject.name"]?.stringValue == pod }
    }

    @Test("an exec readiness probe holds Ready at False until it passes, then Ready and ContainersReady turn True")
    func readinessFlips() async throws {
        try await KubeletFixture.with { f in
            await f.createBoundPod(Self.podJSON("flip", command: "sleep 2; touch /tmp/ready; sleep 3600", probes: """
                "readinessProbe":{"exec":{"command":["cat","/tmp/ready"]},"periodSeconds":1}
                """), name: "flip")
            let runningUnready = await f.podUntil("flip") { p in
                p[path: "status.phase"] == "Running" && Self.condition(p, "Ready") == "False"
                    && p[path: "status.containerStatuses.0.ready"] == .bool(false)
            }
            let early = await f.pod("flip").body["status"] ?? .null
            #expect(runningUnready, "\(JSON.encode(early))")
            let flipped = await f.podUntil("flip", Self.ready)
            let late = await f.pod("flip").body["status"] ?? .null
            #expect(flipped, "\(JSON.encode(late))")
            #expect(await f.pod("flip").body[path: "status.containerStatuses.0.restartCount"] == .int(0))
            let unhealthy = await events(f, "flip").filter { $0["reason"] == "Unhealthy" }
            #expect(unhealthy.first?["message"]?.stringValue?.hasPrefix("Readiness probe failed:") == true)
        }
    }

    @Test("a failing liveness probe kills the container; it restarts (restartCount 1) with Unhealthy and Killing events")
    func livenessRestarts() async throws {
        try await KubeletFixture.with { f in
            await f.createBoundPod(Self.podJSON("sick", command: "sleep 3600", probes: """
                "livenessProbe":{"exec":{"command":["sh","-c","echo not well; exit 1"]},"periodSeconds":1,"failureThreshold":2}
                """), name: "sick")
            let restarted = await f.podUntil("sick") { p in
                (p[path: "status.containerStatuses.0.restartCount"]?.intValue ?? 0) >= 1
            }
            let pod = await f.pod("sick").body
            #expect(restarted, "\(JSON.encode(pod["status"] ?? .null))")
            #expect(pod[path: "status.containerStatuses.0.lastState.terminated.exitCode"] == .int(137))
            let events = await events(f, "sick")
            let killing = events.first { $0["reason"] == "Killing" }
            #expect(killing?["message"] == "Container main failed liveness probe, will be restarted")
            let unhealthy = events.first { $0["reason"] == "Unhealthy" }
            #expect(unhealthy?["message"]?.stringValue?.contains("Liveness probe failed: not well") == true, "\(events)")
            #expect(unhealthy?["type"] == "Warning")
            #expect(unhealthy?[path: "involvedObject.fieldPath"] == "spec.containers{main}")
        }
    }

    @Test("httpGet against busybox httpd in the pod (named port, headers, 200 vs 404) and tcpSocket")
    func httpAndTCP() async throws {
        try await KubeletFixture.with { f in
            let httpd = "mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www"
            let ports = #"[{"name":"web","containerPort":8080}]"#
            await f.createBoundPod(Self.podJSON("web-ok", command: httpd, probes: """
                "readinessProbe":{"httpGet":{"path":"/index.html","port":"web","httpHeaders":[{"name":"X-Probe","value":"1"}]},"periodSeconds":1},\
                "livenessProbe":{"tcpSocket":{"port":8080},"periodSeconds":1}
                """, ports: ports), name: "web-ok")
            await f.createBoundPod(Self.podJSON("web-404", command: httpd, probes: """
                "readinessProbe":{"httpGet":{"path":"/missing","port":8080},"periodSeconds":1}
                """, ports: ports), name: "web-404")
            await f.createBoundPod(Self.podJSON("tcp-closed", command: "sleep 3600", probes: """
                "readinessProbe":{"tcpSocket":{"port":9999},"periodSeconds":1}
                """), name: "tcp-closed")
            let webReady = await f.podUntil("web-ok", Self.ready)
            let webStatus = await f.pod("web-ok").body["status"] ?? .null
            #expect(webReady, "\(JSON.encode(webStatus))")
            #expect(await eventually {
                await events(f, "web-404").contains { $0["message"] == "Readiness probe failed: HTTP probe failed with statuscode: 404" }
            })
            #expect(await eventually {
                await events(f, "tcp-closed").contains { $0["message"]?.stringValue?.contains("connection refused") == true }
            })
            #expect(!Self.ready(await f.pod("web-404").body))
            #expect(!Self.ready(await f.pod("tcp-closed").body))
            // The liveness tcpSocket probe passes all along.
            #expect(await f.pod("web-ok").body[path: "status.containerStatuses.0.restartCount"] == .int(0))
        }
    }

    @Test("a startup probe gates readiness: not started and not ready until it passes")
    func startupGates() async throws {
        try await KubeletFixture.with { f in
            await f.createBoundPod(Self.podJSON("slow", command: "sleep 2; touch /tmp/up; sleep 3600", probes: """
                "startupProbe":{"exec":{"command":["test","-f","/tmp/up"]},"periodSeconds":1,"failureThreshold":30},\
                "livenessProbe":{"exec":{"command":["test","-f","/tmp/up"]},"periodSeconds":1,"failureThreshold":1}
                """), name: "slow")
            let notStarted = await f.podUntil("slow") { p in
                p[path: "status.phase"] == "Running" && p[path: "status.containerStatuses.0.started"] == .bool(false)
                    && Self.condition(p, "Ready") == "False"
            }
            #expect(notStarted)
            #expect(await f.podUntil("slow") { p in Self.ready(p) && p[path: "status.containerStatuses.0.started"] == .bool(true) })
            // Liveness waited for startup, so its failures before /tmp/up existed never counted.
            #expect(await f.pod("slow").body[path: "status.containerStatuses.0.restartCount"] == .int(0))
        }
    }

    @Test("probe fields: defaults, ports by number, numeric string or name", arguments: [
        (#"{"tcpSocket":{"port":80}}"#, 80),
        (#"{"tcpSocket":{"port":"8080"}}"#, 8080),
        (#"{"tcpSocket":{"port":"web"}}"#, 9090),
        (#"{"tcpSocket":{"port":"nope"}}"#, nil),
        (#"{"tcpSocket":{"port":70000}}"#, nil),
    ] as [(String, Int?)])
    func ports(json: String, port: Int?) throws {
        let spec = try #require(ProbeSpec(try JSON.decodeKeepingIntegers(Array(json.utf8))))
        #expect(spec.period == 10 && spec.timeout == 1 && spec.failureThreshold == 3 && spec.successThreshold == 1 && spec.initialDelay == 0)
        guard case .tcp(_, let p) = spec.action else {
            Issue.record("not a tcp probe")
            return
        }
        let container = try JSON.decodeKeepingIntegers(Array(#"{"ports":[{"name":"web","containerPort":9090}]}"#.utf8))
        #expect(ProbeSpec.port(p, container: container) == port)
    }
}
