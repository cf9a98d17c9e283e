/// The govalidator checks Helm's Chart.yaml linter uses (`IsRequestURL`, `IsURL`, `IsEmail`), reduced
/// to the shapes they accept: Go's `url.ParseRequestURI` plus a scheme, govalidator's URL regexp and
/// its RFC 5322-ish e-mail regexp.
enum URLValidation {
    static func isSchemeChar(_ c: Unicode.Scalar, first: Bool) -> Bool {
        let letter = (c >= "a" && c <= "z") || (c >= "A" && c <= "Z")
        if first { return letter }
        return letter || (c >= "0" && c <= "9") || c == "+" || c == "-" || c == "."
    }

    static func hasControl(_ s: String) -> Bool {
        s.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }

    /// The scheme (`http` of `http://…`) when `s` begins with a valid one followed by `:`.
    static func scheme(_ s: String) -> (scheme: String, rest: Substring)? {
        let scalars = Array(s.unicodeScalars)
        for (i, c) in scalars.enumerated() {
            if c == ":" {
                guard i > 0 else { return nil }
                let idx = s.unicodeScalars.index(s.unicodeScalars.startIndex, offsetBy: i)
                return (String(s.unicodeScalars[..<idx]), Substring(s.unicodeScalars[s.unicodeScalars.index(after: idx)...]))
            }
            if !isSchemeChar(c, first: i == 0) { return nil }
        }
        return nil
    }

    /// Characters Go's `url.Parse` refuses in a host name.
    static func isValidHost(_ host: Substring) -> Bool {
        var h = host
        if let at = h.lastIndex(of: "@") { h = h[h.index(after: at)...] }
        if h.hasPrefix("[") { return h.contains("]") }
        if let colon = h.lastIndex(of: ":") {
            let port = h[h.index(after: colon)...]
            if !port.allSatisfy({ $0.isASCII && $0.isNumber }) { return false }
            h = h[..<colon]
        }
        return h.unicodeScalars.allSatisfy { c in
            c.value >= 0x80 || (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9")
                || "-._~!$&'()*+,;=%\"".unicodeScalars.contains(c)
        }
    }

    /// govalidator `IsRequestURL`: `url.ParseRequestURI` succeeds and there is a scheme.
    static func isRequestURL(_ s: String) -> Bool {
        if s.isEmpty || hasControl(s) { return false }
        guard let (_, rest) = scheme(s) else { return false }
        var r = rest
        if let q = r.firstIndex(of: "?") { r = r[..<q] }
        if r.hasPrefix("//") {
            let auth = r.dropFirst(2).prefix { $0 != "/" }
            return isValidHost(auth)
        }
        return true
    }

    /// govalidator `IsURL`: Go's `url.Parse` must find a host (or a dotted path), then the text must
    /// match govalidator's URL pattern: an optional well-known scheme, optional user info, a host (an
    /// IPv4 address, a bracketed IPv6 one or a host name), an optional port and an optional
    /// path/query/fragment without spaces.
    static func isURL(_ s: String) -> Bool {
        if s.isEmpty || s.unicodeScalars.count >= 2083 || s.unicodeScalars.count <= 3 || s.hasPrefix(".") {
            return false
        }
        if !s.contains("://") && !s.contains(":") {
            // url.Parse sees a bare path: it needs a dot somewhere before the query/fragment.
            let path = s.prefix { $0 != "?" && $0 != "#" }
            if !path.contains(".") { return false }
        }
        var rest = Substring(s)
        for p in ["ftp://", "tcp://", "udp://", "ws://", "wss://", "http://", "https://"] where rest.hasPrefix(p) {
            rest = rest.dropFirst(p.count)
            break
        }
        var hostPart = rest
        var tail: Substring = ""
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) {
            hostPart = rest[..<end]
            tail = rest[end...]
        }
        if tail.contains(where: { $0.isWhitespace }) { return false }
        if let at = hostPart.lastIndex(of: "@") {
            if hostPart[..<at].isEmpty || hostPart[..<at].contains(where: { $0.isWhitespace }) { return false }
            hostPart = hostPart[hostPart.index(after: at)...]
        }
        if hostPart.hasPrefix("[") {
            guard let close = hostPart.firstIndex(of: "]") else { return false }
            let after = hostPart[hostPart.index(after: close)...]
            return after.isEmpty || isPort(after)
        }
        if let colon = hostPart.lastIndex(of: ":") {
            guard isPort(hostPart[colon...]) else { return false }
            hostPart = hostPart[..<colon]
        }
        if hostPart.hasSuffix(".") { hostPart = hostPart.dropLast() }
        return isHostName(hostPart)
    }

