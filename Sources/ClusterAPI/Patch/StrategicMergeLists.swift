import StructuredData

extension StrategicMerger {
    /// Merges a `patchStrategy: merge` list: lists of maps by merge key (honouring `$patch: delete` and
    /// `$patch: replace` elements), lists of scalars as an ordered union.
    func mergeList(_ originalList: [Value], _ patchList: [Value], meta: PatchFieldMeta, path: String, depth: Int)
        throws(PatchError) -> [Value]
    {
        try mergeListDetailed(originalList, patchList, meta: meta, path: path, depth: depth).merged
    }

    /// As ``mergeList(_:_:meta:path:depth:)``, also returning the element identities that
    /// `$setElementOrder` must treat as "the object's order" afterwards.
    ///
    /// apimachinery deletes and appends on the object's slice in place (`append(s[:i], s[i+1:]...)`,
    /// `append(s, v)`), and the `$setElementOrder` step then reads the same backing array through the
    /// original slice header: the first n slots (n = the old length) after deletions shifted elements
    /// left and appends refilled the freed slots. Its upstream tests encode the resulting order
    /// ("add map and delete map from merging list"), so the view is simulated here.
    func mergeListDetailed(_ originalList: [Value], _ patchList: [Value], meta: PatchFieldMeta, path: String,
                           depth: Int) throws(PatchError) -> (merged: [Value], serverView: [Value?])
    {
        try checkDepth(depth, path)
        if originalList.isEmpty && patchList.isEmpty { return ([], []) }
        let identity = try ListIdentity(for: originalList + patchList, meta: meta, path: path, merger: self)
        guard let mergeKey = identity.mergeKey else {
            var seen = Set<Value>()
            var merged: [Value] = []
            for v in originalList + patchList where seen.insert(ListIdentity.canonical(v)).inserted {
                merged.append(v)
            }
            let serverKeys = originalList.map(identity.key)
            return (identity.reorder(merged, patchOrder: patchList, serverKeys: serverKeys), serverKeys)
        }

        var original = originalList
        var view = AliasedSliceView(keys: originalList.map(identity.key))
        var items: [[String: Value]] = []
        var replace = false
        for item in patchList {
            guard case .map(var m) = item else { continue }  // ListIdentity checked every element is a map
            guard let d = m.removeValue(forKey: Self.directive) else {
                items.append(m)
                continue
            }
            switch d {
            case "delete":
                guard let kv = m[mergeKey] else {
                    throw error(.unprocessable, path, "map: \(PatchValues.brief(item)) does not contain declared merge key: \(mergeKey)")
                }
                let k = ListIdentity.canonical(kv)
                original.removeAll { identity.key($0) == k }
                view.removeAll(k)
            case "replace":
                // Other elements still count: they become the whole list.
                replace = true
            case "merge":
                throw error(.unprocessable, path, "merging lists cannot yet be specified in the patch")
            default:
                throw unknownPatchType(d, in: item, path)
            }
        }
        if replace {
            var out: [Value] = []
            for (i, m) in items.enumerated() {
                out.append(.map(try mergeMap([:], m, shape: meta.shape, path: "\(path)[\(i)]", depth: depth + 1)))
            }
            return (out, view.keys)
        }

        let serverKeys = original.map(identity.key)
        var position: [Value: Int] = [:]
        for (i, k) in serverKeys.enumerated() {
            if let k, position[k] == nil { position[k] = i }
        }
        for m in items {
            guard let kv = m[mergeKey] else {
                throw error(.unprocessable, path, "map: \(PatchValues.brief(.map(m))) does not contain declared merge key: \(mergeKey)")
            }
            let k = ListIdentity.canonical(kv)
            let itemPath = "\(path)[\(mergeKey)=\(PatchValues.brief(kv))]"
            if let i = position[k], case .map(let om) = original[i] {
                original[i] = .null
                original[i] = .map(try mergeMap(om, m, shape: meta.shape, path: itemPath, depth: depth + 1))
            } else {
                original.append(.map(try mergeMap([:], m, shape: meta.shape, path: itemPath, depth: depth + 1)))
                position[k] = original.count - 1
                view.append(k)
            }
        }
        return (identity.reorder(original, patchOrder: items.map { .map($0) }, serverKeys: serverKeys), view.keys)
    }

    /// Checks that the patch's list names its elements in the same relative order as its
    /// `$setElementOrder` list, and names no element that list leaves out.
    func validateOrder(_ patchList: [Value], _ orderList: [Value], identity: ListIdentity, path: String)
        throws(PatchError)
    {
        guard !patchList.isEmpty, !orderList.isEmpty else { return }
        var orderKeys: [Value] = []
        for entry in orderList {
            guard let k = identity.key(entry) else {
                throw error(.badRequest, path, "invalid patch format of setElementOrder list: \(PatchValues.brief(entry)) has no merge key \(identity.mergeKey ?? "")")
            }
            orderKeys.append(k)
        }
        var patchKeys: [Value] = []
        for item in patchList where item.mapValue?[Self.directive] == nil {
            guard let k = identity.key(item) else {
                throw error(.unprocessable, path, "map: \(PatchValues.brief(item)) does not contain declared merge key: \(identity.mergeKey ?? "")")
            }
            patchKeys.append(k)
        }
        var p = 0
        var o = 0
        while p < patchKeys.count && o < orderKeys.count {
            if patchKeys[p] == orderKeys[o] { p += 1 }
            o += 1
        }
        if p < patchKeys.count {
            throw error(.badRequest, path,
                        "The order in patch list: \(PatchValues.brief(.list(patchList))) doesn't match $setElementOrder list: \(PatchValues.brief(.list(orderList)))")
        }
    }
}

