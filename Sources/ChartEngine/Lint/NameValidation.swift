/// Kubernetes object-name rules (k8s.io/apimachinery `validation`), as Helm's template linter applies
/// them per kind (`validateMetadataNameFunc`).
enum NameValidation {
    /// The rule for `kind` (matched case-insensitively): the messages for an invalid `name`.
    static func problems(kind: String, name: String) -> [String] {
        switch kind.lowercased() {
        case "service":
            return dns1035Label(name)
        case "namespace":
            return dns1123Label(name)
        case "certificatesigningrequest":
            return []
        case "role", "clusterrole", "rolebinding", "clusterrolebinding":
            return pathSegment(name)
        default:
            // Most kinds, ServiceAccount included, are DNS subdomains.
            return dns1123Subdomain(name)
        }
    }

    /// Helm's `validateMetadataName` message, or nil when the name is valid.
    static func check(kind: String, name: String) -> String? {
        let errs = problems(kind: kind, name: name).map {
            "metadata.name: Invalid value: \(quoteGo(name)): \($0)"
        }
        if errs.isEmpty { return nil }
        // An aggregate of one error prints as that error, of several as `[a, b]`.
        let aggregate = errs.count == 1 ? errs[0] : "[" + errs.joined(separator: ", ") + "]"
        return "object name does not conform to Kubernetes naming requirements: \(quoteGo(name)): \(aggregate)"
    }

    static func isAlnum(_ c: UInt8) -> Bool { (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) }

    /// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`
    static func isLabel(_ s: Substring.UTF8View, firstAlpha: Bool) -> Bool {
        guard let first = s.first, let last = s.last else { return false }
        if firstAlpha ? !(first >= 0x61 && first <= 0x7A) : !isAlnum(first) { return false }
        return isAlnum(last) && s.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: "-") }
    }

    static func regexError(_ msg: String, _ regex: String, _ examples: [String]) -> String {
        // apimachinery joins the examples with "', or '" after a comma, hence the double space.
        let ex = examples.map { "'\($0)'" }.joined(separator: ",  or ")
        return "\(msg) (e.g. \(ex), regex used for validation is '\(regex)')"
    }

    static func dns1123Subdomain(_ name: String) -> [String] {
        var out: [String] = []
        if name.utf8.count > 253 { out.append("must be no more than 253 characters") }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        if !labels.allSatisfy({ isLabel($0.utf8, firstAlpha: false) }) {
            out.append(regexError(
                "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                    + "and must start and end with an alphanumeric character",
                "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*", ["example.com"]))
        }
        return out
    }

    static func dns1123Label(_ name: String) -> [String] {
        var out: [String] = []
        if name.utf8.count > 63 { out.append("must be no more than 63 characters") }
        if !isLabel(Substring(name).utf8, firstAlpha: false) {
            out.append(regexError(
                "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
                    + "start and end with an alphanumeric character",
                "[a-z0-9]([-a-z0-9]*[a-z0-9])?", ["my-name", "123-abc"]))
        }
        return out
    }

    static func dns1035Label(_ name: String) -> [String] {
        var out: [String] = []
        if name.utf8.count > 63 { out.append("must be no more than 63 characters") }
        if !isLabel(Substring(name).utf8, firstAlpha: true) {
            out.append(regexError(
                "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
                    + "alphabetic character, and end with an alphanumeric character",
                "[a-z]([-a-z0-9]*[a-z0-9])?", ["my-name", "abc-123"]))
        }
        return out
    }

    /// `IsPathSegmentName`: not `.` or `..`, no `/` or `%`.
    static func pathSegment(_ name: String) -> [String] {
        if name == "." || name == ".." { return ["may not be '\(name)'"] }
        var out: [String] = []
        for illegal in ["/", "%"] where name.contains(illegal) { out.append("may not contain '\(illegal)'") }
        return out
    }
}
