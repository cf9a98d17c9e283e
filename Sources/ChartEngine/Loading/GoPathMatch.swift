/// Go's `path.Match` / `filepath.Match` (with `/` as separator): `*` any run of non-`/` bytes, `?` one
/// non-`/` character, `[...]` classes with ranges and `^` negation, `\` escapes. Used by `.helmignore`
/// and `helm template --show-only`.
enum GoPathMatch {
    struct BadPattern: Error {}

    /// Whether `name` matches `pattern`; throws for a malformed pattern (Go's `ErrBadPattern`).
    static func match(_ pattern: String, _ name: String) throws(BadPattern) -> Bool {
        let p = Array(pattern.unicodeScalars)
        let n = Array(name.unicodeScalars)
        // Validate the whole pattern first, as Go reports ErrBadPattern even when the name fails early.
        try validate(p)
        var budget = 1_000_000  // bounds backtracking for hostile `*a*a*a…` patterns
        return matchFrom(p, 0, n, 0, &budget)
    }

    private static func validate(_ p: [Unicode.Scalar]) throws(BadPattern) {
        var i = 0
        while i < p.count {
            switch p[i] {
            case "\\":
                i += 1
                if i >= p.count { throw BadPattern() }
                i += 1
            case "[":
                i += 1
                if i < p.count && p[i] == "^" { i += 1 }
                var first = true
                while true {
                    if i >= p.count { throw BadPattern() }
                    if p[i] == "]" && !first { i += 1; break }
                    first = false
                    // a char or escaped char, optionally a range
                    if p[i] == "\\" { i += 1; if i >= p.count { throw BadPattern() } }
                    else if p[i] == "-" { throw BadPattern() }
                    i += 1
                    if i < p.count && p[i] == "-" {
                        i += 1
                        if i >= p.count { throw BadPattern() }
                        if p[i] == "\\" { i += 1; if i >= p.count { throw BadPattern() } }
                        else if p[i] == "]" || p[i] == "-" { throw BadPattern() }
                        i += 1
                    }
                }
            default:
                i += 1
            }
        }
    }

    private static func matchFrom(_ p: [Unicode.Scalar], _ pi: Int, _ n: [Unicode.Scalar], _ ni: Int,
                                  _ budget: inout Int) -> Bool {
        budget -= 1
        if budget < 0 { return false }
        var pi = pi, ni = ni
        while pi < p.count {
            switch p[pi] {
            case "*":
                // Collapse consecutive stars; try every split that does not cross a '/'.
                while pi < p.count && p[pi] == "*" { pi += 1 }
                if pi == p.count { return !n[ni...].contains("/") }
                var k = ni
                while true {
                    if matchFrom(p, pi, n, k, &budget) { return true }
                    if k >= n.count || n[k] == "/" { return false }
                    k += 1
                }
            case "?":
                guard ni < n.count, n[ni] != "/" else { return false }
                pi += 1; ni += 1
            case "[":
                guard ni < n.count, n[ni] != "/" else { return false }
                let c = n[ni]
                pi += 1
                var negate = false
                if pi < p.count && p[pi] == "^" { negate = true; pi += 1 }
                var matched = false
                var first = true
                while pi < p.count && (p[pi] != "]" || first) {
                    first = false
                    var lo = p[pi]
                    if lo == "\\" { pi += 1; lo = p[pi] }
                    pi += 1
                    var hi = lo
                    if pi + 1 < p.count && p[pi] == "-" && p[pi + 1] != "]" {
                        pi += 1
                        hi = p[pi]
                        if hi == "\\" { pi += 1; hi = p[pi] }
                        pi += 1
                    }
                    if lo.value <= c.value && c.value <= hi.value { matched = true }
                }
                pi += 1  // the closing ']'
                if matched == negate { return false }
                ni += 1
            case "\\":
                pi += 1
                guard ni < n.count, n[ni] == p[pi] else { return false }
                pi += 1; ni += 1
            default:
                guard ni < n.count, n[ni] == p[pi] else { return false }
                pi += 1; ni += 1
            }
        }
        return ni == n.count
    }
}
