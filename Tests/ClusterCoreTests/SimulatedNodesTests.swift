import NIOHTTP1
import StructuredData
import Testing
@testable import ClusterCore

/// Simulated (kwok-like) nodes: registration with Leases, pods turned Running+Ready with an IP,
/// Job pods Succeeded, deleted pods removed.
@Suite struct SimulatedNodesTests {
    /// Runs `body` with two simulated nodes serving an in-process API.
    static func with(_ body: (TestAPI, StepClock) async throws -> Void) async throws {
        let clock = StepClock()
        let api = try await TestAPI.make(clock: clock)
        let nodes = SimulatedNodes(handler: api.handler, count: 2, heartbeatSeconds: 3600, clock: clock)
        let task = Task { try await nodes.run() }
        let outcome: Result<Void, any Error>
        do {
            try await body(api, clock)
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        task.cancel()
        _ = await task.result
        try outcome.get()
    }

    /// Waits on watch events of a collection until `check` holds for the object named `name`
    /// (or, with `check` nil, until it is deleted); false when 30 s of events pass without that.
    static func until(_ api: TestAPI, _ collection: String, _ name: String, _ check: ((Value) -> Bool)?) async -> Bool {
        let current = await api.call(.GET, collection + "/" + name)
        if current.code == 404 { if check == nil { return true } } else if let check, check(current.body) { return true }
        // From the object's own version when it exists, so a deletion right after the GET is still seen.
        let rv = current.code == 200 ? current.body[path: "metadata.resourceVersion"]?.stringValue ?? "0"
            : await api.call(.GET, collection).body[path: "metadata.resourceVersion"]?.stringValue ?? "0"
        guard let watch = await api.watch("\(collection)?watch=true&fieldSelector=metadata.name%3D\(name)&resourceVersion=\(rv)&timeoutSeconds=30") else {
            return false
        }
        while let (type, object) = await watch.next() {
            if type == "DELETED" { return check == nil }
            if let check, check(object) { return true }
        }
        return false
    }

    static func runningAndReady(_ pod: Value) -> Bool {
        pod[path: "status.phase"]?.stringValue == "Running" && pod.conditionStatus("Ready") == "True"
    }

    @Test func registersNodesAndRunsBoundPods() async throws {
        try await Self.with { api, _ in
            #expect(await Self.until(api, "/api/v1/nodes", "sim-node-2") { $0.conditionStatus("Ready") == "True" })
            let node = await api.call(.GET, "/api/v1/nodes/sim-node-1").body
            #expect(node[path: "status.allocatable.pods"]?.stringValue == "110" && node.labels["kubernetes.io/hostname"] == "sim-node-1")
            #expect(await Self.until(api, "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", "sim-node-2") {
                $0[path: "spec.renewTime"] != nil
            })
            let created = await api.call(.POST, "/api/v1/namespaces/default/pods", json: #"""
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"nodeName":"sim-node-1",
                 "containers":[{"name":"a","image":"nginx"},{"name":"b","image":"busybox"}]}}
                """#)
            #expect(created.code == 201)
            #expect(await Self.until(api, "/api/v1/namespaces/default/pods", "p", Self.runningAndReady))
            let p = await api.call(.GET, "/api/v1/namespaces/default/pods/p").body
            #expect(p[path: "status.podIP"]?.stringValue?.hasPrefix("10.244.1.") == true && p[path: "status.hostIP"] != nil)
            let statuses = p[path: "status.containerStatuses"]?.listValue ?? []
            #expect(statuses.count == 2 && statuses.allSatisfy { $0["ready"] == .bool(true) && $0[path: "state.running"] != nil })
            // Graceful deletion completes at once.
            #expect(await api.call(.DELETE, "/api/v1/namespaces/default/pods/p").code == 200)
            #expect(await Self.until(api, "/api/v1/namespaces/default/pods", "p", nil))
        }
    }

    @Test func scheduledWorkloadsReachTheirReadyState() async throws {
        try await Self.with { api, _ in
            #expect(await Self.until(api, "/api/v1/nodes", "sim-node-2") { $0.conditionStatus("Ready") == "True" })
            #expect(await api.call(.POST, "/apis/batch/v1/namespaces/default/jobs", json: #"""
                {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"once"},"spec":{"template":{"spec":{"restartPolicy":"Never",
                 "containers":[{"name":"t","image":"busybox"}]}}}}
                """#).code == 201)
            #expect(await api.call(.POST, "/apis/apps/v1/namespaces/default/daemonsets", json: #"""
                {"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"agent"},"spec":{"selector":{"matchLabels":{"app":"agent"}},
                 "template":{"metadata":{"labels":{"app":"agent"}},"spec":{"containers":[{"name":"c","image":"busybox"}]}}}}
                """#).code == 201)
            // Controller passes interleaved with the agent's writes, until both settle (bounded).
            var done = false
            for _ in 0..<60 where !done {
                await Reconciler(handler: api.handler).pass()
                let job = await api.call(.GET, "/apis/batch/v1/namespaces/default/jobs/once").body
                let ds = await api.call(.GET, "/apis/apps/v1/namespaces/default/daemonsets/agent").body
                done = job.conditionStatus("Complete") == "True" && ds.int("status.numberReady") == 2
                if !done {
                    // Wait for the agent to write something before the next pass.
                    let pods = await api.call(.GET, "/api/v1/namespaces/default/pods").body
                    let rv = pods[path: "metadata.resourceVersion"]?.stringValue ?? "0"
                    if let w = await api.watch("/api/v1/namespaces/default/pods?watch=true&resourceVersion=\(rv)&timeoutSeconds=2") {
                        _ = await w.next()
                    }
                }
            }
            #expect(done)
        }
    }

    @Test func statusIsWhatAKubeletPublishes() {
        let pod: Value = .map(["metadata": .map(["uid": "u1", "name": "p"]), "spec": .map(["containers": .list([.map(["name": "c", "image": "x"])])])])
        let s = SimulatedNodes.status(pod, nodeIndex: 3, now: 1_795_000_000)
        let types = (s["conditions"]?.listValue ?? []).compactMap { $0["type"]?.stringValue }
        #expect(types == ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"])
        #expect(s["phase"]?.stringValue == "Running" && s["podIP"]?.stringValue?.hasPrefix("10.244.3.") == true)
        #expect(s["qosClass"]?.stringValue == "BestEffort" && s["startTime"]?.stringValue == Timestamps.rfc3339(1_795_000_000))
        #expect(s == SimulatedNodes.status(pod, nodeIndex: 3, now: 1_795_000_000))
    }
}
