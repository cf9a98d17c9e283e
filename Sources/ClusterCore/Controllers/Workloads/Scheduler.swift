import ClusterAPI
import StructuredData

/// The default scheduler, reduced to its filters: a pending pod without `spec.nodeName` goes to a
/// Ready, schedulable node whose labels match its `nodeSelector`, whose NoSchedule/NoExecute taints it
/// tolerates, and whose allocatable cpu/memory/pods cover the requests of the pods already there plus
/// its own; among those, the least requested (by cpu then memory), then by name. Binding goes
/// through `pods/binding`; a pod nothing fits gets `PodScheduled=False` with reason `Unschedulable`
/// and the scheduler's "0/N nodes are available" message.
enum Scheduler {
    struct Usage {
        var cpu: Int64 = 0
        var memory: Int64 = 0
        var pods: Int64 = 0

        /// Adds a pod's requests, saturating (hostile quantities must not trap).
        mutating func add(_ other: Usage) {
            cpu = cpu.addingSaturating(other.cpu)
            memory = memory.addingSaturating(other.memory)
            pods = pods.addingSaturating(1)
        }
    }

    static func reconcile(_ view: WorkloadView) -> [WorkloadAction] {
        let nodes = view.of("", "nodes").filter { !$0.object.isBeingDeleted }.sorted { $0.object.name < $1.object.name }
        var usage: [String: Usage] = [:]
        var pending: [Reconciler.Stored] = []
        for pod in view.of("", "pods") {
            let o = pod.object
            let node = o["spec"]?["nodeName"]?.stringValue ?? ""
            if !node.isEmpty {
                guard Workload.phase(o) != "Succeeded" && Workload.phase(o) != "Failed" else { continue }
                usage[node, default: Usage()].add(requests(o))
            } else if !o.isBeingDeleted, ["Pending", ""].contains(Workload.phase(o)),
                      (o["spec"]?["schedulerName"]?.stringValue ?? "default-scheduler") == "default-scheduler"
            {
                pending.append(pod)
            }
        }
        pending.sort { ($0.object.metaString("creationTimestamp") ?? "", $0.object.name) < ($1.object.metaString("creationTimestamp") ?? "", $1.object.name) }
        var actions: [WorkloadAction] = []
        for pod in pending {
            let want = requests(pod.object)
            var reasons: [String: Int] = [:]
            var fits: [(String, Usage, Usage)] = []
            for node in nodes {
                if let reason = filter(pod.object, node: node.object, used: usage[node.object.name] ?? Usage(), want: want) {
                    for r in reason { reasons[r, default: 0] += 1 }
                } else {
                    fits.append((node.object.name, usage[node.object.name] ?? Usage(), allocatable(node.object)))
                }
            }
            if let best = fits.min(by: { score($0.1, $0.2) < score($1.1, $1.2) || (score($0.1, $0.2) == score($1.1, $1.2) && $0.0 < $1.0) }) {
                usage[best.0, default: Usage()].add(want)
                actions.append(.bind(pod, node: best.0))
                actions.append(.event(pod, warning: false, reason: "Scheduled",
                                      message: "Successfully assigned \(pod.namespace ?? "")/\(pod.object.name) to \(best.0)",
                                      component: "default-scheduler"))
                continue
            }
            let message = nodes.isEmpty ? "no nodes available to schedule pods"
                : "0/\(nodes.count) nodes are available: "
                + reasons.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
                + ". preemption: 0/\(nodes.count) nodes are available: \(nodes.count) Preemption is not helpful for scheduling."
            let current = Workload.condition(pod.object, "PodScheduled")
            if current?["status"]?.stringValue == "False" && current?["reason"]?.stringValue == "Unschedulable"
                && current?["message"]?.stringValue == message { continue }
            let time = Timestamps.rfc3339(view.now)
            var status = pod.object["status"] ?? .map([:])
            let conditions = Workload.setting(status["conditions"]?.listValue ?? [], .map([
                "type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": .string(message),
                "lastProbeTime": .null, "lastTransitionTime": .string(time),
            ]))
            status.setField("conditions", .list(conditions))
            actions.append(.status(pod, status))
            actions.append(.event(pod, warning: true, reason: "FailedScheduling", message: message, component: "default-scheduler"))
        }
        return actions
    }

    /// Lower is better: the larger of the cpu and memory fractions in use after placement (per mille).
    static func score(_ used: Usage, _ alloc: Usage) -> Int64 {
        func frac(_ u: Int64, _ a: Int64) -> Int64 { a > 0 ? Int64(min(Double(u) * 1000 / Double(a), 1e15)) : 1000 }
        return max(frac(used.cpu, alloc.cpu), frac(used.memory, alloc.memory))
    }

