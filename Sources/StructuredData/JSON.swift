/// JSON as Go's `encoding/json` reads and writes it (Helm `toJson`/`fromJson`, Sprig
/// `toRawJson`/`toPrettyJson`/`mustFromJson`).
public enum JSON {
    /// `json.Marshal` (or `json.MarshalIndent(v, "", indent)` when `indent` is given; with
    /// `escapeHTML: false` the output of an `Encoder` with `SetEscapeHTML(false)` minus its newline).
    /// Map keys are byte-sorted; `<`, `>`, `&` become `\u003c` `\u003e` `\u0026` when escaping HTML;
    /// U+2028/U+2029 are always escaped. NaN/±Inf print as Go's error would refuse them — use
    /// ``encodeChecked(_:escapeHTML:indent:)`` to get that error.
    public static func encode(_ v: Value, escapeHTML: Bool = true, indent: String? = nil) -> String {
        (try? encodeChecked(v, escapeHTML: escapeHTML, indent: indent)) ?? ""
    }

    /// As ``encode(_:escapeHTML:indent:)``, failing as Go does for NaN and ±Inf
    /// (`json: unsupported value: NaN`).
    public static func encodeChecked(_ v: Value, escapeHTML: Bool = true, indent: String? = nil)
        throws(StructuredDataError) -> String
    {
        let result: Result<String, StructuredDataError> = DeepValues.run(for: v) {
            var out: [UInt8] = []
            do throws(StructuredDataError) {
                try write(v, into: &out, escapeHTML: escapeHTML, indent: indent.map { Array($0.utf8) }, level: 0)
            } catch {
                return .failure(error)
            }
            return .success(String(decoding: out, as: UTF8.self))
        }
        return try result.get()
    }

    /// Go's float64 JSON spelling: shortest digits, `'f'` form unless the magnitude is < 1e-6 or
    /// >= 1e21, where the `'e'` form is used with a two-digit negative exponent shortened
    /// (`1e-7`, `1e+21`).
    public static func formatFloat(_ d: Double) -> String {
        let a = abs(d)
        if a != 0 && (a < 1e-6 || a >= 1e21) {
            var s = GoFloat.formatE(d, precision: -1)
            let u = Array(s.utf8)
            let n = u.count
            if n >= 4 && u[n - 4] == UInt8(ascii: "e") && u[n - 3] == UInt8(ascii: "-") && u[n - 2] == UInt8(ascii: "0") {
                s = String(decoding: u[..<(n - 2)] + [u[n - 1]], as: UTF8.self)
            }
            return s
        }
        return GoFloat.formatF(d, precision: -1)
    }

    private static func write(
        _ v: Value, into out: inout [UInt8], escapeHTML: Bool, indent: [UInt8]?, level: Int
    ) throws(StructuredDataError) {
        switch v {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .float(let d):
            guard d.isFinite else {
                throw StructuredDataError("json: unsupported value: \(GoFloat.formatV(d))")
            }
            out.append(contentsOf: formatFloat(d).utf8)
        case .string(let s): writeString(s, into: &out, escapeHTML: escapeHTML)
        case .list(let items):
            if items.isEmpty {
                out += Array("[]".utf8)
                return
            }
            out.append(UInt8(ascii: "["))
            for (n, item) in items.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                newline(&out, indent, level + 1)
                try write(item, into: &out, escapeHTML: escapeHTML, indent: indent, level: level + 1)
            }
            newline(&out, indent, level)
            out.append(UInt8(ascii: "]"))
        case .map(let m):
            if m.isEmpty {
                out += Array("{}".utf8)
                return
            }
            out.append(UInt8(ascii: "{"))
            for (n, key) in m.keys.sorted(by: utf8Less).enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                newline(&out, indent, level + 1)
                writeString(key, into: &out, escapeHTML: escapeHTML)
                out.append(UInt8(ascii: ":"))
                if indent != nil { out.append(UInt8(ascii: " ")) }
                try write(m[key] ?? .null, into: &out, escapeHTML: escapeHTML, indent: indent, level: level + 1)
            }
            newline(&out, indent, level)
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func newline(_ out: inout [UInt8], _ indent: [UInt8]?, _ level: Int) {
        guard let indent else { return }
        out.append(UInt8(ascii: "\n"))
        for _ in 0..<level { out += indent }
    }

    /// Go's `appendString`: `\"` `\\` `\b` `\f` `\n` `\r` `\t`, other controls as `\u00XX`
    /// (lowercase hex), HTML characters optionally, U+2028/U+2029 always.
    static let hexDigits = Array("0123456789abcdef".utf8)

    static func writeString(_ s: String, into out: inout [UInt8], escapeHTML: Bool) {
        var s = s
        s.withUTF8 { u in writeString(u, into: &out, escapeHTML: escapeHTML) }
    }

    static func writeString(_ u: UnsafeBufferPointer<UInt8>, into out: inout [UInt8], escapeHTML: Bool) {
        let hex = hexDigits
        out.append(UInt8(ascii: "\""))
        var i = 0
        while i < u.count {
            let c = u[i]
            if c < 0x80 {
                switch c {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), c]
                case 0x08: out += Array("\\b".utf8)
                case 0x0C: out += Array("\\f".utf8)
                case 0x0A: out += Array("\\n".utf8)
                case 0x0D: out += Array("\\r".utf8)
                case 0x09: out += Array("\\t".utf8)
                case _ where c < 0x20 || (escapeHTML && (c == 0x3C || c == 0x3E || c == 0x26)):
                    out += Array("\\u00".utf8) + [hex[Int(c >> 4)], hex[Int(c & 0xF)]]
                default: out.append(c)
                }
                i += 1
                continue
            }
            // U+2028 / U+2029 (E2 80 A8 / E2 80 A9).
            if c == 0xE2 && i + 2 < u.count && u[i + 1] == 0x80 && (u[i + 2] == 0xA8 || u[i + 2] == 0xA9) {
                out += Array("\\u202".utf8) + [u[i + 2] == 0xA8 ? UInt8(ascii: "8") : UInt8(ascii: "9")]
                i += 3
                continue
            }
            out.append(c)
            i += 1
        }
        out.append(UInt8(ascii: "\""))
    }

    /// `json.Unmarshal` into `interface{}`: numbers become `.float`, duplicate keys keep the last
    /// value, nesting beyond 10000 fails; errors read as Go's (`invalid character 'x' looking for
    /// beginning of value`, `unexpected end of JSON input`).
    public static func decode(_ text: String) throws(StructuredDataError) -> Value {
        try decode(Array(text.utf8))
    }

    /// As ``decode(_:)-(String)`` for raw bytes (invalid UTF-8 in strings becomes U+FFFD, as in Go).
    public static func decode(_ bytes: [UInt8]) throws(StructuredDataError) -> Value {
        var p = JSONParser(bytes)
        return try p.parseDocument()
    }

    /// As ``decode(_:)-([UInt8])`` but integer literals that fit Int64 stay `.int` (how the
    /// Kubernetes API reads JSON: `replicas: 3` is an int64).
    public static func decodeKeepingIntegers(_ bytes: [UInt8]) throws(StructuredDataError) -> Value {
        var p = JSONParser(bytes)
        p.integers = true
        return try p.parseDocument()
    }
}
