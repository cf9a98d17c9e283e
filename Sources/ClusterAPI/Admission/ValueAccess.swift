import StructuredData

/// Small readers and writers over `Value` maps used by defaulting and validation. A key holding
/// `.null` counts as absent, as a nil pointer does in Go.
enum V {
    /// An integer, accepting a float with an integral value (JSON decoded without the integer option).
    static func int(_ v: Value?) -> Int64? {
        switch v {
        case .int(let i): return i
        case .float(let d):
            guard d.isFinite, d.rounded() == d, abs(d) < 9.2e18 else { return nil }
            return Int64(d)
        default: return nil
        }
    }

    static func string(_ v: Value?) -> String? { v?.stringValue }

    static func bool(_ v: Value?) -> Bool? {
        if case .bool(let b) = v { return b }
        return nil
    }

    static func map(_ v: Value?) -> [String: Value]? { v?.mapValue }

    static func list(_ v: Value?) -> [Value]? { v?.listValue }

    /// True when the key is missing or null.
    static func isAbsent(_ m: [String: Value], _ key: String) -> Bool {
        guard let v = m[key] else { return true }
        return v.isNull
    }

    /// A string field treating missing and `""` alike, as Go's zero value does.
    static func str(_ m: [String: Value]?, _ key: String) -> String { m?[key]?.stringValue ?? "" }

    /// The string map a `map[string]string` field holds; non-string values are skipped.
    static func stringMap(_ v: Value?) -> [String: String] {
        guard let m = v?.mapValue else { return [:] }
        var out: [String: String] = [:]
        for (k, val) in m {
            if let s = val.stringValue { out[k] = s }
        }
        return out
    }
}

extension Dictionary where Key == String, Value == StructuredData.Value {
    /// Sets `key` when it is missing or null.
    mutating func setDefault(_ key: String, _ value: StructuredData.Value) {
        if V.isAbsent(self, key) { self[key] = value }
    }

    /// Sets `key` when it is missing, null or the empty string.
    mutating func setDefaultString(_ key: String, _ value: String) {
        if V.isAbsent(self, key) || self[key] == .string("") { self[key] = .string(value) }
    }

    /// Edits the map under `key`; creates it first when `create` is set, else does nothing when absent.
    mutating func withMap(_ key: String, create: Bool = false, _ body: (inout [String: StructuredData.Value]) -> Void) {
        var inner: [String: StructuredData.Value]
        if case .map(let m)? = self[key] {
            inner = m
        } else if create, V.isAbsent(self, key) {
            inner = [:]
        } else {
            return
        }
        body(&inner)
        self[key] = .map(inner)
    }

    /// Edits each map element of the list under `key` (non-map elements are left alone).
    mutating func withEachMap(_ key: String, _ body: (inout [String: StructuredData.Value]) -> Void) {
        guard case .list(var items)? = self[key] else { return }
        for i in items.indices {
            if case .map(var m) = items[i] {
                body(&m)
                items[i] = .map(m)
            }
        }
        self[key] = .list(items)
    }
}
