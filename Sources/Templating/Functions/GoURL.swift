import StructuredData
/// The parts of Go's `net/url` that Sprig's `urlParse`/`urlJoin` use: `url.Parse`, `URL.String`,
/// `Hostname` and `Userinfo.String`, with Go's escaping rules and error texts. Works on UTF-8 bytes
/// as Go does.
struct GoURL {
    var scheme = ""
    var opaque = ""
    var user: (name: String, password: String?)?
    var host = ""
    var path = ""
    var omitHost = false
    var forceQuery = false
    var rawQuery = ""
    var fragment = ""

    enum Mode { case path, host, userPassword, queryComponent, fragment }

    struct ParseError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    // MARK: Parsing

    /// `url.Parse`; errors read as Go's `*url.Error` (`parse "x": reason`).
    static func parse(_ raw: String) throws(ParseError) -> GoURL {
        let (u, frag) = cut(raw, "#")
        var url: GoURL
        do { url = try parseNoFragment(u) } catch { throw ParseError(message: "parse \(goQuote(u)): \(error.message)") }
        if let frag, !frag.isEmpty {
            do { url.fragment = try unescape(frag, .fragment) } catch {
                throw ParseError(message: "parse \(goQuote(raw)): \(error.message)")
            }
        }
        return url
    }

    private static func cut(_ s: String, _ sep: Character) -> (String, String?) {
        guard let i = s.firstIndex(of: sep) else { return (s, nil) }
        return (String(s[..<i]), String(s[s.index(after: i)...]))
    }

