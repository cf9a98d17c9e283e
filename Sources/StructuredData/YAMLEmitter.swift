/// A block-style YAML emitter reproducing go-yaml's emitter (itself a port of libyaml's) for the
/// node shapes Helm emits: maps with string keys, lists, and scalars. Two flavours:
/// - `.v2` — go-yaml v2 as sigs.k8s.io/yaml `Marshal` runs it (Helm `toYaml`): sequences inside
///   mappings are not indented, plain/quoted scalars fold at column 80;
/// - `.v3` — go-yaml v3 with `SetIndent(2)` (Helm `toYamlPretty`): sequences indented under keys, no
///   folding, tabs allowed in literal blocks.
struct YAMLEmitter {
    enum Flavor { case v2, v3 }

    /// A scalar as the encoder hands it over: strings get go-yaml's quoting analysis, other scalars
    /// (numbers, booleans, null) are written plain.
    enum Node {
        case string(String)
        case plain(String)
        case list([Node])
        case map([(String, Node)])
    }

    private enum Style { case plain, singleQuoted, doubleQuoted, literal }

    let flavor: Flavor
    private let bestIndent = 2
    private let bestWidth: Int
    private var out: [UInt8] = []
    private var column = 0
    private var indent = -1
    private var indents: [Int] = []
    private var whitespace = true
    private var indention = true
    /// go-yaml's node contexts (only these two change the output of the shapes emitted here).
    private var mappingContext = false
    private var simpleKeyContext = false

    init(flavor: Flavor) {
        self.flavor = flavor
        bestWidth = flavor == .v2 ? 80 : Int.max
    }

