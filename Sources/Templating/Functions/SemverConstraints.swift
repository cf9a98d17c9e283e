import StructuredData
/// Masterminds/semver v3 constraints (`NewConstraint` / `Check`): `||` alternatives of
/// comma- or space-separated comparisons; `A - B` ranges; `~`, `^`, `x`/`*` wildcards. The grammar is
/// recognised with the same Go regular expressions the library uses (run by ``GoRegexp``), so odd
/// inputs are accepted or refused exactly as in Helm.
package struct SemverConstraints {
    /// One comparison, e.g. `>=1.20-0`.
    struct Constraint {
        var version: SemverVersion
        var original: String
        var op: String
        var minorDirty: Bool
        var patchDirty: Bool
        var dirty: Bool
    }

    var alternatives: [[Constraint]]

    private static let cv = #"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?"#
        + #"(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"#
        + #"(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"#
    private static let ops = #"=||!=|>|<|>=|=>|<=|=<|~|~>|\^"#
    private static let single = #"^\s*("# + ops + #")\s*("# + cv + #")\s*$"#
    private static let range = #"\s*("# + cv + #")\s+-\s+("# + cv + #")\s*"#
    private static let find = "(" + ops + #")\s*("# + cv + ")"
    private static let valid = #"^(\s*("# + ops + #")\s*("# + cv + #")\s*)((?:\s+|,\s*)("# + ops + #")\s*("#
        + cv + #")\s*)*$"#

    private static func re(_ p: String) throws -> GoRegexp {
        do { return try GoRegexp.compile(p) } catch { throw FunctionError("constraint Parser Error") }
    }

    /// `semver.NewConstraint`; the error's message is the library's.
    package static func parse(_ text: String) throws(FunctionError) -> SemverConstraints {
        // Charts ask for the same few constraints over and over (every dependency, every
        // `semverCompare ">=1.21-0" .Capabilities…`); matching the library's regexes is the costly part.
        if let hit = parsedCache.get(text) { return try hit.get() }
        let result: Result<SemverConstraints, FunctionError>
        do { result = .success(try parseUntyped(text)) } catch let e as FunctionError { result = .failure(e) } catch {
            result = .failure(FunctionError("\(error)"))
        }
        parsedCache.put(text, result)
        return try result.get()
    }

    private static let parsedCache = ConstraintCache()

    static func parseUntyped(_ text: String) throws -> SemverConstraints {
        let rewritten = try rewriteRange(text)
        var alternatives: [[Constraint]] = []
        let validRE = try re(valid)
        let findRE = try re(find)
        for part in rewritten.components(separatedByString: "||") {
            guard validRE.firstMatch(in: part) != nil else {
                throw FunctionError("improper constraint: " + goQuote(part))
            }
            var found = findRE.findAll(part, -1)
            if found.isEmpty { found = [part] }
            alternatives.append(try found.map(parseOne))
        }
        return SemverConstraints(alternatives: alternatives)
    }

    /// `1.2 - 1.4` becomes `>= 1.2, <= 1.4`.
    private static func rewriteRange(_ s: String) throws -> String {
        let rangeRE = try re(range)
        var out = s
        let input = Array(s.unicodeScalars)
        for m in rangeRE.allMatches(input, limit: -1) {
            guard let whole = m[0], let lo = m[1], let hi = m[11] else { continue }
            let replacement = ">= \(GoRegexp.text(input, lo)), <= \(GoRegexp.text(input, hi))"
            if let r = Substring(out).range(of: GoRegexp.text(input, whole)) {
                out.replaceSubrange(r, with: replacement)
            }
        }
        return out
    }

    private static func parseOne(_ c: String) throws -> Constraint {
        guard let m = try re(single).firstMatch(in: c) else {
            throw FunctionError("improper constraint: " + goQuote(c))
        }
        func g(_ i: Int) -> String { (i < m.count ? m[i] : nil) ?? "" }
        func isX(_ s: String) -> Bool { s == "x" || s == "X" || s == "*" }
        let trimDot = { (s: String) in s.hasPrefix(".") ? String(s.dropFirst()) : s }
        var ver = g(2)
        var minorDirty = false, patchDirty = false, dirty = false
        if isX(g(3)) || g(3).isEmpty {
            ver = "0.0.0" + g(6)
            dirty = true
        } else if isX(trimDot(g(4))) || g(4).isEmpty {
            minorDirty = true
            dirty = true
            ver = g(3) + ".0.0" + g(6)
        } else if isX(trimDot(g(5))) || g(5).isEmpty {
            dirty = true
            patchDirty = true
            ver = g(3) + g(4) + ".0" + g(6)
        }
        guard let v = try? SemverVersion.parse(ver) else { throw FunctionError("constraint Parser Error") }
        return Constraint(version: v, original: g(2), op: g(1), minorDirty: minorDirty, patchDirty: patchDirty,
                          dirty: dirty)
    }

    /// `Constraints.Check`.
    package func check(_ v: SemverVersion) -> Bool {
        alternatives.contains { all in all.allSatisfy { $0.admits(v) } }
    }
}

