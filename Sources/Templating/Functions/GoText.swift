/// Go's `unicode` predicates and simple case mappings, on Unicode scalars (Go's runes).
///
/// Swift's `Character`/`String` operations use extended grapheme clusters and canonical equivalence;
/// Go works on bytes and runes, so every Sprig string function goes through these helpers instead.
enum GoUnicode {
    typealias Scalar = Unicode.Scalar

    /// `unicode.IsSpace`: the Latin-1 spaces (incl. U+0085, U+00A0) plus the White_Space property.
    static func isSpace(_ r: Scalar) -> Bool {
        switch r.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0: return true
        case 0...0xFF: return false
        default: return r.properties.isWhitespace
        }
    }

    /// `unicode.IsUpper` (category Lu).
    static func isUpper(_ r: Scalar) -> Bool { r.properties.generalCategory == .uppercaseLetter }
    /// `unicode.IsLower` (category Ll).
    static func isLower(_ r: Scalar) -> Bool { r.properties.generalCategory == .lowercaseLetter }
    /// `unicode.IsTitle` (category Lt).
    static func isTitle(_ r: Scalar) -> Bool { r.properties.generalCategory == .titlecaseLetter }

    /// `unicode.IsLetter` (categories L*).
    static func isLetter(_ r: Scalar) -> Bool {
        switch r.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: true
        default: false
        }
    }

    /// `unicode.IsDigit` (category Nd).
    static func isDigit(_ r: Scalar) -> Bool { r.properties.generalCategory == .decimalNumber }

    /// `unicode.IsNumber` (categories N*).
    static func isNumber(_ r: Scalar) -> Bool {
        switch r.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: true
        default: false
        }
    }

    /// `unicode.IsPunct` (categories P*).
    static func isPunct(_ r: Scalar) -> Bool {
        switch r.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation: true
        default: false
        }
    }

    /// Go maps one rune to one rune (simple case mapping); Swift exposes the full mappings, so a
    /// multi-scalar full mapping means "no simple mapping" (`ß` stays `ß` under `upper`), except
    /// where the other single-scalar mapping is the simple one (Greek iota-subscript capitals, `İ`).
    private static func single(_ s: String) -> Scalar? {
        var it = s.unicodeScalars.makeIterator()
        guard let first = it.next(), it.next() == nil else { return nil }
        return first
    }

    /// `unicode.ToUpper`.
    static func toUpper(_ r: Scalar) -> Scalar {
        if r.isASCII { return (r.value >= 0x61 && r.value <= 0x7A) ? Scalar(r.value - 32)! : r }
        if let u = single(r.properties.uppercaseMapping) { return u }
        if let t = single(r.properties.titlecaseMapping), t != r { return t }
        return r
    }

    /// `unicode.ToLower`.
    static func toLower(_ r: Scalar) -> Scalar {
        if r.isASCII { return (r.value >= 0x41 && r.value <= 0x5A) ? Scalar(r.value + 32)! : r }
        if r.value == 0x130 { return "i" }
        return single(r.properties.lowercaseMapping) ?? r
    }

    /// `unicode.ToTitle`.
    static func toTitle(_ r: Scalar) -> Scalar {
        if r.isASCII { return toUpper(r) }
        return single(r.properties.titlecaseMapping) ?? r
    }
}

/// Go's `strings` package on Swift strings, with Go's byte/rune semantics.
enum GoStrings {
    typealias Scalar = Unicode.Scalar

