import Templating

/// The `format` checks santhosh-tekuri/jsonschema v6 asserts (drafts 4–7 only), with its reasons.
/// Formats not listed here are accepted.
enum SchemaFormats {
    /// nil when `s` is valid for `format` (or the format is unknown), else the library's reason.
    static func check(_ format: String, _ s: String) -> String? {
        switch format {
        case "ipv4": return ipv4(s)
        case "ipv6": return ipv6(s)
        case "semver": return semver(s)
        case "uri-template": return uriTemplate(s)
        case "hostname": return hostname(s)
        case "email": return email(s)
        case "uuid": return uuid(s)
        case "date-time": return dateTime(s)
        case "date": return date(s)
        case "uri": return uri(s, international: false, reference: false)
        case "iri": return uri(s, international: true, reference: false)
        case "uri-reference": return uri(s, international: false, reference: true)
        case "iri-reference": return uri(s, international: true, reference: true)
        case "duration": return duration(s)
        case "period": return period(s)
        case "json-pointer": return jsonPointer(s)
        case "relative-json-pointer": return relativeJSONPointer(s)
        case "time": return time(s)
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
            if ip.hasPrefix("IPv6:") {
                if let e = ipv6(String(ip.dropFirst("IPv6:".count))) { return "invalid ipv6 address: \(e)" }
                return nil
            }
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
        if let e = date(String(decoding: b[..<10], as: UTF8.self)) { return "invalid date element: \(e)" }
        if let e = time(String(decoding: b[11...], as: UTF8.self)) { return "invalid time element: \(e)" }
        return nil
    }

    /// Go's `time.Parse("2006-01-02", s)` error, or nil.
    static func date(_ s: String) -> String? {
        let layout = "2006-01-02"
        var v = Array(s.utf8)[...]
        func text(_ x: ArraySlice<UInt8>) -> String { String(decoding: x, as: UTF8.self) }
        func cannot(_ elem: String) -> String {
            "parsing time \(quoteGo(s)) as \(quoteGo(layout)): cannot parse \(quoteGo(text(v))) as \(quoteGo(elem))"
        }
        func isDigit(_ i: Int) -> Bool { v.count > i && v[v.startIndex + i] >= 48 && v[v.startIndex + i] <= 57 }
        func two() -> Int? {
            // getnum(fixed: true): exactly two digits.
            guard isDigit(0), isDigit(1) else { return nil }
            let n = Int(v[v.startIndex] - 48) * 10 + Int(v[v.startIndex + 1] - 48)
            v = v.dropFirst(2)
            return n
        }
        guard v.count >= 4, let year = Int(text(v.prefix(4))) else { return cannot("2006") }
        v = v.dropFirst(4)
        guard v.first == UInt8(ascii: "-") else { return cannot("-") }
        v = v.dropFirst()
        guard let month = two() else { return cannot("01") }
        if month < 1 || month > 12 { return "parsing time \(quoteGo(s)): month out of range" }
        guard v.first == UInt8(ascii: "-") else { return cannot("-") }
        v = v.dropFirst()
        guard let day = two() else { return cannot("02") }
        if !v.isEmpty { return "parsing time \(quoteGo(s)): extra text: \(quoteGo(text(v)))" }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        if day < 1 || day > days { return "parsing time \(quoteGo(s)): day out of range" }
        return nil
    }

    /// RFC 3339 `full-time` with the library's reasons.
    static func time(_ str: String) -> String? {
        let b = Array(str.utf8)
        if b.count < 9 { return "less than 9 characters long" }
        if b[2] != UInt8(ascii: ":") || b[5] != UInt8(ascii: ":") { return "missing colon in correct place" }
        var hms: [Int] = []
        for tok in String(decoding: b[..<8], as: UTF8.self).split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false) {
            // strconv.Atoi accepts a sign.
            guard let i = Int(tok) else { return "invalid hour/min/sec" }
            if i < 0 { return "non-positive hour/min/sec" }
            hms.append(i)
        }
        if hms.count != 3 { return "missing hour/min/sec" }
        var (h, m) = (hms[0], hms[1])
        let sec = hms[2]
        if h > 23 || m > 59 || sec > 60 { return "hour/min/sec out of range" }
        var rest = b[8...]
        if rest.first == UInt8(ascii: ".") {
            rest = rest.dropFirst()
            let digits = rest.prefix { $0 >= 48 && $0 <= 57 }.count
            if digits == 0 { return "no digits in second fraction" }
            rest = rest.dropFirst(digits)
        }
        let tail = String(decoding: rest, as: UTF8.self)
        if tail != "z" && tail != "Z" {
            let t = Array(rest)
            if t.count != 6 { return "offset must be 6 characters long" }
            let sign: Int
            switch t[0] {
            case UInt8(ascii: "+"): sign = -1
            case UInt8(ascii: "-"): sign = 1
            default: return "offset must begin with plus/minus"
            }
            if t[3] != UInt8(ascii: ":") { return "missing colon in offset in correct place" }
            var zhm: [Int] = []
            for tok in String(decoding: t[1...], as: UTF8.self).split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false) {
                guard let i = Int(tok) else { return "invalid hour/min in offset" }
                if i < 0 { return "non-positive hour/min in offset" }
                zhm.append(i)
            }
            if zhm[0] > 23 || zhm[1] > 59 { return "hour/min in offset out of range" }
            var total = (h * 60 + m) + sign * (zhm[0] * 60 + zhm[1])
            if total < 0 { total += 24 * 60 }
            (h, m) = (total / 60, total % 60)
        }
        if sec >= 60 && (h != 23 || m != 59) { return "invalid leap second" }
        return nil
    }

    /// RFC 6901 JSON pointer.
    static func jsonPointer(_ s: String) -> String? {
        if s.isEmpty { return nil }
        if !s.hasPrefix("/") { return "not starting with /" }
        for tok in s.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            var escape = false
            for c in tok.unicodeScalars {
                if escape {
                    escape = false
                    if c != "0" && c != "1" { return "~ must be followed by 0 or 1" }
                    continue
                }
                if c == "~" { escape = true; continue }
            }
            if escape { return "~ must be followed by 0 or 1" }
        }
        return nil
    }

    static func relativeJSONPointer(_ s: String) -> String? {
        let digits = s.prefix { $0.isASCII && $0.isNumber }.count
        if digits == 0 { return "must start with non-negative integer" }
        if digits > 1 && s.hasPrefix("0") { return "starts with zero" }
        let rest = String(s.dropFirst(digits))
        if rest == "#" { return nil }
        return jsonPointer(rest)
    }

    /// RFC 3339 appendix A duration (`P1DT2H`, `P3W`).
    static func duration(_ str: String) -> String? {
        guard str.hasPrefix("P") else { return "must start with P" }
        let s = Array(str.utf8.dropFirst())
        if s.isEmpty { return "nothing after P" }
        if s.last == UInt8(ascii: "W") {
            let w = s.dropLast()
            if w.isEmpty { return "no number in week" }
            if !w.allSatisfy({ $0 >= 48 && $0 <= 57 }) { return "invalid week" }
            return nil
        }
        let allUnits: [[UInt8]] = [Array("YMD".utf8), Array("HMS".utf8)]
        for (i, part) in s.split(separator: UInt8(ascii: "T"), omittingEmptySubsequences: false).enumerated() {
            if i != 0 && part.isEmpty { return "no time elements" }
            if i >= allUnits.count { return "more than one T" }
            var units = allUnits[i][...]
            var p = part[...]
            while !p.isEmpty {
                let digits = p.prefix { $0 >= 48 && $0 <= 57 }.count
                if digits == 0 { return "missing number" }
                p = p.dropFirst(digits)
                guard let unit = p.first else { return "missing unit" }
                let q = "'" + String(UnicodeScalar(unit)) + "'"
                guard let j = units.firstIndex(of: unit) else {
                    return allUnits[i].contains(unit) ? "unit \(q) out of order" : "invalid unit \(q)"
                }
                units = units[(j + 1)...]
                p = p.dropFirst()
            }
        }
        return nil
    }

    /// RFC 3339 period: `start/end` or `start/duration` or `duration/end`.
    static func period(_ s: String) -> String? {
        guard let slash = s.firstIndex(of: "/") else { return "missing slash" }
        let start = String(s[..<slash])
        let end = String(s[s.index(after: slash)...])
        if start.hasPrefix("P") {
            if let e = duration(start) { return "invalid start duration: \(e)" }
            if let e = dateTime(end) { return "invalid end date-time: \(e)" }
        } else {
            if let e = dateTime(start) { return "invalid start date-time: \(e)" }
            if end.hasPrefix("P") {
                if let e = duration(end) { return "invalid end duration: \(e)" }
            } else if let e = dateTime(end) {
                return "invalid end date-time: \(e)"
            }
        }
        return nil
    }

    /// `uri`, `iri` and their `-reference` forms: Go's `url.Parse` escape and scheme checks and an
    /// absolute URL unless a reference is allowed. (v6.0.2, as in Helm, has no character checks, so
    /// `uri` and `iri` behave alike.)
    static func uri(_ s: String, international: Bool, reference: Bool) -> String? {
        let b = Array(s.utf8)
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "%") {
                let ok = i + 2 < b.count && Self.isHex(b[i + 1]) && Self.isHex(b[i + 2])
                if !ok {
                    let bad = String(decoding: b[i..<min(i + 3, b.count)], as: UTF8.self)
                    return "parse \(quoteGo(s)): invalid URL escape \(quoteGo(bad))"
                }
                i += 3
            } else {
                i += 1
            }
        }
        // Go's getScheme: a letter, then letters, digits, '+', '-', '.' up to ':'.
        var hasScheme = false
        for (k, c) in s.unicodeScalars.enumerated() {
            if c == ":" {
                if k == 0 { return "parse \(quoteGo(s)): missing protocol scheme" }
                hasScheme = true
                break
            }
            let letter = (c >= "a" && c <= "z") || (c >= "A" && c <= "Z")
            let other = (c >= "0" && c <= "9") || c == "+" || c == "-" || c == "."
            if letter || (k > 0 && other) { continue }
            break
        }
        if !reference && !hasScheme { return "relative url" }
        return nil
    }

    private static func isHex(_ c: UInt8) -> Bool {
        (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102)
    }

    /// Semantic Versioning 2.0.0 (`1.2.3-rc.1+build`).
    static func semver(_ str: String) -> String? {
        func ok(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber || c == "-") }
        var s = Substring(str)
        if let plus = s.firstIndex(of: "+") {
            let build = s[s.index(after: plus)...]
            if build.isEmpty { return "build is empty" }
            for id in build.split(separator: ".", omittingEmptySubsequences: false) {
                if id.isEmpty { return "build identifier is empty" }
                if let c = id.first(where: { !ok($0) }) { return "invalid character \(goRune(c)) in build identifier" }
            }
            s = s[..<plus]
        }
        if let dash = s.firstIndex(of: "-") {
            for id in s[s.index(after: dash)...].split(separator: ".", omittingEmptySubsequences: false) {
                if id.isEmpty { return "pre-release identifier is empty" }
                if let c = id.first(where: { !ok($0) }) { return "invalid character \(goRune(c)) in pre-release identifier" }
                if id.allSatisfy({ $0.isASCII && $0.isNumber }) && id.count > 1 && id.hasPrefix("0") {
                    return "pre-release numeric identifier starts with zero"
                }
            }
            s = s[..<dash]
        }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count != 3 { return "versionCore must have 3 numbers separated by dot" }
        for (name, v) in zip(["major", "minor", "patch"], parts) {
            if v.isEmpty { return "\(name) is empty" }
            if v.count > 1 && v.hasPrefix("0") { return "\(name) starts with zero" }
            if !v.allSatisfy({ $0.isASCII && $0.isNumber }) { return "\(name) contains non-digit" }
        }
        return nil
    }

    /// `uri-template`: braces in each path segment must pair up without nesting.
    static func uriTemplate(_ s: String) -> String? {
        if let e = uri(s, international: false, reference: true) { return e }
        // The raw path: after the scheme and authority, before the query or fragment.
        var rest = Substring(s)
        if let colon = rest.firstIndex(of: ":"),
           rest[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }),
           rest.first?.isLetter == true
        {
            rest = rest[rest.index(after: colon)...]
        }
        if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
            rest = rest[(rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex)...]
        }
        rest = rest[..<(rest.firstIndex { $0 == "?" || $0 == "#" } ?? rest.endIndex)]
        for tok in rest.split(separator: "/", omittingEmptySubsequences: false) {
            var want = true
            for c in SchemaCompiler.percentDecode(String(tok)) where c == "{" || c == "}" {
                if (c == "{") != want { return "nested curly braces" }
                want.toggle()
            }
            if !want { return "no matching closing brace" }
        }
        return nil
    }
}
