/// A TOML v1.0 parser producing ``Value``s the way BurntSushi/toml decodes into
/// `map[string]interface{}` (int64, float64, string, bool, arrays, tables); date-times are kept as
/// their text. Nesting of inline arrays/tables is capped so hostile input cannot exhaust the stack.
struct TOMLParser {
    static let maxDepth = 1000

    private let b: [UInt8]
    private var i = 0
    private var line = 1
    private var root: [String: Value] = [:]
    /// Path of the current `[table]` / `[[array]]` header.
    private var current: [String] = []
    private var lastKey = ""
    /// Tables defined explicitly by a header or by key/value (redefinition is an error).
    private var defined: Set<[String]> = []

    /// When set, date-times decode to ``TOML/dateMarker`` maps instead of their RFC 3339 text.
    var markDates = false

    init(_ bytes: [UInt8]) { b = bytes }

    // MARK: Document

    mutating func parseDocument() throws(StructuredDataError) -> Value {
        while true {
            skipWhitespaceAndNewlines()
            guard i < b.count else { break }
            if b[i] == UInt8(ascii: "[") {
                try header()
            } else {
                try keyValue()
            }
            try endOfLine()
        }
        return .map(root)
    }

    private mutating func header() throws(StructuredDataError) {
        i += 1
        let array = i < b.count && b[i] == UInt8(ascii: "[")
        if array { i += 1 }
        skipSpaces()
        let path = try key()
        skipSpaces()
        guard i < b.count, b[i] == UInt8(ascii: "]") else {
            throw fail("expected '.' or ']' to end table name, but got \(quoted(i < b.count ? b[i] : nil)) instead")
        }
        i += 1
        if array {
            guard i < b.count, b[i] == UInt8(ascii: "]") else {
                throw fail("expected ']]' to end array of tables name")
            }
            i += 1
            try appendTable(at: path)
        } else {
            if defined.contains(path) {
                throw fail("Key '\(path.joined(separator: "."))' has already been defined.", withKey: false)
            }
            defined.insert(path)
            try ensureTable(at: path)
        }
        current = path
        lastKey = path.joined(separator: ".")
    }

    private mutating func keyValue() throws(StructuredDataError) {
        let path = try key()
        lastKey = (current + path).joined(separator: ".")
        skipSpaces()
        guard i < b.count, b[i] == UInt8(ascii: "=") else {
            throw fail("expected key separator '=', but got \(quoted(i < b.count ? b[i] : nil)) instead")
        }
        i += 1
        skipSpaces()
        let v = try value(depth: 0)
        try set(current + path, v)
    }

    private mutating func endOfLine() throws(StructuredDataError) {
        skipSpaces()
        if i < b.count, b[i] == UInt8(ascii: "#") { skipComment() }
        guard i >= b.count || b[i] == 0x0A || (b[i] == 0x0D && i + 1 < b.count && b[i + 1] == 0x0A) else {
            throw fail("expected a top-level item to end with a newline, comment, or EOF, but got \(quoted(b[i])) instead",
                       withKey: false)
        }
    }

    // MARK: Tree building

    /// Applies `change` to the value at `path` (creating intermediate tables), following the last
    /// element of arrays of tables as TOML's dotted headers do.
    private static func modify(
        _ node: inout Value, _ path: ArraySlice<String>, _ change: (inout Value?) throws(StructuredDataError) -> Void
    ) throws(StructuredDataError) {
        switch node {
        case .list(var items) where !items.isEmpty:
            node = .null
            var last = items.removeLast()
            try modify(&last, path, change)
            items.append(last)
            node = .list(items)
        case .map(var m):
            guard let k = path.first else { return }
            node = .null
            if path.count == 1 {
                var slot = m[k]
                try change(&slot)
                m[k] = slot
            } else {
                var child = m[k] ?? .map([:])
                m[k] = nil
                try modify(&child, path.dropFirst(), change)
                m[k] = child
            }
            node = .map(m)
        default:
            throw StructuredDataError("toml: key \(path.joined(separator: ".")) conflicts with a non-table value")
        }
    }

