/// Go's `strconv.Quote` (what `%q` prints for a string): escapes `"` and `\`, control characters,
/// invalid UTF-8 as `\xNN`, and non-printable runes.
public func goQuote(_ s: String, quote: Character = "\"", asciiOnly: Bool = false) -> String {
    var out = String(quote)
    var bytes = Array(s.utf8)[...]
    while let first = bytes.first {
        // Decode one scalar; invalid bytes become \xNN.
        var it = bytes.makeIterator()
        var dec = UTF8()
        var width = 1
        var scalar: Unicode.Scalar?
        if case .scalarValue(let sc) = dec.decode(&it) {
            scalar = sc
            width = String(sc).utf8.count
        }
        bytes = bytes.dropFirst(width)
        guard let sc = scalar else {
            out += "\\x" + hex2(first)
            continue
        }
        switch sc {
        case "\u{07}": out += "\\a"
        case "\u{08}": out += "\\b"
        case "\u{0C}": out += "\\f"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\u{0B}": out += "\\v"
        case "\\": out += "\\\\"
        default:
            if Character(sc) == quote {
                out += "\\" + String(quote)
            } else if sc.value < 0x20 || sc.value == 0x7F {
                out += "\\x" + hex2(UInt8(sc.value))
            } else if sc.value < 0x80 {
                out.unicodeScalars.append(sc)
            } else if asciiOnly || !isGoPrintable(sc) {
                if sc.value < 0x10000 {
                    out += "\\u" + hexPad(sc.value, 4)
                } else {
                    out += "\\U" + hexPad(sc.value, 8)
                }
            } else {
                out.unicodeScalars.append(sc)
            }
        }
    }
    out.append(quote)
    return out
}

private func hex2(_ b: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(b >> 4)], digits[Int(b & 15)]])
}

private func hexPad(_ v: UInt32, _ n: Int) -> String {
    var s = String(v, radix: 16)
    while s.count < n { s = "0" + s }
    return s
}

/// Approximates Go's `unicode.IsPrint` for non-ASCII runes: letters, marks, numbers, punctuation,
/// symbols, and U+0020 — but not other spaces, controls, format characters or unassigned code points.
public func isGoPrintable(_ s: Unicode.Scalar) -> Bool {
    switch s.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
        .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber,
        .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
        .finalPunctuation, .otherPunctuation, .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
        return true
    default:
        return false
    }
}

/// Go's `strconv.Unquote` for `"…"`, `` `…` `` and `'…'` literals; nil on invalid syntax.
public func goUnquote(_ s: String) -> String? {
    // Fast path: a double-quoted literal without escapes is its inside.
    let u = s.utf8
    if u.count >= 2, u.first == 0x22, u.last == 0x22,
       !u.dropFirst().dropLast().contains(where: { $0 == 0x5C || $0 == 0x22 || $0 == 0x0A })
    {
        return String(s.utf8.dropFirst().dropLast())!
    }
    let b = Array(s.utf8)
    guard b.count >= 2, let q = b.first, b.last == q else { return nil }
    if q == UInt8(ascii: "`") {
        let inner = b[1..<(b.count - 1)]
        if inner.contains(UInt8(ascii: "`")) { return nil }
        return String(decoding: inner.filter { $0 != 13 }, as: UTF8.self)
    }
    guard q == UInt8(ascii: "\"") || q == UInt8(ascii: "'") else { return nil }
    var out: [UInt8] = []
    var i = 1
    let end = b.count - 1
    func appendScalar(_ v: UInt32) -> Bool {
        guard let sc = Unicode.Scalar(v) else { return false }
        out.append(contentsOf: Array(String(Character(sc)).utf8))
        return true
    }
    while i < end {
        let c = b[i]
        if c == q { return nil }
        if c == 10 { return nil }
        if c != UInt8(ascii: "\\") {
            out.append(c)
            i += 1
            continue
        }
        i += 1
        guard i < end else { return nil }
        let e = b[i]
        i += 1
        switch e {
        case UInt8(ascii: "a"): out.append(7)
        case UInt8(ascii: "b"): out.append(8)
        case UInt8(ascii: "f"): out.append(12)
        case UInt8(ascii: "n"): out.append(10)
        case UInt8(ascii: "r"): out.append(13)
        case UInt8(ascii: "t"): out.append(9)
        case UInt8(ascii: "v"): out.append(11)
        case UInt8(ascii: "\\"): out.append(92)
        case UInt8(ascii: "'"):
            guard q == UInt8(ascii: "'") else { return nil }
            out.append(39)
        case UInt8(ascii: "\""):
            guard q == UInt8(ascii: "\"") else { return nil }
            out.append(34)
        case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
            let n = e == UInt8(ascii: "x") ? 2 : (e == UInt8(ascii: "u") ? 4 : 8)
            guard i + n <= end, let v = UInt32(String(decoding: b[i..<(i + n)], as: UTF8.self), radix: 16)
            else { return nil }
            i += n
            if e == UInt8(ascii: "x") {
                if q == UInt8(ascii: "'") { guard appendScalar(v) else { return nil } } else { out.append(UInt8(v)) }
            } else {
                guard appendScalar(v) else { return nil }
            }
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            guard i + 2 <= end, let v = UInt32(String(decoding: b[(i - 1)..<(i + 2)], as: UTF8.self), radix: 8),
                v <= 255
            else { return nil }
            i += 2
            out.append(UInt8(v))
        default:
            return nil
        }
    }
    let result = String(decoding: out, as: UTF8.self)
    if q == UInt8(ascii: "'") && result.unicodeScalars.count != 1 { return nil }
    return result
}
