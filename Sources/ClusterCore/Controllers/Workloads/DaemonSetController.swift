import ClusterAPI
import StructuredData

/// The DaemonSet controller (`pkg/controller/daemon`): one pod per eligible node (the pod's
/// `nodeSelector`, required node affinity, and the node's NoSchedule/NoExecute taints against the
/// pod's tolerations plus the DaemonSet's automatic ones), pinned to its node with a required node
/// affinity `matchFields metadata.name In [node]` and left to the scheduler to bind; misplaced and
/// surplus pods deleted; RollingUpdate within `maxUnavailable` (OnDelete replaces only deleted pods);
/// revisions as ControllerRevisions (`controller-revision-hash` = the hash); the status kubectl and
/// Helm read.
enum DaemonSetController {
    static let revisionLabel = "controller-revision-hash"
    static let generationLabel = "pod-template-generation"

    /// What every DaemonSet pod tolerates (`util.AddOrUpdateDaemonPodTolerations`).
    static let automaticTolerations: [Value] = [
        toleration("node.kubernetes.io/not-ready", "NoExecute"),
        toleration("node.kubernetes.io/unreachable", "NoExecute"),
        toleration("node.kubernetes.io/disk-pressure", "NoSchedule"),
        toleration("node.kubernetes.io/memory-pressure", "NoSchedule"),
        toleration("node.kubernetes.io/pid-pressure", "NoSchedule"),
        toleration("node.kubernetes.io/unschedulable", "NoSchedule"),
    ]

    static func toleration(_ key: String, _ effect: String) -> Value {
        .map(["key": .string(key), "operator": "Exists", "effect": .string(effect)])
    }

    static func reconcile(_ view: WorkloadView) -> [WorkloadAction] {
        let sets = view.of("apps", "daemonsets")
        guard !sets.isEmpty else { return [] }
        let nodes = view.of("", "nodes").filter { !$0.object.isBeingDeleted }.map(\.object).sorted { $0.name < $1.name }
        return sets.flatMap { reconcile($0, nodes: nodes, view: view) }
    }

    /// The pod spec with the automatic tolerations (and `network-unavailable` for host-network pods) added.
    static func podSpec(_ template: Value?) -> Value {
        var spec = template?["spec"] ?? .map([:])
        var tolerations = spec["tolerations"]?.listValue ?? []
        var automatic = automaticTolerations
        if spec["hostNetwork"] == .bool(true) { automatic.append(toleration("node.kubernetes.io/network-unavailable", "NoSchedule")) }
        for t in automatic where !tolerations.contains(t) { tolerations.append(t) }
        spec.setField("tolerations", .list(tolerations))
        return spec
    }

    /// `NodeShouldRunDaemonPod`: selector and affinity admit the node and every NoSchedule/NoExecute taint is tolerated.
    static func shouldRun(_ spec: Value, on node: Value) -> Bool {
        guard NodeAffinity.admits(spec, node: node) else { return false }
        let pod: Value = .map(["spec": spec])
        for taint in node["spec"]?["taints"]?.listValue ?? [] {
            let effect = taint["effect"]?.stringValue ?? ""
            guard effect == "NoSchedule" || effect == "NoExecute" else { continue }
            if !Scheduler.tolerates(pod, key: taint["key"]?.stringValue ?? "", value: taint["value"]?.stringValue ?? "", effect: effect) {
                return false
            }
        }
        return true
    }

