/// go-yaml's `keyList.Less` for string keys (both v2 and v3 sort mapping keys this way): compare
/// rune by rune; at the first difference two letters compare by code point, a non-letter sorts
/// before a letter, and runs of digits compare numerically (shorter run first on a tie).
/// `-x _ 1 01 A Z a-b a.b a_b a1b a01b a9 a10 ab b x é`.
public enum NaturalOrder {
    /// True when `a` sorts before `b`.
    public static func less(_ a: String, _ b: String) -> Bool {
        less(a.unicodeScalars, b.unicodeScalars)
    }

    /// Sorts map keys in this order.
    public static func sorted(_ keys: some Collection<String>) -> [String] {
        keys.count < 2 ? Array(keys) : keys.sorted { less($0.unicodeScalars, $1.unicodeScalars) }
    }

    /// Compares scalar by scalar without copying either string. go-yaml looks back over the digit
    /// run that ends at the first difference (a leading-zero tie-break); the run is tracked while
    /// scanning the common prefix instead.
    static func less(_ a: String.UnicodeScalarView, _ b: String.UnicodeScalarView) -> Bool {
        var ia = a.makeIterator()
        var ib = b.makeIterator()
        var inDigitRun = false
        var runHasNonZero = false
        while true {
            guard let ca = ia.next() else { return ib.next() != nil }
            guard let cb = ib.next() else { return false }
            if ca == cb {
                if isDigit(ca) {
                    if !inDigitRun { runHasNonZero = false }
                    inDigitRun = true
                    if ca != "0" { runHasNonZero = true }
                } else {
                    inDigitRun = false
                }
                continue
            }
            let al = isLetter(ca)
            let bl = isLetter(cb)
            if al && bl { return ca.value < cb.value }
            if al || bl { return bl }
            var an: Int64 = 0
            var bn: Int64 = 0
            if (ca == "0" || cb == "0") && inDigitRun && runHasNonZero {
                an = 1
                bn = 1
            }
            var lengthA = 0
            var next: Unicode.Scalar? = ca
            while let c = next, isDigit(c) {
                an = an &* 10 &+ (Int64(c.value) &- 48)
                lengthA += 1
                next = ia.next()
            }
            var lengthB = 0
            next = cb
            while let c = next, isDigit(c) {
                bn = bn &* 10 &+ (Int64(c.value) &- 48)
                lengthB += 1
                next = ib.next()
            }
            if an != bn { return an < bn }
            if lengthA != lengthB { return lengthA < lengthB }
            return ca.value < cb.value
        }
    }

    /// Go `unicode.IsLetter`: general categories Lu, Ll, Lt, Lm, Lo.
    static func isLetter(_ s: Unicode.Scalar) -> Bool {
        if s.isASCII {
            let v = s.value
            return (v >= 65 && v <= 90) || (v >= 97 && v <= 122)
        }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    /// Go `unicode.IsDigit`: general category Nd.
    static func isDigit(_ s: Unicode.Scalar) -> Bool {
        if s.isASCII { return s.value >= 48 && s.value <= 57 }
        return s.properties.generalCategory == .decimalNumber
    }
}
