/// TOML as Helm's `toToml`/`fromToml` use it (BurntSushi/toml v1).
public enum TOML {
    /// BurntSushi/toml's `Encoder.Encode` output for a value: direct keys first (byte-sorted), then
    /// tables `[a]` / arrays of tables `[[x]]` (byte-sorted), nested tables indented two spaces per
    /// level, a blank line before each top-level table and each array-of-tables entry; floats keep a
    /// decimal point (`1.0`) and use Go `%g` digits (`1e+06`); null map entries are skipped.
    /// A non-map top-level value is written as a bare TOML value (`"s"`, `[1, 2]`).
    ///
    /// Throws `toml: cannot encode array with nil element` as the Go encoder does; a top-level null
    /// throws Go's reflection panic text (`reflect: call of reflect.Value.Type on zero Value`).
    public static func encode(_ v: Value) throws(StructuredDataError) -> String {
        if v.isNull { throw StructuredDataError("reflect: call of reflect.Value.Type on zero Value") }
        let result: Result<String, StructuredDataError> = DeepValues.run(for: v) {
            var e = TOMLEncoder()
            do throws(StructuredDataError) {
                if case .map(let m) = v { try e.table(m, path: []) } else { try e.element(v) }
            } catch {
                return .failure(error)
            }
            return .success(e.out)
        }
        return try result.get()
    }

    /// Parses a TOML document into a map: integers as `.int`, floats as `.float`, date-times as the
    /// RFC 3339 text Go's JSON encoding of BurntSushi's `time.Time` gives (`1979-05-27T00:00:00Z`).
    /// Errors read `toml: line N: …`.
    public static func decode(_ text: String) throws(StructuredDataError) -> Value {
        var p = TOMLParser(Array(text.utf8))
        return try p.parseDocument()
    }

    /// The key of the one-entry map that stands for a date-time when decoding with `markDates`
    /// (a NUL-prefixed key, which no TOML document can produce as a bare key).
    public static let dateMarker = "\u{0}toml:datetime"

    /// As ``decode(_:)``, but each date-time becomes `[dateMarker: RFC 3339 text]`, so callers with a
    /// time type (the template engine's `time.Time`) can restore it, as BurntSushi decodes them.
    public static func decode(_ text: String, markDates: Bool) throws(StructuredDataError) -> Value {
        var p = TOMLParser(Array(text.utf8))
        p.markDates = markDates
        return try p.parseDocument()
    }
}

/// BurntSushi/toml v1's encoder, for the value shapes Helm passes it.
struct TOMLEncoder {
    var out = ""
    private var hasWritten = false

    private mutating func w(_ s: String) {
        out += s
        hasWritten = true
    }

    private mutating func newline() {
        if hasWritten { w("\n") }
    }

    private static func indent(_ path: [String]) -> String {
        String(repeating: "  ", count: max(path.count - 1, 0))
    }

    /// Whether BurntSushi treats the value as a table (written as `[path]`/`[[path]]`).
    private static func isSub(_ v: Value) throws(StructuredDataError) -> Bool {
        switch v {
        case .map: return true
        case .list(let items): return try isTableArray(items)
        default: return false
        }
    }

    /// All elements maps (and at least one); a null element anywhere fails.
    private static func isTableArray(_ items: [Value]) throws(StructuredDataError) -> Bool {
        guard !items.isEmpty else { return false }
        var all = true
        for item in items {
            if item.isNull { throw StructuredDataError("toml: cannot encode array with nil element") }
            if case .map = item {} else { all = false }
        }
        return all
    }

    mutating func table(_ m: [String: Value], path: [String]) throws(StructuredDataError) {
        var direct: [String] = []
        var sub: [String] = []
        for (k, v) in m {
            if try Self.isSub(v) { sub.append(k) } else { direct.append(k) }
        }
        let byteOrder: (String, String) -> Bool = { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for k in direct.sorted(by: byteOrder) {
            guard let v = m[k], !v.isNull else { continue }
            let p = path + [k]
            w(Self.indent(p) + Self.quoteKey(k) + " = ")
            try element(v)
            newline()
        }
        for k in sub.sorted(by: byteOrder) {
            guard let v = m[k] else { continue }
            let p = path + [k]
            let name = p.map(Self.quoteKey).joined(separator: ".")
            switch v {
            case .map(let inner):
                if p.count == 1 { newline() }
                w(Self.indent(p) + "[" + name + "]")
                newline()
                try table(inner, path: p)
            case .list(let items):
                for item in items {
                    guard case .map(let inner) = item else { continue }
                    newline()
                    w(Self.indent(p) + "[[" + name + "]]")
                    newline()
                    try table(inner, path: p)
                }
            default: break
            }
        }
    }

    /// An inline value.
    mutating func element(_ v: Value) throws(StructuredDataError) {
        switch v {
        case .null: throw StructuredDataError("toml: cannot encode array with nil element")
        case .bool(let b): w(b ? "true" : "false")
        case .int(let i): w(String(i))
        case .float(let d): w(Self.float(d))
        case .string(let s): w(Self.quote(s))
        case .list(let items):
            _ = try Self.isTableArray(items)  // nil elements fail here as in Go
            w("[")
            for (n, item) in items.enumerated() {
                if n > 0 { w(", ") }
                try element(item)
            }
            w("]")
        case .map(let m):
            w("{")
            let keys = m.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).filter { !(m[$0]?.isNull ?? true) }
            // Inline tables list direct keys before nested ones, each group sorted.
            var direct: [String] = []
            var sub: [String] = []
            for k in keys { if try Self.isSub(m[k] ?? .null) { sub.append(k) } else { direct.append(k) } }
            for (n, k) in (direct + sub).enumerated() {
                if n > 0 { w(", ") }
                w(Self.quoteKey(k) + " = ")
                try element(m[k] ?? .null)
            }
            w("}")
        }
    }

    /// `strconv.FormatFloat(f, 'g', -1, 64)` plus `.0` when it has neither `.` nor an exponent.
    static func float(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        let s = GoFloat.formatV(d)
        if s.contains(".") || s.contains("e") { return s }
        return s + ".0"
    }

    /// Bare key when made of `A-Za-z0-9_-` only, else a quoted key.
    static func quoteKey(_ k: String) -> String {
        let bare = !k.isEmpty && k.utf8.allSatisfy {
            ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 || $0 == 45
        }
        return bare ? k : quote(k)
    }

    /// Basic string: `\b \t \n \f \r \" \\`, other controls and DEL as `\u00XX`.
    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u.value {
            case 0x08: out += "\\b"
            case 0x09: out += "\\t"
            case 0x0A: out += "\\n"
            case 0x0C: out += "\\f"
            case 0x0D: out += "\\r"
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0..<0x20, 0x7F:
                let h = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
}
