public import StructuredData

/// RFC 6902 JSON Patch (`application/json-patch+json`), as the Kubernetes API server applies it with
/// evanphx/json-patch: `add`, `remove`, `replace`, `move`, `copy`, `test`; RFC 6901 pointers with
/// `~0`/`~1` escapes, `-` to append, and negative list indices counted from the end (evanphx allows
/// them). Operations run in order on a copy, so a failing operation leaves the caller's document alone.
public enum JSONPatch {
    /// The most operations one patch may hold (the API server's `maxJSONPatchOperations`).
    public static let maxOperations = 10_000
    /// The most value nodes all `copy` operations of one patch may add, so that repeated copies
    /// cannot grow a document exponentially.
    public static let maxCopiedNodes = 1_000_000
    /// The deepest pointer accepted (far beyond any Kubernetes object), so a hostile path cannot make
    /// the walk allocate without bound.
    static let maxPointerDepth = 1_000

    /// Applies `patch` (a list of operation maps) to `document` and returns the result.
    public static func apply(_ patch: Value, to document: Value) throws(PatchError) -> Value {
        guard case .list(let ops) = patch else {
            throw PatchError(.badRequest, path: "",
                             "invalid JSON patch: expected a list of operations, got a \(PatchValues.kind(patch))")
        }
        guard ops.count <= maxOperations else {
            throw PatchError(.tooLarge, path: "",
                             "The allowed number of operations in a JSON patch is \(maxOperations), got \(ops.count)")
        }
        var doc = document
        var copied = 0
        for op in ops {
            guard case .map(let fields) = op else {
                throw PatchError(.badRequest, path: "",
                                 "invalid JSON patch: operation \(PatchValues.brief(op)) is not a map")
            }
            try applyOperation(fields, to: &doc, copied: &copied)
        }
        return doc
    }

    private static func applyOperation(_ op: [String: Value], to doc: inout Value, copied: inout Int)
        throws(PatchError)
    {
        guard case .string(let kind)? = op["op"] else {
            throw PatchError(.unprocessable, path: "", "Unexpected kind: \(op["op"].map(PatchValues.brief) ?? "<missing>")")
        }
        switch kind {
        case "add":
            let path = try pointer(op, "path", kind)
            try add(try value(op, kind, path), at: path, in: &doc, kind: kind)
        case "remove":
            let path = try pointer(op, "path", kind)
            _ = try remove(at: path, in: &doc, kind: kind)
        case "replace":
            let path = try pointer(op, "path", kind)
            try replace(try value(op, kind, path), at: path, in: &doc)
        case "move":
            let from = try pointer(op, "from", kind)
            let path = try pointer(op, "path", kind)
            if from.tokens.isEmpty {
                throw PatchError(.unprocessable, path: from.text, "unable to move entire document to another path")
            }
            if from.isProperPrefix(of: path) {
                throw PatchError(.unprocessable, path: path.text,
                                 "move operation does not apply: from path \(from.text) is a prefix of path \(path.text)")
            }
            let moved = try remove(at: from, in: &doc, kind: kind, missingFrom: true)
            try add(moved, at: path, in: &doc, kind: kind, destination: true)
        case "copy":
            let from = try pointer(op, "from", kind)
            let path = try pointer(op, "path", kind)
            guard let source = get(from, in: doc) else {
                throw PatchError(.unprocessable, path: from.text,
                                 "copy operation does not apply: doc is missing from path: \"\(from.text)\"")
            }
            copied += PatchValues.size(source, limit: maxCopiedNodes + 1)
            if copied > maxCopiedNodes {
                throw PatchError(.unprocessable, path: path.text,
                                 "Unable to complete the copy, the accumulated size increase of copy is \(copied) nodes, exceeding the limit \(maxCopiedNodes)")
            }
            try add(source, at: path, in: &doc, kind: kind, destination: true)
        case "test":
            let path = try pointer(op, "path", kind)
            let expected = try value(op, kind, path)
            let actual: Value
            if path.tokens.isEmpty {
                actual = doc
            } else {
                guard let parent = get(path.tokens.dropLast(), in: doc), parent.mapValue != nil || parent.listValue != nil else {
                    throw PatchError(.unprocessable, path: path.text,
                                     "test operation does not apply: is missing path: \(path.text)")
                }
                if let found = get(path, in: doc) {
                    actual = found
                } else if parent.mapValue != nil {
                    // evanphx compares a missing member as null, so `{"op":"test","value":null}` passes on it.
                    actual = .null
                } else {
                    let token = path.tokens.last ?? ""
                    throw PatchError(.unprocessable, path: path.text,
                                     "error in test for path: '\(path.text)': Unable to access invalid index: \(token)")
                }
            }
            guard PatchValues.equivalent(actual, expected) else {
                throw PatchError(.unprocessable, path: path.text, "testing value \(path.text) failed: test failed")
            }
        default:
            throw PatchError(.unprocessable, path: "", "Unexpected kind: \(kind)")
        }
    }