    /// `:` and one to five digits.
    static func isPort(_ s: Substring) -> Bool {
        let digits = s.dropFirst()
        return s.first == ":" && (1...5).contains(digits.count) && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// govalidator's `URLIP`: four dotted decimals, the first 1–223 or 240–255.
    static func isURLIPv4(_ labels: [Substring]) -> Bool {
        guard labels.count == 4, labels.allSatisfy({ (1...3).contains($0.count) }),
              let first = Int(labels[0]), labels[0].first != "0"
        else { return false }
        guard (1...223).contains(first) || (240...255).contains(first) else { return false }
        return labels.dropFirst().allSatisfy { Int($0).map { $0 <= 255 } ?? false }
    }

    /// The host-name branch of govalidator's URL pattern, reduced: dot-separated labels of letters,
    /// digits, `-` (and `_` in the first label); the last label is alphabetic, or at least two
    /// characters long (the pattern's prefix group must end before a final run of characters).
    static func isHostName(_ host: Substring) -> Bool {
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        if labels.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }) && isURLIPv4(labels) {
            return true
        }
        func isWordChar(_ c: Unicode.Scalar) -> Bool {
            (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c.value >= 0xA1
        }
        for (i, label) in labels.enumerated() {
            guard let first = label.unicodeScalars.first, let last = label.unicodeScalars.last,
                  isWordChar(first), isWordChar(last)
            else { return false }
            let ok = label.unicodeScalars.allSatisfy { isWordChar($0) || $0 == "-" || (i == 0 && $0 == "_") }
            if !ok { return false }
        }
        guard labels.count > 1, let tld = labels.last else { return true }
        let alphabetic = tld.unicodeScalars.allSatisfy {
            ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || $0.value >= 0xA1
        }
        return alphabetic || tld.count >= 2
    }

    /// govalidator `IsEmail`: dot-atoms, `@`, then dot-separated labels ending in a label that starts
    /// and ends with a letter.
    static func isEmail(_ s: String) -> Bool {
        guard let at = s.lastIndex(of: "@") else { return false }
        let local = s[..<at]
        var domain = s[s.index(after: at)...]
        let atomChars = "!#$%&'*+-/=?^_`{|}~".unicodeScalars
        func atomOK(_ a: Substring) -> Bool {
            !a.isEmpty && a.unicodeScalars.allSatisfy { c in
                c.value >= 0xA0 || (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9")
                    || atomChars.contains(c)
            }
        }
        guard local.split(separator: ".", omittingEmptySubsequences: false).allSatisfy(atomOK) else { return false }
        if domain.hasSuffix(".") { domain = domain.dropLast() }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        func isLetter(_ c: Character) -> Bool { (c.isASCII && c.isLetter) || !c.isASCII }
        func isAlnum(_ c: Character) -> Bool { (c.isASCII && (c.isLetter || c.isNumber)) || !c.isASCII }
        for (i, label) in labels.enumerated() {
            guard let first = label.first, let last = label.last else { return false }
            let inner = label.allSatisfy { isAlnum($0) || $0 == "-" || $0 == "." || $0 == "~" || $0 == "_" }
            if !inner { return false }
            if i == labels.count - 1 {
                if !isLetter(first) || !isLetter(last) { return false }
            } else if !isAlnum(first) || !isAlnum(last) {
                return false
            }
        }
        return true
    }
}
