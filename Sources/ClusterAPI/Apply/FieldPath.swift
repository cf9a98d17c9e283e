import StructuredData

/// One key field of an associative-list item (`name` in `k:{"name":"web"}`).
struct KeyField: Hashable {
    let name: String
    let value: Value
}

/// One step of a field path, as structured-merge-diff names them: a map field (`f:`), an
/// associative-list item by its key fields (`k:`), a set-list item by value (`v:`), or a list index
/// (`i:`, only for items that have no usable key).
///
/// Stored as its canonical FieldsV1 spelling (values normalised, key fields sorted), so hashing,
/// equality and ordering are plain string operations — field sets are hashed a lot.
struct PathElement: Hashable {
    /// `f:name`, `k:{"name":"web"}`, `v:"a"`, `i:0`.
    let fieldsV1Key: String

    private init(raw: String) { fieldsV1Key = raw }

    static func field(_ name: String) -> PathElement { PathElement(raw: "f:" + name) }

    /// Key fields must already be sorted by name and normalised.
    static func key(_ fields: [KeyField]) -> PathElement {
        var out = "k:{"
        for (i, f) in fields.enumerated() {
            if i > 0 { out += "," }
            out += jsonText(.string(f.name)) + ":" + jsonText(f.value)
        }
        return PathElement(raw: out + "}")
    }

    /// The value must already be normalised.
    static func value(_ v: Value) -> PathElement { PathElement(raw: "v:" + jsonText(v)) }

    /// `json.Marshal` of a value; plain strings and integers (nearly every key) are spelled
    /// directly because the full encoder is comparatively slow and keys are built for every list
    /// item on every walk.
    private static func jsonText(_ v: Value) -> String {
        switch v {
        case .int(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        case .string(let s):
            let plain = s.utf8.allSatisfy { c in
                c >= 0x20 && c < 0x7F && c != UInt8(ascii: "\"") && c != UInt8(ascii: "\\")
                    && c != UInt8(ascii: "<") && c != UInt8(ascii: ">") && c != UInt8(ascii: "&")
            }
            return plain ? "\"" + s + "\"" : JSON.encode(v)
        default: return JSON.encode(v)
        }
    }

    static func index(_ i: Int) -> PathElement { PathElement(raw: "i:\(i)") }

    var isIndex: Bool { fieldsV1Key.hasPrefix("i:") }

    /// Sort rank mirroring structured-merge-diff: field names, then keys, then values, then indexes.
    var rank: Int {
        switch fieldsV1Key.first {
        case "f": return 0
        case "k": return 1
        case "v": return 2
        default: return 3
        }
    }

    private var payload: Substring { fieldsV1Key.dropFirst(2) }

    /// The path spelling Kubernetes prints in conflict messages: `.name`, `[name="web"]`, `[="a"]`, `[0]`.
    var pathString: String {
        switch rank {
        case 0: return "." + payload
        case 1:
            guard case .map(let m) = (try? JSON.decodeKeepingIntegers(Array(payload.utf8))) ?? .null else {
                return "[" + payload + "]"
            }
            return "[" + m.keys.sorted().map { "\($0)=\(Self.display(m[$0] ?? .null))" }.joined(separator: ",") + "]"
        case 2:
            let v = (try? JSON.decodeKeepingIntegers(Array(payload.utf8))) ?? .string(String(payload))
            return "[=\(Self.display(v))]"
        default: return "[" + payload + "]"
        }
    }

    /// Parses one FieldsV1 key; nil when it is not one of the four forms. The result is re-spelled
    /// canonically, so `k:{"b":1,"a":2}` and `k:{"a":2,"b":1}` are one element.
    static func parse(fieldsV1Key s: String) -> PathElement? {
        guard s.utf8.count >= 2 else { return nil }
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
        if a.rank == 3, let x = Int(a.payload), let y = Int(b.payload) { return x < y }
        return a.fieldsV1Key.utf8.lexicographicallyPrecedes(b.fieldsV1Key.utf8)
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
