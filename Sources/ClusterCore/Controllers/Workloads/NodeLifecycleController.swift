import ClusterAPI
import StructuredData

/// The node lifecycle controller (`pkg/controller/nodelifecycle`) with taint-based eviction: a node
/// whose kubelet has not renewed its Lease (nor posted status) for `gracePeriod` seconds gets every
/// condition `Unknown` (`NodeStatusUnknown`, "Kubelet stopped posting node status."), its pods
/// marked not Ready, and the `node.kubernetes.io/unreachable` taints (NoSchedule and NoExecute; a
/// node reporting Ready=False gets the `not-ready` ones); pods on a NoExecute-tainted node are
/// deleted once their toleration runs out (`tolerationSeconds`; 300 s when the pod has no such
/// toleration, as DefaultTolerationSeconds admission gives every pod; never for a toleration
/// without seconds; immediately for a pod that does not tolerate the taint at all).
enum NodeLifecycleController {
    /// `--node-monitor-grace-period`.
    static let gracePeriod: Int64 = 40
    static let defaultTolerationSeconds: Int64 = 300
    static let unreachable = "node.kubernetes.io/unreachable"
    static let notReady = "node.kubernetes.io/not-ready"

    /// The latest sign of life: the Lease's renewTime or the Ready condition's heartbeat.
    static func lastHeartbeat(_ node: Value, lease: Value?) -> Int64? {
        let renew = lease?["spec"]?["renewTime"]?.stringValue.flatMap(Timestamps.parse)
        let posted = Workload.condition(node, "Ready")?["lastHeartbeatTime"]?.stringValue.flatMap(Timestamps.parse)
        return [renew, posted].compactMap { $0 }.max()
    }

    static func reconcile(_ view: WorkloadView) -> [WorkloadAction] {
        let nodes = view.of("", "nodes")
        guard !nodes.isEmpty else { return [] }
        var leases: [String: Value] = [:]
        for l in view.of("coordination.k8s.io", "leases", in: "kube-node-lease") { leases[l.object.name] = l.object }
        var podsByNode: [String: [Reconciler.Stored]] = [:]
        for p in view.of("", "pods") {
            if let n = p.object["spec"]?["nodeName"]?.stringValue, !n.isEmpty { podsByNode[n, default: []].append(p) }
        }
        var actions: [WorkloadAction] = []
        let time = Timestamps.rfc3339(view.now)
        for n in nodes where !n.object.isBeingDeleted {
            var node = n.object
            var ready = Workload.condition(node, "Ready")?["status"]?.stringValue
            // A node that has never posted Ready is left to its kubelet (registration in progress).
            guard ready != nil else { continue }
            if ready != "Unknown", let beat = lastHeartbeat(node, lease: leases[node.name]), view.now - beat > gracePeriod {
                var conditions = node["status"]?["conditions"]?.listValue ?? []
                conditions = conditions.map { c in
                    guard var m = c.mapValue, m["status"]?.stringValue != "Unknown" else { return c }
                    m["status"] = "Unknown"
                    m["reason"] = "NodeStatusUnknown"
                    m["message"] = "Kubelet stopped posting node status."
                    m["lastTransitionTime"] = .string(time)
                    return .map(m)
                }
                var status = node["status"] ?? .map([:])
                status.setField("conditions", .list(conditions))
                actions.append(.status(n, status))
                actions.append(.event(n, warning: false, reason: "NodeNotReady", message: "Node \(node.name) status is now: NodeNotReady",
                                      component: "node-controller"))
                node.setField("status", status)
                ready = "Unknown"
                for p in podsByNode[node.name] ?? [] where Workload.isReady(p.object) {
                    actions.append(markNotReady(p, time: time))
                }
            }
            // Taints follow the Ready condition.
            let wantedKey: String? = ready == "Unknown" ? unreachable : (ready == "False" ? notReady : nil)
            let taints = node["spec"]?["taints"]?.listValue ?? []
            var next = taints.filter { t in
                let key = t["key"]?.stringValue ?? ""
                return (key != unreachable && key != notReady) || key == wantedKey
            }
            if let wantedKey {
                for effect in ["NoSchedule", "NoExecute"] where !next.contains(where: { $0["key"]?.stringValue == wantedKey && $0["effect"]?.stringValue == effect }) {
                    var t: [String: Value] = ["key": .string(wantedKey), "effect": .string(effect)]
                    if effect == "NoExecute" { t["timeAdded"] = .string(time) }
                    next.append(.map(t))
                }
            }
            if next != taints {
                let finalTaints = next
                actions.append(.update(n) { o in o.set(path: ["spec", "taints"], to: finalTaints.isEmpty ? Value?.none : .list(finalTaints)) })
            }
            // Eviction by NoExecute taints.
            let noExecute = next.filter { $0["effect"]?.stringValue == "NoExecute" }
            guard !noExecute.isEmpty else { continue }
            for p in podsByNode[node.name] ?? [] where !p.object.isBeingDeleted {
                if let due = evictionTime(p.object, taints: noExecute, now: view.now), due <= view.now {
                    actions.append(.delete(p))
                    actions.append(.event(p, warning: false, reason: "TaintManagerEviction",
                                          message: "Marking for deletion Pod \(p.namespace ?? "")/\(p.object.name)", component: "taint-eviction-controller"))
                }
            }
        }
        return actions
    }