    // MARK: operation fields

    private static func pointer(_ op: [String: Value], _ field: String, _ kind: String) throws(PatchError) -> JSONPointer {
        guard case .string(let text)? = op[field] else {
            throw PatchError(.unprocessable, path: "", "\(kind) operation failed to decode \(field)")
        }
        let p: JSONPointer
        do {
            p = try JSONPointer(text)
        } catch {
            throw PatchError(.unprocessable, path: text, "\(kind) operation has an invalid \(field) \"\(text)\": \(error.reason)")
        }
        guard p.tokens.count <= maxPointerDepth else {
            throw PatchError(.unprocessable, path: String(text.prefix(100)),
                             "\(kind) operation \(field) is deeper than \(maxPointerDepth) levels")
        }
        return p
    }

    private static func value(_ op: [String: Value], _ kind: String, _ path: JSONPointer) throws(PatchError) -> Value {
        guard let v = op["value"] else {
            throw PatchError(.unprocessable, path: path.text, "\(kind) operation for path \(path.text) has no \"value\"")
        }
        return v
    }

    // MARK: primitives

    /// The value at `tokens`, or nil when any step is missing.
    static func get(_ tokens: some Collection<String>, in doc: Value) -> Value? {
        var cur = doc
        for token in tokens {
            switch cur {
            case .map(let m):
                guard let next = m[token] else { return nil }
                cur = next
            case .list(let l):
                guard let i = index(token, count: l.count, allowEnd: false) else { return nil }
                cur = l[i]
            default:
                return nil
            }
        }
        return cur
    }

    static func get(_ p: JSONPointer, in doc: Value) -> Value? { get(p.tokens, in: doc) }

    /// A list index token: decimal digits, or a negative index counted from the end (evanphx allows
    /// `-1` for the last element), or `-` (one past the end) when `allowEnd`.
    static func index(_ token: String, count: Int, allowEnd: Bool) -> Int? {
        if token == "-" { return allowEnd ? count : nil }
        let digits = token.first == "-" ? token.dropFirst() : Substring(token)
        guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              var i = Int(token)
        else { return nil }
        if i < 0 {
            guard i >= -count else { return nil }
            i += count
        }
        let upper = allowEnd ? count : count - 1
        return i <= upper ? i : nil
    }

    /// Walks to the container holding the last token and runs `body` on it in place. Throws `missing`
    /// when a step on the way does not exist (the caller's document is then discarded, so it need not be
    /// restored). Iterative: each step takes the child out of its parent, so every container is uniquely
    /// referenced when mutated, and the parents are put back together on the way out.
    private static func withParent(_ tokens: ArraySlice<String>, in doc: inout Value, missing: PatchError,
                                   _ body: (inout Value, String) throws(PatchError) -> Void) throws(PatchError)
    {
        guard let last = tokens.last else { throw missing }
        var parents: [(container: Value, token: String, index: Int)] = []
        var current = doc
        doc = .null
        for token in tokens.dropLast() {
            if var m = current.takeMap() {
                guard let child = m.removeValue(forKey: token) else { throw missing }
                parents.append((.map(m), token, 0))
                current = child
            } else if var l = current.takeList() {
                guard let i = index(token, count: l.count, allowEnd: false) else { throw missing }
                let child = l[i]
                l[i] = .null
                parents.append((.list(l), token, i))
                current = child
            } else {
                throw missing
            }
        }
        try body(&current, last)
        while var parent = parents.popLast() {
            if var m = parent.container.takeMap() {
                m[parent.token] = current
                current = .map(m)
            } else if var l = parent.container.takeList() {
                l[parent.index] = current
                current = .list(l)
            }
        }
        doc = current
    }

