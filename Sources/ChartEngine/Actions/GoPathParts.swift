extension GoPath {
    /// Go's `filepath.Base`: the last element, trailing slashes ignored; `.` for an empty path and
    /// `/` for a path of slashes.
    static func base(_ p: String) -> String {
        if p.isEmpty { return "." }
        var s = Substring(p)
        while s.count > 0 && s.hasSuffix("/") { s = s.dropLast() }
        if s.isEmpty { return "/" }
        if let slash = s.lastIndex(of: "/") { s = s[s.index(after: slash)...] }
        return String(s)
    }

    /// Go's `filepath.Dir`: everything before the last slash, cleaned (`.` when there is none).
    static func dir(_ p: String) -> String {
        guard let slash = p.lastIndex(of: "/") else { return "." }
        return clean(String(p[...slash]))
    }
}
