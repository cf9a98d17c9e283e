import ClusterAPI
import StructuredData

extension DeploymentController.Plan {
    /// `isScalingEvent`: an active ReplicaSet was sized for a different `spec.replicas`.
    var isScalingEvent: Bool {
        all.contains { rs in
            planned(rs) > 0 && annotation(rs, DeploymentController.desiredKey).map { $0 != desired } ?? false
        }
    }

    private func annotation(_ rs: Reconciler.Stored, _ key: String) -> Int64? {
        rs.object.meta("annotations")?[key]?.stringValue.flatMap { Int64($0) }
    }

    /// `DeploymentController.scale`: one active (or the latest) ReplicaSet takes `spec.replicas`; a
    /// saturated new ReplicaSet retires the old ones; otherwise replicas are added or removed in
    /// proportion to each active ReplicaSet's share (by its `max-replicas` annotation), leftovers to
    /// the largest.
    mutating func scale(statusReplicas: Int64) {
        let active = all.filter { planned($0) > 0 && !$0.object.isBeingDeleted }
        if active.count <= 1 {
            if let target = active.first ?? newRS ?? all.last(where: { !$0.object.isBeingDeleted }) { set(target, desired) }
            return
        }
        if let newRS, planned(newRS) == desired, annotation(newRS, DeploymentController.desiredKey) == desired,
           Workload.int(newRS.object["status"]?["availableReplicas"]) == desired
        {
            for rs in olds where planned(rs) > 0 { set(rs, 0) }
            return
        }
        let allowed = desired > 0 ? desired + surge : 0
        let toAdd = allowed - active.reduce(0) { $0 + planned($1) }
        guard toAdd != 0 else { return }
        let sorted = active.enumerated().sorted { a, b in
            let sa = planned(a.element), sb = planned(b.element)
            if sa != sb { return sa > sb }
            // Ties: newer first when growing, older first when shrinking (`all` is oldest first).
            return toAdd > 0 ? a.offset > b.offset : a.offset < b.offset
        }.map(\.element)
        var added: Int64 = 0
        var sizes: [Int64] = []
        for rs in sorted {
            let current = planned(rs)
            var proportion: Int64 = 0
            if current > 0 && added != toAdd {
                let fraction: Int64
                if desired == 0 {
                    fraction = -current
                } else {
                    let annotated = annotation(rs, DeploymentController.maxKey) ?? statusReplicas
                    fraction = annotated > 0 ? Int64(Swift.min((Double(current) * Double(allowed) / Double(annotated)).rounded(), 1e15)) - current : 0
                }
                let room = toAdd - added
                proportion = toAdd > 0 ? min(fraction, room) : max(fraction, room)
            }
            sizes.append(current + proportion)
            added += proportion
        }
        for (i, rs) in sorted.enumerated() {
            var size = sizes[i]
            if i == 0 { size = max(size + toAdd - added, 0) }
            set(rs, size)
        }
    }
}