    private static func add(_ value: Value, at path: JSONPointer, in doc: inout Value, kind: String,
                            destination: Bool = false) throws(PatchError)
    {
        if path.tokens.isEmpty {
            doc = value
            return
        }
        let where_ = destination ? "destination path" : "path"
        let missing = PatchError(.unprocessable, path: path.text,
                                 "\(kind) operation does not apply: doc is missing \(where_): \"\(path.text)\"")
        try withParent(path.tokens[...], in: &doc, missing: missing) { (container: inout Value, key: String) throws(PatchError) in
            if var m = container.takeMap() {
                m[key] = value
                container = .map(m)
            } else if var l = container.takeList() {
                guard let i = index(key, count: l.count, allowEnd: true) else {
                    throw PatchError(.unprocessable, path: path.text,
                                     "error in \(kind) for path: '\(path.text)': Unable to access invalid index: \(key)")
                }
                l.insert(value, at: i)
                container = .list(l)
            } else {
                throw missing
            }
        }
    }

    private static func remove(at path: JSONPointer, in doc: inout Value, kind: String, missingFrom: Bool = false)
        throws(PatchError) -> Value
    {
        let where_ = missingFrom ? "from path" : "path"
        guard !path.tokens.isEmpty else {
            throw PatchError(.unprocessable, path: "", "\(kind) operation does not apply: cannot remove the whole document")
        }
        let missing = PatchError(.unprocessable, path: path.text,
                                 "\(kind) operation does not apply: doc is missing \(where_): \"\(path.text)\"")
        var removed: Value = .null
        try withParent(path.tokens[...], in: &doc, missing: missing) { (container: inout Value, key: String) throws(PatchError) in
            if var m = container.takeMap() {
                guard let old = m.removeValue(forKey: key) else {
                    if missingFrom { throw missing }
                    throw PatchError(.unprocessable, path: path.text,
                                     "error in \(kind) for path: '\(path.text)': Unable to remove nonexistent key: \(key)")
                }
                removed = old
                container = .map(m)
            } else if var l = container.takeList() {
                guard let i = index(key, count: l.count, allowEnd: false) else {
                    throw PatchError(.unprocessable, path: path.text,
                                     "error in \(kind) for path: '\(path.text)': Unable to access invalid index: \(key)")
                }
                removed = l.remove(at: i)
                container = .list(l)
            } else {
                throw missing
            }
        }
        return removed
    }

    private static func replace(_ value: Value, at path: JSONPointer, in doc: inout Value) throws(PatchError) {
        if path.tokens.isEmpty {
            doc = value
            return
        }
        let missing = PatchError(.unprocessable, path: path.text,
                                 "replace operation does not apply: doc is missing path: \(path.text)")
        let missingKey = PatchError(.unprocessable, path: path.text,
                                    "replace operation does not apply: doc is missing key: \(path.text)")
        try withParent(path.tokens[...], in: &doc, missing: missing) { (container: inout Value, key: String) throws(PatchError) in
            if var m = container.takeMap() {
                guard m[key] != nil else { throw missingKey }
                m[key] = value
                container = .map(m)
            } else if var l = container.takeList() {
                guard let i = index(key, count: l.count, allowEnd: false) else { throw missingKey }
                l[i] = value
                container = .list(l)
            } else {
                throw missing
            }
        }
    }
}
