import NIOPosix
import NIOConcurrencyHelpers
import NIOHTTP1
import StructuredData

/// Re-adoption (kstate): a kubelet that starts on a node whose containers still run (it was
/// restarted, or its process died) takes them over instead of starting them again — as Kubernetes'
/// kubelet does with the CRI's containers. The keys come from the OCI annotations each container is
/// created with; the rest of the pod's state comes from the status the earlier kubelet published.
extension Kubelet {
    enum AdoptionKey {
        static let podUID = "io.kubernetes.pod.uid"
        static let podName = "io.kubernetes.pod.name"
        static let podNamespace = "io.kubernetes.pod.namespace"
        static let container = "io.kubernetes.container.name"
        static let restartCount = "io.kubernetes.container.restartCount"
        static let isInit = "helmctl.io/init-container"
        static let startedAt = "helmctl.io/started-at"
    }

    /// The annotations container `c` of `record` is created with (its restart count already counted).
    func adoptionAnnotations(_ record: PodRecord, _ c: ContainerRecord, now: Int64) -> [String: String] {
        [AdoptionKey.podUID: record.uid, AdoptionKey.podName: record.name, AdoptionKey.podNamespace: record.namespace,
         AdoptionKey.container: c.name, AdoptionKey.restartCount: String(c.restartCount),
         AdoptionKey.isInit: c.isInit ? "true" : "false", AdoptionKey.startedAt: String(now)]
    }

    /// Takes over the containers an earlier kubelet of this node left whose pods still exist here,
    /// seeding their records (same ids, restart counts, start times); removes every other container
    /// (its pod is gone). Returns the UIDs of the pods kept, whose sandboxes and volumes must stay.
    func adoptContainers() async -> Set<String> {
        let found = await runtime.adoptable()
        let everything = (try? await runtime.list()) ?? []
        let listed = await api.call(.GET, "/api/v1/pods")
        var pods: [String: Value] = [:]
        if listed.ok {
            for pod in listed.body["items"]?.listValue ?? [] where pod["spec"]?["nodeName"]?.stringValue == nodeName {
                if let uid = pod.metaString("uid") { pods[uid] = pod }
            }
        }
        var byPod: [String: [AdoptableContainer]] = [:]
        for c in found {
            guard let uid = c.annotations[AdoptionKey.podUID], pods[uid] != nil, c.annotations[AdoptionKey.container] != nil,
                  Int(c.annotations[AdoptionKey.restartCount] ?? "") != nil
            else { continue }
            byPod[uid, default: []].append(c)
        }
        // (podnet) A pod keeps its containers only while its network namespace is still there.
        var sandboxes: [String: PodSandbox] = [:]
        if let network {
            let wanted = byPod.keys.compactMap { uid -> (String, String, String)? in
                guard let pod = pods[uid], pod["spec"]?["hostNetwork"] != .bool(true),
                      let ip = pod["status"]?["podIP"]?.stringValue else { return nil }
                return (uid, ip, Self.hostname(pod))
            }
            sandboxes = await network.adoptSandboxes(wanted)
        }
        var kept: [String: PodRecord] = [:]
        for (uid, containers) in byPod {
            guard let pod = pods[uid] else { continue }
            let hostNetwork = pod["spec"]?["hostNetwork"] == .bool(true)
            if network != nil, !hostNetwork, sandboxes[uid] == nil { continue }
            var record = newRecord(pod, uid: uid)
            record.hostNetwork = hostNetwork && network != nil
            if record.hostNetwork { record.podIP = PodStatusBuilder.hostIP }
            if let sandbox = sandboxes[uid] {
                record.sandbox = sandbox
                record.podIP = sandbox.ip
            }
            Self.seed(&record, from: pod["status"] ?? .map([:]))
            for i in record.containers.indices {
                let name = record.containers[i].name
                let isInit = record.containers[i].isInit
                // The newest attempt of this container (older ones were removed when it restarted).
                let mine = containers.filter {
                    $0.annotations[AdoptionKey.container] == name && ($0.annotations[AdoptionKey.isInit] == "true") == isInit
                }
                guard let c = mine.max(by: { Int($0.annotations[AdoptionKey.restartCount] ?? "") ?? 0 < Int($1.annotations[AdoptionKey.restartCount] ?? "") ?? 0 })
                else { continue }
                let started = Int64(c.annotations[AdoptionKey.startedAt] ?? "") ?? clock.now()
                record.containers[i].id = c.id
                record.containers[i].restartCount = Int(c.annotations[AdoptionKey.restartCount] ?? "") ?? 0
                switch await runtime.adopt(c) {
                case .running:
                    record.containers[i].state = .running(startedAt: started)
                    // Probes start over; a container that was ready stays so until they say otherwise.
                    let was = Self.publishedStatus(pod, name: name, isInit: isInit)
                    record.containers[i].probes = ProbeTrack(containerID: c.id, ready: was?["ready"] == .bool(true),
                                                             started: was?["started"] != .bool(false))
                case .exited(let code):
                    record.containers[i].state = .terminated(exitCode: code, reason: code == 0 ? "Completed" : "Error",
                                                             startedAt: started, finishedAt: clock.now(), id: c.id)
                default:
                    record.containers[i].id = nil
                }
            }
            kept[uid] = record
        }
        // Everything not taken over goes: containers of deleted pods, older attempts, bundles without state.
        let adoptedIDs = Set(kept.values.flatMap { $0.containers.compactMap(\.id) })
        let previousIDs = Set(kept.values.flatMap { $0.containers.compactMap(\.previousID) })
        for id in Set(everything + found.map(\.id)) where !adoptedIDs.contains(id) {
            try? await runtime.delete(id)
            if !previousIDs.contains(id) { await runtime.removeLog(id) }
        }
        records.withLockedValue { r in for (uid, record) in kept { r[uid] = record } }
        return Set(kept.keys)
    }