    /// Emits one implicit document holding `node`, ending with a newline.
    mutating func document(_ node: Node) -> String {
        emitNode(node, root: true, sequence: false, mapping: false, simpleKey: false)
        indent = -1
        writeIndent()
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: Nodes

    private mutating func emitNode(_ node: Node, root: Bool, sequence: Bool, mapping: Bool, simpleKey: Bool) {
        mappingContext = mapping
        simpleKeyContext = simpleKey
        switch node {
        case .string(let s): emitScalar(Array(s.utf8), requested: Self.requestedStyle(s))
        case .plain(let s): emitScalar(Array(s.utf8), requested: .plain)
        case .list(let items):
            if items.isEmpty { emitEmptyFlow("[", "]") } else { emitBlockSequence(items) }
        case .map(let pairs):
            if pairs.isEmpty { emitEmptyFlow("{", "}") } else { emitBlockMapping(pairs) }
        }
    }

    /// go-yaml's `stringv`: multi-line → literal, strings that resolve as something else → double
    /// quotes, otherwise plain (the emitter may still downgrade plain to single/double quotes).
    private static func requestedStyle(_ s: String) -> Style {
        if s.utf8.contains(UInt8(ascii: "\n")) { return .literal }
        return YAMLResolve.needsQuoting(s) ? .doubleQuoted : .plain
    }

    private mutating func emitEmptyFlow(_ open: String, _ close: String) {
        writeIndicator(open, needWhitespace: true, isWhitespace: true, isIndention: false)
        increaseIndent(flow: true, indentless: false)
        indent = indents.removeLast()
        writeIndicator(close, needWhitespace: false, isWhitespace: false, isIndention: false)
    }

    private mutating func emitBlockSequence(_ items: [Node]) {
        let indentless = flavor == .v2 && mappingContext && !indention
        increaseIndent(flow: false, indentless: indentless)
        for item in items {
            writeIndent()
            writeIndicator("-", needWhitespace: true, isWhitespace: false, isIndention: true)
            emitNode(item, root: false, sequence: true, mapping: false, simpleKey: false)
        }
        indent = indents.removeLast()
    }

    private mutating func emitBlockMapping(_ pairs: [(String, Node)]) {
        increaseIndent(flow: false, indentless: false)
        for (key, value) in pairs {
            writeIndent()
            // go-yaml `check_simple_key`: multi-line or longer than 128 bytes → `? key` form.
            let multiline = key.utf8.contains { $0 == 0x0A || $0 == 0x0D || $0 >= 0x80 }
                && key.unicodeScalars.contains { [0x0A, 0x0D, 0x85, 0x2028, 0x2029].contains($0.value) }
            let simple = !multiline && key.utf8.count <= 128
            if simple {
                emitNode(.string(key), root: false, sequence: false, mapping: true, simpleKey: true)
                writeIndicator(":", needWhitespace: false, isWhitespace: false, isIndention: false)
            } else {
                writeIndicator("?", needWhitespace: true, isWhitespace: false, isIndention: true)
                emitNode(.string(key), root: false, sequence: false, mapping: true, simpleKey: false)
                writeIndent()
                writeIndicator(":", needWhitespace: true, isWhitespace: false, isIndention: true)
            }
            emitNode(value, root: false, sequence: false, mapping: true, simpleKey: false)
        }
        indent = indents.removeLast()
    }

    private mutating func increaseIndent(flow: Bool, indentless: Bool) {
        indents.append(indent)
        if indent < 0 {
            indent = flow ? bestIndent : 0
        } else if !indentless {
            indent += bestIndent
        }
    }

    // MARK: Scalars

    private mutating func emitScalar(_ value: [UInt8], requested: Style) {
        let a = ScalarAnalysis(value, flavor: flavor)
        var style = requested
        if simpleKeyContext && a.multiline { style = .doubleQuoted }
        if style == .plain {
            if !a.blockPlainAllowed { style = .singleQuoted }
            if value.isEmpty && simpleKeyContext { style = .singleQuoted }
        }
        if style == .singleQuoted && !a.singleQuotedAllowed { style = .doubleQuoted }
        if style == .literal && (!a.blockAllowed || simpleKeyContext) { style = .doubleQuoted }

        increaseIndent(flow: true, indentless: false)
        let allowBreaks = !simpleKeyContext
        switch style {
        case .plain: writePlain(value, allowBreaks: allowBreaks)
        case .singleQuoted: writeSingleQuoted(value, allowBreaks: allowBreaks)
        case .doubleQuoted: writeDoubleQuoted(value, allowBreaks: allowBreaks)
        case .literal: writeLiteral(value)
        }
        indent = indents.removeLast()
    }

    private mutating func writePlain(_ v: [UInt8], allowBreaks: Bool) {
        if !whitespace && !v.isEmpty { put(UInt8(ascii: " ")) }
        // No space (no folding point) and nothing that can start a line break: the loop below would
        // copy character by character; copy at once and count the characters as it would.
        if !v.contains(where: { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0xC2 || $0 == 0xE2 }) {
            out.append(contentsOf: v)
            var i = 0
            while i < v.count {
                i += max(ScalarAnalysis.width(v[i]), 1)
                column += 1
            }
            whitespace = false
            indention = false
            return
        }
        var spaces = false
        var breaks = false
        var i = 0
        while i < v.count {
            if v[i] == UInt8(ascii: " ") {
                if allowBreaks && !spaces && column > bestWidth && !(i + 1 < v.count && v[i + 1] == UInt8(ascii: " ")) {
                    writeIndent()
                    i += 1
                } else {
                    write(v, &i)
                }
                spaces = true
            } else if let w = Self.breakWidth(v, i) {
                if !breaks && v[i] == UInt8(ascii: "\n") { putBreak() }
                writeBreak(v, &i, width: w)
                indention = true
                breaks = true
            } else {
                if breaks { writeIndent() }
                write(v, &i)
                indention = false
                spaces = false
                breaks = false
            }
        }
        whitespace = false
        indention = false
    }

    private mutating func writeSingleQuoted(_ v: [UInt8], allowBreaks: Bool) {
        writeIndicator("'", needWhitespace: true, isWhitespace: false, isIndention: false)
        var spaces = false
        var breaks = false
        var i = 0
        while i < v.count {
            if v[i] == UInt8(ascii: " ") {
                if allowBreaks && !spaces && column > bestWidth && i > 0 && i < v.count - 1
                    && v[i + 1] != UInt8(ascii: " ")
                {
                    writeIndent()
                    i += 1
                } else {
                    write(v, &i)
                }
                spaces = true
            } else if let w = Self.breakWidth(v, i) {
                if !breaks && v[i] == UInt8(ascii: "\n") { putBreak() }
                writeBreak(v, &i, width: w)
                indention = true
                breaks = true
            } else {
                if breaks { writeIndent() }
                if v[i] == UInt8(ascii: "'") { put(UInt8(ascii: "'")) }
                write(v, &i)
                indention = false
                spaces = false
                breaks = false
            }
        }
        writeIndicator("'", needWhitespace: false, isWhitespace: false, isIndention: false)
        whitespace = false
        indention = false
    }

    private mutating func writeDoubleQuoted(_ v: [UInt8], allowBreaks: Bool) {
        writeIndicator("\"", needWhitespace: true, isWhitespace: false, isIndention: false)
        var spaces = false
        var i = 0
        // go-yaml's `is_bom` ignores its index and tests the start of the string, so a string that
        // begins with a BOM has every character escaped (`"\uFEFF\x78"`).
        let startsWithBOM = ScalarAnalysis.isBOM(v, 0)
        while i < v.count {
            if !ScalarAnalysis.isPrintable(v, i) || startsWithBOM || Self.breakWidth(v, i) != nil
                || v[i] == UInt8(ascii: "\"") || v[i] == UInt8(ascii: "\\")
            {
                let w = ScalarAnalysis.width(v[i])
                var scalar = UInt32(v[i]) & (w == 1 ? 0x7F : w == 2 ? 0x1F : w == 3 ? 0x0F : 0x07)
                for k in 1..<max(w, 1) where i + k < v.count { scalar = (scalar << 6) | (UInt32(v[i + k]) & 0x3F) }
                i += max(w, 1)
                put(UInt8(ascii: "\\"))
                switch scalar {
                case 0x00: put(UInt8(ascii: "0"))
                case 0x07: put(UInt8(ascii: "a"))
                case 0x08: put(UInt8(ascii: "b"))
                case 0x09: put(UInt8(ascii: "t"))
                case 0x0A: put(UInt8(ascii: "n"))
                case 0x0B: put(UInt8(ascii: "v"))
                case 0x0C: put(UInt8(ascii: "f"))
                case 0x0D: put(UInt8(ascii: "r"))
                case 0x1B: put(UInt8(ascii: "e"))
                case 0x22: put(UInt8(ascii: "\""))
                case 0x5C: put(UInt8(ascii: "\\"))
                case 0x85: put(UInt8(ascii: "N"))
                case 0xA0: put(UInt8(ascii: "_"))
                case 0x2028: put(UInt8(ascii: "L"))
                case 0x2029: put(UInt8(ascii: "P"))
                default:
                    let digits: Int
                    if scalar <= 0xFF { put(UInt8(ascii: "x")); digits = 2 }
                    else if scalar <= 0xFFFF { put(UInt8(ascii: "u")); digits = 4 }
                    else { put(UInt8(ascii: "U")); digits = 8 }
                    for k in stride(from: (digits - 1) * 4, through: 0, by: -4) {
                        let d = UInt8((scalar >> UInt32(k)) & 0x0F)
                        put(d < 10 ? d + 48 : d + 55)
                    }
                }
                spaces = false
            } else if v[i] == UInt8(ascii: " ") {
                if allowBreaks && !spaces && column > bestWidth && i != 0 && i != v.count - 1 {
                    writeIndent()
                    if i + 1 < v.count && v[i + 1] == UInt8(ascii: " ") { put(UInt8(ascii: "\\")) }
                    i += 1
                } else {
                    write(v, &i)
                }
                spaces = true
            } else {
                write(v, &i)
                spaces = false
            }
        }
        writeIndicator("\"", needWhitespace: false, isWhitespace: false, isIndention: false)
        whitespace = false
        indention = false
    }

    private mutating func writeLiteral(_ v: [UInt8]) {
        writeIndicator("|", needWhitespace: true, isWhitespace: false, isIndention: false)
        writeBlockScalarHints(v)
        putBreak()
        indention = true
        whitespace = true
        var breaks = true
        var i = 0
        while i < v.count {
            if let w = Self.breakWidth(v, i) {
                writeBreak(v, &i, width: w)
                indention = true
                breaks = true
            } else {
                if breaks {
                    writeIndent()
                    breaks = false
                }
                write(v, &i)
                indention = false
            }
        }
    }

    /// Indentation indicator when the text starts with a space or break; chomping `-` when it does
    /// not end with a break, `+` when it ends with two (or is a lone break).
    private mutating func writeBlockScalarHints(_ v: [UInt8]) {
        if v.first == UInt8(ascii: " ") || Self.breakWidth(v, 0) != nil {
            writeIndicator(String(bestIndent), needWhitespace: false, isWhitespace: false, isIndention: false)
        }
        var chomp: String?
        if v.isEmpty {
            chomp = "-"
        } else {
            var i = v.count - 1
            while i > 0 && v[i] & 0xC0 == 0x80 { i -= 1 }
            if Self.breakWidth(v, i) == nil {
                chomp = "-"
            } else if i == 0 {
                chomp = "+"
            } else {
                i -= 1
                while i > 0 && v[i] & 0xC0 == 0x80 { i -= 1 }
                if Self.breakWidth(v, i) != nil { chomp = "+" }
            }
        }
        if let chomp { writeIndicator(chomp, needWhitespace: false, isWhitespace: false, isIndention: false) }
    }

    // MARK: Low-level writing (column counted in characters, as go-yaml does)

    private mutating func put(_ b: UInt8) {
        out.append(b)
        column += 1
    }

    private mutating func putBreak() {
        out.append(UInt8(ascii: "\n"))
        column = 0
    }

    /// Copies one UTF-8 character.
    private mutating func write(_ v: [UInt8], _ i: inout Int) {
        if v[i] < 0x80 {
            out.append(v[i])
            column += 1
            i += 1
            return
        }
        let w = max(ScalarAnalysis.width(v[i]), 1)
        let end = min(i + w, v.count)
        out.append(contentsOf: v[i..<end])
        column += 1
        i = end
    }

    private mutating func writeBreak(_ v: [UInt8], _ i: inout Int, width: Int) {
        if v[i] == UInt8(ascii: "\n") {
            putBreak()
            i += 1
        } else {
            out.append(contentsOf: v[i..<min(i + width, v.count)])
            i += width
            column = 0
        }
    }

    private mutating func writeIndent() {
        let target = max(indent, 0)
        if !indention || column > target || (column == target && !whitespace) { putBreak() }
        while column < target { put(UInt8(ascii: " ")) }
        whitespace = true
        indention = true
    }

    private mutating func writeIndicator(
        _ indicator: String, needWhitespace: Bool, isWhitespace: Bool, isIndention: Bool
    ) {
        if needWhitespace && !whitespace { put(UInt8(ascii: " ")) }
        for b in indicator.utf8 { put(b) }
        whitespace = isWhitespace
        indention = indention && isIndention
    }

    /// Width of the YAML line break at `i` (`\r`, `\n`, U+0085, U+2028, U+2029), or nil.
    static func breakWidth(_ v: [UInt8], _ i: Int) -> Int? {
        guard i < v.count else { return nil }
        switch v[i] {
        case 0x0A, 0x0D: return 1
        case 0xC2 where i + 1 < v.count && v[i + 1] == 0x85: return 2
        case 0xE2 where i + 2 < v.count && v[i + 1] == 0x80 && (v[i + 2] == 0xA8 || v[i + 2] == 0xA9): return 3
        default: return nil
        }
    }
}

/// go-yaml's `yaml_emitter_analyze_scalar`: which styles can represent a scalar faithfully.
struct ScalarAnalysis {
    var multiline = false
    var blockPlainAllowed = true
    var singleQuotedAllowed = true
    var blockAllowed = true

