/// `huandu/xstrings` v1.5 case conversions behind Sprig's `camelcase` (Pascal case, verified against
/// Helm: `foo_bar` → `FooBar`, `_` → `__`), `snakecase` and `kebabcase` (word splitting with
/// acronym and digit rules: `HTTPServer` → `http_server`, `HTTP20xOK` → `http_20x_ok`,
/// `Bld4Floor3rd` → `bld4_floor_3rd`). Works on runes; U+FFFD stands in for Go's invalid UTF-8.
enum XStrings {
    typealias Scalar = Unicode.Scalar
    private static let invalid: Scalar = "\u{FFFD}"

    static func isConnector(_ r: Scalar) -> Bool { r == "-" || r == "_" || GoUnicode.isSpace(r) }

    /// A letter that is not a CJK ideograph (xstrings' `isAlphabet`).
    static func isAlphabet(_ r: Scalar) -> Bool {
        guard GoUnicode.isLetter(r) else { return false }
        switch r.value {
        case ..<0x3400: return true
        case 0x4E00...0x9FCC, 0x3400...0x4D85, 0x20000...0x2B81D: return false
        default: return true
        }
    }

    // MARK: camelcase

    /// `toCamelCase(str, isBig: true)` (Sprig's `camelcase` gives Pascal case).
    static func toPascalCase(_ str: String) -> String {
        let runes = Array(str.unicodeScalars)
        if runes.isEmpty { return "" }
        var out = String.UnicodeScalarView()
        var firstUpper = false
        var r0: Scalar = invalid
        var i = 0
        // Leading connectors are kept.
        while i < runes.count {
            r0 = runes[i]
            i += 1
            if !isConnector(r0) {
                firstUpper = GoUnicode.isUpper(r0)
                r0 = GoUnicode.toUpper(r0)
                break
            }
            out.append(r0)
        }
        if i == runes.count {
            // xstrings writes the last rune again here, so `_` becomes `__`.
            out.append(r0)
            return String(out)
        }
        while i < runes.count {
            let r1 = r0
            r0 = runes[i]
            i += 1
            if isConnector(r0) && isConnector(r1) {
                out.append(r1)
                continue
            }
            if isConnector(r1) {
                firstUpper = GoUnicode.isUpper(r0)
                r0 = GoUnicode.toUpper(r0)
            } else {
                if firstUpper {
                    if GoUnicode.isUpper(r0) {
                        r0 = GoUnicode.toLower(r0)
                    } else {
                        firstUpper = false
                    }
                }
                out.append(r1)
            }
        }
        out.append(r0)
        return String(out)
    }

    // MARK: snakecase / kebabcase

    enum WordType { case invalid, number, upperCase, alphabet, connector, punct, other }

    typealias Runes = ArraySlice<Scalar>

    /// Next rune that is not U+FFFD, and how many runes that took; `prev` when none is left.
    private static func nextValidRune(_ s: Runes, _ prev: Scalar) -> (Scalar, Int) {
        var size = 0
        for r in s {
            size += 1
            if r != invalid { return (r, size) }
        }
        return (prev, size)
    }

