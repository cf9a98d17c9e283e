import StructuredData
/// Go's `regexp` package (RE2 syntax, leftmost-first matching, linear time): ``RE2Parser`` builds
/// the tree with Go's error texts, ``RE2Program`` runs it. Positions are Unicode-scalar offsets, as
/// Go's are UTF-8 rune boundaries.
package struct GoRegexp: Sendable {
    /// The RE2 source text.
    let source: String
    let program: RE2Program
    /// Number of capture groups (group 0 excluded).
    let groupCount: Int
    /// Name of each capture group by index (index 0 is the whole match, unnamed).
    let groupNames: [String?]

    /// A parse error, printed as Go's `regexp/syntax.Error`.
    package struct ParseError: Error, Sendable {
        let code: String
        let expr: String
        package var message: String { "error parsing regexp: \(code): `\(expr)`" }
    }

    private static let cache = RegexCache()

    /// Compiles `pattern` (cached: charts call regex functions inside loops).
    package static func compile(_ pattern: String) throws(ParseError) -> GoRegexp {
        if let hit = cache.get(pattern) { return hit }
        var parser = RE2Parser(pattern)
        let tree = try parser.parse()
        let program: RE2Program
        do { program = try RE2Program(tree, groups: parser.groupNames.count) } catch {
            throw ParseError(code: "expression too large", expr: pattern)
        }
        let compiled = GoRegexp(source: pattern, program: program, groupCount: parser.groupNames.count,
                                groupNames: [nil] + parser.groupNames)
        cache.put(pattern, compiled)
        return compiled
    }

    /// Go's `regexp.MustCompile` panic text.
    static func mustCompileMessage(_ pattern: String, _ error: ParseError) -> String {
        "regexp: Compile(\(goQuoteForCompile(pattern))): \(error.message)"
    }

    /// `strconv.CanBackquote` ? backquoted : `strconv.Quote`.
    static func goQuoteForCompile(_ s: String) -> String {
        let canBackquote = s.unicodeScalars.allSatisfy { c in
            c != "`" && c != "\u{FEFF}" && (c == "\t" || (c.value >= 0x20 && c.value != 0x7F))
        }
        return canBackquote ? "`" + s + "`" : goQuote(s)
    }

    // MARK: Matching

    /// One match: the scalar range of each group (nil when the group did not take part).
    package typealias Match = [Range<Int>?]

    private func match(_ input: [Unicode.Scalar], from: Int) -> Match? {
        guard let slots = program.search(input, from: from) else { return nil }
        return (0...groupCount).map { i in
            let a = slots[2 * i], b = slots[2 * i + 1]
            return a >= 0 && b >= a ? a..<b : nil
        }
    }

    /// Go's `allMatches`: successive matches, skipping an empty match right after the previous one and
    /// stepping one rune past empty matches; at most `n` when `n >= 0`.
    package func allMatches(_ input: [Unicode.Scalar], limit n: Int) -> [Match] {
        var out: [Match] = []
        var pos = 0
        var prevMatchEnd = -1
        while (n < 0 || out.count < n), pos <= input.count {
            guard let m = match(input, from: pos), let whole = m[0] else { break }
            var accept = true
            if whole.upperBound == pos {
                // An empty match: not allowed right after a previous match.
                if whole.lowerBound == prevMatchEnd { accept = false }
                pos += 1
            } else {
                pos = whole.upperBound
            }
            prevMatchEnd = whole.upperBound
            if accept { out.append(m) }
        }
        return out
    }

    static func text(_ input: [Unicode.Scalar], _ r: Range<Int>) -> String {
        var s = ""
        s.unicodeScalars.append(contentsOf: input[r])
        return s
    }

    package func firstMatch(in s: String) -> [String?]? {
        let input = Array(s.unicodeScalars)
        return match(input, from: 0).map { $0.map { $0.map { Self.text(input, $0) } } }
    }

    /// `FindAllString(s, n)`.
    func findAll(_ s: String, _ n: Int) -> [String] {
        let input = Array(s.unicodeScalars)
        return allMatches(input, limit: n).compactMap { $0[0].map { Self.text(input, $0) } }
    }

    /// `ReplaceAllString` (`expand` true: `$1`, `${name}` are substituted) or `ReplaceAllLiteralString`.
    func replaceAll(_ s: String, _ repl: String, expand: Bool) -> String {
        let input = Array(s.unicodeScalars)
        var out = ""
        var lastMatchEnd = 0
        var searchPos = 0
        while searchPos <= input.count {
            guard let m = match(input, from: searchPos), let a = m[0] else { break }
            out.unicodeScalars.append(contentsOf: input[lastMatchEnd..<a.lowerBound])
            // No replacement for an empty match right after another match.
            if a.upperBound > lastMatchEnd || a.lowerBound == 0 {
                out += expand ? expandTemplate(repl, input, m) : repl
            }
            lastMatchEnd = a.upperBound
            searchPos = searchPos + 1 > a.upperBound ? searchPos + 1 : a.upperBound
        }
        out.unicodeScalars.append(contentsOf: input[min(lastMatchEnd, input.count)...])
        return out
    }

    /// `Regexp.Split(s, n)`.
    func split(_ s: String, _ n: Int) -> [String]? {
        if n == 0 { return nil }
        // Go: a non-empty expression splits "" into [""]; the empty one into nothing.
        if s.isEmpty { return source.isEmpty ? [] : [""] }
        let input = Array(s.unicodeScalars)
        var parts: [String] = []
        var beg = 0
        var end = 0
        for m in allMatches(input, limit: n) {
            guard let r = m[0] else { continue }
            if n > 0, parts.count == n - 1 { break }
            end = r.lowerBound
            if r.upperBound != 0 { parts.append(Self.text(input, beg..<end)) }
            beg = r.upperBound
        }
        if end != input.count { parts.append(Self.text(input, beg..<input.count)) }
        return parts
    }

    /// Go's `Regexp.expand`: `$$`, `$1`, `${1}`, `$name`, `${name}`; a group that does not exist or did
    /// not match expands to nothing; a malformed reference keeps the `$`.
    func expandTemplate(_ template: String, _ src: [Unicode.Scalar], _ m: Match) -> String {
        var out = ""
        var t = Substring(template)
        while let dollar = t.firstIndex(of: "$") {
            out += t[..<dollar]
            t = t[t.index(after: dollar)...]
            if t.first == "$" {
                out += "$"
                t = t.dropFirst()
                continue
            }
            guard let (name, rest) = Self.extractName(t) else {
                out += "$"
                continue
            }
            t = rest
            if let num = Self.groupNumber(name) {
                if num < m.count, let r = m[num] { out += Self.text(src, r) }
            } else if let i = groupNames.firstIndex(where: { $0 == name }), i < m.count, let r = m[i] {
                out += Self.text(src, r)
            }
        }
        out += t
        return out
    }

    private static func extractName(_ s: Substring) -> (String, Substring)? {
        var t = s
        let brace = t.first == "{"
        if brace { t = t.dropFirst() }
        var name = ""
        while let c = t.unicodeScalars.first,
              c == "_" || c.properties.isAlphabetic || c.properties.numericType == .decimal
        {
            name.unicodeScalars.append(c)
            t = Substring(t.unicodeScalars.dropFirst())
        }
        if name.isEmpty { return nil }
        if brace {
            guard t.first == "}" else { return nil }
            t = t.dropFirst()
        }
        return (name, t)
    }

    /// A decimal group number without leading zeros, as Go's `extract` accepts.
    private static func groupNumber(_ name: String) -> Int? {
        guard name.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        if name.utf8.count > 1, name.hasPrefix("0") { return nil }
        guard name.utf8.count <= 8 else { return nil }
        return Int(name)
    }

    /// `regexp.QuoteMeta`.
    static func quoteMeta(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            if "\\.+*?()|[]{}^$".unicodeScalars.contains(c) { out += "\\" }
            out.unicodeScalars.append(c)
        }
        return out
    }
}

/// Compiled patterns by source text.
private final class RegexCache: @unchecked Sendable {
    private var entries: [String: GoRegexp] = [:]
    private let lock = Lock()

    func get(_ key: String) -> GoRegexp? { lock.withLock { entries[key] } }

    func put(_ key: String, _ value: GoRegexp) {
        lock.withLock {
            if entries.count > 512 { entries.removeAll() }
            entries[key] = value
        }
    }
}
