#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Go's `strconv.FormatFloat` for the formats Helm's output depends on.
///
/// Shortest digits come from Swift's round-trip `description` (the same shortest-uniquely-identifying
/// digits Go computes); fixed precisions use the C library's exact decimal conversion.
public enum GoFloat {
    /// The shortest decimal digits of `d` (no leading/trailing zeros) and the decimal point position:
    /// `d = 0.DIGITS × 10^point`. `d` must be finite and non-zero; the sign is ignored.
    public static func shortestDigits(_ d: Double) -> (digits: [UInt8], point: Int) {
        let text = abs(d).description  // e.g. "1e-05", "1000000.0", "1.2345678901234567e+19"
        var mantissa = Substring(text)
        var exp = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exp = Int(text[text.index(after: e)...]) ?? 0
        }
        var digits: [UInt8] = []
        var point = 0
        var seenDot = false
        for ch in mantissa.utf8 {
            if ch == UInt8(ascii: ".") { seenDot = true; continue }
            digits.append(ch - 48)
            if !seenDot { point += 1 }
        }
        // Strip leading zeros (adjusting the point) and trailing zeros.
        var lead = 0
        while lead < digits.count - 1 && digits[lead] == 0 { lead += 1; point -= 1 }
        digits.removeFirst(lead)
        while digits.count > 1 && digits.last == 0 { digits.removeLast() }
        return (digits, point + exp)
    }

    /// Shortest digits in fixed form, or exponent form when the decimal exponent is < -4 or
    /// >= `exponentThreshold`. Go's `%v`/`%g` use 6 (`strconv`'s rule for shortest `'g'`).
    public static func formatShortest(_ d: Double, exponentThreshold: Int = 6) -> String {
        if let special = specialValue(d) { return special }
        if d == 0 { return d.sign == .minus ? "-0" : "0" }
        let (digits, point) = shortestDigits(d)
        let exp = point - 1
        let sign = d < 0 ? "-" : ""
        if exp < -4 || exp >= exponentThreshold {
            return sign + exponentForm(digits, exp: exp, minDigits: 0)
        }
        return sign + fixedForm(digits, point: point, minFraction: 0)
    }

    /// Go `%v` (= shortest `%g`, `strconv.FormatFloat(d, 'g', -1, 64)`) of a float64:
    /// `1e+06`, `123456`, `1e-05`, `3`.
    public static func formatV(_ d: Double) -> String { formatShortest(d, exponentThreshold: 6) }

    /// `strconv.FormatFloat(d, 'e', prec, 64)`; `prec < 0` means shortest.
    public static func formatE(_ d: Double, precision: Int, upper: Bool = false) -> String {
        if let special = specialValue(d) { return special }
        var out: String
        if precision < 0 {
            if d == 0 {
                out = (d.sign == .minus ? "-" : "") + "0e+00"
            } else {
                let (digits, point) = shortestDigits(d)
                out = (d < 0 ? "-" : "") + exponentForm(digits, exp: point - 1, minDigits: 0)
            }
        } else {
            out = cFormat("%.*e", precision, d)
        }
        return upper ? out.uppercased() : out
    }

    /// `strconv.FormatFloat(d, 'f', prec, 64)`; `prec < 0` means shortest.
    public static func formatF(_ d: Double, precision: Int) -> String {
        if let special = specialValue(d) { return special }
        if precision < 0 {
            if d == 0 { return d.sign == .minus ? "-0" : "0" }
            let (digits, point) = shortestDigits(d)
            return (d < 0 ? "-" : "") + fixedForm(digits, point: point, minFraction: 0)
        }
        return cFormat("%.*f", precision, d)
    }

    /// Go `%g` with an explicit precision (`%.3g`).
    public static func formatG(_ d: Double, precision: Int, upper: Bool = false) -> String {
        if let special = specialValue(d) { return special }
        var p = precision
        if p == 0 { p = 1 }
        // Round to p significant digits first, then choose the form as Go does (eprec = p).
        let e = cFormat("%.*e", p - 1, d)
        guard let eIdx = e.firstIndex(of: "e") else { return e }
        let exp = Int(e[e.index(after: eIdx)...]) ?? 0
        var digits: [UInt8] = []
        for ch in e[..<eIdx].utf8 where ch >= 48 && ch <= 57 { digits.append(ch - 48) }
        while digits.count > 1 && digits.last == 0 { digits.removeLast() }
        var eprec = p
        if eprec > digits.count && digits.count >= exp + 1 { eprec = digits.count }
        let sign = d < 0 || (d == 0 && d.sign == .minus) ? "-" : ""
        let out: String
        if exp < -4 || exp >= eprec {
            out = sign + exponentForm(digits, exp: exp, minDigits: 0)
        } else {
            out = sign + fixedForm(digits, point: exp + 1, minFraction: 0)
        }
        return upper ? out.uppercased() : out
    }

    public static func specialValue(_ d: Double) -> String? {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Inf" : "+Inf" }
        return nil
    }

    static func exponentForm(_ digits: [UInt8], exp: Int, minDigits: Int) -> String {
        var s = String(Character(Unicode.Scalar(digits[0] + 48)))
        if digits.count > 1 {
            s += "."
            for d in digits.dropFirst() { s.append(Character(Unicode.Scalar(d + 48))) }
        }
        s += exp < 0 ? "e-" : "e+"
        let a = abs(exp)
        s += a < 10 ? "0\(a)" : "\(a)"
        return s
    }

    static func fixedForm(_ digits: [UInt8], point: Int, minFraction: Int) -> String {
        var s = ""
        if point <= 0 {
            s = "0." + String(repeating: "0", count: -point)
            for d in digits { s.append(Character(Unicode.Scalar(d + 48))) }
            return s
        }
        for i in 0..<max(point, digits.count) {
            if i == point { s += "." }
            let d = i < digits.count ? digits[i] : 0
            s.append(Character(Unicode.Scalar(d + 48)))
        }
        return s
    }

    static func cFormat(_ fmt: String, _ precision: Int, _ d: Double) -> String {
        var buf = [CChar](repeating: 0, count: 512)
        let n = withVaList([Int32(clamping: precision), d]) { args in
            vsnprintf(&buf, buf.count, fmt, args)
        }
        if n >= buf.count {
            buf = [CChar](repeating: 0, count: Int(n) + 1)
            _ = withVaList([Int32(clamping: precision), d]) { args in vsnprintf(&buf, buf.count, fmt, args) }
        }
        return String(decoding: buf.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
