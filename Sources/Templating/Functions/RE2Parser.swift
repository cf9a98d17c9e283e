/// Parses RE2 syntax (Go's `regexp/syntax` with Perl flags, as `regexp.Compile` uses) into a tree,
/// reporting Go's error codes and offending text for invalid patterns.
struct RE2Parser {
    typealias ParseError = GoRegexp.ParseError

    /// Flags in force (`(?imsU)`).
    struct Flags {
        var foldCase = false
        var multiLine = false
        var dotNL = false
        var ungreedy = false
    }

    indirect enum Node {
        case empty
        case literal(Unicode.Scalar, fold: Bool)
        case charClass(RE2CharClass)
        case anyChar
        case anyNotNL
        case assertion(RE2Assertion)
        case capture(Int, Node)
        case concat([Node])
        case alternate([Node])
        case repeated(Node, min: Int, max: Int?, greedy: Bool)
    }

    private let scalars: [Unicode.Scalar]
    private let whole: String
    private var pos = 0
    private var depth = 0
    /// Names of capture groups by index (1-based groups; element 0 is group 1).
    private(set) var groupNames: [String?] = []

    init(_ pattern: String) {
        whole = pattern
        scalars = Array(pattern.unicodeScalars)
    }

    private func text(_ from: Int, _ to: Int) -> String {
        var s = ""
        s.unicodeScalars.append(contentsOf: scalars[max(0, from)..<min(max(from, to), scalars.count)])
        return s
    }

    private func peek(_ k: Int = 0) -> Unicode.Scalar? { pos + k < scalars.count ? scalars[pos + k] : nil }

    mutating func parse() throws(ParseError) -> Node {
        var flags = Flags()
        let node = try parseAlternation(&flags)
        if pos < scalars.count {
            // Only a stray `)` stops the top level early.
            throw ParseError(code: "unexpected )", expr: whole)
        }
        return node
    }

    private mutating func parseAlternation(_ flags: inout Flags) throws(ParseError) -> Node {
        var branches: [Node] = [try parseConcat(&flags)]
        while peek() == "|" {
            pos += 1
            branches.append(try parseConcat(&flags))
        }
        return branches.count == 1 ? branches[0] : .alternate(branches)
    }

    private mutating func parseConcat(_ flags: inout Flags) throws(ParseError) -> Node {
        var items: [Node] = []
        // Where the previous repetition operator started, for Go's "nested repetition" check.
        var lastRepeat: Int?
        while let c = peek(), c != "|", c != ")" {
            switch c {
            case "*", "+", "?", "{":
                let start = pos
                var lo = 0, hi: Int? = nil
                if c == "{" {
                    guard let (l, h) = parseRepeatCount() else {
                        pos = start + 1
                        items.append(.literal("{", fold: flags.foldCase))
                        lastRepeat = nil
                        continue
                    }
                    (lo, hi) = (l, h)
                } else {
                    pos += 1
                    (lo, hi) = c == "*" ? (0, nil) : c == "+" ? (1, nil) : (0, 1)
                }
                var greedy = !flags.ungreedy
                if peek() == "?" {
                    pos += 1
                    greedy.toggle()
                }
                if let prev = lastRepeat {
                    throw ParseError(code: "invalid nested repetition operator", expr: text(prev, pos))
                }
                guard let last = items.popLast() else {
                    throw ParseError(code: "missing argument to repetition operator", expr: text(start, pos))
                }
                if c == "{", lo > 1000 || (hi ?? lo) > 1000 || (hi.map { $0 < lo } ?? false) {
                    throw ParseError(code: "invalid repeat count", expr: text(start, pos))
                }
                let node = Node.repeated(last, min: lo, max: hi, greedy: greedy)
                // Go caps nested counted repetition at 1000 copies of the innermost item.
                if c == "{", lo >= 2 || (hi ?? 0) >= 2, !Self.repeatIsValid(node, 1000) {
                    throw ParseError(code: "invalid repeat count", expr: text(start, pos))
                }
                items.append(node)
                lastRepeat = start
                continue
            case "(":
                lastRepeat = nil
                if let node = try parseGroup(&flags) { items.append(node) }
                continue
            case "[":
                items.append(.charClass(try parseClass(flags)))
            case ".":
                pos += 1
                items.append(flags.dotNL ? .anyChar : .anyNotNL)
            case "^":
                pos += 1
                items.append(.assertion(flags.multiLine ? .beginLine : .beginText))
            case "$":
                pos += 1
                items.append(.assertion(flags.multiLine ? .endLine : .endText))
            case "\\":
                items.append(contentsOf: try parseEscape(flags))
            default:
                pos += 1
                items.append(.literal(c, fold: flags.foldCase))
            }
            lastRepeat = nil
        }
        return items.count == 1 ? items[0] : items.isEmpty ? .empty : .concat(items)
    }

