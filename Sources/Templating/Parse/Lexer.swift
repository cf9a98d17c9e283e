import StructuredData
/// Go `text/template`'s lexer, producing the whole token list up front. Trim markers (`{{- `, ` -}}`)
/// are applied to the adjacent text here, as Go's lexer does.
struct Lexer {
    let src: [UInt8]
    let name: String
    var pos = 0
    var start = 0
    var line = 1
    var startLine = 1
    var parenDepth = 0
    var tokens: [Token] = []
    var insideAction = false

    init(name: String, text: String) {
        self.name = name
        self.src = Array(text.utf8)
    }

    static func tokenize(name: String, text: String) -> [Token] {
        var l = Lexer(name: name, text: text)
        l.run()
        return l.tokens
    }

    // MARK: - helpers

    func byte(at i: Int) -> UInt8? { i < src.count ? src[i] : nil }

    func hasPrefix(_ s: StaticString, at i: Int) -> Bool {
        let n = s.utf8CodeUnitCount
        guard i + n <= src.count else { return false }
        return s.withUTF8Buffer { buf in
            for k in 0..<n where src[i + k] != buf[k] { return false }
            return true
        }
    }

    mutating func emit(_ kind: Token.Kind) {
        // Punctuation and space have fixed spellings: no need to decode them from the source.
        let v: String
        switch kind {
        case .space: v = " "
        case .assign: v = "="
        case .declare: v = ":="
        case .pipe: v = "|"
        case .leftParen: v = "("
        case .rightParen: v = ")"
        default: v = String(decoding: src[start..<pos], as: UTF8.self)
        }
        tokens.append(Token(kind: kind, pos: start, value: v, line: startLine))
        start = pos
        startLine = line
    }

    mutating func emit(_ kind: Token.Kind, value: String) {
        tokens.append(Token(kind: kind, pos: start, value: value, line: startLine))
        start = pos
        startLine = line
    }

    /// Drops the pending input (lines were already counted by ``advance(_:)``).
    mutating func ignore() {
        start = pos
        startLine = line
    }

    mutating func advance(_ n: Int) {
        for i in pos..<min(pos + n, src.count) where src[i] == 10 { line += 1 }
        pos = min(pos + n, src.count)
    }

    mutating func error(_ message: String) {
        tokens.append(Token(kind: .error, pos: start, value: message, line: startLine))
    }