    /// When the pod must go under these NoExecute taints; nil = it tolerates them forever.
    static func evictionTime(_ pod: Value, taints: [Value], now: Int64) -> Int64? {
        var due: Int64?
        for taint in taints {
            let key = taint["key"]?.stringValue ?? "", value = taint["value"]?.stringValue ?? ""
            let added = taint["timeAdded"]?.stringValue.flatMap(Timestamps.parse) ?? now
            let matching = (pod["spec"]?["tolerations"]?.listValue ?? []).filter { t in
                Scheduler.tolerates(.map(["spec": .map(["tolerations": .list([t])])]), key: key, value: value, effect: "NoExecute")
            }
            let seconds: Int64?
            if matching.isEmpty {
                seconds = key == unreachable || key == notReady ? defaultTolerationSeconds : 0
            } else if matching.contains(where: { $0["tolerationSeconds"] == nil || $0["tolerationSeconds"]?.isNull == true }) {
                seconds = nil
            } else {
                seconds = matching.compactMap { $0["tolerationSeconds"]?.intValue }.min().map { max(0, $0) } ?? 0
            }
            if let seconds { due = min(due ?? Int64.max, added.addingSaturating(seconds)) }
        }
        return due
    }

    static func markNotReady(_ pod: Reconciler.Stored, time: String) -> WorkloadAction {
        var status = pod.object["status"] ?? .map([:])
        let conditions = (status["conditions"]?.listValue ?? []).map { c -> Value in
            guard var m = c.mapValue, m["type"]?.stringValue == "Ready" else { return c }
            m["status"] = "False"
            m["lastTransitionTime"] = .string(time)
            return .map(m)
        }
        status.setField("conditions", .list(conditions))
        return .status(pod, status)
    }

    /// Seconds until a node goes stale or a tainted pod's toleration runs out.
    static func requeueAfter(_ view: WorkloadView) -> Int64? {
        var leases: [String: Value] = [:]
        for l in view.of("coordination.k8s.io", "leases", in: "kube-node-lease") { leases[l.object.name] = l.object }
        var waits: [Int64] = []
        var tainted: [String: [Value]] = [:]
        for n in view.of("", "nodes") {
            let ready = Workload.condition(n.object, "Ready")?["status"]?.stringValue
            if let ready, ready != "Unknown", let beat = lastHeartbeat(n.object, lease: leases[n.object.name]) {
                waits.append(max(1, beat + gracePeriod + 1 - view.now))
            }
            let noExecute = (n.object["spec"]?["taints"]?.listValue ?? []).filter { $0["effect"]?.stringValue == "NoExecute" }
            if !noExecute.isEmpty { tainted[n.object.name] = noExecute }
        }
        if !tainted.isEmpty {
            for p in view.of("", "pods") where !p.object.isBeingDeleted {
                guard let node = p.object["spec"]?["nodeName"]?.stringValue, let taints = tainted[node],
                      let due = evictionTime(p.object, taints: taints, now: view.now), due > view.now
                else { continue }
                waits.append(due - view.now)
            }
        }
        return waits.min()
    }
}
