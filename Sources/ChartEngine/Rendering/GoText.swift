import StructuredData
import Templating

/// Go's `strconv.Quote` (`%q` of a string): the template engine's implementation.
func quoteGo(_ s: String) -> String { goQuote(s) }

/// Go's `path.Base`.
func pathBase(_ p: String) -> String {
    if p.isEmpty { return "." }
    var s = Substring(p)
    while s.count > 1 && s.hasSuffix("/") { s = s.dropLast() }
    if let slash = s.lastIndex(of: "/") {
        let rest = s[s.index(after: slash)...]
        return rest.isEmpty ? "/" : String(rest)
    }
    return String(s)
}
