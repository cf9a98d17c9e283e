/// Kubernetes' name and key syntax checks (apimachinery `util/validation`), returning its exact
/// error strings; an empty result means valid. Lengths are in bytes, as Go's `len` counts.
enum NameRules {
    static let dns1123LabelFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
    static let dns1123SubdomainFmt = dns1123LabelFmt + "(\\." + dns1123LabelFmt + ")*"
    static let dns1035LabelFmt = "[a-z]([-a-z0-9]*[a-z0-9])?"
    static let qualifiedNameFmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
    static let labelValueFmt = "(" + qualifiedNameFmt + ")?"
    static let configMapKeyFmt = "[-._a-zA-Z0-9]+"
    static let qualifiedNameErrMsg =
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"

    /// `msg (e.g. 'a',  or 'b', regex used for validation is 'fmt')` — the double space is Go's.
    static func regexError(_ msg: String, _ fmt: String, _ examples: String...) -> String {
        if examples.isEmpty { return msg + " (regex used for validation is '" + fmt + "')" }
        var s = msg + " (e.g. "
        for (i, e) in examples.enumerated() {
            if i > 0 { s += " or " }
            s += "'" + e + "', "
        }
        return s + "regex used for validation is '" + fmt + "')"
    }

    static func maxLenError(_ n: Int) -> String { "must be no more than \(n) characters" }

    private static func isLowerAlnum(_ c: UInt8) -> Bool { (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) }
    private static func isAlnum(_ c: UInt8) -> Bool {
        isLowerAlnum(c) || (c >= 0x41 && c <= 0x5A)
    }

    static func matchesLabel(_ s: Substring.UTF8View) -> Bool {
        guard let f = s.first, let l = s.last, isLowerAlnum(f), isLowerAlnum(l) else { return false }
        return s.allSatisfy { isLowerAlnum($0) || $0 == 0x2D }
    }

    static func matchesSubdomain(_ s: String) -> Bool {
        if s.isEmpty { return false }
        return s.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { matchesLabel($0.utf8) }
    }

    static func dns1123Label(_ s: String) -> [String] {
        var errs: [String] = []
        if s.utf8.count > 63 { errs.append(maxLenError(63)) }
        if !matchesLabel(Substring(s).utf8) {
            if matchesSubdomain(s) {
                errs.append("must not contain dots")
            } else {
                errs.append(regexError(
                    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
                    dns1123LabelFmt, "my-name", "123-abc"))
            }
        }
        return errs
    }

    static func dns1123Subdomain(_ s: String) -> [String] {
        var errs: [String] = []
        if s.utf8.count > 253 { errs.append(maxLenError(253)) }
        if !matchesSubdomain(s) {
            errs.append(regexError(
                "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
                dns1123SubdomainFmt, "example.com"))
        }
        return errs
    }

    static func dns1035Label(_ s: String) -> [String] {
        var errs: [String] = []
        if s.utf8.count > 63 { errs.append(maxLenError(63)) }
        let u = Substring(s).utf8
        let startsWithLetter = u.first.map { $0 >= 0x61 && $0 <= 0x7A } ?? false
        if !(matchesLabel(u) && startsWithLetter) {
            errs.append(regexError(
                "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
                dns1035LabelFmt, "my-name", "abc-123"))
        }
        return errs
    }

    private static func matchesQualifiedPart(_ s: Substring.UTF8View) -> Bool {
        guard let f = s.first, let l = s.last, isAlnum(f), isAlnum(l) else { return false }
        return s.allSatisfy { isAlnum($0) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E }
    }

    /// A label key / annotation key: optional DNS-subdomain prefix, `/`, and a name part.
    static func qualifiedName(_ s: String) -> [String] {
        var errs: [String] = []
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        let name: Substring
        switch parts.count {
        case 1:
            name = parts[0]
        case 2:
            let prefix = String(parts[0])
            name = parts[1]
            if prefix.isEmpty {
                errs.append("prefix part must be non-empty")
            } else {
                errs += dns1123Subdomain(prefix).map { "prefix part " + $0 }
            }
        default:
            return ["a qualified name " + regexError(qualifiedNameErrMsg, qualifiedNameFmt, "MyName", "my.name", "123-abc")
                + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
        }
        if name.isEmpty {
            errs.append("name part must be non-empty")
        } else if name.utf8.count > 63 {
            errs.append("name part " + maxLenError(63))
        }
        if !matchesQualifiedPart(name.utf8) {
            errs.append("name part " + regexError(qualifiedNameErrMsg, qualifiedNameFmt, "MyName", "my.name", "123-abc"))
        }
        return errs
    }

    static func labelValue(_ s: String) -> [String] {
        var errs: [String] = []
        if s.utf8.count > 63 { errs.append(maxLenError(63)) }
        if !s.isEmpty && !matchesQualifiedPart(Substring(s).utf8) {
            errs.append(regexError(
                "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
                labelValueFmt, "MyValue", "my_value", "12345"))
        }
        return errs
    }

    static func configMapKey(_ s: String) -> [String] {
        var errs: [String] = []
        if s.utf8.count > 253 { errs.append(maxLenError(253)) }
        let ok = !s.isEmpty && s.utf8.allSatisfy { isAlnum($0) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E }
        if !ok {
            errs.append(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
                                   configMapKeyFmt, "key.name", "KEY_NAME", "key-name"))
        }
        if s == "." {
            errs.append("must not be '.'")
        } else if s == ".." {
            errs.append("must not be '..'")
        } else if s.hasPrefix("..") {
            errs.append("must not start with '..'")
        }
        return errs
    }

    /// RBAC and other path-segment names (`path.IsValidPathSegmentName`).
    static func pathSegment(_ s: String) -> [String] {
        if s == "." || s == ".." { return ["may not be '\(s)'"] }
        var errs: [String] = []
        if s.contains("/") { errs.append("may not contain '/'") }
        if s.contains("%") { errs.append("may not contain '%'") }
        return errs
    }

    static func portNumber(_ p: Int64) -> [String] {
        (1...65535).contains(p) ? [] : ["must be between 1 and 65535, inclusive"]
    }

    /// IANA service names as container and service port names allow them.
    static func portName(_ s: String) -> [String] {
        var errs: [String] = []
        if s.utf8.count > 15 { errs.append(maxLenError(15)) }
        if s.isEmpty || !s.utf8.allSatisfy({ isLowerAlnum($0) || $0 == 0x2D }) {
            errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
        }
        if !s.utf8.contains(where: { $0 >= 0x61 && $0 <= 0x7A }) { errs.append("must contain at least one letter (a-z)") }
        if s.contains("--") { errs.append("must not contain consecutive hyphens") }
        if s.hasPrefix("-") || s.hasSuffix("-") { errs.append("must not begin or end with a hyphen") }
        return errs
    }

    /// Environment variable names under 1.32's (default-on) relaxed rule.
    static func envVarName(_ s: String) -> [String] {
        var errs: [String] = []
        if s.isEmpty { errs.append("environment variable name must be non-empty") }
        if s.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value > 0x7E || $0 == "=" }) {
            errs.append("a valid environment variable name must consist only of printable ASCII characters other than '='")
        }
        return errs
    }
}
