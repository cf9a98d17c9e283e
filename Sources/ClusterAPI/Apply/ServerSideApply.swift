public import StructuredData

/// Server-side apply and `metadata.managedFields` tracking, as pure functions over objects
/// (structured-merge-diff's semantics, written from its documentation and behaviour).
///
/// Field sets use the FieldsV1 form (`{"f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{".":{},"f:image":{}}}}}`).
/// The schema decides list semantics: `+listType=map` with `+listMapKey`s (or `+patchStrategy=merge`
/// with a `+patchMergeKey`) makes items owned by key (`k:`), `+listType=set` by value (`v:`), any
/// other list is atomic (one leaf). Without a schema (CRDs), maps are granular and lists atomic.
///
/// Never tracked: `apiVersion`, `kind`, and `metadata.{name, namespace, uid, resourceVersion,
/// generation, creationTimestamp, deletionTimestamp, deletionGracePeriodSeconds, managedFields,
/// selfLink}`. Timestamps are given by the caller.
///
/// Known differences from a real API server: `Update` entries are one per (manager, subresource),
/// not per apiVersion; a `null` in an applied configuration means "not set"; a struct field the
/// applier stops setting is removed when nothing is left under it (Kubernetes also drops unowned,
/// e.g. defaulted, fields beside it); list-map keys default only `protocol` (`TCP`); on a create,
/// `"."` marks every new list (a real server leaves `f:containers` unmarked) but no pointer
/// struct (a real server marks `f:rollingUpdate`); the applier's `time` also moves when only its
/// field set changed.
public enum ServerSideApply {
    /// Applies `config` for `manager` (`PATCH` with `application/apply-patch+yaml`). `live` is nil
    /// when the object does not exist (create).
    ///
    /// The result is `live` with `config` merged in (config values win, keyed lists merge by key,
    /// atomic lists are replaced), minus the fields `manager`'s previous apply owned that `config`
    /// no longer sets and nobody else owns (how a Helm 4 upgrade removes fields dropped from a
    /// chart), with `metadata.managedFields` updated. `metadata.resourceVersion` and the other
    /// server-owned metadata come from `live`; checking a `resourceVersion` precondition is the
    /// caller's job. Malformed `managedFields` on `live` are reset; a live object without any
    /// gets them attributed to the `before-first-apply` manager first, as Kubernetes does.
    ///
    /// - Parameters:
    ///   - force: take ownership of conflicting fields instead of failing.
    ///   - time: the RFC 3339 time recorded on `manager`'s entry when its fields or the object change.
    ///   - schema: the kind's root message; nil for kinds without a schema (CRDs).
    ///   - ignoreStatus: drop `status` from `config` (applies to the main resource of kinds with a
    ///     status subresource).
    ///   - subresource: the subresource applied to, nil for the main resource; for `status` only the
    ///     configuration's `status` is applied.
    /// - Throws: ``ApplyError/conflicts(_:)`` when fields owned by other managers (including this
    ///   manager's own `Update` entries) would change and `force` is false;
    ///   ``ApplyError/invalid(_:)`` for a configuration that is not an object, sets
    ///   `metadata.managedFields`, nests deeper than 150 levels, or has keyed-list items with
    ///   missing or duplicate keys.
    public static func apply(live: Value?, config: Value, manager: String, force: Bool, time: String,
                             schema: MessageSchema?, schemas: SchemaSet, ignoreStatus: Bool = false,
                             subresource: String? = nil) throws(ApplyError) -> Value
    {
        guard case .map(var cfg) = config else {
            throw .invalid("apply configuration must be an object")
        }
        guard !manager.isEmpty else { throw .invalid("fieldManager is required for apply requests") }
        guard !nestingExceeds(config, maxApplyDepth) else {
            throw .invalid("apply configuration nests deeper than \(maxApplyDepth) levels")
        }
        if case .map(let meta) = cfg["metadata"] ?? .null {
            if let mf = meta["managedFields"], !mf.isNull { throw .invalid("metadata.managedFields must be nil") }
        } else if let meta = cfg["metadata"], !meta.isNull {
            throw .invalid("metadata must be an object")
        }
        if ignoreStatus { cfg.removeValue(forKey: "status") }
        if subresource == "status" {
            // Through /status only status is applied, as the status strategies reset the rest.
            var meta: [String: Value] = [:]
            for k in ["name", "namespace"] { meta[k] = cfg["metadata"]?[k] }
            cfg = cfg.filter { ["apiVersion", "kind", "status"].contains($0.key) }
            cfg["metadata"] = .map(meta)
        }
        let clean = droppingNulls(withoutServerMetadata(.map(cfg)))

        let ctx = Context(schema: schema, schemas: schemas, ignoreStatus: ignoreStatus)
        if let problem = ctx.walk.configProblem(clean, ctx.root) { throw .invalid(problem) }

        let liveObject: Value?
        switch live {
        case .some(.map): liveObject = live
        case .none, .some(.null): liveObject = nil
        case .some: throw .invalid("live object is not an object")
        }
        var entries = liveObject.flatMap { ManagedFieldsCodec.decode($0.lookup(["metadata", "managedFields"])) } ?? []
        let liveClean = liveObject.map(withoutManagedFields)
        let apiVersion = clean["apiVersion"]?.stringValue ?? liveObject?["apiVersion"]?.stringValue

        if let liveClean, entries.isEmpty {
            // Status is only ignored for the applier: the earlier writer owned it too.
            let set = Context(schema: schema, schemas: schemas, ignoreStatus: false).compare(.map([:]), liveClean).added
            entries.append(ManagedEntry(key: ManagerKey(manager: "before-first-apply", operation: "Update", subresource: ""),
                                        apiVersion: liveClean["apiVersion"]?.stringValue, time: time, set: set))
        }

        let key = ManagerKey(manager: manager, operation: "Apply", subresource: subresource ?? "")
        let configSet = ctx.fieldSet(clean)
        var merged = liveClean.map { ctx.walk.merge($0, clean, ctx.root) } ?? clean

        let previous = entries.firstIndex { $0.key == key }
        let lastSet = previous.map { entries[$0].set } ?? FieldSet()
        let mine: Int
        if let previous {
            entries[previous].set = configSet
            entries[previous].apiVersion = apiVersion
            mine = previous
        } else {
            entries.append(ManagedEntry(key: key, apiVersion: apiVersion, time: nil, set: configSet))
            mine = entries.count - 1
        }

        // Remove what this manager set last time, no longer sets, and nobody owns (not even a
        // field below it).
        if !lastSet.isEmpty {
            let owned = entries.reduce(FieldSet()) { $0.union($1.set) }
            var stale = FieldSet()
            for p in lastSet.paths where !owned.containsPathOrDescendant(p) { stale.insert(p) }
            merged = ctx.walk.removing(stale, from: merged, ctx.root)
            // Merging the configuration again restores what it sets explicitly but the removal of
            // emptied fields took away (`labels: {}`), so re-applying it is a no-op.
            if !stale.isEmpty { merged = ctx.walk.merge(merged, clean, ctx.root) }
        }

        if let liveClean {
            let change = ctx.compare(liveClean, merged)
            let changed = change.modified.union(change.added)
            var conflicts: [ApplyConflict] = []
            for i in entries.indices where i != mine {
                let taken = entries[i].set.intersection(changed)
                guard !taken.isEmpty else { continue }
                let e = entries[i]
                for p in taken.paths {
                    conflicts.append(ApplyConflict(
                        manager: e.key.manager, operation: e.key.operation, apiVersion: e.apiVersion,
                        subresource: e.key.subresource.isEmpty ? nil : e.key.subresource, field: pathString(p)))
                }
                entries[i].set = e.set.subtracting(taken)
            }
            if !conflicts.isEmpty && !force { throw .conflicts(conflicts) }
            for i in entries.indices where i != mine {
                entries[i].set = entries[i].set.subtracting(change.removed)
            }
        }

        // Kubernetes stamps the applier's time only when something changed.
        let objectChanged = liveClean.map { !sameValue($0, merged) } ?? true
        if objectChanged || previous == nil || lastSet != configSet || entries[mine].time == nil {
            entries[mine].time = time
        }
        return withManagedFields(merged, entries)
    }