    /// The failure reasons (scheduler wording) of a node for a pod; nil when it fits. The first
    /// failing filter wins, in the default profile's order: NodeUnschedulable, TaintToleration,
    /// NodeAffinity, NodeResourcesFit.
    static func filter(_ pod: Value, node: Value, used: Usage, want: Usage) -> [String]? {
        if node["spec"]?["unschedulable"] == .bool(true) && !tolerates(pod, key: "node.kubernetes.io/unschedulable", value: "", effect: "NoSchedule") {
            return ["node(s) were unschedulable"]
        }
        let ready = Workload.condition(node, "Ready")?["status"]?.stringValue == "True"
        if !ready && !tolerates(pod, key: "node.kubernetes.io/not-ready", value: "", effect: "NoSchedule") {
            return ["node(s) had untolerated taint {node.kubernetes.io/not-ready: }"]
        }
        for taint in node["spec"]?["taints"]?.listValue ?? [] {
            let effect = taint["effect"]?.stringValue ?? ""
            guard effect == "NoSchedule" || effect == "NoExecute" else { continue }
            let key = taint["key"]?.stringValue ?? "", value = taint["value"]?.stringValue ?? ""
            if !tolerates(pod, key: key, value: value, effect: effect) { return ["node(s) had untolerated taint {\(key): \(value)}"] }
        }
        if case .map(let selector)? = pod["spec"]?["nodeSelector"] {
            let labels = node.labels
            if !selector.allSatisfy({ labels[$0.key] == $0.value.stringValue }) { return ["node(s) didn't match Pod's node affinity/selector"] }
        }
        let alloc = allocatable(node)
        var reasons: [String] = []
        if used.pods.addingSaturating(1) > alloc.pods { reasons.append("Too many pods") }
        if want.cpu > 0 && used.cpu.addingSaturating(want.cpu) > alloc.cpu { reasons.append("Insufficient cpu") }
        if want.memory > 0 && used.memory.addingSaturating(want.memory) > alloc.memory { reasons.append("Insufficient memory") }
        return reasons.isEmpty ? nil : reasons
    }

    /// `v1.Toleration.ToleratesTaint`.
    static func tolerates(_ pod: Value, key: String, value: String, effect: String) -> Bool {
        (pod["spec"]?["tolerations"]?.listValue ?? []).contains { t in
            let te = t["effect"]?.stringValue ?? ""
            guard te.isEmpty || te == effect else { return false }
            let tk = t["key"]?.stringValue ?? ""
            guard tk.isEmpty || tk == key else { return false }
            switch t["operator"]?.stringValue ?? "Equal" {
            case "Exists": return true
            case "Equal": return (t["value"]?.stringValue ?? "") == value
            default: return false
            }
        }
    }

    /// Requests summed over containers, with init containers' maximum (the effective request).
    static func requests(_ pod: Value) -> Usage {
        func of(_ c: Value) -> Usage {
            Usage(cpu: ResourceQuantity.milli(c["resources"]?["requests"]?["cpu"]),
                  memory: ResourceQuantity.units(c["resources"]?["requests"]?["memory"]), pods: 1)
        }
        var sum = Usage()
        for c in pod["spec"]?["containers"]?.listValue ?? [] {
            let u = of(c)
            sum.cpu = sum.cpu.addingSaturating(u.cpu)
            sum.memory = sum.memory.addingSaturating(u.memory)
        }
        for c in pod["spec"]?["initContainers"]?.listValue ?? [] {
            let u = of(c)
            sum.cpu = max(sum.cpu, u.cpu)
            sum.memory = max(sum.memory, u.memory)
        }
        sum.pods = 1
        return sum
    }

    static func allocatable(_ node: Value) -> Usage {
        let a = node["status"]?["allocatable"] ?? node["status"]?["capacity"]
        return Usage(cpu: a?["cpu"] == nil ? Int64.max / 4 : ResourceQuantity.milli(a?["cpu"]),
                     memory: a?["memory"] == nil ? Int64.max / 4 : ResourceQuantity.units(a?["memory"]),
                     pods: a?["pods"] == nil ? 110 : ResourceQuantity.units(a?["pods"]))
    }
}

extension Int64 {
    func addingSaturating(_ other: Int64) -> Int64 {
        let (r, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : r
    }
}
