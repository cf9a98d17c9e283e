import Templating

/// The `format` checks santhosh-tekuri/jsonschema v6 asserts (drafts 4–7 only), with its reasons.
/// Formats not listed here are accepted.
enum SchemaFormats {
    /// nil when `s` is valid for `format` (or the format is unknown), else the library's reason.
    static func check(_ format: String, _ s: String) -> String? {
        switch format {
        case "ipv4": return ipv4(s)
        case "hostname": return hostname(s)
        case "email": return email(s)
        case "uuid": return uuid(s)
        case "date-time": return dateTime(s)
        case "regex":
            do { _ = try GoRegexp.compile(s) } catch { return error.message }
            return nil
        default: return nil
        }
    }

    private static func goRune(_ c: Character) -> String {
        "'" + String(c) + "'"
    }

    static func ipv4(_ s: String) -> String? {
        let groups = s.split(separator: ".", omittingEmptySubsequences: false)
        if groups.count != 4 { return "expected four decimals" }
        for g in groups {
            if g.count > 1 && g.hasPrefix("0") { return "leading zeros" }
            guard let n = Int(g) else { return "strconv.Atoi: parsing \(quoteGo(String(g))): invalid syntax" }
            if n < 0 || n > 255 { return "decimal must be between 0 and 255" }
        }
        return nil
    }

    static func hostname(_ s: String) -> String? {
        var s = Substring(s)
        if s.hasSuffix(".") { s = s.dropLast() }
        if s.utf8.count > 253 { return "more than 253 characters long" }
        for label in s.split(separator: ".", omittingEmptySubsequences: false) {
            if label.utf8.isEmpty || label.utf8.count > 63 { return "label must be 1 to 63 characters long" }
            if label.hasPrefix("-") { return "label starts with hyphen" }
            if label.hasSuffix("-") { return "label ends with hyphen" }
            for c in label where !(c.isASCII && (c.isLetter || c.isNumber || c == "-")) {
                return "invalid character \(goRune(c))"
            }
        }
        return nil
    }

    static func email(_ s: String) -> String? {
        if s.utf8.count > 254 { return "more than 255 characters long" }
        guard let at = s.lastIndex(of: "@") else { return "missing @" }
        let local = s[..<at]
        let domain = s[s.index(after: at)...]
        if local.utf8.count > 64 { return "local part more than 64 characters long" }
        if local.count > 1 && local.hasPrefix("\"") && local.hasSuffix("\"") {
            let inner = local.dropFirst().dropLast()
            if inner.contains("\\") || inner.contains("\"") {
                return "backslash and quote are not allowed within quoted local part"
            }
        } else {
            if local.hasPrefix(".") { return "starts with dot" }
            if local.hasSuffix(".") { return "ends with dot" }
            if local.contains("..") { return "consecutive dots" }
            for c in local where !(c.isASCII && (c.isLetter || c.isNumber || ".!#$%&'*+-/=?^_`{|}~".contains(c))) {
                return "invalid character \(goRune(c))"
            }
        }
        if domain.hasPrefix("[") && domain.hasSuffix("]") {
            let ip = String(domain.dropFirst().dropLast())
            if ip.hasPrefix("IPv6:") { return nil }
            if let e = ipv4(ip) { return "invalid ipv4 address: \(e)" }
            return nil
        }
        if let e = hostname(String(domain)) { return "invalid domain: \(e)" }
        return nil
    }

    static func uuid(_ s: String) -> String? {
        let want = [8, 4, 4, 4, 12]
        let groups = s.split(separator: "-", omittingEmptySubsequences: false)
        if groups.count != want.count { return "must have \(want.count) elements" }
        for (i, g) in groups.enumerated() {
            if g.utf8.count != want[i] { return "element \(i + 1) must be \(want[i]) characters long" }
            for c in g where !c.isHexDigit { return "non-hex character \(goRune(c))" }
        }
        return nil
    }

    static func dateTime(_ s: String) -> String? {
        let b = Array(s.utf8)
        if b.count < 20 { return "less than 20 characters long" }
        if b[10] != UInt8(ascii: "t") && b[10] != UInt8(ascii: "T") { return "11th character must be t or T" }
        return nil
    }
}
