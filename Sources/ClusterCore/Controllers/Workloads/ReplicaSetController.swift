import ClusterAPI
import StructuredData

/// The ReplicaSet controller (`pkg/controller/replicaset`): keeps `spec.replicas` active pods,
/// adopting orphans that match the selector and releasing owned pods that no longer match, and
/// reports `replicas`, `fullyLabeledReplicas`, `readyReplicas`, `availableReplicas`, `observedGeneration`.
enum ReplicaSetController {
    /// Pods created per ReplicaSet per pass (Kubernetes' burst is 500).
    static let burst = 500

    static func reconcile(_ view: WorkloadView) -> [WorkloadAction] {
        view.of("apps", "replicasets").flatMap { reconcile($0, view: view) }
    }

    static func reconcile(_ rs: Reconciler.Stored, view: WorkloadView) -> [WorkloadAction] {
        let o = rs.object
        guard !o.isBeingDeleted, let ns = rs.namespace else { return [] }
        var actions: [WorkloadAction] = []
        let selector = Workload.selector(o)
        var owned: [Reconciler.Stored] = []
        for pod in view.of("", "pods", in: ns) {
            let owner = Workload.controllerUID(pod.object)
            let matches = selector.matches(object: pod.object)
            if owner == o.uid {
                if matches || pod.object.isBeingDeleted { owned.append(pod) } else { actions.append(release(pod, uid: o.uid)) }
            } else if owner == nil, matches, !pod.object.isBeingDeleted {
                actions.append(adopt(pod, ref: Workload.ownerReference(apiVersion: "apps/v1", kind: "ReplicaSet", owner: o)))
                owned.append(pod)
            }
        }
        let active = owned.filter { Workload.isActive($0.object) }
        let desired = Int(Workload.int(o["spec"]?["replicas"], default: 1))
        let diff = active.count - desired
        if diff < 0 {
            let ref = Workload.ownerReference(apiVersion: "apps/v1", kind: "ReplicaSet", owner: o)
            for _ in 0..<min(-diff, burst) {
                let pod = Workload.pod(from: o["spec"]?["template"], generateName: o.name + "-", namespace: ns, owner: ref)
                actions.append(.create(group: "", plural: "pods", namespace: ns, object: pod))
            }
        } else if diff > 0 {
            for pod in podsToDelete(active, count: diff, now: view.now) { actions.append(.delete(pod)) }
        }
        let status = self.status(o, pods: active.map(\.object), now: view.now)
        if status != o["status"] { actions.append(.status(rs, status)) }
        return actions
    }

    static func status(_ rs: Value, pods: [Value], now: Int64) -> Value {
        let minReady = Workload.int(rs["spec"]?["minReadySeconds"])
        let templateLabels = rs["spec"]?["template"]?["metadata"]?["labels"]?.mapValue ?? [:]
        let fullyLabeled = pods.filter { p in
            let labels = p.labels
            return templateLabels.allSatisfy { labels[$0.key] == $0.value.stringValue }
        }.count
        var s = rs["status"]?.mapValue ?? [:]
        s["replicas"] = .int(Int64(pods.count))
        s["fullyLabeledReplicas"] = .int(Int64(fullyLabeled))
        s["readyReplicas"] = .int(Int64(pods.filter(Workload.isReady).count))
        s["availableReplicas"] = .int(Int64(pods.filter { Workload.isAvailable($0, minReadySeconds: minReady, now: now) }.count))
        s["observedGeneration"] = .int(Workload.int(rs.meta("generation"), default: 1))
        // `omitempty` on all but `replicas`.
        for k in ["fullyLabeledReplicas", "readyReplicas", "availableReplicas"] where s[k] == .int(0) { s[k] = nil }
        return .map(s)
    }

    /// The pods to delete when scaling down (`controller.ActivePods` order): unscheduled before
    /// scheduled, Pending before Unknown before Running, not ready before ready, recently ready before
    /// long ready, more restarts first, newer before older.
    static func podsToDelete(_ pods: [Reconciler.Stored], count: Int, now: Int64) -> [Reconciler.Stored] {
        func key(_ p: Value) -> (Int, Int, Int, Int64, Int64, Int64) {
            let scheduled = (p["spec"]?["nodeName"]?.stringValue ?? "").isEmpty ? 0 : 1
            let phaseRank: Int
            switch Workload.phase(p) {
            case "Pending": phaseRank = 0
            case "Running": phaseRank = 2
            default: phaseRank = 1
            }
            let ready = Workload.isReady(p) ? 1 : 0
            let readySince = Workload.condition(p, "Ready")?["lastTransitionTime"]?.stringValue.flatMap(Timestamps.parse) ?? 0
            let restarts = (p["status"]?["containerStatuses"]?.listValue ?? []).reduce(Int64(0)) { $0 + Workload.int($1["restartCount"]) }
            let created = p.metaString("creationTimestamp").flatMap(Timestamps.parse) ?? 0
            // Larger keys sort later (kept); negate what prefers deleting larger values.
            return (scheduled, phaseRank, ready, -readySince, -restarts, -created)
        }
        let sorted = pods.enumerated().sorted { a, b in
            let ka = key(a.element.object), kb = key(b.element.object)
            if ka != kb { return ka < kb }
            return a.offset > b.offset
        }.map(\.element)
        return Array(sorted.prefix(count))
    }

    static func adopt(_ s: Reconciler.Stored, ref: Value) -> WorkloadAction {
        .update(s) { o in
            guard Workload.controllerUID(o) == nil else { return }
            o.setMeta("ownerReferences", .list((o.meta("ownerReferences")?.listValue ?? []) + [ref]))
        }
    }

    static func release(_ s: Reconciler.Stored, uid: String) -> WorkloadAction {
        .update(s) { o in
            let kept = (o.meta("ownerReferences")?.listValue ?? []).filter { $0["uid"]?.stringValue != uid }
            o.setMeta("ownerReferences", kept.isEmpty ? Value?.none : .list(kept))
        }
    }
}

extension ReplicaSetController {
    /// Seconds until a ready pod of a ReplicaSet with `minReadySeconds` counts as available.
    static func requeueAfter(_ view: WorkloadView) -> Int64? { Workload.minReadyRequeue(view, "apps", "replicasets") }
}
