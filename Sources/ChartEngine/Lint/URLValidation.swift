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

    /// govalidator `IsURL`: an optional well-known scheme, optional user info, a host name or IP, an
    /// optional port and an optional path/query/fragment without spaces.
    static func isURL(_ s: String) -> Bool {
        let count = s.unicodeScalars.count
        if s.isEmpty || count >= 2083 || s.utf8.count <= 3 || s.hasPrefix(".") { return false }
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
            if hostPart[..<at].contains(where: { $0.isWhitespace }) { return false }
            hostPart = hostPart[hostPart.index(after: at)...]
        }
        if let colon = hostPart.lastIndex(of: ":") {
            let port = hostPart[hostPart.index(after: colon)...]
            guard (1...5).contains(port.count), port.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
            hostPart = hostPart[..<colon]
        }
        if hostPart.hasSuffix(".") { hostPart = hostPart.dropLast() }
        if hostPart.isEmpty || hostPart.hasPrefix(".") || hostPart.hasPrefix("-") { return false }
        return hostPart.unicodeScalars.allSatisfy { c in
            c.value >= 0xA1 || (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9")
                || c == "-" || c == "." || c == "_"
        } && !hostPart.contains("..")
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
