import ClusterAPI
import StructuredData

/// What a workload controller wants done. Controllers are pure functions from a ``WorkloadView`` to
/// actions; the ``Reconciler`` carries the actions out through the normal API write paths.
enum WorkloadAction: Sendable {
    /// Creates `object` as a `group`/`plural` in `namespace` (admission and defaults apply).
    case create(group: String, plural: String, namespace: String, object: Value)
    /// Rewrites a stored object (spec or metadata) through an update.
    case update(Reconciler.Stored, change: @Sendable (inout Value) -> Void)
    /// Replaces the object's `status` through the status subresource.
    case status(Reconciler.Stored, Value)
    case delete(Reconciler.Stored)
    /// Binds a pod to a node through `pods/binding` and marks it `PodScheduled=True`.
    case bind(Reconciler.Stored, node: String)
    /// Records a core/v1 Event about an object (what `kubectl describe` lists).
    case event(Reconciler.Stored, warning: Bool, reason: String, message: String, component: String)

    /// What the action is about, for ordering: the uid of an existing object, the controlling owner's
    /// uid of an object to create (else its kind, namespace and name).
    var subjectKey: String {
        switch self {
        case .create(let group, let plural, let namespace, let object):
            let owners = object.meta("ownerReferences")?.listValue ?? []
            if let owner = owners.first(where: { $0["controller"] == .bool(true) }), let uid = owner["uid"]?.stringValue {
                return "uid:" + uid
            }
            return "new:\(group)/\(plural)/\(namespace)/\(object.name)"
        case .update(let s, _), .status(let s, _), .delete(let s), .bind(let s, _), .event(let s, _, _, _, _):
            return "uid:" + s.object.uid
        }
    }
}

/// A consistent snapshot of the store as controllers see it, with the time of the pass.
struct WorkloadView: Sendable {
    let now: Int64
    let objects: [Reconciler.Stored]
    private let byKind: [String: [Reconciler.Stored]]

    /// This view with the statuses that `actions` write already in place.
    func withStatuses(of actions: [WorkloadAction]) -> WorkloadView {
        var statuses: [String: Value] = [:]
        for case .status(let s, let status) in actions { statuses[s.object.uid] = status }
        if statuses.isEmpty { return self }
        return WorkloadView(now: now, objects: objects.map { s in
            guard let status = statuses[s.object.uid] else { return s }
            var updated = s
            updated.object.setField("status", status)
            return updated
        })
    }

    init(now: Int64, objects: [Reconciler.Stored]) {
        self.now = now
        self.objects = objects
        var byKind: [String: [Reconciler.Stored]] = [:]
        for s in objects { byKind[s.info.group + "/" + s.info.plural, default: []].append(s) }
        self.byKind = byKind
    }

    /// Objects of one resource, optionally in one namespace.
    func of(_ group: String, _ plural: String, in namespace: String? = nil) -> [Reconciler.Stored] {
        let all = byKind[group + "/" + plural] ?? []
        guard let namespace else { return all }
        return all.filter { $0.namespace == namespace }
    }
}

/// Facts about objects that several controllers read.
enum Workload {
    /// The controller ownerReference's uid, if any.
    static func controllerUID(_ o: Value) -> String? {
        (o.meta("ownerReferences")?.listValue ?? []).first { $0["controller"] == .bool(true) }?["uid"]?.stringValue
    }

    /// A controller ownerReference as Kubernetes' controllers write it.
    static func ownerReference(apiVersion: String, kind: String, owner: Value) -> Value {
        .map(["apiVersion": .string(apiVersion), "kind": .string(kind), "name": .string(owner.name),
              "uid": .string(owner.uid), "controller": true, "blockOwnerDeletion": true])
    }

    static func int(_ v: Value?, default d: Int64 = 0) -> Int64 { v?.intValue ?? d }

    static func phase(_ pod: Value) -> String { pod["status"]?["phase"]?.stringValue ?? "" }

