import ClusterAPI
import StructuredData

extension DeploymentController {
    /// A deployment's ReplicaSets and the replica counts this pass decides on.
    struct Plan {
        let d: Reconciler.Stored
        let namespace: String
        let desired: Int64
        let surge: Int64
        let maxUnavailable: Int64
        private(set) var all: [Reconciler.Stored] = []
        private(set) var ownership: [WorkloadAction] = []
        private(set) var newRS: Reconciler.Stored?
        private(set) var olds: [Reconciler.Stored] = []
        private(set) var replicas: [String: Int64] = [:]
        private var changed: [String] = []
        /// Replicas of a ReplicaSet created this pass (not in the snapshot yet).
        private(set) var created: (name: String, replicas: Int64)?
        let newRevision: Int64

        init(_ d: Reconciler.Stored, view: WorkloadView) {
            self.d = d
            let o = d.object
            namespace = d.namespace ?? ""
            desired = Workload.int(o["spec"]?["replicas"], default: 1)
            if o["spec"]?["strategy"]?["type"]?.stringValue == "Recreate" {
                surge = 0
                maxUnavailable = 0
            } else {
                (surge, maxUnavailable) = Self.rollingBounds(o["spec"]?["strategy"]?["rollingUpdate"], desired: desired)
            }
            let selector = Workload.selector(o)
            let ref = Workload.ownerReference(apiVersion: "apps/v1", kind: "Deployment", owner: o)
            for rs in view.of("apps", "replicasets", in: namespace) {
                let owner = Workload.controllerUID(rs.object)
                if owner == o.uid {
                    if selector.matches(object: rs.object) || rs.object.isBeingDeleted { all.append(rs) }
                    else { ownership.append(ReplicaSetController.release(rs, uid: o.uid)) }
                } else if owner == nil, selector.matches(object: rs.object), !rs.object.isBeingDeleted {
                    ownership.append(ReplicaSetController.adopt(rs, ref: ref))
                    all.append(rs)
                }
            }
            all.sort { a, b in
                let ta = a.object.metaString("creationTimestamp") ?? "", tb = b.object.metaString("creationTimestamp") ?? ""
                return ta != tb ? ta < tb : a.object.name < b.object.name
            }
            let template = o["spec"]?["template"]
            let found = all.first { !$0.object.isBeingDeleted && PodTemplateHash.equalIgnoringHash($0.object["spec"]?["template"], template) }
            let oldOnes = all.filter { $0.object.uid != found?.object.uid }
            var counts: [String: Int64] = [:]
            for rs in all { counts[rs.object.uid] = Workload.int(rs.object["spec"]?["replicas"], default: 1) }
            newRevision = (oldOnes.map { DeploymentController.revision($0.object) }.max() ?? 0) + 1
            newRS = found
            olds = oldOnes
            replicas = counts
        }

        /// maxSurge rounds up, maxUnavailable down; both zero means one may be unavailable.
        static func rollingBounds(_ ru: Value?, desired: Int64) -> (Int64, Int64) {
            func scaled(_ v: Value?, up: Bool) -> Int64 {
                guard let v else { return 0 }
                if let i = v.intValue { return Swift.min(Swift.max(i, 0), Int64(Int32.max)) }
                guard let s = v.stringValue, s.hasSuffix("%"), let parsed = Int64(s.dropLast()) else { return 0 }
                // Clamped so hostile percentages cannot overflow.
                let p = Swift.min(Swift.max(parsed, 0), 1_000_000)
                let product = p * Swift.min(desired, Int64(Int32.max))
                return Swift.min(Swift.max(up ? (product + 99) / 100 : product / 100, 0), Int64(Int32.max))
            }
            let surge = scaled(ru?["maxSurge"] ?? "25%", up: true)
            var unavailable = scaled(ru?["maxUnavailable"] ?? "25%", up: false)
            if surge == 0 && unavailable == 0 { unavailable = 1 }
            return (surge, min(unavailable, desired))
        }