    /// Go's `repeatIsValid`: the product of nested repetition counts stays within `n`.
    private static func repeatIsValid(_ node: Node, _ limit: Int) -> Bool {
        var n = limit
        switch node {
        case .repeated(let sub, let lo, let hi, _):
            var m = hi ?? lo
            if hi == 0 { return true }
            if hi == nil { m = lo }
            if m > n { return false }
            if m > 0 { n /= m }
            return repeatIsValid(sub, n)
        case .capture(_, let sub): return repeatIsValid(sub, n)
        case .concat(let subs), .alternate(let subs): return subs.allSatisfy { repeatIsValid($0, n) }
        default: return true
        }
    }

    /// `(…)`, `(?:…)`, `(?P<name>…)`, `(?flags)`, `(?flags:…)`. Returns nil for a bare flag group,
    /// which changes `flags` for the rest of the enclosing group.
    private mutating func parseGroup(_ flags: inout Flags) throws(ParseError) -> Node? {
        let start = pos
        pos += 1
        depth += 1
        defer { depth -= 1 }
        if depth > 1000 { throw ParseError(code: "expression nests too deeply", expr: whole) }
        var inner = flags
        var capture: Int?
        if peek() == "?" {
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
                // Go (1.22+) accepts duplicate names; `${name}` expands the first group that matched.
                groupNames.append(name)
                capture = groupNames.count
                pos = close + 1
            } else {
                var i = pos + 1
                var negated = false
                var sawFlag = false
                var opensGroup = false
                scan: while true {
                    guard i < scalars.count else {
                        throw ParseError(code: "invalid or unsupported Perl syntax", expr: text(start, scalars.count))
                    }
                    let c = scalars[i]
                    switch c {
                    case "i": inner.foldCase = !negated; sawFlag = true
                    case "m": inner.multiLine = !negated; sawFlag = true
                    case "s": inner.dotNL = !negated; sawFlag = true
                    case "U": inner.ungreedy = !negated; sawFlag = true
                    case "-":
                        if negated {
                            throw ParseError(code: "invalid or unsupported Perl syntax", expr: text(start, i + 1))
                        }
                        negated = true
                        sawFlag = false
                    case ":", ")":
                        if negated && !sawFlag {
                            throw ParseError(code: "invalid or unsupported Perl syntax", expr: text(start, i + 1))
                        }
                        opensGroup = c == ":"
                        break scan
                    default:
                        throw ParseError(code: "invalid or unsupported Perl syntax", expr: text(start, i + 1))
                    }
                    i += 1
                }
                pos = i + 1
                if !opensGroup {
                    flags = inner
                    return nil
                }
            }
        } else {
            groupNames.append(nil)
            capture = groupNames.count
        }
        let body = try parseAlternation(&inner)
        guard peek() == ")" else { throw ParseError(code: "missing closing )", expr: whole) }
        pos += 1
        if let capture { return .capture(capture, body) }
        return body
    }

    /// `{n}`, `{n,}`, `{n,m}` at `pos`; nil (and `pos` unchanged) when it is a literal `{`.
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
            if i < scalars.count, scalars[i] == "}" {
                hi = nil
            } else {
                guard let h = number(&i) else { return nil }
                hi = h
            }
        }
        guard i < scalars.count, scalars[i] == "}" else { return nil }
        pos = i + 1
        return (lo, hi)
    }

    /// A backslash escape outside a class.
    private mutating func parseEscape(_ flags: Flags) throws(ParseError) -> [Node] {
        let start = pos
        guard let c = peek(1) else { throw ParseError(code: "trailing backslash at end of expression", expr: "") }
        switch c {
        case "A": pos += 2; return [.assertion(.beginText)]
        case "z": pos += 2; return [.assertion(.endText)]
        case "b": pos += 2; return [.assertion(.wordBoundary)]
        case "B": pos += 2; return [.assertion(.noWordBoundary)]
        case "C": pos += 2; return [.anyChar]
        case "Q":
            pos += 2
            var lits: [Node] = []
            while pos < scalars.count {
                if scalars[pos] == "\\", peek(1) == "E" {
                    pos += 2
                    break
                }
                lits.append(.literal(scalars[pos], fold: flags.foldCase))
                pos += 1
            }
            return lits
        case "d", "D", "s", "S", "w", "W", "p", "P":
            var cls = RE2CharClass(fold: flags.foldCase)
            try classEscape(into: &cls, start: start)
            return [.charClass(cls)]
        default:
            let s = try singleEscape(start: start)
            return [.literal(s, fold: flags.foldCase)]
        }
    }

    /// An escape that stands for one scalar (`\n`, `\x{41}`, `\101`, `\.`), at `pos`.
    private mutating func singleEscape(start: Int) throws(ParseError) -> Unicode.Scalar {
        pos += 1
        guard let c = peek() else { throw ParseError(code: "trailing backslash at end of expression", expr: "") }
        pos += 1
        switch c {
        case "a": return "\u{7}"
        case "f": return "\u{C}"
        case "t": return "\t"
        case "n": return "\n"
        case "r": return "\r"
        case "v": return "\u{B}"
        case "x":
            if peek() == "{" {
                guard let close = scalars[pos...].firstIndex(of: "}") else {
                    throw ParseError(code: "invalid escape sequence", expr: text(start, scalars.count))
                }
                let hex = text(pos + 1, close)
                guard !hex.isEmpty, hex.count <= 8, let v = UInt32(hex, radix: 16), let s = Unicode.Scalar(v) else {
                    throw ParseError(code: "invalid escape sequence", expr: text(start, close + 1))
                }
                pos = close + 1
                return s
            }
            guard pos + 1 < scalars.count, let v = UInt32(text(pos, pos + 2), radix: 16), let s = Unicode.Scalar(v) else {
                throw ParseError(code: "invalid escape sequence", expr: text(start, min(pos + 2, scalars.count)))
            }
            pos += 2
            return s
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
            return Unicode.Scalar(v) ?? "\u{0}"
        default:
            if c.isASCII, !(c.properties.isAlphabetic || c.properties.numericType == .decimal) { return c }
            throw ParseError(code: "invalid escape sequence", expr: text(start, pos))
        }
    }

    /// `\d \D \s \S \w \W \pX \p{Name} \PX`, at `pos`, added to `cls`.
    private mutating func classEscape(into cls: inout RE2CharClass, start: Int) throws(ParseError) {
        let c = scalars[pos + 1]
        pos += 2
        switch c {
        case "d": cls.items.append(.ranges(RE2CharClass.digit, negated: false))
        case "D": cls.items.append(.ranges(RE2CharClass.digit, negated: true))
        case "s": cls.items.append(.ranges(RE2CharClass.space, negated: false))
        case "S": cls.items.append(.ranges(RE2CharClass.space, negated: true))
        case "w": cls.items.append(.ranges(RE2CharClass.word, negated: false))
        case "W": cls.items.append(.ranges(RE2CharClass.word, negated: true))
        default:
            var name: String
            if peek() == "{" {
                guard let close = scalars[pos...].firstIndex(of: "}") else {
                    throw ParseError(code: "invalid character class range", expr: text(start, scalars.count))
                }
                name = text(pos + 1, close)
                pos = close + 1
            } else {
                guard let n = peek() else { throw ParseError(code: "invalid character class range", expr: text(start, pos)) }
                name = String(n)
                pos += 1
            }
            var negate = c == "P"
            if name.hasPrefix("^") {
                negate.toggle()
                name.removeFirst()
            }
            guard let property = RE2UnicodeProperty(name) else {
                throw ParseError(code: "invalid character class range", expr: text(start, pos))
            }
            cls.items.append(.property(property, negated: negate))
        }
    }

    private static let posixClasses: [String: [ClosedRange<UInt32>]] = [
        "alnum": [48...57, 65...90, 97...122], "alpha": [65...90, 97...122], "ascii": [0...0x7F], "blank": [9...9, 32...32],
        "cntrl": [0...0x1F, 0x7F...0x7F], "digit": [48...57], "graph": [0x21...0x7E], "lower": [97...122],
        "print": [0x20...0x7E], "punct": [0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E],
        "space": [9...13, 32...32], "upper": [65...90], "word": [48...57, 65...90, 95...95, 97...122],
        "xdigit": [48...57, 65...70, 97...102],
    ]

    /// A bracketed class at `pos`.
    private mutating func parseClass(_ flags: Flags) throws(ParseError) -> RE2CharClass {
        let start = pos
        pos += 1
        var cls = RE2CharClass(fold: flags.foldCase)
        if peek() == "^" {
            cls.negated = true
            pos += 1
        }
        var first = true
        while true {
            guard let c = peek() else { throw ParseError(code: "missing closing ]", expr: text(start, scalars.count)) }
            if c == "]" && !first {
                pos += 1
                break
            }
            first = false
            if c == "[", peek(1) == ":", let close = posixEnd(from: pos + 2) {
                var name = text(pos + 2, close)
                let itemStart = pos
                pos = close + 2
                let negate = name.hasPrefix("^")
                if negate { name.removeFirst() }
                guard let ranges = Self.posixClasses[name] else {
                    throw ParseError(code: "invalid character class range", expr: text(itemStart, pos))
                }
                cls.items.append(.ranges(ranges, negated: negate))
                continue
            }
            let loStart = pos
            let lo: Unicode.Scalar
            if c == "\\" {
                if let k = peek(1), "dDsSwWpP".unicodeScalars.contains(k) {
                    try classEscape(into: &cls, start: pos)
                    continue
                }
                lo = try singleEscape(start: pos)
            } else {
                lo = c
                pos += 1
            }
            var hi = lo
            if peek() == "-", let next = peek(1), next != "]" {
                pos += 1
                if next == "\\" {
                    if let k = peek(1), "dDsSwWpP".unicodeScalars.contains(k) {
                        // A class escape cannot end a range: Go reads it as a plain escape and refuses it.
                        throw ParseError(code: "invalid escape sequence", expr: text(pos, pos + 2))
                    }
                    hi = try singleEscape(start: pos)
                } else {
                    hi = next
                    pos += 1
                }
                if hi.value < lo.value {
                    throw ParseError(code: "invalid character class range", expr: text(loStart, pos))
                }
            }
            cls.items.append(.ranges([lo.value...hi.value], negated: false))
        }
        return cls
    }

    private func posixEnd(from: Int) -> Int? {
        var i = from
        while i + 1 < scalars.count {
            if scalars[i] == ":" && scalars[i + 1] == "]" { return i }
            if scalars[i] == "]" { return nil }
            i += 1
        }
        return nil
    }
}

