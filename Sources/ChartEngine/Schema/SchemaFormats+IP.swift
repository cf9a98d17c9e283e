extension SchemaFormats {
    /// `ipv6`: a colon is required, then Go's `netip.ParseAddr` with its error text; zones are refused.
    static func ipv6(_ s: String) -> String? {
        if !s.contains(":") { return "missing colon" }
        switch GoNetIP.parseAddr(s) {
        case .failure(let e): return e.text
        case .success(let hasZone): return hasZone ? "zone id is not a part of ipv6 address" : nil
        }
    }
}

/// Go's `net/netip.ParseAddr` acceptance and error messages (`ParseAddr("1:2:3"): address string too short`).
enum GoNetIP {
    struct ParseError: Error {
        var input: String
        var message: String
        var at: String?
        var text: String {
            "ParseAddr(\(quoteGo(input))): \(message)" + (at.flatMap { $0.isEmpty ? nil : " (at \(quoteGo($0)))" } ?? "")
        }
    }

    /// Success carries whether the address had a zone.
    static func parseAddr(_ s: String) -> Result<Bool, ParseError> {
        for c in s.utf8 {
            switch c {
            case UInt8(ascii: "."): return ipv4Fields(s, Array(s.utf8)[...]).map { false }
            case UInt8(ascii: ":"): return ipv6(s)
            case UInt8(ascii: "%"): return .failure(ParseError(input: s, message: "missing IPv6 address"))
            default: continue
            }
        }
        return .failure(ParseError(input: s, message: "unable to parse IP"))
    }

    private static func text(_ b: ArraySlice<UInt8>) -> String { String(decoding: b, as: UTF8.self) }

    static func ipv4Fields(_ input: String, _ s: ArraySlice<UInt8>) -> Result<Void, ParseError> {
        var val = 0, pos = 0, digits = 0
        for i in s.indices {
            let c = s[i]
            if c >= 48 && c <= 57 {
                if digits == 1 && val == 0 {
                    return .failure(ParseError(input: input, message: "IPv4 field has octet with leading zero"))
                }
                val = val * 10 + Int(c - 48)
                digits += 1
                if val > 255 { return .failure(ParseError(input: input, message: "IPv4 field has value >255")) }
            } else if c == UInt8(ascii: ".") {
                if i == s.startIndex || i == s.endIndex - 1 || s[i - 1] == UInt8(ascii: ".") {
                    return .failure(ParseError(input: input, message: "IPv4 field must have at least one digit",
                                               at: text(s[i...])))
                }
                if pos == 3 { return .failure(ParseError(input: input, message: "IPv4 address too long")) }
                pos += 1
                val = 0
                digits = 0
            } else {
                return .failure(ParseError(input: input, message: "unexpected character", at: text(s[i...])))
            }
        }
        if pos < 3 { return .failure(ParseError(input: input, message: "IPv4 address too short")) }
        return .success(())
    }

    static func ipv6(_ input: String) -> Result<Bool, ParseError> {
        let all = Array(input.utf8)
        var s = all[...]
        var zone: ArraySlice<UInt8>?
        if let p = s.firstIndex(of: UInt8(ascii: "%")) {
            zone = s[(p + 1)...]
            s = s[..<p]
            if zone?.isEmpty == true { return .failure(ParseError(input: input, message: "zone must be a non-empty string")) }
        }
        func fail(_ m: String, _ at: ArraySlice<UInt8>? = nil) -> Result<Bool, ParseError> {
            .failure(ParseError(input: input, message: m, at: at.map(text)))
        }
        var ellipsis = -1
        if s.count >= 2 && s.first == UInt8(ascii: ":") && s[s.startIndex + 1] == UInt8(ascii: ":") {
            ellipsis = 0
            s = s.dropFirst(2)
            if s.isEmpty { return .success(zone != nil) }
        }
        var i = 0
        while i < 16 {
            var off = 0
            var acc: UInt32 = 0
            while off < s.count {
                let c = s[s.startIndex + off]
                let d: UInt32
                switch c {
                case 48...57: d = UInt32(c - 48)
                case 97...102: d = UInt32(c - 87)
                case 65...70: d = UInt32(c - 55)
                default: d = 99
                }
                if d == 99 { break }
                acc = (acc << 4) + d
                if off > 3 { return fail("each group must have 4 or less digits", s) }
                if acc > 0xFFFF { return fail("IPv6 field has value >=2^16", s) }
                off += 1
            }
            if off == 0 { return fail("each colon-separated field must have at least one digit", s) }
            if off < s.count && s[s.startIndex + off] == UInt8(ascii: ".") {
                if ellipsis < 0 && i != 12 { return fail("embedded IPv4 address must replace the final 2 fields of the address", s) }
                if i + 4 > 16 { return fail("too many hex fields to fit an embedded IPv4 at the end of the address", s) }
                if case .failure(let e) = ipv4Fields(input, s) { return .failure(e) }
                s = s[s.endIndex...]
                i += 4
                break
            }
            i += 2
            s = s.dropFirst(off)
            if s.isEmpty { break }
            if s.first != UInt8(ascii: ":") { return fail("unexpected character, want colon", s) }
            if s.count == 1 { return fail("colon must be followed by more characters", s) }
            s = s.dropFirst()
            if s.first == UInt8(ascii: ":") {
                if ellipsis >= 0 { return fail("multiple :: in address", s) }
                ellipsis = i
                s = s.dropFirst()
                if s.isEmpty { break }
            }
        }
        if !s.isEmpty { return fail("trailing garbage after address", s) }
        if i < 16 {
            if ellipsis < 0 { return fail("address string too short") }
        } else if ellipsis >= 0 {
            return fail("the :: must expand to at least one field of zeros", s)
        }
        return .success(zone != nil)
    }
}