        func planned(_ rs: Reconciler.Stored) -> Int64 { replicas[rs.object.uid] ?? 0 }
        var total: Int64 { all.reduce(0) { $0 + planned($1) } + (created?.replicas ?? 0) }

        mutating func set(_ rs: Reconciler.Stored, _ n: Int64) {
            guard planned(rs) != n else { return }
            replicas[rs.object.uid] = n
            if !changed.contains(rs.object.uid) { changed.append(rs.object.uid) }
        }

        /// `NewRSNewReplicas` for RollingUpdate.
        func newReplicas(current: Int64) -> Int64 {
            let maxTotal = desired + surge
            let count = total
            if count >= maxTotal { return current }
            return current + min(maxTotal - count, desired - current)
        }

        /// True while an old ReplicaSet should still have pods (Recreate waits for these).
        func oldPodsRemain(_ view: WorkloadView) -> Bool {
            if olds.contains(where: { planned($0) > 0 }) { return true }
            let uids = Set(olds.map(\.object.uid))
            return view.of("", "pods", in: namespace).contains { p in
                guard let owner = Workload.controllerUID(p.object), uids.contains(owner) else { return false }
                let phase = Workload.phase(p.object)
                return phase != "Succeeded" && phase != "Failed"
            }
        }

        mutating func rollingUpdate() {
            guard let newRS else { return }
            if olds.allSatisfy({ planned($0) == 0 }) {
                set(newRS, desired)
                return
            }
            let current = planned(newRS)
            if current > desired {
                set(newRS, desired)
                return
            }
            let target = newReplicas(current: current)
            if target > current {
                set(newRS, target)
                return
            }
            scaleDownOld()
        }

        /// `reconcileOldReplicaSets`: first unhealthy old pods, then old pods while enough are available.
        private mutating func scaleDownOld() {
            guard let newRS, olds.contains(where: { planned($0) > 0 }) else { return }
            let minAvailable = desired - maxUnavailable
            let newUnavailable = planned(newRS) - Workload.int(newRS.object["status"]?["availableReplicas"])
            let maxScaledDown = total - minAvailable - newUnavailable
            guard maxScaledDown > 0 else { return }
            var cleaned: Int64 = 0
            for rs in olds where cleaned < maxScaledDown && planned(rs) > 0 {
                let unhealthy = planned(rs) - Workload.int(rs.object["status"]?["availableReplicas"])
                guard unhealthy > 0 else { continue }
                let n = min(maxScaledDown - cleaned, unhealthy)
                set(rs, planned(rs) - n)
                cleaned += n
            }
            let available = all.reduce(Int64(0)) { $0 + Workload.int($1.object["status"]?["availableReplicas"]) }
            guard available > minAvailable else { return }
            var remaining = available - minAvailable
            for rs in olds where remaining > 0 && planned(rs) > 0 {
                let n = min(planned(rs), remaining)
                set(rs, planned(rs) - n)
                remaining -= n
            }
        }

        mutating func recreate(_ view: WorkloadView) {
            if olds.contains(where: { planned($0) > 0 }) {
                for rs in olds { set(rs, 0) }
                return
            }
            if let newRS, !oldPodsRemain(view) { set(newRS, desired) }
        }

        var scaleActions: [WorkloadAction] {
            let annotations = [desiredKey: String(desired), maxKey: String(desired + surge)]
            return all.filter { changed.contains($0.object.uid) }.flatMap { rs -> [WorkloadAction] in
                let n = planned(rs)
                let before = Workload.int(rs.object["spec"]?["replicas"], default: 1)
                return [.update(rs) { o in
                    o.set(path: ["spec", "replicas"], to: .int(n))
                    for (k, v) in annotations { o.set(path: ["metadata", "annotations", k], to: .string(v)) }
                }, DeploymentController.scalingEvent(d, rs: rs.object.name, from: before, to: n)]
            }
        }

