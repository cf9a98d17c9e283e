public import StructuredData

/// Kubernetes strategic merge patch (`application/strategic-merge-patch+json`) as the API server applies
/// it (apimachinery `strategicpatch.StrategicMergeMapPatch`): maps merge recursively and `null` deletes a
/// field; a list field merges when its schema says `patchStrategy: merge` — by `patchMergeKey` for lists
/// of maps (`containers` by `name`, container `ports` by `containerPort`), as a union for lists of
/// scalars (`finalizers`) — and is replaced otherwise. Directives: `$patch: replace|delete|merge` (in a
/// map or as a list element), `$retainKeys`, `$setElementOrder/<field>`, `$deleteFromPrimitiveList/<field>`.
/// Fields the schema does not name merge like a JSON merge patch, and their lists are replaced.
///
/// Deliberate differences from apimachinery, all on inputs kubectl never sends: `$patch: merge` in a map
/// is accepted as the default behaviour (apimachinery rejects it); a value added where the object had
/// none is applied to an empty value, so its directives are resolved rather than stored (apimachinery
/// likewise drops the `null`s of added maps).
public enum StrategicMergePatch {
    /// The deepest nesting of maps and lists walked; deeper patches are refused.
    public static let maxDepth = 256

    /// Applies `patch` to `document`, an object of kind `kind`, looking the kind up in `schemas`. A kind
    /// the table does not know (a custom resource) gets the API server's 415: strategic merge needs the
    /// per-field metadata only built-in types have.
    public static func apply(_ patch: Value, to document: Value, kind: GroupVersionKind,
                             schemas: SchemaSet = BuiltinSchemas.all) throws(PatchError) -> Value
    {
        guard let schema = schemas.root(for: kind) else {
            throw PatchError(.unsupportedMediaType, path: "",
                             "the body of the request was in an unknown format - accepted media types include: "
                                 + "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml")
        }
        return try apply(patch, to: document, schema: schema, schemas: schemas)
    }

    /// Applies `patch` to `document`, a value of message type `schema` (`schemas` resolves the
    /// message types of its fields).
    public static func apply(_ patch: Value, to document: Value, schema: MessageSchema, schemas: SchemaSet)
        throws(PatchError) -> Value
    {
        guard case .map(let p) = patch else {
            throw PatchError(.badRequest, path: "",
                             "invalid JSON document: a strategic merge patch must be a map, got a \(PatchValues.kind(patch))")
        }
        let original: [String: Value]
        switch document {
        case .map(let m): original = m
        case .null: original = [:]
        default:
            throw PatchError(.unprocessable, path: "", "the object to patch is a \(PatchValues.kind(document)), not a map")
        }
        let merger = StrategicMerger(schemas: schemas)
        return .map(try merger.mergeMap(original, p, shape: .message(schema), path: "", depth: 0))
    }
}

/// The recursive merge; `path` is the field path of the map or list being merged, for errors.
struct StrategicMerger {
    let schemas: SchemaSet

    static let directive = "$patch"
    static let retainKeys = "$retainKeys"
    static let setElementOrderPrefix = "$setElementOrder/"
    static let deleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList/"

    func error(_ code: PatchError.Code, _ path: String, _ text: String) -> PatchError {
        PatchError(code, path: path, path.isEmpty ? text : "\(path): \(text)")
    }

