import StructuredData
/// Go's `time.Duration` text form and `time.ParseDuration`.
enum GoDuration {
    static let second: Int64 = 1_000_000_000

    /// `Duration.String`: `1h0m0s`, `1m35s`, `1.5s`, `500ms`, `2µs`, `0s`.
    static func format(_ d: Int64) -> String {
        var u = d < 0 ? UInt64(bitPattern: 0 &- d) : UInt64(d)
        let neg = d < 0
        var out: String
        if u < UInt64(second) {
            if u == 0 { return "0s" }
            let (unit, prec): (String, Int) = u < 1000 ? ("ns", 0) : u < 1_000_000 ? ("µs", 3) : ("ms", 6)
            let (frac, rest) = fraction(u, prec)
            out = String(rest) + frac + unit
        } else {
            let (frac, secs) = fraction(u, 9)
            u = secs
            out = String(u % 60) + frac + "s"
            u /= 60
            if u > 0 {
                out = String(u % 60) + "m" + out
                u /= 60
                if u > 0 { out = String(u) + "h" + out }
            }
        }
        return neg ? "-" + out : out
    }

    /// `fmtFrac`: the fraction of v/10^prec without trailing zeros (and without the point when zero).
    private static func fraction(_ v: UInt64, _ prec: Int) -> (String, UInt64) {
        var v = v
        var digits: [Character] = []
        var printed = false
        for _ in 0..<prec {
            let digit = v % 10
            printed = printed || digit != 0
            if printed { digits.insert(Character(String(digit)), at: 0) }
            v /= 10
        }
        return (printed ? "." + String(digits) : "", v)
    }

    private static let units: [String: UInt64] = [
        "ns": 1, "us": 1000, "\u{B5}s": 1000, "\u{3BC}s": 1000, "ms": 1_000_000, "s": 1_000_000_000,
        "m": 60_000_000_000, "h": 3_600_000_000_000,
    ]

    /// `time.ParseDuration`; the error text is Go's.
    static func parse(_ text: String) throws -> Int64 {
        let orig = goQuote(text)
        let invalid = FunctionError("time: invalid duration " + orig)
        var s = Substring(text).utf8[...]
        var neg = false
        if let c = s.first, c == UInt8(ascii: "-") || c == UInt8(ascii: "+") {
            neg = c == UInt8(ascii: "-")
            s = s.dropFirst()
        }
        if s.elementsEqual("0".utf8) { return 0 }
        if s.isEmpty { throw invalid }
        var total: UInt64 = 0
        let limit = UInt64(1) << 63
        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        while let first = s.first {
            guard first == UInt8(ascii: ".") || isDigit(first) else { throw invalid }
            var v: UInt64 = 0
            var pre = false
            while let c = s.first, isDigit(c) {
                guard v <= (limit - 1) / 10 else { throw invalid }
                v = v * 10 + UInt64(c - 48)
                guard v <= limit else { throw invalid }
                s = s.dropFirst()
                pre = true
            }
            var f: UInt64 = 0
            var scale = 1.0
            var post = false
            if s.first == UInt8(ascii: ".") {
                s = s.dropFirst()
                var overflow = false
                while let c = s.first, isDigit(c) {
                    post = true
                    s = s.dropFirst()
                    if overflow { continue }
                    if f > (limit - 1) / 10 { overflow = true; continue }
                    let y = f * 10 + UInt64(c - 48)
                    if y > limit { overflow = true; continue }
                    f = y
                    scale *= 10
                }
            }
            if !pre && !post { throw invalid }
            var unitEnd = s.startIndex
            while unitEnd != s.endIndex, s[unitEnd] != UInt8(ascii: "."), !isDigit(s[unitEnd]) {
                unitEnd = s.index(after: unitEnd)
            }
            if unitEnd == s.startIndex { throw FunctionError("time: missing unit in duration " + orig) }
            let unitName = String(decoding: s[s.startIndex..<unitEnd], as: UTF8.self)
            s = s[unitEnd...]
            guard let unit = units[unitName] else {
                throw FunctionError("time: unknown unit " + goQuote(unitName) + " in duration " + orig)
            }
            guard v <= limit / unit else { throw invalid }
            v *= unit
            if f > 0 {
                v += UInt64(Double(f) * (Double(unit) / scale))
                guard v <= limit else { throw invalid }
            }
            total += v
            guard total <= limit else { throw invalid }
        }
        if neg { return total == limit ? Int64.min : -Int64(total) }
        guard total <= limit - 1 else { throw invalid }
        return Int64(total)
    }

    /// `Duration.Round(m)`: half away from zero, saturating.
    static func round(_ d: Int64, _ m: Int64) -> Int64 {
        if m <= 0 { return d }
        func lessThanHalf(_ x: Int64, _ y: Int64) -> Bool { UInt64(x) &+ UInt64(x) < UInt64(y) }
        var r = d % m
        if d < 0 {
            r = -r
            if lessThanHalf(r, m) { return d + r }
            let d1 = d &- m &+ r
            return d1 < d ? d1 : Int64.min
        }
        if lessThanHalf(r, m) { return d - r }
        let d1 = d &+ m &- r
        return d1 > d ? d1 : Int64.max
    }
}
