import StructuredData

/// A set of field paths stored as a tree (structured-merge-diff's `fieldpath.Set`): `members` are
/// the paths that end at this node, `children` the nodes below. A path can be both a member and
/// a parent (an associative-list item is owned itself and through its fields). Children are never
/// empty, so `==` is set equality.
struct FieldSet: Hashable {
    var members: Set<PathElement> = []
    var children: [PathElement: FieldSet] = [:]

    var isEmpty: Bool { members.isEmpty && children.isEmpty }

    mutating func insert(_ path: [PathElement]) {
        insert(path[...])
    }

    private mutating func insert(_ path: ArraySlice<PathElement>) {
        guard let first = path.first else { return }
        if path.count == 1 {
            members.insert(first)
        } else {
            children[first, default: FieldSet()].insert(path.dropFirst())
        }
    }

    func contains(_ path: [PathElement]) -> Bool {
        var node = self
        for (i, pe) in path.enumerated() {
            if i == path.count - 1 { return node.members.contains(pe) }
            guard let next = node.children[pe] else { return false }
            node = next
        }
        return false
    }

    /// True when the path itself or anything below it is in the set.
    func containsPathOrDescendant(_ path: [PathElement]) -> Bool {
        var node = self
        for (i, pe) in path.enumerated() {
            if i == path.count - 1 { return node.members.contains(pe) || node.children[pe] != nil }
            guard let next = node.children[pe] else { return false }
            node = next
        }
        return !isEmpty
    }

    func union(_ other: FieldSet) -> FieldSet {
        var out = self
        out.members.formUnion(other.members)
        for (pe, child) in other.children {
            out.children[pe] = out.children[pe].map { $0.union(child) } ?? child
        }
        return out
    }

    func subtracting(_ other: FieldSet) -> FieldSet {
        var out = self
        out.members.subtract(other.members)
        for (pe, child) in other.children {
            guard let mine = out.children[pe] else { continue }
            let rest = mine.subtracting(child)
            out.children[pe] = rest.isEmpty ? nil : rest
        }
        return out
    }

    func intersection(_ other: FieldSet) -> FieldSet {
        var out = FieldSet()
        out.members = members.intersection(other.members)
        for (pe, child) in children {
            guard let theirs = other.children[pe] else { continue }
            let both = child.intersection(theirs)
            if !both.isEmpty { out.children[pe] = both }
        }
        return out
    }

    /// Removes a path and everything below it.
    func removingSubtree(_ path: [PathElement]) -> FieldSet {
        removingSubtree(path[...])
    }

    private func removingSubtree(_ path: ArraySlice<PathElement>) -> FieldSet {
        guard let first = path.first else { return FieldSet() }
        var out = self
        if path.count == 1 {
            out.members.remove(first)
            out.children[first] = nil
        } else if let child = out.children[first] {
            let rest = child.removingSubtree(path.dropFirst())
            out.children[first] = rest.isEmpty ? nil : rest
        }
        return out
    }

    /// Every member path, in structured-merge-diff's order: a node's members (sorted), then its
    /// children (sorted), depth first.
    var paths: [[PathElement]] {
        var out: [[PathElement]] = []
        collect(prefix: [], into: &out)
        return out
    }

    private func collect(prefix: [PathElement], into out: inout [[PathElement]]) {
        for pe in members.sorted() { out.append(prefix + [pe]) }
        for pe in children.keys.sorted() { children[pe]?.collect(prefix: prefix + [pe], into: &out) }
    }

    // MARK: FieldsV1

    /// The FieldsV1 JSON form: `{"f:spec":{"f:replicas":{}}}`, `"."` marking a member that also has children.
    var fieldsV1: Value {
        var m: [String: Value] = [:]
        for pe in members where children[pe] == nil { m[pe.fieldsV1Key] = .map([:]) }
        for (pe, child) in children {
            var sub = child.fieldsV1.mapValue ?? [:]
            if members.contains(pe) { sub["."] = .map([:]) }
            m[pe.fieldsV1Key] = .map(sub)
        }
        return .map(m)
    }

    /// Parses FieldsV1; nil when malformed (unknown key form, non-object node, nesting deeper than
    /// `maxDepth`).
    init?(fieldsV1 v: Value, depth: Int = 0) {
        guard depth < maxWalkDepth, case .map(let m) = v else { return nil }
        for (k, child) in m {
            if k == "." { continue }  // handled by the parent
            guard let pe = PathElement.parse(fieldsV1Key: k), case .map(let cm) = child else { return nil }
            if cm.isEmpty {
                members.insert(pe)
                continue
            }
            if cm["."] != nil {
                guard cm["."] == .map([:]) else { return nil }
                members.insert(pe)
            }
            guard let sub = FieldSet(fieldsV1: child, depth: depth + 1) else { return nil }
            if !sub.isEmpty { children[pe] = sub }
        }
    }

    init() {}
}

/// Deepest object nesting the apply walkers follow; deeper values are treated as one leaf, so
/// hostile input cannot exhaust the stack.
let maxWalkDepth = 200