/// How the elements of a merging list are identified: maps by their merge key, scalars by value.
struct ListIdentity {
    /// nil for lists of scalars.
    let mergeKey: String?

    init(for items: [Value], meta: PatchFieldMeta, path: String, merger: StrategicMerger) throws(PatchError) {
        var maps = false
        var scalars = false
        for item in items {
            switch item {
            case .map: maps = true
            case .list: throw merger.error(.unprocessable, path, "lists of lists are not supported")
            default: scalars = true
            }
        }
        if maps && scalars {
            throw merger.error(.unprocessable, path, "list element types are not identical: maps and scalars are mixed")
        }
        if maps {
            guard let k = meta.mergeKey else {
                throw merger.error(.unprocessable, path, "cannot merge lists without merge key for type map")
            }
            mergeKey = k
        } else {
            mergeKey = nil
        }
    }

    /// Numbers compare by value: `80` and `80.0` are the same port.
    static func canonical(_ v: Value) -> Value {
        if case .float(let d) = v, d.rounded() == d, d >= -9.223372036854775808e18, d < 9.223372036854775808e18 {
            return .int(Int64(d))
        }
        return v
    }

    /// The identity of an element; nil when a map lacks the merge key.
    func key(_ v: Value) -> Value? {
        guard let k = mergeKey else { return Self.canonical(v) }
        return v.mapValue?[k].map(Self.canonical)
    }

    /// Orders a merged list as apimachinery does: elements named by the patch (or its
    /// `$setElementOrder`) in the patch's order, the object's other elements in their old order, the two
    /// interleaved so that an old element stays ahead of a patched one it preceded before.
    func reorder(_ merged: [Value], patchOrder: [Value], serverKeys: [Value?]) -> [Value] {
        var patchPosition: [Value: Int] = [:]
        for (i, v) in patchOrder.enumerated() {
            if let k = key(v), patchPosition[k] == nil { patchPosition[k] = i }
        }
        var serverPosition: [Value: Int] = [:]
        for (i, k) in serverKeys.enumerated() {
            if let k, serverPosition[k] == nil { serverPosition[k] = i }
        }
        var fromPatch: [(item: Value, rank: Int, seq: Int)] = []
        var serverOnly: [(item: Value, rank: Int, seq: Int)] = []
        for (seq, item) in merged.enumerated() {
            let k = key(item)
            if let k, let p = patchPosition[k] {
                fromPatch.append((item, p, seq))
            } else {
                serverOnly.append((item, k.flatMap { serverPosition[$0] } ?? Int.max, seq))
            }
        }
        fromPatch.sort { ($0.rank, $0.seq) < ($1.rank, $1.seq) }
        serverOnly.sort { ($0.rank, $0.seq) < ($1.rank, $1.seq) }

        var out: [Value] = []
        out.reserveCapacity(merged.count)
        var i = 0
        var j = 0
        while i < serverOnly.count || j < fromPatch.count {
            if j >= fromPatch.count {
                out.append(serverOnly[i].item)
                i += 1
            } else if i >= serverOnly.count {
                out.append(fromPatch[j].item)
                j += 1
            } else if let l = key(serverOnly[i].item).flatMap({ serverPosition[$0] }),
                      let r = key(fromPatch[j].item).flatMap({ serverPosition[$0] }), l < r
            {
                out.append(serverOnly[i].item)
                i += 1
            } else {
                out.append(fromPatch[j].item)
                j += 1
            }
        }
        return out
    }
}

/// The element identities apimachinery sees through the object's original slice header after merging
/// in place (see ``StrategicMerger/mergeListDetailed(_:_:meta:path:depth:)``).
struct AliasedSliceView {
    private(set) var keys: [Value?]
    private var length: Int

    init(keys: [Value?]) {
        self.keys = keys
        length = keys.count
    }

    /// `append(s[:i], s[i+1:]...)` for every element with this key: later slots shift left, the stale
    /// last slot stays.
    mutating func removeAll(_ key: Value) {
        var i = 0
        while i < length {
            if keys[i] == key {
                if i + 1 < length { keys[i..<(length - 1)] = keys[(i + 1)..<length] }
                length -= 1
            } else {
                i += 1
            }
        }
    }

    /// `append(s, v)`: visible only while it refills a slot freed by a deletion.
    mutating func append(_ key: Value) {
        guard length < keys.count else { return }
        keys[length] = key
        length += 1
    }
}
