/// Parses an RE2 pattern as Go's `regexp/syntax` does (Perl flags, as `regexp.Compile` uses) and
/// writes an equivalent pattern for Swift's `Regex`. Errors carry Go's codes and offending text.
struct RE2Translator {
    private let scalars: [Unicode.Scalar]
    private let whole: String
    private var pos = 0
    private var out = ""
    /// Names of capture groups in order (nil for unnamed ones).
    private(set) var groupNames: [String?] = []

    init(_ pattern: String) {
        whole = pattern
        scalars = Array(pattern.unicodeScalars)
    }

    typealias ParseError = GoRegexp.ParseError

    /// What the last emitted item was, for Go's repetition checks.
    private enum Last {
        /// Start of expression, after `(` or `|`: a repetition here has no argument.
        case none
        case atom
        /// A repetition operator; its text starts at this scalar offset.
        case repeatOp(start: Int)
    }

    private func text(_ from: Int, _ to: Int) -> String {
        var s = ""
        s.unicodeScalars.append(contentsOf: scalars[from..<min(to, scalars.count)])
        return s
    }

    private func peek(_ k: Int = 0) -> Unicode.Scalar? {
        pos + k < scalars.count ? scalars[pos + k] : nil
    }

    mutating func translate() throws(ParseError) -> String {
        // Flag `s` per group nesting level: it decides what `.` means.
        var dotAll: [Bool] = [false]
        var last = Last.none
        while pos < scalars.count {
            let c = scalars[pos]
            switch c {
            case "(":
                let start = pos
                pos += 1
                if peek() == "?" {
                    let (emitted, isGroup, setsDotAll) = try perlGroup(start: start)
                    out += emitted
                    if isGroup {
                        dotAll.append(setsDotAll ?? dotAll[dotAll.count - 1])
                        last = .none
                    } else {
                        if let s = setsDotAll { dotAll[dotAll.count - 1] = s }
                        // A bare flag group is not an argument for a repetition.
                        last = .none
                    }
                } else {
                    groupNames.append(nil)
                    out += "("
                    dotAll.append(dotAll[dotAll.count - 1])
                    last = .none
                }
            case ")":
                if dotAll.count == 1 { throw ParseError(code: "unexpected )", expr: whole) }
                dotAll.removeLast()
                out += ")"
                pos += 1
                last = .atom
            case "|":
                out += "|"
                pos += 1
                last = .none
            case "*", "+", "?":
                let start = pos
                pos += 1
                if peek() == "?" { pos += 1 }
                try checkRepeat(last, start)
                out += text(start, pos)
                last = .repeatOp(start: start)
            case "{":
                let start = pos
                if let (lo, hi) = parseRepeatCount() {
                    if peek() == "?" { pos += 1 }
                    let opText = text(start, pos)
                    if lo > 1000 || (hi ?? lo) > 1000 || (hi != nil && hi! < lo) {
                        throw ParseError(code: "invalid repeat count", expr: opText)
                    }
                    try checkRepeat(last, start)
                    out += opText
                    last = .repeatOp(start: start)
                } else {
                    pos = start + 1
                    out += "\\{"
                    last = .atom
                }
            case "[":
                out += try charClass()
                last = .atom
            case ".":
                out += dotAll[dotAll.count - 1] ? "(?s:.)" : "[^\\n]"
                pos += 1
                last = .atom
            case "^", "$":
                // Grouped so that a repetition of an anchor (`^*`, legal in RE2) is legal in Swift.
                out += "(?:" + String(c) + ")"
                pos += 1
                last = .atom
            case "\\":
                out += try escape(inClass: false)
                last = .atom
            default:
                out += literal(c)
                pos += 1
                last = .atom
            }
        }
        if dotAll.count > 1 { throw ParseError(code: "missing closing )", expr: whole) }
        return out
    }