    private mutating func set(_ path: [String], _ v: Value) throws(StructuredDataError) {
        var tree = Value.map(root)
        root = [:]
        let keyName = path.last ?? ""
        let lineNo = line
        let last = lastKey
        defer { if case .map(let m) = tree { root = m } }
        try Self.modify(&tree, path[...]) { (slot: inout Value?) throws(StructuredDataError) in
            if slot != nil {
                throw StructuredDataError(
                    "toml: line \(lineNo) (last key \"\(last)\"): Key '\(keyName)' has already been defined.",
                    line: lineNo)
            }
            slot = v
        }
    }

    private mutating func ensureTable(at path: [String]) throws(StructuredDataError) {
        var tree = Value.map(root)
        root = [:]
        defer { if case .map(let m) = tree { root = m } }
        let lineNo = line
        try Self.modify(&tree, path[...]) { (slot: inout Value?) throws(StructuredDataError) in
            switch slot {
            case nil: slot = .map([:])
            case .map?, .list?: break
            default:
                throw StructuredDataError("toml: line \(lineNo): Key '\(path.joined(separator: "."))' has already been defined.",
                                          line: lineNo)
            }
        }
    }

    private mutating func appendTable(at path: [String]) throws(StructuredDataError) {
        var tree = Value.map(root)
        root = [:]
        defer { if case .map(let m) = tree { root = m } }
        let lineNo = line
        try Self.modify(&tree, path[...]) { (slot: inout Value?) throws(StructuredDataError) in
            switch slot {
            case nil: slot = .list([.map([:])])
            case .list(var items)?:
                items.append(.map([:]))
                slot = .list(items)
            default:
                throw StructuredDataError(
                    "toml: line \(lineNo): Key '\(path.joined(separator: "."))' has already been defined.", line: lineNo)
            }
        }
    }

    // MARK: Keys