    /// What the earlier kubelet published and the containers cannot tell: start time, condition
    /// transition times, each container's last termination.
    static func seed(_ record: inout PodRecord, from status: Value) {
        if let start = status["startTime"]?.stringValue.flatMap(Timestamps.parse) { record.startTime = start }
        for condition in status["conditions"]?.listValue ?? [] {
            guard let type = condition["type"]?.stringValue, let s = condition["status"]?.stringValue,
                  let at = condition["lastTransitionTime"]?.stringValue.flatMap(Timestamps.parse) else { continue }
            record.conditions[type] = (s, at)
        }
        let statuses = (status["containerStatuses"]?.listValue ?? []) + (status["initContainerStatuses"]?.listValue ?? [])
        for i in record.containers.indices {
            guard let s = statuses.first(where: { $0["name"]?.stringValue == record.containers[i].name }),
                  let t = s["lastState"]?["terminated"] else { continue }
            let time = { (key: String) in t[key]?.stringValue.flatMap(Timestamps.parse) ?? 0 }
            let id = t["containerID"]?.stringValue.map { String($0.dropFirst("runc://".count)) } ?? ""
            record.containers[i].lastState = .terminated(exitCode: Int32(clamping: t["exitCode"]?.intValue ?? 0),
                                                         reason: t["reason"]?.stringValue ?? "Error",
                                                         startedAt: time("startedAt"), finishedAt: time("finishedAt"), id: id)
        }
    }

    static func publishedStatus(_ pod: Value, name: String, isInit: Bool) -> Value? {
        let statuses = pod["status"]?[isInit ? "initContainerStatuses" : "containerStatuses"]?.listValue ?? []
        return statuses.first { $0["name"]?.stringValue == name }
    }
}

extension ContainerRecord {
    /// The runtime id of the attempt before the current one (its log is the `previous` log).
    var previousID: String? {
        if case .terminated(_, _, _, _, let id)? = lastState, !id.isEmpty { return id }
        return nil
    }
}

extension Kubelet {
    /// Makes stopping this kubelet leave its containers, sandboxes and volumes as they are (a restart:
    /// the next kubelet of the node re-adopts them). Call before cancelling its task.
    public func leaveContainersRunning() { keepsContainers.withLockedValue { $0 = true } }
}

extension Kubelet {
    /// Removes pod directories an earlier run left, except those of the pods kept (re-adopted).
    func removeStaleVolumes(keeping pods: Set<String>) async {
        guard let root = podsRoot else { return }
        guard !pods.isEmpty else { return await removeStaleVolumes() }
        let entries = (try? await RuntimeThreads.pool.runIfActive { FileTree.entries(root) }) ?? []
        for uid in entries where !pods.contains(uid) { await Self.unmountAndRemove(root + "/" + uid) }
    }
}
