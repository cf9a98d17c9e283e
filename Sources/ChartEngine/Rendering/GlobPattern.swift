/// gobwas/glob patterns with `/` as separator, as `.Files.Glob` compiles them: `*` any run without
/// `/`, `**` any run, `?` one non-`/` character, `[abc]`/`[!a-z]` classes, `{a,b}` alternatives,
/// `\` escapes.
struct GlobPattern {
    indirect enum Node {
        case literal(Unicode.Scalar)
        case star
        case superStar
        case single
        case charClass(ranges: [(Unicode.Scalar, Unicode.Scalar)], negated: Bool)
        case alternatives([[Node]])
    }

    struct SyntaxError: Error {}

    let nodes: [Node]

    init(_ pattern: String) throws(SyntaxError) {
        var p = Array(pattern.unicodeScalars)[...]
        nodes = try Self.parseSequence(&p, inAlternative: false)
        if !p.isEmpty { throw SyntaxError() }
    }

    private static func parseSequence(_ p: inout ArraySlice<Unicode.Scalar>, inAlternative: Bool)
        throws(SyntaxError) -> [Node]
    {
        var out: [Node] = []
        while let c = p.first {
            if inAlternative && (c == "," || c == "}") { return out }
            p = p.dropFirst()
            switch c {
            case "*":
                if p.first == "*" {
                    p = p.dropFirst()
                    out.append(.superStar)
                } else {
                    out.append(.star)
                }
            case "?": out.append(.single)
            case "\\":
                guard let n = p.first else { throw SyntaxError() }
                p = p.dropFirst()
                out.append(.literal(n))
            case "[":
                var negated = false
                if p.first == "!" { negated = true; p = p.dropFirst() }
                var ranges: [(Unicode.Scalar, Unicode.Scalar)] = []
                while true {
                    guard let x = p.first else { throw SyntaxError() }
                    p = p.dropFirst()
                    if x == "]" { break }
                    if p.first == "-", p.dropFirst().first.map({ $0 != "]" }) == true {
                        p = p.dropFirst()
                        guard let hi = p.first else { throw SyntaxError() }
                        p = p.dropFirst()
                        ranges.append((x, hi))
                    } else {
                        ranges.append((x, x))
                    }
                }
                out.append(.charClass(ranges: ranges, negated: negated))
            case "{":
                var alts: [[Node]] = []
                while true {
                    alts.append(try parseSequence(&p, inAlternative: true))
                    guard let sep = p.first else { throw SyntaxError() }
                    p = p.dropFirst()
                    if sep == "}" { break }
                }
                out.append(.alternatives(alts))
            default:
                out.append(.literal(c))
            }
        }
        if inAlternative { throw SyntaxError() }
        return out
    }

    func matches(_ name: String) -> Bool {
        let s = Array(name.unicodeScalars)
        var budget = 100_000  // bounds backtracking on hostile patterns
        return Self.match(nodes[...], s, 0, &budget)
    }

    private static func match(_ nodes: ArraySlice<Node>, _ s: [Unicode.Scalar], _ i: Int, _ budget: inout Int) -> Bool {
        budget -= 1
        if budget < 0 { return false }
        guard let node = nodes.first else { return i == s.count }
        let rest = nodes.dropFirst()
        switch node {
        case .literal(let c):
            return i < s.count && s[i] == c && match(rest, s, i + 1, &budget)
        case .single:
            return i < s.count && s[i] != "/" && match(rest, s, i + 1, &budget)
        case .charClass(let ranges, let negated):
            guard i < s.count else { return false }
            let inClass = ranges.contains { $0.0.value <= s[i].value && s[i].value <= $0.1.value }
            return inClass != negated && match(rest, s, i + 1, &budget)
        case .star, .superStar:
            var k = i
            while true {
                if match(rest, s, k, &budget) { return true }
                if k >= s.count { return false }
                if case .star = node, s[k] == "/" { return false }
                k += 1
            }
        case .alternatives(let alts):
            for alt in alts where match(ArraySlice(alt) + rest, s, i, &budget) { return true }
            return false
        }
    }
}