    private mutating func key() throws(StructuredDataError) -> [String] {
        var parts: [String] = []
        while true {
            skipSpaces()
            guard i < b.count else { throw fail("unexpected EOF; expected key") }
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                parts.append(try basicString())
            } else if c == UInt8(ascii: "'") {
                parts.append(try literalString())
            } else {
                let start = i
                while i < b.count, Self.isBareKeyChar(b[i]) { i += 1 }
                guard i > start else {
                    if c == UInt8(ascii: "=") { throw fail("unexpected '=': key name appears blank") }
                    throw fail("expected key, but got \(quoted(c)) instead")
                }
                parts.append(String(decoding: b[start..<i], as: UTF8.self))
            }
            skipSpaces()
            if i < b.count, b[i] == UInt8(ascii: ".") {
                guard parts.count < Self.maxDepth else { throw fail("key has too many parts") }
                i += 1
                continue
            }
            return parts
        }
    }

    private static func isBareKeyChar(_ c: UInt8) -> Bool {
        (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c == 95 || c == 45
    }

    // MARK: Values

    private mutating func value(depth: Int) throws(StructuredDataError) -> Value {
        guard depth < Self.maxDepth else { throw fail("exceeded max nesting depth of \(Self.maxDepth)") }
        guard i < b.count, b[i] != 0x0A else { throw fail("unexpected EOF; expected value") }
        let c = b[i]
        switch c {
        case UInt8(ascii: "\""):
            if starts(with: "\"\"\"") { return .string(try multilineBasic()) }
            return .string(try basicString())
        case UInt8(ascii: "'"):
            if starts(with: "'''") { return .string(try multilineLiteral()) }
            return .string(try literalString())
        case UInt8(ascii: "["):
            i += 1
            var items: [Value] = []
            while true {
                skipWhitespaceNewlinesComments()
                guard i < b.count else { throw fail("unexpected EOF; expected array value") }
                if b[i] == UInt8(ascii: "]") {
                    i += 1
                    return .list(items)
                }
                items.append(try value(depth: depth + 1))
                skipWhitespaceNewlinesComments()
                guard i < b.count else {
                    throw fail("expected a comma (',') or array terminator (']'), but got end of file")
                }
                if b[i] == UInt8(ascii: ",") {
                    i += 1
                } else if b[i] != UInt8(ascii: "]") {
                    throw fail("expected a comma (',') or array terminator (']'), but got \(quoted(b[i]))")
                }
            }
        case UInt8(ascii: "{"):
            i += 1
            var table: Value = .map([:])
            skipSpaces()
            if i < b.count, b[i] == UInt8(ascii: "}") {
                i += 1
                return table
            }
            while true {
                skipSpaces()
                let path = try key()
                skipSpaces()
                guard i < b.count, b[i] == UInt8(ascii: "=") else { throw fail("expected '=' in inline table") }
                i += 1
                skipSpaces()
                let v = try value(depth: depth + 1)
                let lineNo = line
                try Self.modify(&table, path[...]) { (slot: inout Value?) throws(StructuredDataError) in
                    if slot != nil {
                        throw StructuredDataError("toml: line \(lineNo): Key '\(path.joined(separator: "."))' has already been defined.", line: lineNo)
                    }
                    slot = v
                }
                skipSpaces()
                guard i < b.count else { throw fail("unexpected EOF; expected '}'") }
                if b[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                guard b[i] == UInt8(ascii: "}") else {
                    throw fail("expected a comma or an inline table terminator '}', but got \(quoted(b[i])) instead")
                }
                i += 1
                return table
            }
        default:
            return try scalarWord()
        }
    }

    /// Booleans, numbers and date-times (everything up to a delimiter).
    private mutating func scalarWord() throws(StructuredDataError) -> Value {
        let start = i
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: ",") || c == UInt8(ascii: "]") || c == UInt8(ascii: "}") || c == 0x0A || c == 0x0D
                || c == UInt8(ascii: "#")
            {
                break
            }
            // A space ends the word unless it separates a date from a time (`1979-05-27 07:32:00`).
            if c == 0x20 || c == 0x09 {
                let sofar = b[start..<i]
                if c == 0x20, sofar.count == 10, sofar.contains(UInt8(ascii: "-")), i + 1 < b.count,
                    b[i + 1] >= 48 && b[i + 1] <= 57
                {
                    i += 1
                    continue
                }
                break
            }
            i += 1
        }
        let word = String(decoding: b[start..<i], as: UTF8.self)
        switch word {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "inf", "+inf": return .float(.infinity)
        case "-inf": return .float(-.infinity)
        case "nan", "+nan", "-nan": return .float(.nan)
        default: break
        }
        guard !word.isEmpty else { throw fail("expected value but found \(quoted(i < b.count ? b[i] : nil)) instead") }
        if Self.isDateTime(word) {
            return markDates ? .map([TOML.dateMarker: .string(Self.goTimeJSON(word))]) : .string(Self.goTimeJSON(word))
        }
        if let v = Self.number(word) { return v }
        let digitsOnly = word.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || $0 == 95 || $0 == 43 || $0 == 45 }
        if digitsOnly {
            if word.contains("__") || word.hasPrefix("_") || word.hasSuffix("_") {
                throw fail("Invalid integer \"\(word)\": underscores must be surrounded by digits")
            }
            let body = word.hasPrefix("+") || word.hasPrefix("-") ? word.dropFirst() : Substring(word)
            if body.count > 1, body.first == "0" {
                throw fail("Invalid integer \"\(word)\": cannot have leading zeroes")
            }
        }
        throw fail("invalid value: \(word)")
    }

    static func isDateTime(_ w: String) -> Bool {
        let u = Array(w.utf8)
        func digits(_ r: Range<Int>) -> Bool { r.upperBound <= u.count && u[r].allSatisfy { $0 >= 48 && $0 <= 57 } }
        if u.count >= 10, digits(0..<4), u[4] == UInt8(ascii: "-"), digits(5..<7), u[7] == UInt8(ascii: "-"), digits(8..<10) {
            return true
        }
        return u.count >= 8 && digits(0..<2) && u[2] == UInt8(ascii: ":") && digits(3..<5) && u[5] == UInt8(ascii: ":")
    }

    /// BurntSushi decodes date-times to `time.Time`; they are kept as the text Go's JSON encoding of
    /// that time gives (RFC 3339, local kinds as UTC, fraction trimmed), so `toJson`/`toYaml` of a
    /// decoded document match Helm: `1979-05-27` → `1979-05-27T00:00:00Z`, `07:32:00` →
    /// `0000-01-01T07:32:00Z`, `+00:00` → `Z`.
    static func goTimeJSON(_ w: String) -> String {
        var text = w
        if text.count == 10 { return text + "T00:00:00Z" }
        if text.utf8.count >= 3, Array(text.utf8)[2] == UInt8(ascii: ":") { text = "0000-01-01T" + text }
        var u = Array(text.utf8)
        if u.count > 10, u[10] == UInt8(ascii: " ") || u[10] == UInt8(ascii: "t") { u[10] = UInt8(ascii: "T") }
        // Split off the zone.
        var zone = "Z"
        var body = u
        if let last = u.last, last == UInt8(ascii: "Z") || last == UInt8(ascii: "z") {
            body = Array(u.dropLast())
        } else if u.count >= 25 || (u.count > 19 && (u[u.count - 6] == UInt8(ascii: "+") || u[u.count - 6] == UInt8(ascii: "-"))
            && u[u.count - 3] == UInt8(ascii: ":"))
        {
            let z = String(decoding: u.suffix(6), as: UTF8.self)
            if z.first == "+" || z.first == "-" {
                zone = z == "+00:00" || z == "-00:00" ? "Z" : z
                body = Array(u.dropLast(6))
            }
        }
        // RFC3339Nano: drop trailing zeros of the fraction, and the dot when nothing is left.
        if let dot = body.firstIndex(of: UInt8(ascii: ".")) {
            while body.count > dot + 1, body.last == UInt8(ascii: "0") { body.removeLast() }
            if body.count == dot + 1 { body.removeLast() }
        }
        return String(decoding: body, as: UTF8.self) + zone
    }

    /// TOML integers (`0x`, `0o`, `0b`, `_` between digits) and floats.
    static func number(_ w: String) -> Value? {
        let u = Array(w.utf8)
        // Underscores must sit between digits.
        for (n, c) in u.enumerated() where c == UInt8(ascii: "_") {
            guard n > 0, n + 1 < u.count, isHexDigit(u[n - 1]), isHexDigit(u[n + 1]) else { return nil }
        }
        let plain = w.replacingAll("_", with: "")
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where plain.hasPrefix(prefix) {
            guard let v = Int64(plain.dropFirst(2), radix: radix) else { return nil }
            return .int(v)
        }
        let body = plain.hasPrefix("+") || plain.hasPrefix("-") ? plain.dropFirst() : Substring(plain)
        // Leading zeros are not allowed on decimal integers or float integer parts.
        if body.count > 1, body.first == "0", let second = body.dropFirst().first, second.isNumber { return nil }
        if body.allSatisfy({ $0.isASCII && $0.isNumber }), !body.isEmpty {
            guard let v = Int64(plain) else { return nil }
            return .int(v)
        }
        guard body.first?.isNumber == true, body.last?.isNumber == true,
            body.allSatisfy({ $0.isNumber || $0 == "." || $0 == "e" || $0 == "E" || $0 == "+" || $0 == "-" })
        else { return nil }
        guard let d = Double(plain) else { return nil }
        return .float(d)
    }

    private static func isHexDigit(_ c: UInt8) -> Bool {
        (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70)
    }

    // MARK: Strings

    private mutating func basicString() throws(StructuredDataError) -> String {
        i += 1
        var out: [UInt8] = []
        while true {
            guard i < b.count, b[i] != 0x0A else { throw fail("unexpected EOF; expected '\"'") }
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: out, as: UTF8.self)
            }
            if c == UInt8(ascii: "\\") {
                try escape(into: &out)
                continue
            }
            if (c < 0x20 && c != 0x09) || c == 0x7F { throw fail("control characters are not allowed in strings") }
            out.append(c)
            i += 1
        }
    }

    private mutating func multilineBasic() throws(StructuredDataError) -> String {
        i += 3
        if i < b.count, b[i] == 0x0A { i += 1; line += 1 } else if starts(with: "\r\n") { i += 2; line += 1 }
        var out: [UInt8] = []
        while true {
            guard i < b.count else { throw fail("unexpected EOF; expected '\"\"\"'") }
            if starts(with: "\"\"\"") {
                i += 3
                // Up to two extra quotes belong to the content.
                var extra = 0
                while extra < 2, i < b.count, b[i] == UInt8(ascii: "\"") { out.append(b[i]); i += 1; extra += 1 }
                return String(decoding: out, as: UTF8.self)
            }
            let c = b[i]
            if c == UInt8(ascii: "\\") {
                // Line-ending backslash trims the break and following whitespace.
                var j = i + 1
                while j < b.count, b[j] == 0x20 || b[j] == 0x09 { j += 1 }
                if j < b.count, b[j] == 0x0A || b[j] == 0x0D {
                    i = j
                    while i < b.count, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A || b[i] == 0x0D {
                        if b[i] == 0x0A { line += 1 }
                        i += 1
                    }
                    continue
                }
                try escape(into: &out)
                continue
            }
            if c == 0x0A { line += 1 }
            out.append(c)
            i += 1
        }
    }

    private mutating func literalString() throws(StructuredDataError) -> String {
        i += 1
        let start = i
        while i < b.count, b[i] != UInt8(ascii: "'") {
            if b[i] == 0x0A { throw fail("unexpected EOF; expected \"'\"") }
            i += 1
        }
        guard i < b.count else { throw fail("unexpected EOF; expected \"'\"") }
        let s = String(decoding: b[start..<i], as: UTF8.self)
        i += 1
        return s
    }

    private mutating func multilineLiteral() throws(StructuredDataError) -> String {
        i += 3
        if i < b.count, b[i] == 0x0A { i += 1; line += 1 } else if starts(with: "\r\n") { i += 2; line += 1 }
        let start = i
        while i < b.count, !starts(with: "'''") {
            if b[i] == 0x0A { line += 1 }
            i += 1
        }
        guard i < b.count else { throw fail("unexpected EOF; expected \"'''\"") }
        var end = i
        i += 3
        while i < b.count, b[i] == UInt8(ascii: "'"), i - end < 5 { i += 1 }
        end = i - 3
        return String(decoding: b[start..<end], as: UTF8.self)
    }

    private mutating func escape(into out: inout [UInt8]) throws(StructuredDataError) {
        i += 1
        guard i < b.count else { throw fail("unexpected EOF in escape") }
        let e = b[i]
        i += 1
        switch e {
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "e"): out.append(0x1B)
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5C)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let n = e == UInt8(ascii: "u") ? 4 : 8
            guard i + n <= b.count, let v = UInt32(String(decoding: b[i..<(i + n)], as: UTF8.self), radix: 16),
                let scalar = Unicode.Scalar(v)
            else { throw fail("invalid unicode escape") }
            i += n
            out += Array(String(Character(scalar)).utf8)
        default:
            throw fail("invalid escape in string '\\\(String(decoding: [e], as: UTF8.self))'")
        }
    }

    // MARK: Lexing helpers

    private func starts(with s: String) -> Bool {
        let u = Array(s.utf8)
        return i + u.count <= b.count && Array(b[i..<(i + u.count)]) == u
    }

    private mutating func skipSpaces() {
        while i < b.count, b[i] == 0x20 || b[i] == 0x09 { i += 1 }
    }

    private mutating func skipComment() {
        while i < b.count, b[i] != 0x0A { i += 1 }
    }

    private mutating func skipWhitespaceAndNewlines() {
        while i < b.count {
            switch b[i] {
            case 0x20, 0x09, 0x0D: i += 1
            case 0x0A: i += 1; line += 1
            case UInt8(ascii: "#"): skipComment()
            default: return
            }
        }
    }

    private mutating func skipWhitespaceNewlinesComments() { skipWhitespaceAndNewlines() }

    private func quoted(_ c: UInt8?) -> String {
        guard let c else { return "EOF" }
        switch c {
        case 0x0A: return "'\\n'"
        case 0x0D: return "'\\r'"
        case 0x09: return "'\\t'"
        default: return "'" + String(decoding: [c], as: UTF8.self) + "'"
        }
    }

    private func fail(_ message: String, withKey: Bool = true) -> StructuredDataError {
        let lastPart = lastKey.isEmpty || !withKey ? "" : " (last key \"\(lastKey)\")"
        return StructuredDataError("toml: line \(line)\(lastPart): \(message)", line: line)
    }
}