/// Zero-width assertions.
enum RE2Assertion {
    case beginLine, endLine, beginText, endText, wordBoundary, noWordBoundary
}

/// A `\p{…}` class: a Unicode general category (Go's category names) or a script.
enum RE2UnicodeProperty: @unchecked Sendable {
    case any
    case categories(Set<Unicode.GeneralCategory>)
    /// A script, checked with the standard library's regex engine (the stdlib exposes no script
    /// property directly).
    case script(Regex<Substring>)

    private static let categoryNames: [String: [Unicode.GeneralCategory]] = [
        "Lu": [.uppercaseLetter], "Ll": [.lowercaseLetter], "Lt": [.titlecaseLetter], "Lm": [.modifierLetter],
        "Lo": [.otherLetter], "Mn": [.nonspacingMark], "Mc": [.spacingMark], "Me": [.enclosingMark],
        "Nd": [.decimalNumber], "Nl": [.letterNumber], "No": [.otherNumber], "Pc": [.connectorPunctuation],
        "Pd": [.dashPunctuation], "Ps": [.openPunctuation], "Pe": [.closePunctuation], "Pi": [.initialPunctuation],
        "Pf": [.finalPunctuation], "Po": [.otherPunctuation], "Sm": [.mathSymbol], "Sc": [.currencySymbol],
        "Sk": [.modifierSymbol], "So": [.otherSymbol], "Zs": [.spaceSeparator], "Zl": [.lineSeparator],
        "Zp": [.paragraphSeparator], "Cc": [.control], "Cf": [.format], "Cs": [.surrogate], "Co": [.privateUse],
    ]

