import ClusterStore
import NIOConcurrencyHelpers
import NIOHTTP1
public import ServiceLifecycle
import StructuredData

/// Nodes without containers, as kwok fakes them: registers `count` Nodes (`sim-node-1`…) whose
/// "kubelet" is one in-process agent. It marks every pod bound to one of them Running and Ready
/// (conditions, a pod IP from the node's fake CIDR `10.244.<n>.0/24`, running containerStatuses),
/// Job-owned pods Succeeded instead, removes pods once they are deleted (grace 0), and renews each
/// node's Lease in `kube-node-lease`. For controller tests and control-plane scale benchmarks.
public final class SimulatedNodes: Service, Sendable {
    let api: KubeletAPI
    let count: Int
    let clock: any APIClock
    let heartbeatSeconds: Int64
    /// Pod status writes in flight at once (the API serialises per key anyway).
    let parallelism = 16
    /// Pods already reported by uid → the status phase written, so events for our own writes are skipped.
    private let reported = NIOLockedValueBox<[String: String]>([:])

    init(handler: APIHandler, count: Int, heartbeatSeconds: Int64 = 10, clock: any APIClock = SystemAPIClock()) {
        self.api = KubeletAPI(handler: handler, user: "system:node:sim")
        self.count = max(0, count)
        self.clock = clock
        self.heartbeatSeconds = heartbeatSeconds
    }

    /// Simulates `count` nodes against `server`'s API.
    public convenience init(server: APIServer, count: Int) {
        self.init(handler: server.handler, count: count)
    }

    public static func nodeName(_ i: Int) -> String { "sim-node-\(i)" }

    var names: [String] { count > 0 ? (1...count).map(Self.nodeName) : [] }