    static func reconcile(_ d: Reconciler.Stored, nodes: [Value], view: WorkloadView) -> [WorkloadAction] {
        let o = d.object
        guard !o.isBeingDeleted, let ns = d.namespace else { return [] }
        var actions: [WorkloadAction] = []
        let revisions = Revisions(d, view: view, kind: "DaemonSet", labelIsName: false, revisionLabel: revisionLabel)
        actions += revisions.actions
        let hash = revisions.update.hash
        let spec = podSpec(o["spec"]?["template"])
        let minReady = Workload.int(o["spec"]?["minReadySeconds"])
        let onDelete = o["spec"]?["updateStrategy"]?["type"]?.stringValue == "OnDelete"

        var byNode: [String: [Reconciler.Stored]] = [:]
        for pod in view.of("", "pods", in: ns) where Workload.controllerUID(pod.object) == o.uid {
            byNode[NodeAffinity.pinnedNode(pod.object) ?? "", default: []].append(pod)
        }
        var desired = 0, current = 0, misscheduled = 0, ready = 0, updated = 0, available = 0
        // Nodes whose daemon pod is missing or unavailable, and old pods a rolling update may replace.
        var unavailable = 0
        var oldAvailable: [Reconciler.Stored] = []
        let known = Set(nodes.map(\.name))
        for node in nodes {
            let pods = (byNode[node.name] ?? []).sorted {
                ($0.object.metaString("creationTimestamp") ?? "", $0.object.name) < ($1.object.metaString("creationTimestamp") ?? "", $1.object.name)
            }
            let live = pods.filter { !$0.object.isBeingDeleted }
            if !shouldRun(spec, on: node) {
                if !live.isEmpty { misscheduled += 1 }
                actions += live.map { .delete($0) }
                continue
            }
            desired += 1
            let failed = live.filter { Workload.phase($0.object) == "Failed" || Workload.phase($0.object) == "Succeeded" }
            actions += failed.map { .delete($0) }
            let active = live.filter { Workload.isActive($0.object) }
            if active.isEmpty {
                // Terminating pods do not count (`podsShouldBeOnNode`): the replacement starts at once.
                actions.append(.create(group: "", plural: "pods", namespace: ns, object: newPod(o, node: node.name, ns: ns, hash: hash, spec: spec)))
                unavailable += 1
                continue
            }
            current += 1
            // Surplus daemon pods on one node: keep the oldest.
            actions += active.dropFirst().map { .delete($0) }
            let pod = active[0].object
            let isUpdated = pod.labels[revisionLabel] == hash
            let isAvailable = Workload.isAvailable(pod, minReadySeconds: minReady, now: view.now)
            if Workload.isReady(pod) { ready += 1 }
            if isUpdated { updated += 1 }
            if isAvailable { available += 1 } else { unavailable += 1 }
            if !isUpdated {
                if isAvailable { oldAvailable.append(active[0]) } else if !onDelete { actions.append(.delete(active[0])) }
            }
        }
        // Pods on nodes that no longer exist.
        for (node, pods) in byNode where !node.isEmpty && !known.contains(node) {
            actions += pods.filter { !$0.object.isBeingDeleted }.map { .delete($0) }
        }
        if !onDelete {
            let budget = maxUnavailable(o, desired: desired) - unavailable
            if budget > 0 { actions += oldAvailable.prefix(budget).map { .delete($0) } }
        }

        var st = o["status"]?.mapValue ?? [:]
        st["desiredNumberScheduled"] = .int(Int64(desired))
        st["currentNumberScheduled"] = .int(Int64(current))
        st["numberMisscheduled"] = .int(Int64(misscheduled))
        st["numberReady"] = .int(Int64(ready))
        st["updatedNumberScheduled"] = .int(Int64(updated))
        st["numberAvailable"] = .int(Int64(available))
        st["numberUnavailable"] = .int(Int64(max(0, desired - available)))
        st["observedGeneration"] = .int(Workload.int(o.meta("generation"), default: 1))
        if revisions.collisionCount > 0 { st["collisionCount"] = .int(revisions.collisionCount) }
        for k in ["updatedNumberScheduled", "numberAvailable", "numberUnavailable"] where st[k] == .int(0) { st[k] = nil }
        let status = Value.map(st)
        if status != o["status"] { actions.append(.status(d, status)) }
        return actions
    }

    /// `maxUnavailable` of the rolling update (default 1; a percentage of the desired count, rounded up; at least 1).
    static func maxUnavailable(_ ds: Value, desired: Int) -> Int {
        let v = ds["spec"]?["updateStrategy"]?["rollingUpdate"]?["maxUnavailable"]
        let n: Int
        switch v {
        case .string(let s)? where s.hasSuffix("%"):
            let pct = min(max(Int(s.dropLast()) ?? 0, 0), 100)
            n = (pct * desired + 99) / 100
        case .string(let s)?: n = Int(s) ?? 1
        case .some(let other): n = Int(clamping: other.intValue ?? 1)
        case nil: n = 1
        }
        return max(1, n)
    }

    /// The daemon pod for one node: template labels plus the revision hash, pinned by node affinity.
    static func newPod(_ ds: Value, node: String, ns: String, hash: String, spec: Value) -> Value {
        let ref = Workload.ownerReference(apiVersion: "apps/v1", kind: "DaemonSet", owner: ds)
        var pod = Workload.pod(from: ds["spec"]?["template"], generateName: ds.name + "-", namespace: ns, owner: ref)
        var labels = pod["metadata"]?["labels"]?.mapValue ?? [:]
        labels[revisionLabel] = .string(hash)
        labels[generationLabel] = .string(String(Workload.int(ds.meta("generation"), default: 1)))
        pod.setMeta("labels", .map(labels))
        var s = spec
        // `ReplaceDaemonSetPodNodeNameNodeAffinity`: the required terms become the node's name alone.
        let term: Value = .map(["matchFields": .list([.map(["key": "metadata.name", "operator": "In", "values": .list([.string(node)])])])])
        s.set(path: ["affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution"],
              to: .map(["nodeSelectorTerms": .list([term])]))
        pod.setField("spec", s)
        return pod
    }
}
