import ClusterAPI
import StructuredData

/// The StatefulSet controller (`pkg/controller/statefulset`): pods `<set>-<ordinal>` with stable
/// hostnames under `spec.serviceName`, PVCs `<template>-<set>-<ordinal>` from `volumeClaimTemplates`
/// created before their pod, `OrderedReady` (one ordinal at a time, each waiting for the previous to be
/// Running and Ready) or `Parallel` management, scale-down from the highest ordinal, RollingUpdate from
/// the highest ordinal down to `partition` (or OnDelete), revisions stored as ControllerRevisions, and
/// the status `kubectl rollout status` and Helm read (`currentRevision`/`updateRevision`, counts,
/// `observedGeneration`).
enum StatefulSetController {
    static let revisionLabel = "controller-revision-hash"
    static let podNameLabel = "statefulset.kubernetes.io/pod-name"
    static let podIndexLabel = "apps.kubernetes.io/pod-index"

    static func reconcile(_ view: WorkloadView) -> [WorkloadAction] {
        view.of("apps", "statefulsets").flatMap { reconcile($0, view: view) }
    }

    /// Running and Ready, and not on its way out (`isRunningAndReady` without `isTerminating`).
    static func isHealthy(_ pod: Value) -> Bool {
        Workload.phase(pod) == "Running" && Workload.isReady(pod) && !pod.isBeingDeleted
    }

    /// The ordinal in a pod name `<set>-<n>`; nil for pods not named by this set.
    static func ordinal(of pod: String, set: String) -> Int? {
        guard pod.hasPrefix(set + "-") else { return nil }
        let digits = pod.dropFirst(set.count + 1)
        guard !digits.isEmpty, digits.count < 10, digits.allSatisfy({ ("0"..."9").contains($0) }), digits.first != "0" || digits.count == 1 else { return nil }
        return Int(digits)
    }

    static func reconcile(_ s: Reconciler.Stored, view: WorkloadView) -> [WorkloadAction] {
        let o = s.object
        guard !o.isBeingDeleted, let ns = s.namespace else { return [] }
        let spec = o["spec"] ?? .map([:])
        // int32 fields in Kubernetes: clamped so sums cannot overflow.
        let replicas = Int(clamping: min(max(0, Workload.int(spec["replicas"], default: 1)), Int64(Int32.max)))
        let start = Int(clamping: min(max(0, Workload.int(spec["ordinals"]?["start"])), Int64(Int32.max)))
        let parallel = spec["podManagementPolicy"]?.stringValue == "Parallel"
        let onDelete = spec["updateStrategy"]?["type"]?.stringValue == "OnDelete"
        let partition = Int(clamping: min(max(0, Workload.int(spec["updateStrategy"]?["rollingUpdate"]?["partition"])), Int64(Int32.max)))
        var actions: [WorkloadAction] = []

        let revisions = Revisions(s, view: view)
        actions += revisions.actions
        let update = revisions.update
        let current = revisions.current

        // Owned pods by ordinal (pods named otherwise are not this set's concern).
        var pods: [Int: Reconciler.Stored] = [:]
        for pod in view.of("", "pods", in: ns) where Workload.controllerUID(pod.object) == o.uid {
            if let i = ordinal(of: pod.object.name, set: o.name) { pods[i] = pod }
        }
        let claims = Set(view.of("", "persistentvolumeclaims", in: ns).map(\.object.name))
        let range = start..<(start + replicas)

        // Creation and replacement of failed pods, in ordinal order.
        var blocked = false
        var created = 0
        for i in range {
            // Parallel creation is bounded per pass, as ReplicaSets' burst is.
            if created >= ReplicaSetController.burst { blocked = true; break }
            guard let pod = pods[i] else {
                created += 1
                let revision = !onDelete && i < start + partition && partition > 0 ? current : update
                actions += createClaims(o, ordinal: i, ns: ns, existing: claims)
                actions.append(.create(group: "", plural: "pods", namespace: ns, object: newPod(o, ordinal: i, ns: ns, revision: revision)))
                if !parallel { blocked = true; break }
                continue
            }
            let phase = Workload.phase(pod.object)
            if (phase == "Failed" || phase == "Succeeded") && !pod.object.isBeingDeleted {
                actions.append(.delete(pod))
                if !parallel { blocked = true; break }
                continue
            }
            if !parallel && !isHealthy(pod.object) { blocked = true; break }
        }

        // Scale down: highest ordinal first; OrderedReady waits for every other pod to be healthy and
        // for the previous deletion to finish.
        let condemned = pods.keys.filter { !range.contains($0) }.sorted(by: >)
        if !blocked {
            for i in condemned {
                guard let pod = pods[i] else { continue }
                if pod.object.isBeingDeleted {
                    if !parallel { blocked = true; break }
                    continue
                }
                if !parallel && !pods.values.allSatisfy({ $0.object.name == pod.object.name || isHealthy($0.object) }) {
                    blocked = true
                    break
                }
                actions.append(.delete(pod))
                if !parallel { blocked = true; break }
            }
        }

        // RollingUpdate: replace the highest-ordinal stale pod at or above the partition, one at a
        // time, once every pod is healthy.
        if !blocked && !onDelete && range.allSatisfy({ pods[$0].map { isHealthy($0.object) } ?? false }) {
            let stale = range.reversed().first { i in
                i >= start + partition && pods[i]?.object.labels[revisionLabel] != update.name
            }
            if let i = stale, let pod = pods[i] { actions.append(.delete(pod)) }
        }

        let status = self.status(o, pods: Array(pods.values.map(\.object)), current: current.name, update: update.name,
                                 onDelete: onDelete, now: view.now, collisionCount: revisions.collisionCount)
        if status != o["status"] { actions.append(.status(s, status)) }
        return actions
    }

