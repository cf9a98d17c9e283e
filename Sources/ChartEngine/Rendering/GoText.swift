/// Go's `strconv.Quote` (`%q` of a string): escapes quotes, backslashes, control and non-printable
/// characters.
func quoteGo(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\u{07}": out += "\\a"
        case "\u{08}": out += "\\b"
        case "\u{0C}": out += "\\f"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\u{0B}": out += "\\v"
        default:
            let cat = u.properties.generalCategory
            let printable = !(cat == .control || cat == .format || cat == .unassigned || cat == .surrogate
                || cat == .privateUse || cat == .lineSeparator || cat == .paragraphSeparator
                || (cat == .spaceSeparator && u != " "))
            if printable {
                out.unicodeScalars.append(u)
            } else if u.value < 0x80 {
                out += "\\x" + hex(u.value, width: 2)
            } else if u.value <= 0xFFFF {
                out += "\\u" + hex(u.value, width: 4)
            } else {
                out += "\\U" + hex(u.value, width: 8)
            }
        }
    }
    return out + "\""
}

private func hex(_ v: UInt32, width: Int) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: max(0, width - s.count)) + s
}

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
