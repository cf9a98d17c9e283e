/// Sprig's path functions: Go's `path` (`base dir clean ext isAbs`) and `path/filepath`
/// (`osBase …`), which on Linux behave identically. Byte-based, `/` separators only.
extension FunctionRegistry {
    mutating func registerPaths() {
        for prefix in ["", "os"] {
            func name(_ n: String) -> String { prefix.isEmpty ? n : prefix + n.prefix(1).uppercased() + n.dropFirst() }
            register(name("base"), [.string]) { a, _ in .string(GoPath.base(try a.string(0))) }
            register(name("dir"), [.string]) { a, _ in .string(GoPath.dir(try a.string(0))) }
            register(name("clean"), [.string]) { a, _ in .string(GoPath.clean(try a.string(0))) }
            register(name("ext"), [.string]) { a, _ in .string(GoPath.ext(try a.string(0))) }
            register(name("isAbs"), [.string]) { a, _ in .bool(try a.string(0).utf8.first == UInt8(ascii: "/")) }
        }
    }
}

/// Go's `path` package.
enum GoPath {
    private static let slash = UInt8(ascii: "/")
    private static let dot = UInt8(ascii: ".")

    /// `path.Clean`: lexical normalisation (`a//b/../c/.` → `a/c`, `/../a` → `/a`, `` → `.`).
    static func clean(_ p: String) -> String {
        let b = Array(p.utf8)
        if b.isEmpty { return "." }
        let rooted = b[0] == slash
        var out: [UInt8] = rooted ? [slash] : []
        var r = rooted ? 1 : 0
        var dotdot = out.count  // index where `..` can no longer backtrack
        while r < b.count {
            if b[r] == slash {
                r += 1
            } else if b[r] == dot && (r + 1 == b.count || b[r + 1] == slash) {
                r += 1
            } else if b[r] == dot && b.count > r + 1 && b[r + 1] == dot && (r + 2 == b.count || b[r + 2] == slash) {
                r += 2
                if out.count > dotdot {
                    // Backtrack to the previous slash.
                    var w = out.count - 1
                    while w > dotdot && out[w] != slash { w -= 1 }
                    out.removeSubrange(w...)
                } else if !rooted {
                    if !out.isEmpty { out.append(slash) }
                    out += [dot, dot]
                    dotdot = out.count
                }
            } else {
                if (rooted && out.count != 1) || (!rooted && !out.isEmpty) { out.append(slash) }
                while r < b.count && b[r] != slash {
                    out.append(b[r])
                    r += 1
                }
            }
        }
        if out.isEmpty { return "." }
        return GoStrings.fromBytes(out)
    }

    /// `path.Base`: last element after dropping trailing slashes; `` → `.`, all slashes → `/`.
    static func base(_ p: String) -> String {
        var b = Array(p.utf8)
        if b.isEmpty { return "." }
        while b.count > 0 && b.last == slash { b.removeLast() }
        if let i = b.lastIndex(of: slash) { b = Array(b[(i + 1)...]) }
        if b.isEmpty { return "/" }
        return GoStrings.fromBytes(b)
    }

    /// `path.Dir`: everything up to the last slash, cleaned.
    static func dir(_ p: String) -> String {
        let b = Array(p.utf8)
        let cut = (b.lastIndex(of: slash) ?? -1) + 1
        return clean(GoStrings.fromBytes(b[..<cut]))
    }

    /// `path.Ext`: from the last dot of the last element (`` when none).
    static func ext(_ p: String) -> String {
        let b = Array(p.utf8)
        var i = b.count - 1
        while i >= 0 && b[i] != slash {
            if b[i] == dot { return GoStrings.fromBytes(b[i...]) }
            i -= 1
        }
        return ""
    }
}
