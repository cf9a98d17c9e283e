import StructuredData

/// The schema-driven walks server-side apply needs: an object's field set, the leaves two objects
/// disagree on, merging an applied configuration into a live object, and removing owned fields.
/// Nesting past ``maxWalkDepth`` is handled as one leaf.
struct ObjectWalk {
    let types: ApplyTypes

    /// What a value is at a node, given the node's type.
    private enum Shape {
        case fields([String: Value])
        case items([(PathElement, Value)], ListKind, element: ApplyType.ElementType)
        case leaf
    }

    private func shape(_ v: Value, _ t: ApplyType, depth: Int) -> Shape {
        guard depth < maxWalkDepth else { return .leaf }
        switch (v, t) {
        case (.map(let m), .message), (.map(let m), .map), (.map(let m), .deduced), (.map(let m), .untypedRoot),
            (.map(let m), .untypedStruct):
            return .fields(m)
        case (.list(let l), .list(let kind, let element)) where kind != .atomic:
            return .items(l.enumerated().map { (pathElement(item: $1, index: $0, kind: kind), $1) }, kind, element: element)
        default:
            return .leaf
        }
    }

    /// The type of a map entry, and whether the entry is owned itself (map entries and deduced keys
    /// are; struct fields are only owned through their leaves).
    private func child(_ t: ApplyType, _ key: String) -> (ApplyType, member: Bool) {
        switch t {
        case .message(let m):
            let (ct, isStruct) = types.child(of: m, field: key)
            return (ct, !isStruct)
        case .map(let element): return (types.resolve(element), true)
        case .untypedRoot: return (types.untypedRootChild(key), false)
        case .untypedStruct: return (.deduced, false)
        default: return (.deduced, true)
        }
    }

    func pathElement(item: Value, index: Int, kind: ListKind) -> PathElement {
        switch kind {
        case .set, .atomic:
            return .value(normalized(item))
        case .associative(let keys):
            guard case .map(let m) = item else { return .index(index) }
            var fields: [KeyField] = []
            for k in keys.sorted() {
                if let v = m[k], !v.isNull {
                    fields.append(KeyField(name: k, value: normalized(v)))
                } else if let d = listMapKeyDefaults[k] {
                    fields.append(KeyField(name: k, value: d))
                }
            }
            return fields.isEmpty ? .index(index) : .key(fields)
        }
    }

    // MARK: Field sets

    /// Every path the value sets, as structured-merge-diff's `ToFieldSet` computes it.
    func fieldSet(_ v: Value, _ t: ApplyType) -> FieldSet {
        var set = FieldSet()
        collect(v, t, [], 0, &set)
        return set
    }

    private func collect(_ v: Value, _ t: ApplyType, _ path: [PathElement], _ depth: Int, _ set: inout FieldSet) {
        switch shape(v, t, depth: depth) {
        case .fields(let m):
            for (k, c) in m {
                let (ct, member) = child(t, k)
                let p = path + [.field(k)]
                collect(c, ct, p, depth + 1, &set)
                if member { set.insert(p) }
            }
        case .items(let items, _, let element):
            let et = types.resolve(element)
            for (pe, item) in items {
                let p = path + [pe]
                collect(item, et, p, depth + 1, &set)
                set.insert(p)
            }
        case .leaf:
            // A null struct, map or granular list sets nothing; a null scalar is a value.
            if v.isNull {
                switch t {
                case .message, .map, .untypedRoot, .untypedStruct: return
                case .list(let kind, _) where kind != .atomic: return
                default: break
                }
            }
            set.insert(path)
        }
    }

    /// Leaf paths present in both objects with different values.
    func modified(_ old: Value, _ new: Value, _ t: ApplyType) -> FieldSet {
        var set = FieldSet()
        diff(old, new, t, [], 0, &set)
        return set
    }

