/// Kubernetes' label key and value rules (apimachinery `util/validation`), with its error texts.
public enum LabelValidation {
    static let qualifiedNameFmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
    static let qualifiedNameMsg =
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
    static let labelValueMsg =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
    static let dns1123SubdomainMsg =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
    static let dns1123SubdomainFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"

    static func regexError(_ msg: String, _ fmt: String, _ examples: [String]) -> String {
        var s = msg + " (e.g. "
        for (i, e) in examples.enumerated() {
            if i > 0 { s += " or " }
            s += "'" + e + "', "
        }
        return s + "regex used for validation is '" + fmt + "')"
    }

    private static func isAlnum(_ c: UInt8) -> Bool {
        (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
    }

    /// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`
    static func isQualifiedNamePart(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard let f = b.first, let l = b.last, isAlnum(f), isAlnum(l) else { return false }
        return b.allSatisfy { isAlnum($0) || $0 == 45 || $0 == 95 || $0 == 46 }
    }

    static func isDNS1123Subdomain(_ s: String) -> Bool {
        guard !s.isEmpty else { return false }
        for label in s.split(separator: ".", omittingEmptySubsequences: false) {
            let b = Array(label.utf8)
            func ok(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || (c >= 97 && c <= 122) }
            guard let f = b.first, let l = b.last, ok(f), ok(l), b.allSatisfy({ ok($0) || $0 == 45 }) else {
                return false
            }
        }
        return true
    }

    /// `IsQualifiedName`: the error strings, empty when valid.
    static func qualifiedNameErrors(_ value: String) -> [String] {
        var errs: [String] = []
        let parts = value.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let name: String
        switch parts.count {
        case 1: name = parts[0]
        case 2:
            let prefix = parts[0]
            name = parts[1]
            if prefix.isEmpty {
                errs.append("prefix part must be non-empty")
            } else {
                if prefix.utf8.count > 253 { errs.append("prefix part must be no more than 253 characters") }
                if !isDNS1123Subdomain(prefix) {
                    errs.append("prefix part " + regexError(dns1123SubdomainMsg, dns1123SubdomainFmt, ["example.com"]))
                }
            }
        default:
            return ["a qualified name " + regexError(qualifiedNameMsg, qualifiedNameFmt, ["MyName", "my.name", "123-abc"])
                + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
        }
        if name.isEmpty {
            errs.append("name part must be non-empty")
        } else if name.utf8.count > 63 {
            errs.append("name part must be no more than 63 characters")
        }
        if !isQualifiedNamePart(name) {
            errs.append("name part " + regexError(qualifiedNameMsg, qualifiedNameFmt, ["MyName", "my.name", "123-abc"]))
        }
        return errs
    }

    /// `IsValidLabelValue`: the error strings, empty when valid.
    static func labelValueErrors(_ value: String) -> [String] {
        var errs: [String] = []
        if value.utf8.count > 63 { errs.append("must be no more than 63 characters") }
        if !value.isEmpty && !isQualifiedNamePart(value) {
            errs.append(regexError(labelValueMsg, "(" + qualifiedNameFmt + ")?", ["MyValue", "my_value", "12345"]))
        }
        return errs
    }

    /// Go's `%q` for the strings label selectors carry (printable ASCII; others escaped).
    public static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if u.value < 0x20 || u.value == 0x7f {
                    let h = String(u.value, radix: 16)
                    out += "\\x" + (h.count < 2 ? "0" + h : h)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    /// A `field.Invalid` error rendered as `path: Invalid value: "v": detail`.
    static func invalid(_ path: String, _ value: String, _ detail: String) -> String {
        "\(path): Invalid value: \(quote(value)): \(detail)"
    }

    /// The same for a `[]string` value, which Go prints with `%#v` (`[]string{"a", "b"}`, `[]string(nil)`).
    static func invalidList(_ path: String, _ values: [String]?, _ detail: String) -> String {
        let shown = values.map { "[]string{" + $0.map(quote).joined(separator: ", ") + "}" } ?? "[]string(nil)"
        return "\(path): Invalid value: \(shown): \(detail)"
    }
}