extension SemverConstraints.Constraint {
    /// Whether `v` satisfies this comparison. A prerelease version only satisfies comparisons whose
    /// own version has a prerelease (semver issue 21).
    func admits(_ v: SemverVersion) -> Bool {
        let c = version
        if !v.prerelease.isEmpty && c.prerelease.isEmpty { return false }
        switch op {
        case "", "=": return dirty ? tilde(v) : v.compare(c) == 0
        case "!=": return notEqual(v)
        case ">":
            if !dirty { return v.compare(c) > 0 }
            if v.major != c.major { return v.major > c.major }
            if minorDirty { return false }
            if patchDirty { return v.minor > c.minor }
            return v.compare(c) > 0
        case "<": return v.compare(c) < 0
        case ">=", "=>": return v.compare(c) >= 0
        case "<=", "=<":
            if !dirty { return v.compare(c) <= 0 }
            if v.major > c.major { return false }
            if v.major == c.major && v.minor > c.minor && !minorDirty { return false }
            return true
        case "~", "~>": return tilde(v)
        case "^": return caret(v)
        default: return false
        }
    }

    private func notEqual(_ v: SemverVersion) -> Bool {
        let c = version
        if dirty {
            if c.major != v.major { return true }
            if c.minor != v.minor && !minorDirty { return true }
            if minorDirty { return false }
            if c.patch != v.patch && !patchDirty { return true }
            if patchDirty {
                if !v.prerelease.isEmpty || !c.prerelease.isEmpty {
                    return SemverVersion.comparePrerelease(v.prerelease, c.prerelease) != 0
                }
                return false
            }
        }
        return v.compare(c) != 0
    }

    private func tilde(_ v: SemverVersion) -> Bool {
        let c = version
        if v.compare(c) < 0 { return false }
        if c.major == 0 && c.minor == 0 && c.patch == 0 && !minorDirty && !patchDirty { return true }
        if v.major != c.major { return false }
        if v.minor != c.minor && !minorDirty { return false }
        return true
    }

    private func caret(_ v: SemverVersion) -> Bool {
        let c = version
        if v.compare(c) < 0 { return false }
        if c.major > 0 || minorDirty { return v.major == c.major }
        if c.major == 0 && v.major > 0 { return false }
        if c.minor > 0 || patchDirty { return v.minor == c.minor }
        if c.minor == 0 && v.minor > 0 { return false }
        return c.patch == v.patch
    }
}

extension String {
    /// Go's `strings.Split(s, sep)` for a non-empty separator.
    func components(separatedByString sep: String) -> [String] {
        var parts: [String] = []
        var rest = Substring(self)
        while let r = rest.range(of: sep) {
            parts.append(String(rest[..<r.lowerBound]))
            rest = rest[r.upperBound...]
        }
        parts.append(String(rest))
        return parts
    }
}

/// Parsed constraints by source text (bounded; cleared when full).
private final class ConstraintCache: @unchecked Sendable {
    private var entries: [String: Result<SemverConstraints, FunctionError>] = [:]
    private let lock = Lock()

    func get(_ key: String) -> Result<SemverConstraints, FunctionError>? { lock.withLock { entries[key] } }

    func put(_ key: String, _ value: Result<SemverConstraints, FunctionError>) {
        lock.withLock {
            if entries.count > 1024 { entries.removeAll() }
            entries[key] = value
        }
    }
}