    private func diff(_ l: Value, _ r: Value, _ t: ApplyType, _ path: [PathElement], _ depth: Int, _ set: inout FieldSet) {
        switch (shape(l, t, depth: depth), shape(r, t, depth: depth)) {
        case (.fields(let lm), .fields(let rm)):
            for (k, lv) in lm {
                guard let rv = rm[k] else { continue }
                diff(lv, rv, child(t, k).0, path + [.field(k)], depth + 1, &set)
            }
        case (.items(let li, _, let element), .items(let ri, _, _)):
            let et = types.resolve(element)
            var right: [PathElement: Value] = [:]
            for (pe, v) in ri where right[pe] == nil { right[pe] = v }
            var seen: Set<PathElement> = []
            for (pe, lv) in li where seen.insert(pe).inserted {
                guard let rv = right[pe] else { continue }
                diff(lv, rv, et, path + [pe], depth + 1, &set)
            }
        default:
            if !sameValue(l, r) { set.insert(path) }
        }
    }

    /// Containers (maps, granular lists, list items) `new` has and `old` lacks. Kubernetes adds
    /// them to what a write changed, which is why an `Update` entry reads
    /// `f:labels: {".": {}, "f:app": {}}`. Struct fields a typed Go object always has (the zero
    /// value of a non-pointer struct reachable through struct fields) do not count, so a create
    /// does not mark `f:spec` or `f:template`; pointer structs are not told apart, so
    /// `f:rollingUpdate` gets no `"."` on a create where a real server would give it one.
    func addedContainers(_ old: Value, _ new: Value, _ t: ApplyType) -> FieldSet {
        var set = FieldSet()
        added(old, new, t, [], implied: false, 0, &set)
        return set
    }

    private func added(_ l: Value?, _ r: Value, _ t: ApplyType, _ path: [PathElement], implied: Bool, _ depth: Int,
                       _ set: inout FieldSet)
    {
        let rs = shape(r, t, depth: depth)
        let ls = l.map { shape($0, t, depth: depth) }
        if l == nil, !implied, !path.isEmpty {
            switch rs {
            case .fields, .items: set.insert(path)
            case .leaf: break  // leaves come from the field-set difference
            }
        }
        switch (ls, rs) {
        case (nil, .fields(let rm)), (.fields?, .fields(let rm)):
            var lm: [String: Value] = [:]
            if case .fields(let m)? = ls { lm = m }
            for (k, rv) in rm {
                let (ct, member) = child(t, k)
                let lv = lm[k]
                // An absent struct field is implied when its parent exists (or is itself implied).
                var childImplied = false
                if lv == nil, l != nil || implied {
                    switch (t, ct) {
                    case (.untypedRoot, _): childImplied = true
                    case (_, .message), (_, .untypedStruct): childImplied = !member
                    default: break
                    }
                }
                added(lv, rv, ct, path + [.field(k)], implied: childImplied, depth + 1, &set)
            }
        case (nil, .items(let ri, _, let element)), (.items?, .items(let ri, _, let element)):
            let et = types.resolve(element)
            var left: [PathElement: Value] = [:]
            if case .items(let li, _, _)? = ls {
                for (pe, v) in li where left[pe] == nil { left[pe] = v }
            }
            for (pe, item) in ri {
                added(left[pe], item, et, path + [pe], implied: false, depth + 1, &set)
            }
        default:
            return
        }
    }

    // MARK: Merge

    /// `config` merged into `live`: config values win, maps and granular lists merge, everything
    /// else is replaced.
    func merge(_ live: Value, _ config: Value, _ t: ApplyType, depth: Int = 0) -> Value {
        switch (shape(live, t, depth: depth), shape(config, t, depth: depth)) {
        case (.fields(let lm), .fields(let cm)):
            var out = lm
            for (k, cv) in cm {
                out[k] = lm[k].map { merge($0, cv, child(t, k).0, depth: depth + 1) } ?? cv
            }
            return .map(out)
        case (.items(let li, _, let element), .items(let ci, _, _)):
            return .list(mergeItems(li, ci, types.resolve(element), depth: depth + 1))
        default:
            return config
        }
    }