    init?(_ name: String) {
        if name == "Any" {
            self = .any
            return
        }
        if let cats = Self.categoryNames[name] {
            self = .categories(Set(cats))
            return
        }
        if name.count == 1, let letter = name.first {
            let cats = Self.categoryNames.filter { $0.key.first == letter }.flatMap(\.value)
            guard !cats.isEmpty else { return nil }
            self = .categories(Set(cats))
            return
        }
        // Scripts: Go's names are capitalised identifiers (`Greek`, `Old_Italic`).
        guard let first = name.unicodeScalars.first, ("A"..."Z").contains(first),
              name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || $0 == "_") }),
              let re = try? Regex("\\p{sc=\(name)}", as: Substring.self)
        else { return nil }
        let script = re.matchingSemantics(.unicodeScalar)
        // Match once now so the engine's lazily built program exists before concurrent renders use it.
        _ = "a".wholeMatch(of: script)
        self = .script(script)
    }

    func contains(_ c: Unicode.Scalar) -> Bool {
        switch self {
        case .any: return true
        case .categories(let set): return set.contains(c.properties.generalCategory)
        case .script(let re): return String(c).wholeMatch(of: re) != nil
        }
    }
}

/// A character class: a union of items, optionally negated, optionally case-folded.
struct RE2CharClass: @unchecked Sendable {
    enum Item {
        case ranges([ClosedRange<UInt32>], negated: Bool)
        case property(RE2UnicodeProperty, negated: Bool)
    }