    init(_ v: [UInt8], flavor: YAMLEmitter.Flavor) {
        if v.isEmpty {
            blockPlainAllowed = true
            singleQuotedAllowed = true
            blockAllowed = false
            return
        }
        var blockIndicators = false
        var lineBreaks = false, specialCharacters = false, tabCharacters = false
        var leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false
        var breakSpace = false, spaceBreak = false
        var previousSpace = false, previousBreak = false
        if v.count >= 3 && (v[0...2] == [45, 45, 45] || v[0...2] == [46, 46, 46]) { blockIndicators = true }
        var precededByWhitespace = true
        var i = 0
        while i < v.count {
            let w = max(Self.width(v[i]), 1)
            let followedByWhitespace = i + w >= v.count || Self.isBlankZ(v, i + w)
            let c = v[i]
            if i == 0 {
                switch c {
                case UInt8(ascii: "#"), UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"),
                    UInt8(ascii: "}"), UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: "|"),
                    UInt8(ascii: ">"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "%"), UInt8(ascii: "@"),
                    UInt8(ascii: "`"):
                    blockIndicators = true
                case UInt8(ascii: "?"), UInt8(ascii: ":"), UInt8(ascii: "-"):
                    if followedByWhitespace { blockIndicators = true }
                default: break
                }
            } else {
                switch c {
                case UInt8(ascii: ":"):
                    if followedByWhitespace { blockIndicators = true }
                case UInt8(ascii: "#"):
                    if precededByWhitespace { blockIndicators = true }
                default: break
                }
            }
            if flavor == .v3 && c == UInt8(ascii: "\t") {
                tabCharacters = true
            } else if !Self.isPrintable(v, i) {
                specialCharacters = true
            }
            if c == UInt8(ascii: " ") {
                if i == 0 { leadingSpace = true }
                if i + w == v.count { trailingSpace = true }
                if previousBreak { breakSpace = true }
                previousSpace = true
                previousBreak = false
            } else if YAMLEmitter.breakWidth(v, i) != nil {
                lineBreaks = true
                if i == 0 { leadingBreak = true }
                if i + w == v.count { trailingBreak = true }
                if previousSpace { spaceBreak = true }
                previousSpace = false
                previousBreak = true
            } else {
                previousSpace = false
                previousBreak = false
            }
            precededByWhitespace = Self.isBlankZ(v, i)
            i += w
        }
        multiline = lineBreaks
        if leadingSpace || leadingBreak || trailingSpace || trailingBreak { blockPlainAllowed = false }
        if trailingSpace { blockAllowed = false }
        if breakSpace {
            blockPlainAllowed = false
            singleQuotedAllowed = false
        }
        if spaceBreak || tabCharacters || specialCharacters {
            blockPlainAllowed = false
            singleQuotedAllowed = false
        }
        if spaceBreak || specialCharacters { blockAllowed = false }
        if lineBreaks { blockPlainAllowed = false }
        if blockIndicators { blockPlainAllowed = false }
    }