    /// Merges keyed lists the way structured-merge-diff orders them: live-only items stay where
    /// they were, shared and new items follow the configuration's order.
    private func mergeItems(_ l: [(PathElement, Value)], _ r: [(PathElement, Value)], _ et: ApplyType, depth: Int) -> [Value] {
        var left: [PathElement: Value] = [:]
        for (pe, v) in l where left[pe] == nil { left[pe] = v }
        var right: Set<PathElement> = []
        for (pe, _) in r { right.insert(pe) }
        var emitted: Set<PathElement> = []
        var out: [Value] = []
        var i = 0
        var j = 0
        while i < l.count || j < r.count {
            if i < l.count, j < r.count, l[i].0 == r[j].0 {
                if emitted.insert(l[i].0).inserted { out.append(merge(l[i].1, r[j].1, et, depth: depth)) }
                i += 1
                j += 1
                continue
            }
            if i < l.count {
                let pe = l[i].0
                if !right.contains(pe) {
                    out.append(l[i].1)
                    i += 1
                    continue
                }
                if emitted.contains(pe) || j >= r.count {
                    i += 1
                    continue
                }
            }
            if j < r.count {
                let (pe, cv) = r[j]
                if emitted.insert(pe).inserted {
                    out.append(left[pe].map { merge($0, cv, et, depth: depth) } ?? cv)
                }
                j += 1
            }
        }
        return out
    }

    // MARK: Removal

    /// The value without the paths in `set` (a member path removes its whole subtree). A struct
    /// field that becomes empty because of the removal goes too, as Kubernetes removes a named
    /// field nobody owns anything under.
    func removing(_ set: FieldSet, from v: Value, _ t: ApplyType, depth: Int = 0) -> Value {
        guard !set.isEmpty else { return v }
        switch shape(v, t, depth: depth) {
        case .fields(let m):
            var out = m
            for (k, c) in m {
                let pe = PathElement.field(k)
                if set.members.contains(pe) {
                    out.removeValue(forKey: k)
                } else if let sub = set.children[pe] {
                    let (ct, member) = child(t, k)
                    let r = removing(sub, from: c, ct, depth: depth + 1)
                    if !member && isEmptyContainer(r) && !isEmptyContainer(c) {
                        out.removeValue(forKey: k)
                    } else {
                        out[k] = r
                    }
                }
            }
            return .map(out)
        case .items(let items, _, let element):
            let et = types.resolve(element)
            var out: [Value] = []
            for (pe, item) in items {
                if set.members.contains(pe) { continue }
                if let sub = set.children[pe] {
                    out.append(removing(sub, from: item, et, depth: depth + 1))
                } else {
                    out.append(item)
                }
            }
            return .list(out)
        case .leaf:
            return v
        }
    }

    private func isEmptyContainer(_ v: Value) -> Bool {
        switch v {
        case .map(let m): return m.isEmpty
        case .list(let l): return l.isEmpty
        default: return false
        }
    }

    // MARK: Validation

    /// Problems Kubernetes rejects in an applied configuration: associative-list items without
    /// any key field, and duplicate keys. Returns the first, as `path: message`.
    func configProblem(_ v: Value, _ t: ApplyType) -> String? {
        check(v, t, [], 0)
    }

    private func check(_ v: Value, _ t: ApplyType, _ path: [PathElement], _ depth: Int) -> String? {
        switch shape(v, t, depth: depth) {
        case .fields(let m):
            for k in m.keys.sorted() {
                if let p = check(m[k] ?? .null, child(t, k).0, path + [.field(k)], depth + 1) { return p }
            }
        case .items(let items, let kind, let element):
            let et = types.resolve(element)
            var seen: Set<PathElement> = []
            for (pe, item) in items {
                if pe.isIndex, case .associative(let keys) = kind {
                    // structured-merge-diff's wording.
                    let missing = keys.first { (item[$0] ?? .null).isNull } ?? keys.first ?? ""
                    return "\(pathString(path)): element \(pe.pathString.dropFirst().dropLast()): associative list with keys "
                        + "has an element that omits key field \(goQuoted(missing)) (and doesn't have default value)"
                }
                if !seen.insert(pe).inserted {
                    return "\(pathString(path)): duplicate entries for key \(pe.pathString)"
                }
                if let p = check(item, et, path + [pe], depth + 1) { return p }
            }
        case .leaf:
            break
        }
        return nil
    }
}

/// A copy without map entries whose value is null, at any depth: a null in an applied
/// configuration means "not set".
func droppingNulls(_ v: Value, depth: Int = 0) -> Value {
    guard depth < maxWalkDepth else { return v }
    switch v {
    case .map(let m):
        var out: [String: Value] = [:]
        for (k, c) in m where !c.isNull { out[k] = droppingNulls(c, depth: depth + 1) }
        return .map(out)
    case .list(let l):
        return .list(l.map { droppingNulls($0, depth: depth + 1) })
    default:
        return v
    }
}