        /// The new ReplicaSet for the deployment's template.
        mutating func newReplicaSet(name: String, hash: String, replicas: Int64) -> Value {
            created = (name, replicas)
            let o = d.object
            var template = o["spec"]?["template"] ?? .map([:])
            template.set(path: ["metadata", "labels", PodTemplateHash.label], to: .string(hash))
            var selector = o["spec"]?["selector"] ?? .map([:])
            selector.set(path: ["matchLabels", PodTemplateHash.label], to: .string(hash))
            var annotations: [String: Value] = [:]
            for (k, v) in copiedAnnotations { annotations[k] = v }
            annotations[revisionKey] = .string(String(newRevision))
            annotations[desiredKey] = .string(String(desired))
            annotations[maxKey] = .string(String(desired + surge))
            var spec: [String: Value] = ["replicas": .int(replicas), "selector": selector, "template": template]
            if let m = o["spec"]?["minReadySeconds"] { spec["minReadySeconds"] = m }
            return .map(["apiVersion": "apps/v1", "kind": "ReplicaSet",
                         "metadata": .map(["name": .string(name), "namespace": .string(namespace),
                                           "labels": template["metadata"]?["labels"] ?? .map([:]),
                                           "annotations": .map(annotations),
                                           "ownerReferences": .list([Workload.ownerReference(apiVersion: "apps/v1", kind: "Deployment", owner: o)])]),
                         "spec": .map(spec)])
        }

        /// An old template reused becomes the newest revision; the number it had goes to `revision-history`.
        /// The deployment's own annotations that its new ReplicaSet carries (`kubernetes.io/change-cause`
        /// for `rollout history`, …), without kubectl's last-applied and the controller's bookkeeping.
        var copiedAnnotations: [String: Value] {
            let skipped: Set<String> = ["kubectl.kubernetes.io/last-applied-configuration", revisionKey, historyKey, desiredKey, maxKey,
                                        "deprecated.deployment.rollback.to"]
            return (d.object.meta("annotations")?.mapValue ?? [:]).filter { !skipped.contains($0.key) }
        }

        func syncRevision(_ rs: Reconciler.Stored) -> [WorkloadAction] {
            let old = DeploymentController.revision(rs.object)
            let minReady = d.object["spec"]?["minReadySeconds"]
            let bump = old < newRevision
            let revision = newRevision
            let copied = copiedAnnotations
            let current = rs.object.meta("annotations")?.mapValue ?? [:]
            let annotationsDiffer = copied.contains { current[$0.key] != $0.value }
            guard bump || annotationsDiffer || rs.object["spec"]?["minReadySeconds"] != minReady else { return [] }
            return [.update(rs) { o in
                for (k, v) in copied { o.set(path: ["metadata", "annotations", k], to: v) }
                if bump {
                    if old > 0 {
                        let history = o.meta("annotations")?[historyKey]?.stringValue ?? ""
                        o.set(path: ["metadata", "annotations", historyKey], to: .string(history.isEmpty ? String(old) : history + "," + String(old)))
                    }
                    o.set(path: ["metadata", "annotations", revisionKey], to: .string(String(revision)))
                }
                o.set(path: ["spec", "minReadySeconds"], to: minReady)
            }]
        }

        /// Old ReplicaSets at zero beyond `revisionHistoryLimit` go, lowest revision first.
        func cleanup() -> [WorkloadAction] {
            guard let limit = d.object["spec"]?["revisionHistoryLimit"]?.intValue else { return [] }
            let cleanable = olds.filter { rs in
                planned(rs) == 0 && Workload.int(rs.object["status"]?["replicas"]) == 0 && !rs.object.isBeingDeleted
                    && Workload.int(rs.object["status"]?["observedGeneration"]) >= Workload.int(rs.object.meta("generation"))
            }.sorted { DeploymentController.revision($0.object) < DeploymentController.revision($1.object) }
            let excess = cleanable.count - Int(max(limit, 0))
            guard excess > 0 else { return [] }
            return cleanable.prefix(excess).map { .delete($0) }
        }
    }
}