    /// Records a non-apply write (create, update, any patch) by `manager` in `new`'s
    /// `metadata.managedFields`, as an `Update` entry.
    ///
    /// The fields the write added or changed (every field for a create, `old` nil) move to
    /// `manager`'s entry and out of every other entry — which is what makes a later apply of a
    /// field `kubectl scale` changed conflict; fields the write removed leave every entry. The
    /// entry's `time` changes only when it gains fields. `managedFields` sent in `new` are used as
    /// the starting point when they decode and are non-empty (a client may rewrite ownership, as
    /// Helm's client-side-apply migration does; a single empty entry `[{}]` clears them);
    /// otherwise `old`'s are (reset when malformed).
    public static func recordUpdate(old: Value?, new: Value, manager: String, subresource: String?, time: String,
                                    schema: MessageSchema?, schemas: SchemaSet) -> Value
    {
        guard case .map = new else { return new }
        let sent = new.lookup(["metadata", "managedFields"])
        if case .list(let l) = sent ?? .null, l.count == 1, l.first == .map([:]) {
            return withManagedFields(withoutManagedFields(new), [])
        }
        var entries: [ManagedEntry]
        if subresource == nil, let decoded = ManagedFieldsCodec.decode(sent), !decoded.isEmpty {
            entries = decoded
        } else {
            entries = old.flatMap { ManagedFieldsCodec.decode($0.lookup(["metadata", "managedFields"])) } ?? []
        }
        let ctx = Context(schema: schema, schemas: schemas, ignoreStatus: false)
        let newClean = withoutManagedFields(new)
        let oldClean = old.map(withoutManagedFields) ?? .map([:])
        let change = ctx.compare(oldClean, newClean)
        let changed = change.modified.union(change.added)

        let key = ManagerKey(manager: manager, operation: "Update", subresource: subresource ?? "")
        for i in entries.indices {
            entries[i].set = entries[i].set.subtracting(change.removed)
            if entries[i].key != key { entries[i].set = entries[i].set.subtracting(changed) }
        }
        if !changed.isEmpty {
            let apiVersion = newClean["apiVersion"]?.stringValue
            if let i = entries.firstIndex(where: { $0.key == key }) {
                entries[i].set = entries[i].set.union(changed)
                entries[i].time = time
                entries[i].apiVersion = apiVersion
            } else {
                entries.append(ManagedEntry(key: key, apiVersion: apiVersion, time: time, set: changed))
            }
        }
        return withManagedFields(newClean, entries)
    }