    static func isSpace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 13 || c == 10 }
    static func isAlnum(_ c: UInt8) -> Bool {
        c == 95 || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
    }

    /// Byte width of the alphanumeric rune at `i` (Go's `isAlphaNumeric`: `_`, letters, digits), or nil.
    func alnumWidth(at i: Int) -> Int? {
        guard let c = byte(at: i) else { return nil }
        if c < 0x80 { return Lexer.isAlnum(c) ? 1 : nil }
        let (s, w) = decodeScalar(at: i)
        if s.value == 0xFFFD { return nil }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber:
            return w
        default:
            return nil
        }
    }

    mutating func skipAlnum() {
        while let w = alnumWidth(at: pos) { advance(w) }
    }

    // MARK: - states

    enum State { case text, leftDelim, insideAction, done }

    mutating func run() {
        var state = State.text
        while true {
            switch state {
            case .text: state = lexText() ? .leftDelim : .done
            case .leftDelim: state = lexLeftDelim()
            case .insideAction: state = lexInsideAction() ? .text : .done
            case .done: return
            }
        }
    }

    /// Scans text up to the next `{{`; returns false at EOF (after emitting EOF).
    mutating func lexText() -> Bool {
        var i = pos
        while i < src.count {
            if src[i] == 123 && i + 1 < src.count && src[i + 1] == 123 {
                // Found a left delimiter; apply a left trim marker to the text before it.
                var textEnd = i
                if i + 3 < src.count, src[i + 2] == 45, Lexer.isSpace(src[i + 3]) {
                    while textEnd > pos && Lexer.isSpace(src[textEnd - 1]) { textEnd -= 1 }
                }
                if textEnd > pos {
                    pos = textEnd
                    tokens.append(Token(kind: .text, pos: start, value: String(decoding: src[start..<pos], as: UTF8.self),
                                        line: startLine))
                }
                // Lines were counted up to i already (the scan loop counts every newline it passes).
                pos = i
                start = i
                startLine = line
                return true
            }
            if src[i] == 10 { line += 1 }
            i += 1
        }
        pos = src.count
        if pos > start {
            tokens.append(Token(kind: .text, pos: start, value: String(decoding: src[start..<pos], as: UTF8.self),
                                line: startLine))
        }
        start = pos
        startLine = line
        emit(.eof, value: "")
        return false
    }

    /// At `{{`: a comment, or an action start.
    mutating func lexLeftDelim() -> State {
        advance(2)
        let trimLeft = byte(at: pos) == 45 && byte(at: pos + 1).map(Lexer.isSpace) == true
        var after = pos
        if trimLeft { after += 2 }
        if hasPrefix("/*", at: after) {
            advance(after - pos)
            ignore()
            return lexComment() ? .text : .done
        }
        emit(.leftDelim, value: "{{")
        if trimLeft {
            advance(2)
            ignore()
        }
        parenDepth = 0
        return .insideAction
    }

    mutating func lexComment() -> Bool {
        // pos is at "/*"
        var i = pos + 2
        var found = -1
        while i + 1 < src.count {
            if src[i] == 42 && src[i + 1] == 47 { found = i; break }
            i += 1
        }
        if found < 0 {
            error("unclosed comment")
            return false
        }
        let end = found + 2
        advance(end - pos)
        // Must be followed by the right delimiter, optionally with a trim marker.
        var trimRight = false
        if hasPrefix(" -}}", at: pos) || hasPrefix("\t-}}", at: pos) || hasPrefix("\n-}}", at: pos)
            || hasPrefix("\r-}}", at: pos)
        {
            trimRight = true
        }
        if !trimRight && !hasPrefix("}}", at: pos) {
            error("comment ends before closing delimiter")
            return false
        }
        // Go emits the comment item only when asked to keep comments; we drop it.
        ignore()
        advance(trimRight ? 4 : 2)
        ignore()
        if trimRight { trimFollowingSpace() }
        return true
    }

    mutating func trimFollowingSpace() {
        while pos < src.count && Lexer.isSpace(src[pos]) { advance(1) }
        ignore()
    }

    /// Checks for a right delimiter at pos (optionally preceded by a trim marker).
    /// `}}` at `i` (direct byte checks: this runs for every character of every action).
    @inline(__always)
    func closes(at i: Int) -> Bool { i + 1 < src.count && src[i] == 0x7D && src[i + 1] == 0x7D }

    func atRightDelim() -> (found: Bool, trim: Bool) {
        if closes(at: pos) { return (true, false) }
        if pos + 1 < src.count, Lexer.isSpace(src[pos]), src[pos + 1] == 0x2D, closes(at: pos + 2) { return (true, true) }
        return (false, false)
    }

    mutating func lexInsideAction() -> Bool {
        while true {
            let (isDelim, trim) = atRightDelim()
            if isDelim {
                if parenDepth != 0 {
                    error("unclosed left paren")
                    return false
                }
                if trim {
                    advance(1)
                    ignore()
                    advance(1)  // the '-'
                    ignore()
                }
                advance(2)
                emit(.rightDelim, value: "}}")
                if trim { trimFollowingSpace() }
                return true
            }
            guard let c = byte(at: pos) else {
                error("unclosed action")
                return false
            }
            switch c {
            case 32, 9, 13, 10:
                while let d = byte(at: pos), Lexer.isSpace(d) {
                    if atRightDelim().trim { break }
                    advance(1)
                }
                emit(.space)
            case UInt8(ascii: "="):
                advance(1); emit(.assign)
            case UInt8(ascii: ":"):
                advance(1)
                if byte(at: pos) != UInt8(ascii: "=") {
                    error("expected :=")
                    return false
                }
                advance(1); emit(.declare)
            case UInt8(ascii: "|"):
                advance(1); emit(.pipe)
            case UInt8(ascii: "\""):
                if !lexQuote() { return false }
            case UInt8(ascii: "`"):
                if !lexRawQuote() { return false }
            case UInt8(ascii: "$"):
                if !lexFieldOrVariable(.variable) { return false }
            case UInt8(ascii: "'"):
                if !lexChar() { return false }
            case UInt8(ascii: "."):
                if let n = byte(at: pos + 1), !(n >= 48 && n <= 57) {
                    if !lexFieldOrVariable(.field) { return false }
                } else if byte(at: pos + 1) == nil {
                    if !lexFieldOrVariable(.field) { return false }
                } else {
                    if !lexNumber() { return false }
                }
            case UInt8(ascii: "+"), UInt8(ascii: "-"), 48...57:
                if !lexNumber() { return false }
            case UInt8(ascii: "("):
                advance(1); emit(.leftParen); parenDepth += 1
            case UInt8(ascii: ")"):
                advance(1)
                parenDepth -= 1
                if parenDepth < 0 {
                    error("unexpected right paren")
                    return false
                }
                emit(.rightParen)
            default:
                if alnumWidth(at: pos) != nil {
                    if !lexIdentifier() { return false }
                } else if c < 0x80 && c >= 0x21 && c < 0x7f {
                    advance(1); emit(.char)
                } else {
                    let (scalar, _) = decodeScalar(at: pos)
                    error("unrecognized character in action: \(goRuneDescription(scalar))")
                    return false
                }
            }
        }
    }

    func decodeScalar(at i: Int) -> (Unicode.Scalar, Int) {
        var it = src[i...].makeIterator()
        var dec = UTF8()
        switch dec.decode(&it) {
        case .scalarValue(let s): return (s, String(s).utf8.count)
        default: return (Unicode.Scalar(0xFFFD)!, 1)
        }
    }

    func atTerminator() -> Bool {
        guard let c = byte(at: pos) else { return true }
        if Lexer.isSpace(c) { return true }
        switch c {
        case UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: "|"), UInt8(ascii: ":"), UInt8(ascii: ")"),
            UInt8(ascii: "("):
            return true
        default: break
        }
        return closes(at: pos)
    }

    mutating func lexIdentifier() -> Bool {
        skipAlnum()
        if !atTerminator() {
            let (s, _) = decodeScalar(at: pos)
            error("bad character \(goRuneDescription(s))")
            return false
        }
        let word = String(decoding: src[start..<pos], as: UTF8.self)
        if let k = keywords[word], k != .dot {
            emit(k)
        } else if word == "true" || word == "false" {
            emit(.bool)
        } else {
            emit(.identifier)
        }
        return true
    }

    mutating func lexFieldOrVariable(_ kind: Token.Kind) -> Bool {
        advance(1)  // '.' or '$'
        if atTerminator() {
            emit(kind == .variable ? .variable : .dot)
            return true
        }
        skipAlnum()
        if !atTerminator() {
            let (s, _) = decodeScalar(at: pos)
            error("bad character \(goRuneDescription(s))")
            return false
        }
        emit(kind)
        return true
    }

    mutating func lexQuote() -> Bool {
        advance(1)
        while true {
            guard let c = byte(at: pos), c != 10 else {
                error("unterminated quoted string")
                return false
            }
            if c == UInt8(ascii: "\\") {
                advance(1)
                guard let d = byte(at: pos), d != 10 else {
                    error("unterminated quoted string")
                    return false
                }
                advance(1)
                continue
            }
            advance(1)
            if c == UInt8(ascii: "\"") { break }
        }
        emit(.string)
        return true
    }

    mutating func lexRawQuote() -> Bool {
        advance(1)
        while true {
            guard let c = byte(at: pos) else {
                error("unterminated raw quoted string")
                return false
            }
            advance(1)
            if c == UInt8(ascii: "`") { break }
        }
        emit(.rawString)
        return true
    }

    mutating func lexChar() -> Bool {
        advance(1)
        while true {
            guard let c = byte(at: pos), c != 10 else {
                error("unterminated character constant")
                return false
            }
            if c == UInt8(ascii: "\\") {
                advance(1)
                guard let d = byte(at: pos), d != 10 else {
                    error("unterminated character constant")
                    return false
                }
                advance(1)
                continue
            }
            advance(1)
            if c == UInt8(ascii: "'") { break }
        }
        emit(.charConstant)
        return true
    }

    mutating func lexNumber() -> Bool {
        if !scanNumber() {
            error("bad number syntax: \(goQuote(String(decoding: src[start..<pos], as: UTF8.self)))")
            return false
        }
        if let c = byte(at: pos), c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
            // Complex: 1+2i
            if !scanNumber() || src[pos - 1] != UInt8(ascii: "i") {
                error("bad number syntax: \(goQuote(String(decoding: src[start..<pos], as: UTF8.self)))")
                return false
            }
            emit(.complex)
        } else {
            emit(.number)
        }
        return true
    }

    mutating func scanNumber() -> Bool {
        func accept(_ set: String) -> Bool {
            if let c = byte(at: pos), set.utf8.contains(c) { advance(1); return true }
            return false
        }
        func acceptRun(_ set: String) {
            while let c = byte(at: pos), set.utf8.contains(c) { advance(1) }
        }
        _ = accept("+-")
        var digits = "0123456789_"
        if accept("0") {
            if accept("xX") { digits = "0123456789abcdefABCDEF_" }
            else if accept("oO") { digits = "01234567_" }
            else if accept("bB") { digits = "01_" }
        }
        acceptRun(digits)
        if accept(".") { acceptRun(digits) }
        if digits.count == 11 && accept("eE") {
            _ = accept("+-")
            acceptRun("0123456789_")
        }
        if digits.count == 23 && accept("pP") {
            _ = accept("+-")
            acceptRun("0123456789_")
        }
        _ = accept("i")
        if alnumWidth(at: pos) != nil {
            advance(1)
            return false
        }
        return true
    }
}

/// Go's `%#U` of a rune: `U+002D '-'`.
func goRuneDescription(_ s: Unicode.Scalar) -> String {
    var hex = String(s.value, radix: 16, uppercase: true)
    while hex.count < 4 { hex = "0" + hex }
    return "U+\(hex) '\(Character(s))'"
}