    static func width(_ b: UInt8) -> Int {
        if b & 0x80 == 0 { return 1 }
        if b & 0xE0 == 0xC0 { return 2 }
        if b & 0xF0 == 0xE0 { return 3 }
        if b & 0xF8 == 0xF0 { return 4 }
        return 0
    }

    /// go-yaml `is_printable` (no tabs, no C0/C1 controls, no non-BMP characters, no BOM/U+FFFE/U+FFFF).
    static func isPrintable(_ v: [UInt8], _ i: Int) -> Bool {
        let b = v[i]
        let b1 = i + 1 < v.count ? v[i + 1] : 0
        let b2 = i + 2 < v.count ? v[i + 2] : 0
        return b == 0x0A || (b >= 0x20 && b <= 0x7E) || (b == 0xC2 && b1 >= 0xA0) || (b > 0xC2 && b < 0xED)
            || (b == 0xED && b1 < 0xA0) || b == 0xEE
            || (b == 0xEF && !(b1 == 0xBB && b2 == 0xBF) && !(b1 == 0xBF && (b2 == 0xBE || b2 == 0xBF)))
    }

    static func isBOM(_ v: [UInt8], _ i: Int) -> Bool {
        i + 2 < v.count && v[i] == 0xEF && v[i + 1] == 0xBB && v[i + 2] == 0xBF
    }

    /// Space, tab, line break, or end of input.
    static func isBlankZ(_ v: [UInt8], _ i: Int) -> Bool {
        guard i < v.count else { return true }
        let c = v[i]
        return c == 0x20 || c == 0x09 || c == 0x00 || YAMLEmitter.breakWidth(v, i) != nil
    }
}
