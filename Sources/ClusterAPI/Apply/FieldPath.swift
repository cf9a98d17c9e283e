import StructuredData

/// One key field of an associative-list item (`name` in `k:{"name":"web"}`).
struct KeyField: Hashable {
    let name: String
    let value: Value
}

/// One step of a field path, as structured-merge-diff names them: a map field (`f:`), an
/// associative-list item by its key fields (`k:`), a set-list item by value (`v:`), or a list index
/// (`i:`, only for items that have no usable key).
enum PathElement: Hashable {
    case field(String)
    /// Key fields sorted by name.
    case key([KeyField])
    case value(Value)
    case index(Int)

    /// The FieldsV1 spelling: `f:name`, `k:{"name":"web"}`, `v:"a"`, `i:0`.
    var fieldsV1Key: String {
        switch self {
        case .field(let n): return "f:" + n
        case .key(let fields):
            var m: [String: Value] = [:]
            for f in fields { m[f.name] = f.value }
            return "k:" + JSON.encode(.map(m))
        case .value(let v): return "v:" + JSON.encode(v)
        case .index(let i): return "i:\(i)"
        }
    }

    /// The path spelling Kubernetes prints in conflict messages: `.name`, `[name="web"]`, `[="a"]`, `[0]`.
    var pathString: String {
        switch self {
        case .field(let n): return "." + n
        case .key(let fields):
            return "[" + fields.map { "\($0.name)=\(Self.display($0.value))" }.joined(separator: ",") + "]"
        case .value(let v): return "[=\(Self.display(v))]"
        case .index(let i): return "[\(i)]"
        }
    }

    /// Sort rank mirroring structured-merge-diff: field names, then keys, then values, then indexes.
    var rank: Int {
        switch self {
        case .field: return 0
        case .key: return 1
        case .value: return 2
        case .index: return 3
        }
    }

    /// Parses one FieldsV1 key; nil when it is not one of the four forms.
    static func parse(fieldsV1Key s: String) -> PathElement? {
        guard s.count >= 2 else { return nil }
        let prefix = s.prefix(2)
        let rest = String(s.dropFirst(2))
        switch prefix {
        case "f:":
            return .field(rest)
        case "i:":
            guard let i = Int(rest), i >= 0 else { return nil }
            return .index(i)
        case "v:":
            guard let v = try? JSON.decodeKeepingIntegers(Array(rest.utf8)) else { return nil }
            return .value(normalized(v))
        case "k:":
            guard let v = try? JSON.decodeKeepingIntegers(Array(rest.utf8)), case .map(let m) = v, !m.isEmpty else {
                return nil
            }
            return .key(m.keys.sorted().map { KeyField(name: $0, value: normalized(m[$0] ?? .null)) })
        default:
            return nil
        }
    }

    private static func display(_ v: Value) -> String {
        switch v {
        case .null: return "null"
        case .string(let s): return JSON.encode(.string(s), escapeHTML: false)
        case .int(let i): return String(i)
        case .float(let d): return JSON.formatFloat(d)
        case .bool(let b): return b ? "true" : "false"
        case .list(let l): return "[" + l.map(display).joined(separator: ",") + "]"
        case .map(let m): return "{" + m.keys.sorted().map { "\($0)=\(display(m[$0] ?? .null))" }.joined(separator: ",") + "}"
        }
    }
}

extension PathElement: Comparable {
    static func < (a: PathElement, b: PathElement) -> Bool {
        if a.rank != b.rank { return a.rank < b.rank }
        if case .index(let x) = a, case .index(let y) = b { return x < y }
        return a.fieldsV1Key < b.fieldsV1Key
    }
}

/// `.spec.containers[name="web"].image`
func pathString(_ path: [PathElement]) -> String {
    path.map(\.pathString).joined()
}

/// Integral floats become ints (a JSON `80` may have been decoded either way), recursively, so that
/// keys, set items and leaf comparisons do not depend on how a number was decoded. Nesting past
/// ``maxWalkDepth`` is left as is.
func normalized(_ v: Value, depth: Int = 0) -> Value {
    guard depth < maxWalkDepth else { return v }
    switch v {
    case .float(let d):
        if d.rounded() == d, abs(d) < 9.2e18 { return .int(Int64(d)) }
        return v
    case .list(let l): return .list(l.map { normalized($0, depth: depth + 1) })
    case .map(let m): return .map(m.mapValues { normalized($0, depth: depth + 1) })
    default: return v
    }
}

/// Value equality that treats `3` and `3.0` alike; iterative, so any nesting is safe.
func sameValue(_ a: Value, _ b: Value) -> Bool {
    var pending: [(Value, Value)] = [(a, b)]
    while let (x, y) = pending.popLast() {
        switch (x, y) {
        case (.int(let i), .float(let d)), (.float(let d), .int(let i)):
            if Double(i) != d { return false }
        case (.list(let l), .list(let r)):
            guard l.count == r.count else { return false }
            for i in l.indices { pending.append((l[i], r[i])) }
        case (.map(let l), .map(let r)):
            guard l.count == r.count else { return false }
            for (k, v) in l {
                guard let w = r[k] else { return false }
                pending.append((v, w))
            }
        case (.null, .null): break
        case (.bool(let p), .bool(let q)): if p != q { return false }
        case (.int(let p), .int(let q)): if p != q { return false }
        case (.float(let p), .float(let q)): if p != q { return false }
        case (.string(let p), .string(let q)): if p != q { return false }
        default: return false
        }
    }
    return true
}

/// True when `v` nests deeper than `limit` (computed iteratively).
func nestingExceeds(_ v: Value, _ limit: Int) -> Bool {
    var pending: [(Value, Int)] = [(v, 0)]
    while let (x, d) = pending.popLast() {
        if d > limit { return true }
        switch x {
        case .list(let l): for c in l { pending.append((c, d + 1)) }
        case .map(let m): for c in m.values { pending.append((c, d + 1)) }
        default: break
        }
    }
    return false
}