    /// A string from bytes that may not be valid UTF-8 (Go slices strings by byte; Swift strings
    /// must be valid, so a cut inside a character becomes U+FFFD — the closest representable result).
    static func fromBytes<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        String(decoding: bytes, as: UTF8.self)
    }

    /// Byte-wise equality (Swift's `==` on strings is canonical equivalence).
    static func equal(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

    static func hasPrefix(_ s: String, _ p: String) -> Bool {
        let su = s.utf8, pu = p.utf8
        return su.count >= pu.count && su.prefix(pu.count).elementsEqual(pu)
    }

    static func hasSuffix(_ s: String, _ p: String) -> Bool {
        let su = s.utf8, pu = p.utf8
        return su.count >= pu.count && su.suffix(pu.count).elementsEqual(pu)
    }

    /// `strings.Index` on bytes: offset of the first occurrence, or nil.
    static func index(_ s: [UInt8], _ sub: [UInt8], from start: Int = 0) -> Int? {
        if sub.isEmpty { return start <= s.count ? start : nil }
        guard s.count >= sub.count, start <= s.count - sub.count else { return nil }
        var i = start
        let first = sub[0]
        while i <= s.count - sub.count {
            if s[i] == first {
                var k = 1
                while k < sub.count && s[i + k] == sub[k] { k += 1 }
                if k == sub.count { return i }
            }
            i += 1
        }
        return nil
    }

    static func contains(_ s: String, _ sub: String) -> Bool {
        index(Array(s.utf8), Array(sub.utf8)) != nil
    }

    /// `strings.Replace(s, old, new, -1)`; an empty `old` inserts `new` around every rune.
    static func replaceAll(_ s: String, _ old: String, _ new: String) -> String {
        if old.isEmpty {
            var out = new
            for r in s.unicodeScalars {
                out.unicodeScalars.append(r)
                out += new
            }
            return out
        }
        let sb = Array(s.utf8), ob = Array(old.utf8), nb = Array(new.utf8)
        // Nothing to replace (the usual case for `replace "+" "_"` on versions): s as it is.
        if index(sb, ob, from: 0) == nil { return s }
        var out: [UInt8] = []
        out.reserveCapacity(sb.count)
        var i = 0
        while let j = index(sb, ob, from: i) {
            out += sb[i..<j]
            out += nb
            i = j + ob.count
        }
        out += sb[i...]
        return fromBytes(out)
    }

    /// `strings.SplitN(s, sep, n)`; `n < 0` means all. An empty `sep` splits into runes.
    static func splitN(_ s: String, _ sep: String, _ n: Int) -> [String] {
        if n == 0 { return [] }
        if sep.isEmpty {
            let runes = Array(s.unicodeScalars)
            var limit = runes.count
            if n > 0 && n < limit { limit = n }
            var out: [String] = []
            for i in 0..<limit {
                if i == limit - 1 && limit < runes.count {
                    var rest = ""
                    rest.unicodeScalars.append(contentsOf: runes[i...])
                    out.append(rest)
                } else {
                    out.append(String(runes[i]))
                }
            }
            return out
        }
        let sb = Array(s.utf8), pb = Array(sep.utf8)
        var out: [String] = []
        var i = 0
        while n < 0 || out.count < n - 1, let j = index(sb, pb, from: i) {
            out.append(fromBytes(sb[i..<j]))
            i = j + pb.count
        }
        out.append(fromBytes(sb[i...]))
        return out
    }

    /// `strings.Repeat`, with its panics as errors (and a size cap instead of exhausting memory).
    static func repeated(_ s: String, _ count: Int) throws -> String {
        if count < 0 { throw FunctionError("strings: negative Repeat count") }
        let n = s.utf8.count
        if n == 0 || count == 0 { return "" }
        let (total, overflow) = n.multipliedReportingOverflow(by: count)
        if overflow { throw FunctionError("strings: Repeat output length overflow") }
        if total > maxStringBytes {
            throw FunctionError(
                "strings: Repeat output of \(total) bytes exceeds the limit of \(maxStringBytes) bytes"
                    + " (helmctl refuses runaway templates)")
        }
        return String(repeating: s, count: count)
    }

    /// Largest string a function may build: Go would try (and likely exhaust memory); helmctl refuses
    /// clearly, at the same size as the render's default output limit.
    static let maxStringBytes = 512 << 20

    /// `strings.TrimSpace`.
    static func trimSpace(_ s: String) -> String {
        trimFunc(s, GoUnicode.isSpace)
    }

    /// `strings.Trim(s, cutset)`: drops leading and trailing runes that occur in `cutset`.
    static func trim(_ s: String, _ cutset: String) -> String {
        if s.isEmpty || cutset.isEmpty { return s }
        let set = Set(cutset.unicodeScalars.map(\.value))
        return trimFunc(s) { set.contains($0.value) }
    }

    static func trimFunc(_ s: String, _ drop: (Scalar) -> Bool) -> String {
        let scalars = s.unicodeScalars
        guard let start = scalars.firstIndex(where: { !drop($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !drop($0) })!
        return String(scalars[start...last])
    }

    /// `strings.TrimPrefix` (byte-wise).
    static func trimPrefix(_ s: String, _ p: String) -> String {
        guard !p.isEmpty, hasPrefix(s, p) else { return s }
        return fromBytes(s.utf8.dropFirst(p.utf8.count))
    }

    /// `strings.TrimSuffix` (byte-wise).
    static func trimSuffix(_ s: String, _ p: String) -> String {
        guard !p.isEmpty, hasSuffix(s, p) else { return s }
        return fromBytes(s.utf8.dropLast(p.utf8.count))
    }

    /// Rune-by-rune mapping, as `strings.Map` / `strings.ToUpper` (no context-dependent casing).
    static func mapRunes(_ s: String, _ f: (Scalar) -> Scalar) -> String {
        var out = String.UnicodeScalarView()
        for r in s.unicodeScalars { out.append(f(r)) }
        return String(out)
    }

    /// `strings.Title`: upper-cases (title-cases) the first rune of each word, words being separated
    /// per Go's `isSeparator` (ASCII non-alphanumerics except `_`, Unicode spaces).
    static func title(_ s: String) -> String {
        var prev: Scalar = " "
        return mapRunes(s) { r in
            defer { prev = r }
            return isTitleSeparator(prev) ? GoUnicode.toTitle(r) : r
        }
    }

    private static func isTitleSeparator(_ r: Scalar) -> Bool {
        if r.value <= 0x7F {
            switch r {
            case "0"..."9", "a"..."z", "A"..."Z", "_": return false
            default: return true
            }
        }
        if GoUnicode.isLetter(r) || GoUnicode.isDigit(r) { return false }
        return GoUnicode.isSpace(r)
    }

}

/// Go's slice-bounds panics, which `text/template` recovers into `error calling F: runtime error: …`.
enum GoPanic {
    /// `s[lo:hi]` on a string of length `len`, checked as Go does (high bound first).
    static func checkSlice(_ lo: Int?, _ hi: Int?, len: Int) throws {
        if let hi {
            if hi < 0 { throw FunctionError("runtime error: slice bounds out of range [:\(hi)]") }
            if hi > len { throw FunctionError("runtime error: slice bounds out of range [:\(hi)] with length \(len)") }
        }
        if let lo {
            let h = hi ?? len
            if lo < 0 { throw FunctionError("runtime error: slice bounds out of range [\(lo):]") }
            if lo > h { throw FunctionError("runtime error: slice bounds out of range [\(lo):\(h)]") }
        }
    }

    static let divideByZero = FunctionError("runtime error: integer divide by zero")
}
