public import StructuredData

extension DiffAction {
    /// Hides Secret values as the helm-diff plugin does unless `--show-secrets`: a key whose value is the
    /// same on both sides reads `REDACTED # (N bytes)`, a changed one `-------- # (N bytes)` before and
    /// `++++++++ # (N bytes)` after, so the diff still says which keys change without showing them.
    /// `data` and `stringData` are both covered; N counts decoded bytes.
    public static func redactSecrets(_ old: Value?, _ new: Value?) -> (Value?, Value?) {
        var old = old, new = new
        for field in ["data", "stringData"] {
            let before = old?[field]?.mapValue ?? [:]
            let after = new?[field]?.mapValue ?? [:]
            var b: [String: Value] = [:], a: [String: Value] = [:]
            for (k, v) in before {
                let same = after[k] == v
                b[k] = .string((same ? "REDACTED" : "--------") + " # (\(byteCount(v, base64: field == "data")) bytes)")
            }
            for (k, v) in after {
                let same = before[k] == v
                a[k] = .string((same ? "REDACTED" : "++++++++") + " # (\(byteCount(v, base64: field == "data")) bytes)")
            }
            if old?[field] != nil { old = replacing(old, field, .map(b)) }
            if new?[field] != nil { new = replacing(new, field, .map(a)) }
        }
        return (old, new)
    }

    static func replacing(_ v: Value?, _ key: String, _ with: Value) -> Value? {
        guard case .map(var m)? = v else { return v }
        m[key] = with
        return .map(m)
    }

    /// The length of a value: decoded bytes of base64 text for `data`, UTF-8 bytes otherwise.
    static func byteCount(_ v: Value, base64: Bool) -> Int {
        guard let s = v.stringValue else { return 0 }
        if !base64 { return s.utf8.count }
        let chars = s.utf8.filter { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") }
        let padding = chars.reversed().prefix { $0 == UInt8(ascii: "=") }.count
        return max(0, chars.count * 3 / 4 - padding)
    }
}