    /// Not finished and not being deleted (`controller.FilterActivePods`).
    static func isActive(_ pod: Value) -> Bool {
        let p = phase(pod)
        return p != "Succeeded" && p != "Failed" && !pod.isBeingDeleted
    }

    static func condition(_ o: Value, _ type: String) -> Value? {
        (o["status"]?["conditions"]?.listValue ?? []).first { $0["type"]?.stringValue == type }
    }

    static func isReady(_ pod: Value) -> Bool { condition(pod, "Ready")?["status"]?.stringValue == "True" }

    /// Ready for at least `minReadySeconds` (by the Ready condition's lastTransitionTime).
    static func isAvailable(_ pod: Value, minReadySeconds: Int64, now: Int64) -> Bool {
        guard isReady(pod) else { return false }
        if minReadySeconds <= 0 { return true }
        guard let t = condition(pod, "Ready")?["lastTransitionTime"]?.stringValue.flatMap(Timestamps.parse) else { return false }
        return t + minReadySeconds <= now
    }

    /// Seconds until a ready pod becomes available, for requeueing; nil when nothing is pending.
    static func availableIn(_ pod: Value, minReadySeconds: Int64, now: Int64) -> Int64? {
        guard minReadySeconds > 0, isReady(pod),
              let t = condition(pod, "Ready")?["lastTransitionTime"]?.stringValue.flatMap(Timestamps.parse),
              t + minReadySeconds > now
        else { return nil }
        return t + minReadySeconds - now
    }

    /// Seconds until a ready pod owned by an object of `group`/`plural` with `minReadySeconds` counts as available.
    static func minReadyRequeue(_ view: WorkloadView, _ group: String, _ plural: String) -> Int64? {
        view.of(group, plural).flatMap { owner -> [Int64] in
            let minReady = int(owner.object["spec"]?["minReadySeconds"])
            guard minReady > 0, let ns = owner.namespace else { return [] }
            return view.of("", "pods", in: ns).filter { controllerUID($0.object) == owner.object.uid }
                .compactMap { availableIn($0.object, minReadySeconds: minReady, now: view.now) }
        }.min()
    }

    /// A pod built from a template for a controller (`controller.GetPodFromTemplate`).
    static func pod(from template: Value?, generateName: String, namespace: String, owner: Value?) -> Value {
        var meta: [String: Value] = ["generateName": .string(generateName), "namespace": .string(namespace)]
        if let labels = template?["metadata"]?["labels"], case .map = labels { meta["labels"] = labels }
        if let ann = template?["metadata"]?["annotations"], case .map = ann { meta["annotations"] = ann }
        if let owner { meta["ownerReferences"] = .list([owner]) }
        return .map(["apiVersion": "v1", "kind": "Pod", "metadata": .map(meta), "spec": template?["spec"] ?? .map([:])])
    }

    /// A condition entry with both timestamps at `time`.
    static func newCondition(_ type: String, _ status: String, _ reason: String, _ message: String, time: String,
                             probe: Bool = false, update: Bool = false) -> Value
    {
        var m: [String: Value] = ["type": .string(type), "status": .string(status), "reason": .string(reason),
                                  "message": .string(message), "lastTransitionTime": .string(time)]
        if probe { m["lastProbeTime"] = .string(time) }
        if update { m["lastUpdateTime"] = .string(time) }
        return .map(m)
    }

    /// Replaces (or appends) the condition of the same type in a list.
    static func setting(_ conditions: [Value], _ c: Value) -> [Value] {
        let type = c["type"]?.stringValue
        var out = conditions.filter { $0["type"]?.stringValue != type }
        if let i = conditions.firstIndex(where: { $0["type"]?.stringValue == type }) {
            out.insert(c, at: min(i, out.count))
        } else {
            out.append(c)
        }
        return out
    }

    /// Selector of the object's `spec.selector`; a malformed selector selects nothing.
    static func selector(_ o: Value) -> LabelSelector {
        (try? LabelSelector(object: o["spec"]?["selector"])) ?? .nothing
    }
}
