import ClusterAPI
import StructuredData

/// The ControllerRevision history of a StatefulSet or DaemonSet (`pkg/controller/history`): one
/// revision per distinct pod template, named `<owner>-<hash>`, holding the template as
/// `data.spec.template` (with `$patch: replace`, what `kubectl rollout undo` applies back), numbered
/// by `revision`; a template that comes back gets the next number again. Old revisions beyond
/// `revisionHistoryLimit` that no pod uses are deleted.
struct Revisions {
    struct Revision {
        var name: String
        var hash: String
        var template: Value?
    }

    static let hashLabel = "controller.kubernetes.io/hash"

    /// The revision pods must be updated to.
    private(set) var update: Revision
    /// The revision the status reports as current (the update revision when none is recorded).
    private(set) var current: Revision
    private(set) var collisionCount: Int64
    /// Creations, renumberings and history cleanup.
    private(set) var actions: [WorkloadAction] = []

    /// The revision data as Kubernetes stores it for this template.
    static func data(_ template: Value?) -> Value {
        var t = template ?? .map([:])
        t.setField("$patch", "replace")
        return .map(["spec": .map(["template": t])])
    }

    static func template(of revision: Value) -> Value? {
        guard var t = revision["data"]?["spec"]?["template"] else { return nil }
        t.setField("$patch", nil)
        return t
    }

    init(_ s: Reconciler.Stored, view: WorkloadView, kind: String = "StatefulSet", labelIsName: Bool = true,
         revisionLabel: String = "controller-revision-hash")
    {
        let o = s.object
        let ns = s.namespace ?? ""
        let template = o["spec"]?["template"]
        collisionCount = Workload.int(o["status"]?["collisionCount"])
        let owned = view.of("apps", "controllerrevisions", in: ns).filter { Workload.controllerUID($0.object) == o.uid }
            .sorted { Workload.int($0.object["revision"]) < Workload.int($1.object["revision"]) }
        let maxRevision = owned.map { Workload.int($0.object["revision"]) }.max() ?? 0
        let wanted = Self.data(template)
        var hash = PodTemplateHash.compute(template: wanted, collisionCount: collisionCount)
        let existing = owned.first { Self.template(of: $0.object).map { PodTemplateHash.equalIgnoringHash($0, template) } ?? false }
        if let existing {
            let name = existing.object.name
            hash = existing.object.labels[Self.hashLabel] ?? String(name.dropFirst(o.name.count + 1))
            update = Revision(name: name, hash: hash, template: template)
            if Workload.int(existing.object["revision"]) < maxRevision {
                let next = maxRevision + 1
                actions.append(.update(existing) { $0.setField("revision", .int(next)) })
            }
        } else {
            // A name taken by another template's revision: bump collisionCount until it is free.
            let names = Set(view.of("apps", "controllerrevisions", in: ns).map(\.object.name))
            var guardCount = 0
            while names.contains(o.name + "-" + hash) && guardCount < 16 {
                collisionCount += 1
                guardCount += 1
                hash = PodTemplateHash.compute(template: wanted, collisionCount: collisionCount)
            }
            let name = o.name + "-" + hash
            update = Revision(name: name, hash: hash, template: template)
            var labels = template?["metadata"]?["labels"]?.mapValue ?? [:]
            labels[Self.hashLabel] = .string(hash)
            let revision: Value = .map([
                "apiVersion": "apps/v1", "kind": "ControllerRevision",
                "metadata": .map(["name": .string(name), "namespace": .string(ns), "labels": .map(labels),
                                  "ownerReferences": .list([Workload.ownerReference(apiVersion: "apps/v1", kind: kind, owner: o)])]),
                "data": wanted, "revision": .int(maxRevision + 1),
            ])
            actions.append(.create(group: "apps", plural: "controllerrevisions", namespace: ns, object: revision))
        }
        let recorded = o["status"]?["currentRevision"]?.stringValue
        if let recorded, let r = owned.first(where: { $0.object.name == recorded }) {
            current = Revision(name: r.object.name, hash: r.object.labels[Self.hashLabel] ?? "", template: Self.template(of: r.object))
        } else {
            current = update
        }
        // History: keep `revisionHistoryLimit` (10) revisions besides those pods and the status use.
        let limit = Int(clamping: max(0, Workload.int(o["spec"]?["revisionHistoryLimit"], default: 10)))
        let podLabels = Set(view.of("", "pods", in: ns).filter { Workload.controllerUID($0.object) == o.uid }
            .compactMap { $0.object.labels[revisionLabel] })
        let keep: Set<String> = [update.name, current.name]
        let removable = owned.filter { r in
            let key = labelIsName ? r.object.name : (r.object.labels[Self.hashLabel] ?? "")
            return !keep.contains(r.object.name) && !podLabels.contains(key)
        }
        if removable.count > limit {
            actions += removable.prefix(removable.count - limit).map { .delete($0) }
        }
    }
}
