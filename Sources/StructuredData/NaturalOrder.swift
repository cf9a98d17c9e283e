/// go-yaml's `keyList.Less` for string keys (both v2 and v3 sort mapping keys this way): compare
/// rune by rune; at the first difference two letters compare by code point, a non-letter sorts
/// before a letter, and runs of digits compare numerically (shorter run first on a tie).
/// `-x _ 1 01 A Z a-b a.b a_b a1b a01b a9 a10 ab b x é`.
public enum NaturalOrder {
    /// True when `a` sorts before `b`.
    public static func less(_ a: String, _ b: String) -> Bool {
        less(Array(a.unicodeScalars), Array(b.unicodeScalars))
    }

    /// Sorts map keys in this order (each key is decoded to scalars once).
    public static func sorted(_ keys: some Collection<String>) -> [String] {
        keys.map { ($0, Array($0.unicodeScalars)) }.sorted { less($0.1, $1.1) }.map(\.0)
    }

    static func less(_ ar: [Unicode.Scalar], _ br: [Unicode.Scalar]) -> Bool {
        var i = 0
        while i < ar.count && i < br.count {
            if ar[i] == br[i] {
                i += 1
                continue
            }
            let al = isLetter(ar[i])
            let bl = isLetter(br[i])
            if al && bl { return ar[i].value < br[i].value }
            if al || bl { return bl }
            var an: Int64 = 0
            var bn: Int64 = 0
            if ar[i] == "0" || br[i] == "0" {
                var j = i - 1
                while j >= 0 && isDigit(ar[j]) {
                    if ar[j] != "0" {
                        an = 1
                        bn = 1
                        break
                    }
                    j -= 1
                }
            }
            var ai = i
            while ai < ar.count && isDigit(ar[ai]) {
                an = an &* 10 &+ (Int64(ar[ai].value) &- 48)
                ai += 1
            }
            var bi = i
            while bi < br.count && isDigit(br[bi]) {
                bn = bn &* 10 &+ (Int64(br[bi].value) &- 48)
                bi += 1
            }
            if an != bn { return an < bn }
            if ai != bi { return ai < bi }
            return ar[i].value < br[i].value
        }
        return ar.count < br.count
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