    static func status(_ set: Value, pods: [Value], current: String, update: String, onDelete: Bool, now: Int64,
                       collisionCount: Int64) -> Value
    {
        let minReady = Workload.int(set["spec"]?["minReadySeconds"])
        let live = pods
        var st = set["status"]?.mapValue ?? [:]
        let replicas = Int64(live.count)
        let ready = Int64(live.filter { Workload.phase($0) == "Running" && Workload.isReady($0) }.count)
        let available = Int64(live.filter { Workload.phase($0) == "Running" && Workload.isAvailable($0, minReadySeconds: minReady, now: now) }.count)
        var currentCount = Int64(live.filter { $0.labels[revisionLabel] == current }.count)
        let updated = Int64(live.filter { $0.labels[revisionLabel] == update }.count)
        var currentRevision = current
        // `completeRollingUpdate`: every pod updated and ready makes the update revision current.
        if !onDelete && updated == replicas && ready == replicas
            && replicas == Workload.int(set["spec"]?["replicas"], default: 1)
        {
            currentRevision = update
            currentCount = updated
        }
        st["replicas"] = .int(replicas)
        st["readyReplicas"] = .int(ready)
        st["availableReplicas"] = .int(available)
        st["currentReplicas"] = .int(currentCount)
        st["updatedReplicas"] = .int(updated)
        st["currentRevision"] = .string(currentRevision)
        st["updateRevision"] = .string(update)
        st["collisionCount"] = .int(collisionCount)
        st["observedGeneration"] = .int(Workload.int(set.meta("generation"), default: 1))
        for k in ["readyReplicas", "currentReplicas", "updatedReplicas"] where st[k] == .int(0) { st[k] = nil }
        return .map(st)
    }

    /// The PVC name for a claim template and ordinal.
    static func claimName(_ template: String, set: String, ordinal: Int) -> String { "\(template)-\(set)-\(ordinal)" }

    static func createClaims(_ set: Value, ordinal: Int, ns: String, existing: Set<String>) -> [WorkloadAction] {
        let deleteWithSet = set["spec"]?["persistentVolumeClaimRetentionPolicy"]?["whenDeleted"]?.stringValue == "Delete"
        var out: [WorkloadAction] = []
        for t in set["spec"]?["volumeClaimTemplates"]?.listValue ?? [] {
            let tname = t["metadata"]?["name"]?.stringValue ?? ""
            let name = claimName(tname, set: set.name, ordinal: ordinal)
            guard !tname.isEmpty, !existing.contains(name) else { continue }
            // Labels: the template's plus the set's matchLabels (`getPersistentVolumeClaims`).
            var labels = t["metadata"]?["labels"]?.mapValue ?? [:]
            for (k, v) in set["spec"]?["selector"]?["matchLabels"]?.mapValue ?? [:] { labels[k] = v }
            var meta: [String: Value] = ["name": .string(name), "namespace": .string(ns)]
            if !labels.isEmpty { meta["labels"] = .map(labels) }
            if let ann = t["metadata"]?["annotations"], case .map = ann { meta["annotations"] = ann }
            if deleteWithSet { meta["ownerReferences"] = .list([Workload.ownerReference(apiVersion: "apps/v1", kind: "StatefulSet", owner: set)]) }
            let claim: Value = .map(["apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": .map(meta),
                                     "spec": t["spec"] ?? .map([:])])
            out.append(.create(group: "", plural: "persistentvolumeclaims", namespace: ns, object: claim))
        }
        return out
    }

    /// The pod for one ordinal from a revision's template (`newVersionedStatefulSetPod`).
    static func newPod(_ set: Value, ordinal: Int, ns: String, revision: Revisions.Revision) -> Value {
        let name = "\(set.name)-\(ordinal)"
        let ref = Workload.ownerReference(apiVersion: "apps/v1", kind: "StatefulSet", owner: set)
        var pod = Workload.pod(from: revision.template, generateName: "", namespace: ns, owner: ref)
        pod.setMeta("generateName", nil)
        pod.setMeta("name", .string(name))
        var labels = pod["metadata"]?["labels"]?.mapValue ?? [:]
        labels[podNameLabel] = .string(name)
        labels[podIndexLabel] = .string(String(ordinal))
        labels[revisionLabel] = .string(revision.name)
        pod.setMeta("labels", .map(labels))
        pod.set(path: ["spec", "hostname"], to: .string(name))
        if let service = set["spec"]?["serviceName"]?.stringValue, !service.isEmpty {
            pod.set(path: ["spec", "subdomain"], to: .string(service))
        }
        // Claim templates replace same-named volumes of the template.
        let templates = (set["spec"]?["volumeClaimTemplates"]?.listValue ?? []).compactMap { $0["metadata"]?["name"]?.stringValue }
        if !templates.isEmpty {
            var volumes = (pod["spec"]?["volumes"]?.listValue ?? []).filter { v in !templates.contains(v["name"]?.stringValue ?? "") }
            for t in templates {
                volumes.append(.map(["name": .string(t), "persistentVolumeClaim": .map([
                    "claimName": .string(claimName(t, set: set.name, ordinal: ordinal)),
                ])]))
            }
            pod.set(path: ["spec", "volumes"], to: .list(volumes))
        }
        return pod
    }
}

extension StatefulSetController {
    /// Seconds until a ready pod of a set with `minReadySeconds` counts as available.
    static func requeueAfter(_ view: WorkloadView) -> Int64? { Workload.minReadyRequeue(view, "apps", "statefulsets") }
}