    /// Splits off the next word: a run of connectors, of punctuation, an upper-case word
    /// (`HTTP` in `HTTPServer`, `Foo`), a lower-case word, a number, or other runes.
    static func nextWord(_ str: Runes) -> (WordType, Runes, Runes) {
        if str.isEmpty { return (.invalid, str, str) }
        var remaining = str
        var (r, size) = nextValidRune(remaining, invalid)
        var offset = size
        if r == invalid { return (.invalid, str.prefix(offset), str.dropFirst(offset)) }

        func consume(while pred: (Scalar) -> Bool) {
            while !remaining.isEmpty {
                (r, size) = nextValidRune(remaining, r)
                if !pred(r) { break }
                offset += size
                remaining = remaining.dropFirst(size)
            }
        }

        let wt: WordType
        if isConnector(r) {
            wt = .connector
            remaining = remaining.dropFirst(size)
            consume(while: isConnector)
        } else if GoUnicode.isPunct(r) {
            wt = .punct
            remaining = remaining.dropFirst(size)
            consume(while: GoUnicode.isPunct)
        } else if GoUnicode.isUpper(r) {
            wt = .upperCase
            remaining = remaining.dropFirst(size)
            if !remaining.isEmpty {
                (r, size) = nextValidRune(remaining, r)
                if GoUnicode.isUpper(r) {
                    var prevSize = size
                    offset += size
                    remaining = remaining.dropFirst(size)
                    while !remaining.isEmpty {
                        (r, size) = nextValidRune(remaining, r)
                        if !GoUnicode.isUpper(r) { break }
                        prevSize = size
                        offset += size
                        remaining = remaining.dropFirst(size)
                    }
                    // "HTTPStatus": the S starts the next word.
                    if !remaining.isEmpty && isAlphabet(r) {
                        offset -= prevSize
                        remaining = str.dropFirst(offset)
                    }
                } else if isAlphabet(r) {
                    offset += size
                    remaining = remaining.dropFirst(size)
                    consume(while: { isAlphabet($0) && !GoUnicode.isUpper($0) })
                }
            }
        } else if isAlphabet(r) {
            wt = .alphabet
            remaining = remaining.dropFirst(size)
            consume(while: { isAlphabet($0) && !GoUnicode.isUpper($0) })
        } else if GoUnicode.isNumber(r) {
            wt = .number
            remaining = remaining.dropFirst(size)
            consume(while: GoUnicode.isNumber)
        } else {
            wt = .other
            remaining = remaining.dropFirst(size)
            while !remaining.isEmpty {
                (r, size) = nextValidRune(remaining, r)
                if size == 0 || isConnector(r) || isAlphabet(r) || GoUnicode.isNumber(r) || GoUnicode.isPunct(r) {
                    break
                }
                offset += size
                remaining = remaining.dropFirst(size)
            }
        }
        return (wt, str.prefix(offset), remaining)
    }

    private static func appendLower(_ out: inout String.UnicodeScalarView, _ wt: WordType, _ word: Runes,
                                    _ connector: Scalar) {
        if wt != .upperCase && wt != .connector {
            out.append(contentsOf: word)
            return
        }
        for r in word {
            if isConnector(r) {
                out.append(connector)
            } else if GoUnicode.isUpper(r) {
                out.append(GoUnicode.toLower(r))
            } else {
                out.append(r)
            }
        }
    }

    /// xstrings' `camelCaseToLowerCase(str, connector)` (`ToSnakeCase` / `ToKebabCase`).
    static func toLowerCase(_ str: String, connector: Scalar) -> String {
        let all = Array(str.unicodeScalars)
        if all.isEmpty { return "" }
        var out = String.UnicodeScalarView()
        var (wt, word, remaining) = nextWord(all[...])
        while !remaining.isEmpty {
            if wt != .connector { appendLower(&out, wt, word, connector) }
            let prev = wt
            let last = word
            (wt, word, remaining) = nextWord(remaining)
            switch prev {
            case .number:
                while wt == .alphabet || wt == .number {
                    appendLower(&out, wt, word, connector)
                    (wt, word, remaining) = nextWord(remaining)
                }
                if wt != .invalid && wt != .punct && wt != .connector { out.append(connector) }
            case .connector:
                appendLower(&out, prev, last, connector)
            case .punct:
                break
            default:
                if wt != .number {
                    if wt != .connector && wt != .punct { out.append(connector) }
                    break
                }
                if remaining.isEmpty { break }
                let numberWord = word
                (wt, word, remaining) = nextWord(remaining)
                // A number followed by a non-letter belongs to the previous word ("Bld4Floor").
                if wt != .alphabet {
                    appendLower(&out, .number, numberWord, connector)
                    if wt != .connector && wt != .punct { out.append(connector) }
                    break
                }
                // Lower-case letters after a number start a new word with it ("HTTP2xx" → "http_2xx").
                out.append(connector)
                appendLower(&out, .number, numberWord, connector)
                while wt == .alphabet || wt == .number {
                    appendLower(&out, wt, word, connector)
                    (wt, word, remaining) = nextWord(remaining)
                }
                if wt != .invalid && wt != .connector && wt != .punct { out.append(connector) }
            }
        }
        appendLower(&out, wt, word, connector)
        return String(out)
    }
}