    var items: [Item] = []
    var negated = false
    var fold: Bool

    init(fold: Bool) { self.fold = fold }

    static let digit: [ClosedRange<UInt32>] = [48...57]
    static let space: [ClosedRange<UInt32>] = [9...10, 12...13, 32...32]
    static let word: [ClosedRange<UInt32>] = [48...57, 65...90, 95...95, 97...122]

    private func containsExact(_ c: Unicode.Scalar) -> Bool {
        for item in items {
            switch item {
            case .ranges(let rs, let neg):
                if rs.contains(where: { $0.contains(c.value) }) != neg { return true }
            case .property(let p, let neg):
                if p.contains(c) != neg { return true }
            }
        }
        return false
    }

    func matches(_ c: Unicode.Scalar) -> Bool {
        var hit = containsExact(c)
        if !hit && fold {
            hit = RE2Fold.variants(c).contains { $0 != c && containsExact($0) }
        }
        return hit != negated
    }
}

/// Simple case folding as RE2 applies it under `(?i)`.
enum RE2Fold {
    private static func single(_ s: String) -> Unicode.Scalar? {
        let u = s.unicodeScalars
        return u.count == 1 ? u.first : nil
    }

    /// The scalar and its simple upper/lower/title-case partners.
    static func variants(_ c: Unicode.Scalar) -> [Unicode.Scalar] {
        if c.isASCII {
            let v = c.value
            if v >= 65 && v <= 90 { return [c, Unicode.Scalar(v + 32)!] + (v == 75 ? ["\u{212A}"] : v == 83 ? ["\u{17F}"] : []) }
            if v >= 97 && v <= 122 { return [c, Unicode.Scalar(v - 32)!] + (v == 107 ? ["\u{212A}"] : v == 115 ? ["\u{17F}"] : []) }
            return [c]
        }
        var out: [Unicode.Scalar] = [c]
        let p = c.properties
        for m in [p.lowercaseMapping, p.uppercaseMapping, p.titlecaseMapping] {
            if let s = single(m), !out.contains(s) { out.append(s) }
        }
        if let up = single(p.uppercaseMapping), let low = single(up.properties.lowercaseMapping), !out.contains(low) {
            out.append(low)
        }
        return out
    }

    static func equal(_ a: Unicode.Scalar, _ b: Unicode.Scalar) -> Bool {
        a == b || variants(a).contains(b)
    }
}
