import ClusterAPI
import StructuredData

/// The default scheduler, reduced to its filters: a pending pod without `spec.nodeName` goes to a
/// Ready, schedulable node whose labels match its `nodeSelector` and required node affinity
/// (``NodeAffinity``), whose NoSchedule/NoExecute taints it tolerates, whose allocatable
/// cpu/memory/pods cover the requests of the pods already there plus its own, and where no pod
/// breaks a required pod anti-affinity (the pod's own or an existing pod's, per topology key); among
/// those, the least allocated (cpu and memory fractions with Kubernetes' non-zero default requests,
/// so request-less pods spread), then by name. Binding goes through `pods/binding`; a pod nothing
/// fits gets `PodScheduled=False` with reason `Unschedulable`, the scheduler's "0/N nodes are
/// available" message and a `FailedScheduling` Event.
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
        // Non-zero requests, for scoring only (`schedutil.GetNonzeroRequests`).
        var spread: [String: Usage] = [:]
        var placed = PodPlacement()
        var pending: [Reconciler.Stored] = []
        for pod in view.of("", "pods") {
            let o = pod.object
            let node = o["spec"]?["nodeName"]?.stringValue ?? ""
            if !node.isEmpty {
                guard Workload.phase(o) != "Succeeded" && Workload.phase(o) != "Failed" else { continue }
                usage[node, default: Usage()].add(requests(o))
                spread[node, default: Usage()].add(requests(o, nonZero: true))
                placed.add(o, node: node)
            } else if !o.isBeingDeleted, ["Pending", ""].contains(Workload.phase(o)),
                      (o["spec"]?["schedulerName"]?.stringValue ?? "default-scheduler") == "default-scheduler"
            {
                pending.append(pod)
            }
        }
        pending.sort { ($0.object.metaString("creationTimestamp") ?? "", $0.object.name) < ($1.object.metaString("creationTimestamp") ?? "", $1.object.name) }
        var actions: [WorkloadAction] = []
        let nodeByName = Dictionary(nodes.map { ($0.object.name, $0.object) }, uniquingKeysWith: { a, _ in a })
        for pod in pending {
            let want = requests(pod.object)
            let wantSpread = requests(pod.object, nonZero: true)
            var reasons: [String: Int] = [:]
            var fits: [(String, Usage, Usage)] = []
            for node in nodes {
                if let reason = filter(pod.object, node: node.object, used: usage[node.object.name] ?? Usage(), want: want)
                    ?? placed.antiAffinityFailure(pod.object, node: node.object, nodes: nodeByName)
                {
                    for r in reason { reasons[r, default: 0] += 1 }
                } else {
                    var after = spread[node.object.name] ?? Usage()
                    after.add(wantSpread)
                    fits.append((node.object.name, after, allocatable(node.object)))
                }
            }
            if let best = fits.min(by: { score($0.1, $0.2) < score($1.1, $1.2) || (score($0.1, $0.2) == score($1.1, $1.2) && $0.0 < $1.0) }) {
                usage[best.0, default: Usage()].add(want)
                spread[best.0, default: Usage()].add(wantSpread)
                placed.add(pod.object, node: best.0)
                actions.append(.bind(pod, node: best.0))
                actions.append(.event(pod, warning: false, reason: "Scheduled",
                                      message: "Successfully assigned \(pod.namespace ?? "")/\(pod.object.name) to \(best.0)",
                                      component: "default-scheduler"))
                continue
            }
            let message = nodes.isEmpty ? "no nodes available to schedule pods"
                : "0/\(nodes.count) nodes are available: "
                + reasons.map { "\($0.value) \($0.key)" }.sorted().joined(separator: ", ")
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

    /// Lower is better (`LeastAllocated`): the cpu and memory fractions in use after placement, summed (per mille).
    static func score(_ used: Usage, _ alloc: Usage) -> Int64 {
        func frac(_ u: Int64, _ a: Int64) -> Int64 { a > 0 ? Int64(min(Double(u) * 1000 / Double(a), 1e15)) : 1000 }
        return frac(used.cpu, alloc.cpu) + frac(used.memory, alloc.memory)
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
        if !NodeAffinity.admits(pod["spec"], node: node) { return ["node(s) didn't match Pod's node affinity/selector"] }
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
    /// `nonZero`: a container without a cpu or memory request counts 100m / 200Mi (scoring only).
    static func requests(_ pod: Value, nonZero: Bool = false) -> Usage {
        func of(_ c: Value) -> Usage {
            let cpu = c["resources"]?["requests"]?["cpu"], memory = c["resources"]?["requests"]?["memory"]
            return Usage(cpu: nonZero && cpu == nil ? 100 : ResourceQuantity.milli(cpu),
                         memory: nonZero && memory == nil ? 200 * 1_048_576 : ResourceQuantity.units(memory), pods: 1)
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