    /// Go's checks before applying a repetition operator that starts at `start`.
    private func checkRepeat(_ last: Last, _ start: Int) throws(ParseError) {
        switch last {
        case .none: throw ParseError(code: "missing argument to repetition operator", expr: text(start, pos))
        case .repeatOp(let prev): throw ParseError(code: "invalid nested repetition operator", expr: text(prev, pos))
        case .atom: break
        }
    }

    /// `{n}`, `{n,}`, `{n,m}` at `pos`; on success `pos` is after `}`. Anything else is a literal `{`.
    private mutating func parseRepeatCount() -> (Int, Int?)? {
        var i = pos + 1
        func number(_ i: inout Int) -> Int? {
            let s = i
            var v = 0
            while i < scalars.count, scalars[i].value >= 48, scalars[i].value <= 57 {
                v = min(v * 10 + Int(scalars[i].value) - 48, 100_000)
                i += 1
            }
            return i > s ? v : nil
        }
        guard let lo = number(&i) else { return nil }
        var hi: Int? = lo
        if i < scalars.count, scalars[i] == "," {
            i += 1
            if i < scalars.count, scalars[i] == "}" { hi = nil } else {
                guard let h = number(&i) else { return nil }
                hi = h
            }
        }
        guard i < scalars.count, scalars[i] == "}" else { return nil }
        pos = i + 1
        // `{n,}` is encoded as hi == nil; `{n}` as hi == lo.
        return (lo, hi == nil ? nil : hi)
    }

    /// `(?…`: flags, flag groups and named captures. Returns the emitted text, whether it opened a
    /// group, and the new value of the `s` flag if it changed.
    private mutating func perlGroup(start: Int) throws(ParseError) -> (String, Bool, Bool?) {
        // pos is at "?".
        if peek(1) == "P" && peek(2) == "<" || peek(1) == "<" {
            let nameStart = peek(1) == "P" ? pos + 3 : pos + 2
            guard let close = scalars[nameStart...].firstIndex(of: ">") else {
                throw ParseError(code: "invalid named capture", expr: text(start, scalars.count))
            }
            let name = text(nameStart, close)
            let valid = !name.isEmpty && name.unicodeScalars.allSatisfy {
                $0 == "_" || $0.properties.isAlphabetic || $0.properties.numericType == .decimal
            }
            guard valid else { throw ParseError(code: "invalid named capture", expr: text(start, close + 1)) }
            if groupNames.contains(name) {
                throw ParseError(code: "duplicate capture group name", expr: name)
            }
            groupNames.append(name)
            pos = close + 1
            // Swift names must be ASCII identifiers; keep the Go name in `groupNames` and use a
            // synthetic one for Swift.
            return ("(?<g\(groupNames.count)>", true, nil)
        }
        var i = pos + 1
        var negated = false
        var sawFlag = false
        var dotAll: Bool?
        var flags = ""
        while i < scalars.count {
            let c = scalars[i]
            switch c {
            case "i", "m", "s", "U":
                if c == "s" { dotAll = !negated }
                flags.unicodeScalars.append(c)
                sawFlag = true
            case "-":
                if negated { throw ParseError(code: "invalid or unsupported Perl syntax", expr: text(start, i + 1)) }
                negated = true
                sawFlag = false
                flags += "-"
            case ":", ")":
                if negated && !sawFlag {
                    throw ParseError(code: "invalid or unsupported Perl syntax", expr: text(start, i + 1))
                }
                pos = i + 1
                if c == ":" { return ("(?\(flags):", true, dotAll) }
                return (flags.isEmpty ? "" : "(?\(flags))", false, dotAll)
            default:
                throw ParseError(code: "invalid or unsupported Perl syntax", expr: text(start, i + 1))
            }
            i += 1
        }
        throw ParseError(code: "missing closing )", expr: whole)
    }

    /// A literal scalar written so that Swift reads it literally.
    private func literal(_ c: Unicode.Scalar) -> String {
        if c.isASCII, c.properties.isAlphabetic || c.properties.numericType == .decimal { return String(c) }
        if !c.isASCII { return String(c) }
        return hexEscape(c)
    }