    /// The FieldsV1 set an object's content sets (without the untracked fields), e.g.
    /// `{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{}}}`.
    public static func fieldSet(of object: Value, schema: MessageSchema?, schemas: SchemaSet) -> Value {
        let ctx = Context(schema: schema, schemas: schemas, ignoreStatus: false)
        return ctx.fieldSet(withoutManagedFields(object)).fieldsV1
    }
}

/// The schema-bound helpers one call uses.
private struct Context {
    let walk: ObjectWalk
    let root: ApplyType
    let untracked: [[PathElement]]

    init(schema: MessageSchema?, schemas: SchemaSet, ignoreStatus: Bool) {
        walk = ObjectWalk(types: ApplyTypes(schemas: schemas))
        root = schema.map { .message($0) } ?? .untypedRoot
        var u: [[PathElement]] = [[.field("apiVersion")], [.field("kind")]]
        for f in serverMetadataFields + ["name", "namespace"] { u.append([.field("metadata"), .field(f)]) }
        if ignoreStatus { u.append([.field("status")]) }
        untracked = u
    }

    func filtered(_ s: FieldSet) -> FieldSet {
        untracked.reduce(s) { $0.removingSubtree($1) }
    }

    func fieldSet(_ v: Value) -> FieldSet { filtered(walk.fieldSet(v, root)) }

    /// What changed from `old` to `new`: paths (and containers) only `new` has, paths (and
    /// containers) only `old` has, and leaves both set with different values.
    func compare(_ old: Value, _ new: Value) -> (added: FieldSet, removed: FieldSet, modified: FieldSet) {
        let o = fieldSet(old)
        let n = fieldSet(new)
        let added = n.subtracting(o).union(filtered(walk.addedContainers(old, new, root)))
        let removed = o.subtracting(n).union(filtered(walk.addedContainers(new, old, root)))
        return (added, removed, filtered(walk.modified(old, new, root)))
    }
}

/// Deepest configuration apply accepts; far beyond any real object, and below the walkers' limit so
/// every applied field is tracked exactly.
let maxApplyDepth = 150

/// Metadata the server owns; never applied nor tracked.
private let serverMetadataFields = [
    "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp",
    "deletionGracePeriodSeconds", "managedFields", "selfLink",
]

private func withoutServerMetadata(_ v: Value) -> Value {
    guard case .map(var m) = v, case .map(var meta) = m["metadata"] ?? .null else { return v }
    for f in serverMetadataFields { meta.removeValue(forKey: f) }
    m["metadata"] = .map(meta)
    return .map(m)
}

private func withoutManagedFields(_ v: Value) -> Value {
    guard case .map(var m) = v, case .map(var meta) = m["metadata"] ?? .null else { return v }
    meta.removeValue(forKey: "managedFields")
    m["metadata"] = .map(meta)
    return .map(m)
}

private func withManagedFields(_ v: Value, _ entries: [ManagedEntry]) -> Value {
    guard case .map(var m) = v else { return v }
    var meta = m["metadata"]?.mapValue ?? [:]
    let list = ManagedFieldsCodec.encode(entries)
    // (Value is nil-literal expressible: remove explicitly rather than store `.null`.)
    if list.isEmpty { meta.removeValue(forKey: "managedFields") } else { meta["managedFields"] = .list(list) }
    if !meta.isEmpty || m["metadata"] != nil { m["metadata"] = .map(meta) }
    return .map(m)
}