    static func child(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func checkDepth(_ depth: Int, _ path: String) throws(PatchError) {
        guard depth < StrategicMergePatch.maxDepth else {
            throw error(.badRequest, path, "the patch nests deeper than \(StrategicMergePatch.maxDepth) levels")
        }
    }

    /// Merges `patch` into `original` (a map of shape `shape`).
    ///
    /// The work is split into small non-inlined steps so that each level of recursion costs a small
    /// stack frame (a debug build otherwise spends kilobytes per level).
    func mergeMap(_ original: [String: Value], _ patch: [String: Value], shape: PatchShape, path: String, depth: Int)
        throws(PatchError) -> [String: Value]
    {
        try checkDepth(depth, path)
        var patch = patch
        var original = original
        if let d = patch.removeValue(forKey: Self.directive) {
            switch d {
            case "replace":
                // The map becomes exactly the patch's content (cleaned of its own directives and nulls).
                return try mergeMap([:], patch, shape: shape, path: path, depth: depth + 1)
            case "delete":
                return [:]
            case "merge":
                break
            default:
                throw unknownPatchType(d, in: .map(patch), path)
            }
        }
        if let retain = patch.removeValue(forKey: Self.retainKeys) {
            try applyRetainKeys(retain, to: &original, patch: patch, path: path)
        }
        for key in patch.keys.filter({ $0.hasPrefix(Self.setElementOrderPrefix) }).sorted() {
            try applySetElementOrder(key, to: &original, patch: &patch, shape: shape, path: path, depth: depth)
        }
        var deletions: [String] = []
        for key in patch.keys.sorted() {
            if key.hasPrefix(Self.deleteFromPrimitiveListPrefix) {
                deletions.append(key)
            } else {
                try mergeField(key, patch, into: &original, shape: shape, path: path, depth: depth)
            }
        }
        // Deletions run after additions so that the result does not depend on key order.
        for key in deletions {
            try applyDeleteFromPrimitiveList(key, patch, to: &original, path: path)
        }
        return original
    }

    @inline(never)
    func unknownPatchType(_ d: Value, in container: Value, _ path: String) -> PatchError {
        error(.unprocessable, path, "unknown patch type: \(PatchValues.brief(d)) in map: \(PatchValues.brief(container))")
    }

    /// One field of the patch: `null` deletes, maps merge (unless `patchStrategy: replace`), merge lists
    /// merge, anything else replaces.
    @inline(never)
    private func mergeField(_ key: String, _ patch: [String: Value], into original: inout [String: Value],
                            shape: PatchShape, path: String, depth: Int) throws(PatchError)
    {
        guard let pv = patch[key] else { return }
        let meta = shape.meta(of: key, schemas: schemas)
        let childPath = Self.child(path, key)
        if key.hasPrefix("$"), !meta.known, shape.keysAreFields {
            throw error(.badRequest, childPath, "unknown strategic merge patch directive \"\(key)\"")
        }
        if pv.isNull {
            original[key] = nil
            return
        }
        guard let ov = original.removeValue(forKey: key) else {
            original[key] = try newValue(pv, meta: meta, path: childPath, depth: depth + 1)
            return
        }
        switch (ov, pv) {
        case (.map(let om), .map(let pm)) where !meta.replaceMap:
            original[key] = .map(try mergeMap(om, pm, shape: meta.shape, path: childPath, depth: depth + 1))
        case (.list(let ol), .list(let pl)) where meta.mergeList:
            original[key] = .list(try mergeList(ol, pl, meta: meta, path: childPath, depth: depth + 1))
        default:
            original[key] = try newValue(pv, meta: meta, path: childPath, depth: depth + 1)
        }
    }

    /// `$setElementOrder/<field>`: merges the field's list (if the patch has one) and then orders it.
    @inline(never)
    private func applySetElementOrder(_ key: String, to original: inout [String: Value], patch: inout [String: Value],
                                      shape: PatchShape, path: String, depth: Int) throws(PatchError)
    {
        guard let order = patch.removeValue(forKey: key) else { return }
        let field = String(key.dropFirst(Self.setElementOrderPrefix.count))
        let listPath = Self.child(path, field)
        guard !field.isEmpty, case .list(let orderList) = order else {
            throw error(.badRequest, Self.child(path, key), "invalid patch format of setElementOrder list")
        }
        let meta = shape.meta(of: field, schemas: schemas)
        var originalList: [Value]?
        if let ov = original[field] {
            guard case .list(let l) = ov else {
                throw error(.unprocessable, listPath, "\(key) needs a list, but the object has a \(PatchValues.kind(ov))")
            }
            originalList = l
        }
        var patchList: [Value]?
        if let pv = patch.removeValue(forKey: field) {
            guard case .list(let l) = pv else {
                throw error(.unprocessable, listPath,
                            "expected a list to go with \(key), but the patch has a \(PatchValues.kind(pv))")
            }
            patchList = l
        }
        let merged: [Value]
        var serverView: [Value?]?
        switch (originalList, patchList) {
        case (nil, nil): return
        case (let o?, nil): merged = o
        case (nil, let p?): merged = try newList(p, meta: meta, path: listPath, depth: depth + 1)
        case (let o?, let p?):
            if meta.mergeList {
                (merged, serverView) = try mergeListDetailed(o, p, meta: meta, path: listPath, depth: depth + 1)
            } else {
                merged = try newList(p, meta: meta, path: listPath, depth: depth + 1)
            }
        }
        let identity = try ListIdentity(for: merged + orderList + (patchList ?? []), meta: meta, path: listPath,
                                        merger: self)
        try validateOrder(patchList ?? [], orderList, identity: identity, path: listPath)
        let serverKeys = serverView ?? (originalList ?? []).map(identity.key)
        original[field] = .list(identity.reorder(merged, patchOrder: orderList, serverKeys: serverKeys))
    }

    /// `$deleteFromPrimitiveList/<field>`: removes the listed scalars from the field's list.
    @inline(never)
    private func applyDeleteFromPrimitiveList(_ key: String, _ patch: [String: Value],
                                              to original: inout [String: Value], path: String) throws(PatchError)
    {
        let field = String(key.dropFirst(Self.deleteFromPrimitiveListPrefix.count))
        guard !field.isEmpty, case .list(let toDelete)? = patch[key],
              toDelete.allSatisfy({ $0.mapValue == nil && $0.listValue == nil })
        else {
            throw error(.badRequest, Self.child(path, key), "invalid patch format of primitive list")
        }
        // Nothing to delete from: the field stays as it is (absent or null), as upstream.
        guard let ov = original[field], !ov.isNull else { return }
        guard case .list(let items) = ov else {
            throw error(.unprocessable, Self.child(path, field),
                        "\(key) needs a list, but the object has a \(PatchValues.kind(ov))")
        }
        original[field] = .list(items.filter { item in !toDelete.contains { PatchValues.equivalent($0, item) } })
    }

    /// `$retainKeys`: drops the object's keys that are not listed; every key the patch sets must be listed.
    private func applyRetainKeys(_ retain: Value, to original: inout [String: Value], patch: [String: Value],
                                 path: String) throws(PatchError)
    {
        guard case .list(let items) = retain else {
            throw error(.badRequest, Self.child(path, Self.retainKeys), "invalid patch format of retainKeys")
        }
        var keep = Set<String>()
        for item in items {
            guard case .string(let s) = item else {
                throw error(.badRequest, Self.child(path, Self.retainKeys), "invalid patch format of retainKeys")
            }
            keep.insert(s)
        }
        for (k, v) in patch.sorted(by: { $0.key < $1.key }) where !v.isNull {
            if k.hasPrefix(Self.deleteFromPrimitiveListPrefix) || k.hasPrefix(Self.setElementOrderPrefix) { continue }
            guard keep.contains(k) else {
                throw error(.unprocessable, Self.child(path, k), "patch content doesn't match retainKeys list: \"\(k)\" is not retained")
            }
        }
        original = original.filter { keep.contains($0.key) }
    }

    /// A patch value that lands where the object has nothing (or something of another type): applied to
    /// an empty value, so directives and nulls are resolved instead of stored.
    func newValue(_ value: Value, meta: PatchFieldMeta, path: String, depth: Int) throws(PatchError) -> Value {
        switch value {
        case .map(let m):
            return .map(try mergeMap([:], m, shape: meta.shape, path: path, depth: depth))
        case .list(let l):
            return .list(try newList(l, meta: meta, path: path, depth: depth))
        default:
            return value
        }
    }

    /// A list that replaces the object's (or fills an absent field).
    func newList(_ list: [Value], meta: PatchFieldMeta, path: String, depth: Int) throws(PatchError) -> [Value] {
        if meta.mergeList { return try mergeList([], list, meta: meta, path: path, depth: depth) }
        try checkDepth(depth, path)
        var out: [Value] = []
        out.reserveCapacity(list.count)
        for (i, item) in list.enumerated() {
            if case .map(let m) = item {
                out.append(.map(try mergeMap([:], m, shape: meta.shape, path: "\(path)[\(i)]", depth: depth + 1)))
            } else {
                out.append(item)
            }
        }
        return out
    }
}