    private static func parseNoFragment(_ raw: String) throws(ParseError) -> GoURL {
        if raw.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            throw ParseError(message: "net/url: invalid control character in URL")
        }
        var url = GoURL()
        if raw == "*" {
            url.path = "*"
            return url
        }
        var rest: String
        (url.scheme, rest) = try scheme(of: raw)
        url.scheme = url.scheme.lowercased()
        if rest.hasSuffix("?") && rest.filter({ $0 == "?" }).count == 1 {
            url.forceQuery = true
            rest.removeLast()
        } else {
            let (before, query) = cut(rest, "?")
            rest = before
            url.rawQuery = query ?? ""
        }
        if !rest.hasPrefix("/") {
            if !url.scheme.isEmpty {
                // Rootless paths are opaque (RFC 3986).
                url.opaque = rest
                return url
            }
            if cut(rest, "/").0.contains(":") {
                throw ParseError(message: "first path segment in URL cannot contain colon")
            }
        }
        if (!url.scheme.isEmpty || !rest.hasPrefix("///")) && rest.hasPrefix("//") {
            var authority = String(rest.dropFirst(2))
            rest = ""
            if let i = authority.firstIndex(of: "/") {
                rest = String(authority[i...])
                authority = String(authority[..<i])
            }
            try url.parseAuthority(authority)
        } else if !url.scheme.isEmpty && rest.hasPrefix("/") {
            url.omitHost = true
        }
        url.path = try unescape(rest, .path)
        return url
    }

    private static func scheme(of raw: String) throws(ParseError) -> (String, String) {
        for (i, c) in raw.utf8.enumerated() {
            switch c {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): continue
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."):
                if i == 0 { return ("", raw) }
            case UInt8(ascii: ":"):
                if i == 0 { throw ParseError(message: "missing protocol scheme") }
                let bytes = Array(raw.utf8)
                return (String(decoding: bytes[..<i], as: UTF8.self), String(decoding: bytes[(i + 1)...], as: UTF8.self))
            default:
                return ("", raw)
            }
        }
        return ("", raw)
    }

    private mutating func parseAuthority(_ authority: String) throws(ParseError) {
        let bytes = Array(authority.utf8)
        let at = bytes.lastIndex(of: UInt8(ascii: "@"))
        let hostPart = at.map { String(decoding: bytes[($0 + 1)...], as: UTF8.self) } ?? authority
        host = try Self.parseHost(hostPart)
        guard let at else { return }
        let info = String(decoding: bytes[..<at], as: UTF8.self)
        let allowed = Set("-._:~!$&'()*+,;=%@".utf8)
        guard info.utf8.allSatisfy({ Self.isAlnum($0) || allowed.contains($0) }) else {
            throw ParseError(message: "net/url: invalid userinfo")
        }
        if let colon = info.firstIndex(of: ":") {
            user = (try Self.unescape(String(info[..<colon]), .userPassword),
                    try Self.unescape(String(info[info.index(after: colon)...]), .userPassword))
        } else {
            user = (try Self.unescape(info, .userPassword), nil)
        }
    }

    private static func validOptionalPort(_ port: Substring) -> Bool {
        if port.isEmpty { return true }
        guard port.first == ":" else { return false }
        return port.dropFirst().utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    private static func parseHost(_ host: String) throws(ParseError) -> String {
        if host.hasPrefix("[") {
            guard let close = host.lastIndex(of: "]") else { throw ParseError(message: "missing ']' in host") }
            let colonPort = host[host.index(after: close)...]
            if !validOptionalPort(colonPort) {
                throw ParseError(message: "invalid port \(goQuote(String(colonPort))) after host")
            }
        } else if let colon = host.lastIndex(of: ":") {
            let colonPort = host[colon...]
            if !validOptionalPort(colonPort) {
                throw ParseError(message: "invalid port \(goQuote(String(colonPort))) after host")
            }
        }
        return try unescape(host, .host)
    }

    /// `URL.Hostname`: the host without port and IPv6 brackets.
    var hostname: String {
        var h = Substring(host)
        if let colon = h.lastIndex(of: ":"), Self.validOptionalPort(h[colon...]) { h = h[..<colon] }
        if h.hasPrefix("["), h.hasSuffix("]") { h = h.dropFirst().dropLast() }
        return String(h)
    }

    /// `Userinfo.String`.
    var userString: String? {
        guard let user else { return nil }
        var s = Self.escape(user.name, .userPassword)
        if let p = user.password { s += ":" + Self.escape(p, .userPassword) }
        return s
    }

    // MARK: Formatting

    /// `URL.String`.
    var string: String {
        var out = ""
        if !scheme.isEmpty { out += scheme + ":" }
        if !opaque.isEmpty {
            out += opaque
        } else {
            if !scheme.isEmpty || !host.isEmpty || user != nil {
                if !(omitHost && host.isEmpty && user == nil) {
                    if !host.isEmpty || !path.isEmpty || user != nil { out += "//" }
                    if let u = userString { out += u + "@" }
                    if !host.isEmpty { out += Self.escape(host, .host) }
                }
            }
            let p = Self.escape(path, .path)
            if !p.isEmpty, !p.hasPrefix("/"), !host.isEmpty { out += "/" }
            if out.isEmpty, cut(p, "/").0.contains(":") { out += "./" }
            out += p
        }
        if forceQuery || !rawQuery.isEmpty { out += "?" + rawQuery }
        if !fragment.isEmpty { out += "#" + Self.escape(fragment, .fragment) }
        return out
    }

    private func cut(_ s: String, _ c: Character) -> (String, String?) { Self.cut(s, c) }

    // MARK: Escaping

    private static func isAlnum(_ c: UInt8) -> Bool {
        (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57)
    }

    static func shouldEscape(_ c: UInt8, _ mode: Mode) -> Bool {
        if isAlnum(c) { return false }
        if mode == .host, "!$&'()*+,;=:[]<>\"".utf8.contains(c) { return false }
        switch c {
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"): return false
        case UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: "/"),
             UInt8(ascii: ":"), UInt8(ascii: ";"), UInt8(ascii: "="), UInt8(ascii: "?"), UInt8(ascii: "@"):
            switch mode {
            case .path: return c == UInt8(ascii: "?")
            case .userPassword: return "@/?:".utf8.contains(c)
            case .queryComponent: return true
            case .fragment: return false
            case .host: return true
            }
        default: break
        }
        if mode == .fragment, "!()*".utf8.contains(c) { return false }
        return true
    }

    static func escape(_ s: String, _ mode: Mode) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for c in s.utf8 {
            // Go leaves non-ASCII bytes of a host alone.
            if mode == .host, c >= 0x80 {
                out.append(c)
            } else if shouldEscape(c, mode) {
                if c == 32, mode == .queryComponent {
                    out.append(UInt8(ascii: "+"))
                } else {
                    out += [UInt8(ascii: "%"), hex[Int(c >> 4)], hex[Int(c & 15)]]
                }
            } else {
                out.append(c)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: c - 48
        case 97...102: c - 87
        case 65...70: c - 55
        default: nil
        }
    }

    static func unescape(_ s: String, _ mode: Mode) throws(ParseError) -> String {
        let b = Array(s.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "%") {
                guard i + 2 < b.count, let h = hexValue(b[i + 1]), let l = hexValue(b[i + 2]) else {
                    let bad = String(decoding: b[i..<min(b.count, i + 3)], as: UTF8.self)
                    throw ParseError(message: "invalid URL escape \(goQuote(bad))")
                }
                let seq = String(decoding: b[i..<(i + 3)], as: UTF8.self)
                if mode == .host, h < 8, seq != "%25" {
                    throw ParseError(message: "invalid URL escape \(goQuote(seq))")
                }
                out.append(h << 4 | l)
                i += 3
            } else if c == UInt8(ascii: "+") {
                out.append(mode == .queryComponent ? 32 : c)
                i += 1
            } else {
                if mode == .host, c < 0x80, shouldEscape(c, mode) {
                    throw ParseError(message: "invalid character \(goQuote(String(UnicodeScalar(c)))) in host name")
                }
                out.append(c)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
