/// Go's `regexp` package (RE2 syntax, leftmost-first matching) on top of the standard library's
/// `Regex`. A pattern is first parsed as RE2 — giving Go's error texts for invalid ones — and
/// rewritten into an equivalent pattern for Swift's engine: RE2's ASCII-only `\d \s \w \b` and POSIX
/// classes, `.` excluding only `\n`, literal `{`, `]` and `[` in places Swift reads differently, and
/// `\pL` shorthand. (`@unchecked`: `Regex<AnyRegexOutput>` is an immutable value, safe to share.) Matching runs on Unicode scalars, as Go runs on UTF-8 runes.
struct GoRegexp: @unchecked Sendable {
    /// The RE2 source text.
    let source: String
    let regex: Regex<AnyRegexOutput>
    /// Number of capture groups (group 0 excluded).
    let groupCount: Int
    /// Name of each capture group by index (index 0 is the whole match, unnamed).
    let groupNames: [String?]

    /// A parse error, printed as Go's `regexp/syntax.Error`.
    struct ParseError: Error, Sendable {
        let code: String
        let expr: String
        var message: String { "error parsing regexp: \(code): `\(expr)`" }
    }

    private static let cache = RegexCache()

    /// Compiles `pattern` (cached: charts call regex functions inside loops).
    static func compile(_ pattern: String) throws(ParseError) -> GoRegexp {
        if let hit = cache.get(pattern) { return hit }
        var translator = RE2Translator(pattern)
        let translated = try translator.translate()
        let regex: Regex<AnyRegexOutput>
        do {
            regex = try Regex(translated)
                .matchingSemantics(.unicodeScalar)
                .asciiOnlyDigits().asciiOnlyWhitespace().asciiOnlyWordCharacters()
                .wordBoundaryKind(.simple)
        } catch {
            // Constructs RE2 accepts but Swift's engine refuses (rare, e.g. `^*`).
            throw ParseError(code: "invalid or unsupported Perl syntax", expr: pattern)
        }
        let compiled = GoRegexp(source: pattern, regex: regex, groupCount: translator.groupNames.count,
                                groupNames: [nil] + translator.groupNames)
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
        if canBackquote { return "`" + s + "`" }
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\u{7}": out += "\\a"
            case "\u{8}": out += "\\b"
            case "\u{C}": out += "\\f"
            case "\u{B}": out += "\\v"
            default:
                if c.value < 0x20 || c.value == 0x7F {
                    out += "\\x" + hex2(UInt8(c.value))
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out + "\""
    }

    private static func hex2(_ b: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(b >> 4)], digits[Int(b & 15)]])
    }

    // MARK: Matching

    /// One match: the range of each group (nil when the group did not take part).
    typealias Match = [Range<String.Index>?]

    private func groups(of m: Regex<AnyRegexOutput>.Match) -> Match {
        (0...groupCount).map { i in i < m.output.count ? m.output[i].range : nil }
    }

    /// Go's `allMatches`: successive leftmost-first matches, dropping an empty match that starts where
    /// the previous match ended; at most `n` when `n >= 0`.
    func allMatches(in s: String, limit n: Int) -> [Match] {
        if n == 0 { return [] }
        var out: [Match] = []
        var prevEnd: String.Index?
        for m in s.matches(of: regex) {
            let r = m.range
            if r.isEmpty, r.lowerBound == prevEnd {
                continue
            }
            prevEnd = r.upperBound
            out.append(groups(of: m))
            if n > 0, out.count >= n { break }
        }
        return out
    }

    func firstMatch(in s: String) -> Match? {
        s.firstMatch(of: regex).map(groups)
    }

    /// `FindAllString(s, n)`; nil when nothing matches (Go returns a nil slice).
    func findAll(_ s: String, _ n: Int) -> [String] {
        allMatches(in: s, limit: n).compactMap { $0[0].map { String(s[$0]) } }
    }

    /// `ReplaceAllString` (`expand` true: `$1`, `${name}` are substituted) or `ReplaceAllLiteralString`.
    func replaceAll(_ s: String, _ repl: String, expand: Bool) -> String {
        var out = ""
        var last = s.startIndex
        var prevEnd: String.Index?
        for m in s.matches(of: regex) {
            let r = m.range
            // Go skips an empty match right after a previous match (no double replacement).
            if r.isEmpty, r.lowerBound == prevEnd, r.lowerBound != s.startIndex { continue }
            out += s[last..<r.lowerBound]
            out += expand ? expandTemplate(repl, s, groups(of: m)) : repl
            last = r.upperBound
            prevEnd = r.upperBound
        }
        out += s[last...]
        return out
    }

    /// `Regexp.Split(s, n)`.
    func split(_ s: String, _ n: Int) -> [String]? {
        if n == 0 { return nil }
        // Go: a non-empty expression splits "" into [""]; the empty one into nothing.
        if s.isEmpty { return source.isEmpty ? [] : [""] }
        var parts: [String] = []
        var beg = s.startIndex
        var end = s.startIndex
        for m in allMatches(in: s, limit: n) {
            guard let r = m[0] else { continue }
            if n > 0, parts.count == n - 1 { break }
            end = r.lowerBound
            if r.upperBound != s.startIndex { parts.append(String(s[beg..<end])) }
            beg = r.upperBound
        }
        if end != s.endIndex { parts.append(String(s[beg...])) }
        return parts
    }

    /// Go's `Regexp.expand`: `$$`, `$1`, `${1}`, `$name`, `${name}`; a group that does not exist or did
    /// not match expands to nothing; a malformed reference keeps the `$`.
    func expandTemplate(_ template: String, _ src: String, _ m: Match) -> String {
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
                if num < m.count, let r = m[num] { out += src[r] }
            } else if let i = groupNames.firstIndex(where: { $0 == name }), i < m.count, let r = m[i] {
                out += src[r]
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