    private func hexEscape(_ c: Unicode.Scalar) -> String {
        "\\x{" + String(c.value, radix: 16) + "}"
    }

    /// A backslash escape at `pos`. Outside a class it returns a pattern; inside a class the returned
    /// text is class content.
    private mutating func escape(inClass: Bool) throws(ParseError) -> String {
        let start = pos
        pos += 1
        guard let c = peek() else {
            throw ParseError(code: "trailing backslash at end of expression", expr: "")
        }
        pos += 1
        switch c {
        case "d", "D", "s", "S", "w", "W":
            return "\\" + String(c)
        case "A", "z", "b", "B":
            if inClass { throw ParseError(code: "invalid escape sequence", expr: text(start, pos)) }
            return "\\" + String(c)
        case "C":
            return inClass ? "\\x{0}-\\x{10FFFF}" : "(?s:.)"
        case "Q":
            if inClass { throw ParseError(code: "invalid escape sequence", expr: text(start, pos)) }
            var lit = ""
            while pos < scalars.count {
                if scalars[pos] == "\\", peek(1) == "E" {
                    pos += 2
                    break
                }
                lit += literal(scalars[pos])
                pos += 1
            }
            return lit.isEmpty ? "" : "(?:\(lit))"
        case "E":
            // A stray `\E` outside `\Q…\E` is an invalid escape in Go.
            throw ParseError(code: "invalid escape sequence", expr: text(start, pos))
        case "p", "P":
            var name: String
            if peek() == "{" {
                guard let close = scalars[pos...].firstIndex(of: "}") else {
                    throw ParseError(code: "invalid character class range", expr: text(start, scalars.count))
                }
                name = text(pos + 1, close)
                pos = close + 1
            } else {
                guard let n = peek() else {
                    throw ParseError(code: "invalid character class range", expr: text(start, pos))
                }
                name = String(n)
                pos += 1
            }
            var negate = c == "P"
            if name.hasPrefix("^") {
                negate.toggle()
                name.removeFirst()
            }
            if name == "Any" { return negate ? (inClass ? "" : "[^\\x{0}-\\x{10FFFF}]") : (inClass ? "\\x{0}-\\x{10FFFF}" : "(?s:.)") }
            guard !name.isEmpty, name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || $0 == "_") }) else {
                throw ParseError(code: "invalid character class range", expr: text(start, pos))
            }
            return (negate ? "\\P{" : "\\p{") + name + "}"
        case "a": return hexEscape("\u{7}")
        case "f": return hexEscape("\u{C}")
        case "t": return hexEscape("\t")
        case "n": return hexEscape("\n")
        case "r": return hexEscape("\r")
        case "v": return hexEscape("\u{B}")
        case "x":
            if peek() == "{" {
                guard let close = scalars[pos...].firstIndex(of: "}") else {
                    throw ParseError(code: "invalid escape sequence", expr: text(start, scalars.count))
                }
                let hex = text(pos + 1, close)
                guard !hex.isEmpty, let v = UInt32(hex, radix: 16), let s = Unicode.Scalar(v) else {
                    throw ParseError(code: "invalid escape sequence", expr: text(start, close + 1))
                }
                pos = close + 1
                return hexEscape(s)
            }
            guard pos + 1 < scalars.count, let v = UInt32(text(pos, pos + 2), radix: 16),
                  let s = Unicode.Scalar(v)
            else {
                throw ParseError(code: "invalid escape sequence", expr: text(start, min(pos + 2, scalars.count)))
            }
            pos += 2
            return hexEscape(s)
        case "0"..."7":
            // `\1`…`\7` alone would be a backreference, which RE2 refuses; `\0` and longer runs are octal.
            if c != "0", !(peek().map { ("0"..."7").contains($0) } ?? false) {
                throw ParseError(code: "invalid escape sequence", expr: text(start, pos))
            }
            var v = c.value - 48
            var k = 0
            while k < 2, let d = peek(), ("0"..."7").contains(d) {
                v = v * 8 + d.value - 48
                pos += 1
                k += 1
            }
            return hexEscape(Unicode.Scalar(v) ?? "\u{0}")
        default:
            if c.isASCII, !(c.properties.isAlphabetic || c.properties.numericType == .decimal) {
                return hexEscape(c)
            }
            throw ParseError(code: "invalid escape sequence", expr: text(start, pos))
        }
    }

    private static let posixClasses: [String: String] = [
        "alnum": "0-9A-Za-z", "alpha": "A-Za-z", "ascii": "\\x{0}-\\x{7f}", "blank": "\\x{9}\\x{20}",
        "cntrl": "\\x{0}-\\x{1f}\\x{7f}", "digit": "0-9", "graph": "\\x{21}-\\x{7e}", "lower": "a-z",
        "print": "\\x{20}-\\x{7e}", "punct": "\\x{21}-\\x{2f}\\x{3a}-\\x{40}\\x{5b}-\\x{60}\\x{7b}-\\x{7e}",
        "space": "\\x{9}-\\x{d}\\x{20}", "upper": "A-Z", "word": "0-9A-Za-z_", "xdigit": "0-9A-Fa-f",
    ]

    /// A bracketed class at `pos`, rewritten with every literal escaped (Swift reads `[`, `&&`, `--`
    /// and `~~` inside classes as set syntax).
    private mutating func charClass() throws(ParseError) -> String {
        let start = pos
        pos += 1
        var body = ""
        if peek() == "^" {
            body += "^"
            pos += 1
        }
        var first = true
        while true {
            guard let c = peek() else {
                throw ParseError(code: "missing closing ]", expr: text(start, scalars.count))
            }
            if c == "]" && !first { pos += 1; break }
            first = false
            if c == "[", peek(1) == ":" {
                // POSIX class `[:name:]` / `[:^name:]`.
                let from = pos
                if let close = findPosixEnd(from: pos + 2) {
                    var name = text(pos + 2, close)
                    pos = close + 2
                    let negate = name.hasPrefix("^")
                    if negate { name.removeFirst() }
                    guard let ranges = Self.posixClasses[name] else {
                        throw ParseError(code: "invalid character class range", expr: text(from, pos))
                    }
                    body += negate ? "[^\(ranges)]" : ranges
                    continue
                }
            }
            let loStart = pos
            var lo: Unicode.Scalar
            if c == "\\" {
                if let k = peek(1), "dDsSwWpP".unicodeScalars.contains(k) {
                    body += try escape(inClass: true)
                    continue
                }
                let e = try escape(inClass: true)
                lo = Self.scalarOfHexEscape(e) ?? "\u{0}"
            } else {
                lo = c
                pos += 1
            }
            if peek() == "-", let next = peek(1), next != "]" {
                pos += 1
                var hi: Unicode.Scalar
                if next == "\\" {
                    let e = try escape(inClass: true)
                    guard let h = Self.scalarOfHexEscape(e) else {
                        throw ParseError(code: "invalid character class range", expr: text(loStart, pos))
                    }
                    hi = h
                } else {
                    hi = next
                    pos += 1
                }
                if hi.value < lo.value {
                    throw ParseError(code: "invalid character class range", expr: text(loStart, pos))
                }
                body += hexEscape(lo) + "-" + hexEscape(hi)
            } else {
                body += hexEscape(lo)
            }
        }
        return "[" + body + "]"
    }

    private func findPosixEnd(from: Int) -> Int? {
        var i = from
        while i + 1 < scalars.count {
            if scalars[i] == ":" && scalars[i + 1] == "]" { return i }
            if scalars[i] == "]" { return nil }
            i += 1
        }
        return nil
    }

    private static func scalarOfHexEscape(_ e: String) -> Unicode.Scalar? {
        guard e.hasPrefix("\\x{"), e.hasSuffix("}") else { return nil }
        return UInt32(e.dropFirst(3).dropLast(), radix: 16).flatMap(Unicode.Scalar.init)
    }
}
