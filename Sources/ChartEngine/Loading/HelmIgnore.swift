/// `.helmignore` rules (Helm's `pkg/ignore`), applied to directory loads only.
///
/// Quirks kept on purpose: a pattern without `/` matches the base name only; a negated rule that does
/// *not* match ignores the path at once (so `!foo` means "ignore everything but foo"); directories are
/// tested too, and an ignored directory is skipped whole.
public struct HelmIgnore: Sendable {
    struct Rule: Sendable {
        var pattern: String
        var negate: Bool
        var mustDir: Bool
        var anchored: Bool
        var structural: Bool
    }

    var rules: [Rule] = []

    /// No rules.
    public init() {}

    /// Parses `.helmignore` text. Errors read as Helm's: `double-star (**) syntax is not supported`,
    /// `syntax error in pattern`.
    public init(parsing text: String) throws(ChartEngineError) {
        var body = Substring(text)
        if body.hasPrefix("\u{FEFF}") { body = body.dropFirst() }
        for rawLine in body.split(separator: "\n", omittingEmptySubsequences: false) {
            try addRule(String(rawLine))
        }
    }

    /// Helm's `AddDefaults`: dotfiles under `templates/` are never loaded.
    public mutating func addDefaults() {
        try? addRule("templates/.?*")
    }

    mutating func addRule(_ raw: String) throws(ChartEngineError) {
        var rule = raw.trimmingGoSpace()
        if rule.isEmpty || rule.hasPrefix("#") { return }
        if rule.contains("**") {
            throw ChartEngineError(.invalidChart, "double-star (**) syntax is not supported")
        }
        do {
            _ = try GoPathMatch.match(rule, "abc")
        } catch {
            throw ChartEngineError(.invalidChart, "syntax error in pattern")
        }
        var r = Rule(pattern: "", negate: false, mustDir: false, anchored: false, structural: false)
        if rule.hasPrefix("!") { r.negate = true; rule.removeFirst() }
        if rule.hasSuffix("/") { r.mustDir = true; rule.removeLast() }
        if rule.hasPrefix("/") {
            r.anchored = true
            rule.removeFirst()
        } else if rule.contains("/") {
            r.structural = true
        }
        r.pattern = rule
        rules.append(r)
    }

    /// Whether the chart-relative `path` (a directory when `isDirectory`) is ignored.
    public func ignores(_ path: String, isDirectory: Bool) -> Bool {
        if path.isEmpty || path == "." || path == "./" { return false }
        for r in rules {
            let subject: String
            if r.anchored || r.structural {
                subject = path
            } else {
                subject = String(path.split(separator: "/").last ?? Substring(path))
            }
            let matched = (try? GoPathMatch.match(r.pattern, subject)) ?? false
            if r.negate {
                if r.mustDir && !isDirectory { return true }
                if !matched { return true }
                continue
            }
            if r.mustDir && !isDirectory { continue }
            if matched { return true }
        }
        return false
    }
}

extension String {
    /// Go's `strings.TrimSpace` (Unicode white space).
    func trimmingGoSpace() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let end = scalars.lastIndex(where: { !$0.properties.isWhitespace }) ?? start
        return String(scalars[start...end])
    }
}