    public func run() async throws {
        for (i, name) in names.enumerated() { await register(name, index: i + 1) }
        let nodes = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($0.element, $0.offset + 1) })
        let beats = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(self.heartbeatSeconds))
                if Task.isCancelled { break }
                for name in self.names { await self.renewLease(name) }
            }
        }
        await cancelWhenGracefulShutdown {
            await self.followPods(nodes: nodes)
        }
        beats.cancel()
    }

    /// Lists the pods, then watches them; each bound pod of ours is brought to its simulated state by
    /// up to `parallelism` concurrent writers (the watch keeps reading meanwhile).
    func followPods(nodes: [String: Int]) async {
        let (work, queue) = AsyncStream<Value>.makeStream()
        let watcher = Task {
            let store = self.api.handler.store
            let prefix = ObjectKeys.prefix(group: "", plural: "pods")
            var from: Int64 = 0
            if let list = try? await store.list(prefix: prefix, after: nil, limit: 0, revision: 0) {
                from = list.revision
                for kv in list.items { if let pod = ObjectCodec.decode(kv), self.isOurs(pod, nodes) { queue.yield(pod) } }
            }
            while !Task.isCancelled {
                do {
                    for try await event in try await store.watch(prefix: prefix, afterRevision: from) {
                        from = event.revision
                        guard let pod = ObjectCodec.decode(event.kv) else { continue }
                        if event.kind == .deleted {
                            _ = self.reported.withLockedValue { $0.removeValue(forKey: pod.uid) }
                        } else if self.isOurs(pod, nodes) {
                            queue.yield(pod)
                        }
                    }
                } catch {
                    try? await Task.sleep(for: .milliseconds(200))
                    from = (try? await store.currentRevision()) ?? from
                }
            }
            queue.finish()
        }
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for await pod in work {
                if running >= parallelism {
                    await group.next()
                    running -= 1
                }
                let index = nodes[pod["spec"]?["nodeName"]?.stringValue ?? ""] ?? 0
                group.addTask { if self.needsWork(pod) { await self.sync(pod, nodeIndex: index) } }
                running += 1
            }
        }
        watcher.cancel()
    }

    func isOurs(_ pod: Value, _ nodes: [String: Int]) -> Bool {
        guard let node = pod["spec"]?["nodeName"]?.stringValue, nodes[node] != nil else { return false }
        return needsWork(pod)
    }

    /// Whether the pod is not yet in its simulated state (or is being deleted).
    func needsWork(_ pod: Value) -> Bool {
        if pod.isBeingDeleted { return true }
        let phase = Workload.phase(pod)
        if phase == "Succeeded" || phase == "Failed" { return false }
        let want = Self.isJobPod(pod) ? "Succeeded" : "Running"
        if reported.withLockedValue({ $0[pod.uid] }) == want { return false }
        return !(phase == want && (want != "Running" || Workload.isReady(pod)))
    }

    static func isJobPod(_ pod: Value) -> Bool {
        (pod.meta("ownerReferences")?.listValue ?? []).contains { $0["kind"]?.stringValue == "Job" && $0["controller"] == .bool(true) }
    }

    func sync(_ pod: Value, nodeIndex: Int) async {
        let path = KubeletAPI.podPath(pod.namespace ?? "default", pod.name)
        if pod.isBeingDeleted {
            let options: Value = .map(["kind": "DeleteOptions", "apiVersion": "v1", "gracePeriodSeconds": 0,
                                       "preconditions": .map(["uid": .string(pod.uid)])])
            _ = await api.call(.DELETE, path, options)
            return
        }
        let status = Self.status(pod, nodeIndex: nodeIndex, now: clock.now())
        let reply = await api.call(.PATCH, path + "/status", .map(["status": status]), contentType: "application/merge-patch+json")
        if reply.ok { reported.withLockedValue { $0[pod.uid] = status["phase"]?.stringValue ?? "" } }
    }

    /// The status a kubelet would publish for a pod whose containers all started (or, for Job pods, all exited 0).
    static func status(_ pod: Value, nodeIndex: Int, now: Int64) -> Value {
        let time = Value.string(Timestamps.rfc3339(now))
        let done = isJobPod(pod)
        let host = "10.250.\(nodeIndex / 250).\(nodeIndex % 250 + 1)"
        // A stable fake address per pod inside the node's /24.
        var h: UInt32 = 2_166_136_261
        for b in pod.uid.utf8 { h = (h ^ UInt32(b)) &* 16_777_619 }
        let ip = "10.244.\(nodeIndex % 256).\(h % 253 + 2)"
        func condition(_ type: String, _ ok: Bool) -> Value {
            var c: [String: Value] = ["type": .string(type), "status": .string(ok ? "True" : "False"), "lastProbeTime": .null,
                                      "lastTransitionTime": time]
            if !ok { c["reason"] = "PodCompleted" }
            return .map(c)
        }
        let containers = (pod["spec"]?["containers"]?.listValue ?? []).map { c -> Value in
            let name = c["name"]?.stringValue ?? ""
            let state: Value = done
                ? .map(["terminated": .map(["exitCode": 0, "reason": "Completed", "startedAt": time, "finishedAt": time,
                                            "containerID": .string("simulated://\(pod.uid)-\(name)")])])
                : .map(["running": .map(["startedAt": time])])
            return .map(["name": .string(name), "image": c["image"] ?? "", "imageID": .string("simulated://" + (c["image"]?.stringValue ?? "")),
                         "containerID": .string("simulated://\(pod.uid)-\(name)"), "ready": .bool(!done), "started": .bool(!done),
                         "restartCount": 0, "state": state, "lastState": .map([:])])
        }
        var status: [String: Value] = [
            "phase": .string(done ? "Succeeded" : "Running"),
            "conditions": .list([condition("PodReadyToStartContainers", !done), condition("Initialized", true), condition("Ready", !done),
                                 condition("ContainersReady", !done), condition("PodScheduled", true)]),
            "hostIP": .string(host), "hostIPs": .list([.map(["ip": .string(host)])]),
            "podIP": .string(ip), "podIPs": .list([.map(["ip": .string(ip)])]),
            "startTime": pod["status"]?["startTime"] ?? time,
            "qosClass": .string(pod["status"]?["qosClass"]?.stringValue ?? PodStatusBuilder.qosClass(pod["spec"] ?? .map([:]))),
            "containerStatuses": .list(containers),
        ]
        if let inits = pod["spec"]?["initContainers"]?.listValue, !inits.isEmpty {
            status["initContainerStatuses"] = .list(inits.map { c in
                .map(["name": c["name"] ?? "", "image": c["image"] ?? "", "imageID": "", "ready": true, "started": false, "restartCount": 0,
                      "state": .map(["terminated": .map(["exitCode": 0, "reason": "Completed", "startedAt": time, "finishedAt": time])]),
                      "lastState": .map([:])])
            })
        }
        return .map(status)
    }

    // MARK: nodes

    func register(_ name: String, index: Int) async {
        let now = clock.now()
        let node = Self.nodeObject(name, index: index, now: now)
        let created = await api.call(.POST, "/api/v1/nodes", node)
        if created.ok || created.code == 409 {
            var current = await api.call(.GET, "/api/v1/nodes/\(name)").body
            current.setField("status", node["status"])
            current.setMeta("resourceVersion", nil)
            _ = await api.call(.PUT, "/api/v1/nodes/\(name)/status", current)
        }
        await renewLease(name)
    }

    func renewLease(_ name: String) async { await api.renewLease(node: name, now: clock.now()) }

    static func nodeObject(_ name: String, index: Int, now: Int64) -> Value {
        let resources: Value = .map(["cpu": "32", "memory": "256Gi", "pods": "110", "ephemeral-storage": "1Ti"])
        let host = "10.250.\(index / 250).\(index % 250 + 1)"
        return .map([
            "apiVersion": "v1", "kind": "Node",
            "metadata": .map(["name": .string(name), "labels": .map([
                "kubernetes.io/hostname": .string(name), "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
                "beta.kubernetes.io/os": "linux", "beta.kubernetes.io/arch": "amd64", "node.helmctl.io/simulated": "true",
            ]), "annotations": .map(["node.alpha.kubernetes.io/ttl": "0"])]),
            "spec": .map(["podCIDR": .string("10.244.\(index % 256).0/24"), "podCIDRs": .list([.string("10.244.\(index % 256).0/24")])]),
            "status": .map([
                "capacity": resources, "allocatable": resources,
                "conditions": Kubelet.healthyConditions(heartbeat: now, since: now),
                "addresses": .list([.map(["type": "InternalIP", "address": .string(host)]), .map(["type": "Hostname", "address": .string(name)])]),
                "daemonEndpoints": .map(["kubeletEndpoint": .map(["Port": 0])]),
                "nodeInfo": .map([
                    "machineID": .string(name), "systemUUID": .string(name), "bootID": "", "kernelVersion": "simulated",
                    "osImage": "helmctl simulated node", "containerRuntimeVersion": "simulated://1.0",
                    "kubeletVersion": "v1.32.0-helmctl-sim", "kubeProxyVersion": "", "operatingSystem": "linux", "architecture": "amd64",
                ]),
            ]),
        ])
    }
}
