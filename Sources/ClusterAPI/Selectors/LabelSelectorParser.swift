/// The string-form label selector grammar of apimachinery's `labels.Parse`, token by token, so that error
/// messages match (`unable to parse requirement: ...`, `found 'x', expected: ...`).
struct LabelSelectorParser {
    enum Token: Equatable {
        case identifier, doesNotExist, equals, doubleEquals, notEquals, greaterThan, lessThan, `in`, notIn
        case openPar, closedPar, comma, end, error
    }

    private var items: [(Token, String)] = []
    private var position = 0

    init(_ text: String) {
        items = Self.lex(Array(text.utf8))
    }

    private static func isWhitespace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 13 || c == 10 }
    private static func isSpecial(_ c: UInt8) -> Bool {
        c == 61 || c == 33 || c == 40 || c == 41 || c == 44 || c == 62 || c == 60  // = ! ( ) , > <
    }

    private static let symbols: [String: Token] = [
        "!": .doesNotExist, "!=": .notEquals, "(": .openPar, ")": .closedPar, ",": .comma, "=": .equals,
        "==": .doubleEquals, ">": .greaterThan, "<": .lessThan,
    ]

    private static func lex(_ b: [UInt8]) -> [(Token, String)] {
        var out: [(Token, String)] = []
        var i = 0
        while true {
            while i < b.count, isWhitespace(b[i]) { i += 1 }
            if i >= b.count {
                out.append((.end, ""))
                return out
            }
            if isSpecial(b[i]) {
                // Longest run of special characters that still forms a known symbol.
                var buffer: [UInt8] = []
                var last: (Token, String)?
                while i < b.count, isSpecial(b[i]) {
                    buffer.append(b[i])
                    let s = String(decoding: buffer, as: UTF8.self)
                    if let t = symbols[s] {
                        last = (t, s)
                        i += 1
                    } else if last != nil {
                        break
                    } else {
                        i += 1
                    }
                }
                guard let last else {
                    out.append((.error, "error expected: keyword found '\(String(decoding: buffer, as: UTF8.self))'"))
                    out.append((.end, ""))
                    return out
                }
                out.append(last)
            } else {
                let start = i
                while i < b.count, !isWhitespace(b[i]), !isSpecial(b[i]) { i += 1 }
                let word = String(decoding: b[start..<i], as: UTF8.self)
                out.append((word == "in" ? .in : word == "notin" ? .notIn : .identifier, word))
            }
        }
    }

    /// In value position `in` and `notin` are plain identifiers.
    private mutating func consume(values: Bool = true) -> (Token, String) {
        let item = items[min(position, items.count - 1)]
        position += 1
        if values, item.0 == .in || item.0 == .notIn { return (.identifier, item.1) }
        return item
    }

    private func lookahead(values: Bool = true) -> (Token, String) {
        let item = items[min(position, items.count - 1)]
        if values, item.0 == .in || item.0 == .notIn { return (.identifier, item.1) }
        return item
    }

    mutating func parse() throws(SelectorError) -> [LabelSelector.Requirement] {
        var reqs: [LabelSelector.Requirement] = []
        while true {
            let (tok, lit) = lookahead()
            switch tok {
            case .identifier, .doesNotExist:
                do {
                    reqs.append(try parseRequirement())
                } catch {
                    throw SelectorError("unable to parse requirement: \(error.message)")
                }
                let (t, l) = consume()
                switch t {
                case .end: return reqs
                case .comma:
                    let (t2, l2) = lookahead()
                    if t2 != .identifier && t2 != .doesNotExist {
                        throw SelectorError("found '\(l2)', expected: identifier after ','")
                    }
                default:
                    throw SelectorError("found '\(l)', expected: ',' or 'end of string'")
                }
            case .end:
                return reqs
            default:
                throw SelectorError("found '\(lit)', expected: !, identifier, or 'end of string'")
            }
        }
    }

    private mutating func parseRequirement() throws(SelectorError) -> LabelSelector.Requirement {
        var (tok, lit) = consume()
        var op: LabelSelector.Operator?
        if tok == .doesNotExist {
            op = .doesNotExist
            (tok, lit) = consume()
        }
        guard tok == .identifier else { throw SelectorError("found '\(lit)', expected: identifier") }
        let key = lit
        let keyErrs = LabelValidation.qualifiedNameErrors(key)
        if !keyErrs.isEmpty { throw SelectorError(LabelValidation.invalid("<nil>", key, keyErrs.joined(separator: "; "))) }
        // `!key` is complete by itself; whatever follows is the caller's problem (`found '=', expected: ','...`).
        let next = lookahead().0
        if op == .doesNotExist || next == .end || next == .comma {
            return try LabelSelector.Requirement(key: key, op: op ?? .exists, values: [])
        }
        let (optok, oplit) = consume(values: false)
        let binary: LabelSelector.Operator
        switch optok {
        case .in: binary = .in
        case .notIn: binary = .notIn
        case .equals: binary = .equals
        case .doubleEquals: binary = .doubleEquals
        case .notEquals: binary = .notEquals
        case .greaterThan: binary = .greaterThan
        case .lessThan: binary = .lessThan
        default: throw SelectorError("found '\(oplit)', expected: in, notin, =, ==, !=, gt, lt")
        }
        let values: [String]
        switch binary {
        case .in, .notIn: values = try parseValues()
        default: values = try parseExactValue()
        }
        return try LabelSelector.Requirement(key: key, op: binary, values: values)
    }

    private mutating func parseValues() throws(SelectorError) -> [String] {
        let (tok, lit) = consume()
        guard tok == .openPar else { throw SelectorError("found '\(lit)' expected: '('") }
        let (t2, l2) = lookahead()
        switch t2 {
        case .identifier, .comma:
            let set = try parseIdentifiersList()
            let (t3, _) = consume()
            guard t3 == .closedPar else { throw SelectorError("found '\(l2)', expected: ')'") }
            return set.sorted()
        case .closedPar:
            _ = consume()
            return [""]
        default:
            throw SelectorError("found '\(l2)', expected: ',', ')' or identifier")
        }
    }

    private mutating func parseIdentifiersList() throws(SelectorError) -> Set<String> {
        var set = Set<String>()
        while true {
            let (tok, lit) = consume()
            switch tok {
            case .identifier:
                set.insert(lit)
                let (t2, l2) = lookahead()
                switch t2 {
                case .comma: continue
                case .closedPar: return set
                default: throw SelectorError("found '\(l2)', expected: ',' or ')'")
                }
            case .comma:
                if set.isEmpty { set.insert("") }
                let (t2, _) = lookahead()
                if t2 == .closedPar {
                    set.insert("")
                    return set
                }
                if t2 == .comma {
                    _ = consume()
                    set.insert("")
                }
            default:
                throw SelectorError("found '\(lit)', expected: ',', or identifier")
            }
        }
    }

    private mutating func parseExactValue() throws(SelectorError) -> [String] {
        let (t, _) = lookahead()
        if t == .end || t == .comma { return [""] }
        let (tok, lit) = consume()
        if tok == .identifier { return [lit] }
        throw SelectorError("found '\(lit)', expected: identifier")
    }
}
