/// A JSON parser following Go's `encoding/json` scanner: the same acceptance, the same first error
/// and message text, the same 10000-level nesting limit. Iterative, so hostile nesting cannot
/// overflow the stack.
struct JSONParser {
    static let maxDepth = 10_000

    private let b: [UInt8]
    private var i = 0
    /// Keep integer literals (no fraction, no exponent, within Int64) as `.int` — the Kubernetes
    /// API's reading of JSON, where `replicas: 3` is an int64, not Go's `interface{}` float64.
    var integers = false

    private enum Container {
        case array([Value])
        case object([String: Value], key: String?)
    }

    init(_ bytes: [UInt8]) { b = bytes }

    mutating func parseDocument() throws(StructuredDataError) -> Value {
        var stack: [Container] = []
        var result: Value?
        // The loop alternates between "expecting a value" and "a value just finished".
        while true {
            // Expecting a value.
            skipSpace()
            guard i < b.count else { throw Self.eof }
            var value: Value
            let c = b[i]
            switch c {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard stack.count < Self.maxDepth else { throw Self.invalid(c, "exceeded max depth") }
                i += 1
                skipSpace()
                guard i < b.count else { throw Self.eof }
                if c == UInt8(ascii: "{") {
                    if b[i] == UInt8(ascii: "}") {
                        i += 1
                        value = .map([:])
                    } else {
                        let key = try parseKey()
                        stack.append(.object([:], key: key))
                        continue
                    }
                } else {
                    if b[i] == UInt8(ascii: "]") {
                        i += 1
                        value = .list([])
                    } else {
                        stack.append(.array([]))
                        continue
                    }
                }
            case UInt8(ascii: "\""):
                value = .string(try parseString())
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                value = try parseNumber()
            case UInt8(ascii: "t"): try literal("true"); value = .bool(true)
            case UInt8(ascii: "f"): try literal("false"); value = .bool(false)
            case UInt8(ascii: "n"): try literal("null"); value = .null
            default:
                throw Self.invalid(c, "looking for beginning of value")
            }
            // A value finished: attach it, closing containers as their ends arrive.
            while true {
                guard let top = stack.popLast() else {
                    result = value
                    break
                }
                skipSpace()
                guard i < b.count else { throw Self.eof }
                let c = b[i]
                switch top {
                case .array(var items):
                    items.append(value)
                    if c == UInt8(ascii: ",") {
                        i += 1
                        stack.append(.array(items))
                    } else if c == UInt8(ascii: "]") {
                        i += 1
                        value = .list(items)
                        continue
                    } else {
                        throw Self.invalid(c, "after array element")
                    }
                case .object(var entries, let key):
                    if let key { entries[key] = value }
                    if c == UInt8(ascii: ",") {
                        i += 1
                        skipSpace()
                        guard i < b.count else { throw Self.eof }
                        let next = try parseKey()
                        stack.append(.object(entries, key: next))
                    } else if c == UInt8(ascii: "}") {
                        i += 1
                        value = .map(entries)
                        continue
                    } else {
                        throw Self.invalid(c, "after object key:value pair")
                    }
                }
                break
            }
            if let result {
                skipSpace()
                if i < b.count { throw Self.invalid(b[i], "after top-level value") }
                return result
            }
        }
    }

    /// A key string followed by `:` (whitespace skipped), positioned at the value.
    private mutating func parseKey() throws(StructuredDataError) -> String {
        guard b[i] == UInt8(ascii: "\"") else { throw Self.invalid(b[i], "looking for beginning of object key string") }
        let key = try parseString()
        skipSpace()
        guard i < b.count else { throw Self.eof }
        guard b[i] == UInt8(ascii: ":") else { throw Self.invalid(b[i], "after object key") }
        i += 1
        return key
    }

    private mutating func skipSpace() {
        while i < b.count, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A || b[i] == 0x0D { i += 1 }
    }

    private mutating func literal(_ word: String) throws(StructuredDataError) {
        let w = Array(word.utf8)
        for k in 1..<w.count {
            // Go's scanner feeds a space at end of input, so a cut literal reports ' '.
            let c = i + k < b.count ? b[i + k] : 0x20
            if c != w[k] {
                throw Self.invalid(c, "in literal \(word) (expecting \(Self.quoteChar(w[k])))")
            }
        }
        i += w.count
    }

    private mutating func parseNumber() throws(StructuredDataError) -> Value {
        let start = i
        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        if b[i] == UInt8(ascii: "-") {
            i += 1
            guard i < b.count else { throw Self.invalid(0x20, "in numeric literal") }
            guard isDigit(b[i]) else { throw Self.invalid(b[i], "in numeric literal") }
        }
        if b[i] == UInt8(ascii: "0") {
            i += 1
        } else {
            while i < b.count, isDigit(b[i]) { i += 1 }
        }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            guard i < b.count else { throw Self.invalid(0x20, "after decimal point in numeric literal") }
            guard isDigit(b[i]) else { throw Self.invalid(b[i], "after decimal point in numeric literal") }
            while i < b.count, isDigit(b[i]) { i += 1 }
        }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            guard i < b.count else { throw Self.invalid(0x20, "in exponent of numeric literal") }
            if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
                i += 1
                guard i < b.count else { throw Self.invalid(0x20, "in exponent of numeric literal") }
            }
            guard isDigit(b[i]) else { throw Self.invalid(b[i], "in exponent of numeric literal") }
            while i < b.count, isDigit(b[i]) { i += 1 }
        }
        let text = String(decoding: b[start..<i], as: UTF8.self)
        if integers, !text.utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }),
           let n = Int64(text)
        {
            return .int(n)
        }
        guard let d = Double(text), d.isFinite else {
            throw StructuredDataError("json: cannot unmarshal number \(text) into Go value of type float64")
        }
        return .float(d)
    }

    /// A string starting at the opening quote; escapes decoded, bad UTF-8 and lone surrogates
    /// become U+FFFD as in Go.
    private mutating func parseString() throws(StructuredDataError) -> String {
        i += 1
        var out: [UInt8] = []
        var start = i
        while true {
            guard i < b.count else { throw Self.eof }
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                out += b[start..<i]
                i += 1
                return String(decoding: out, as: UTF8.self)
            }
            if c < 0x20 { throw Self.invalid(c, "in string literal") }
            if c != UInt8(ascii: "\\") {
                i += 1
                continue
            }
            out += b[start..<i]
            i += 1
            guard i < b.count else { throw Self.invalid(0x20, "in string escape code") }
            let e = b[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar), i + 1 < b.count, b[i] == UInt8(ascii: "\\"),
                    b[i + 1] == UInt8(ascii: "u")
                {
                    let save = i
                    i += 2
                    let low = try hex4()
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        i = save
                    }
                }
                let u = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                out += Array(String(Character(u)).utf8)
            default:
                throw Self.invalid(e, "in string escape code")
            }
            start = i
        }
    }

    private mutating func hex4() throws(StructuredDataError) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = i < b.count ? b[i] : 0x20
            let d: UInt32
            switch c {
            case 48...57: d = UInt32(c - 48)
            case 97...102: d = UInt32(c - 87)
            case 65...70: d = UInt32(c - 55)
            default: throw Self.invalid(c, "in \\u hexadecimal character escape")
            }
            v = v * 16 + d
            i += 1
        }
        return v
    }

    static let eof = StructuredDataError("unexpected end of JSON input")

    static func invalid(_ c: UInt8, _ context: String) -> StructuredDataError {
        StructuredDataError("invalid character \(quoteChar(c)) \(context)")
    }

    /// Go's `quoteChar`: `'\''`, `'"'`, else `strconv.Quote` of the byte as a rune in single quotes.
    static func quoteChar(_ c: UInt8) -> String {
        if c == UInt8(ascii: "'") { return "'\\''" }
        if c == UInt8(ascii: "\"") { return "'\"'" }
        switch c {
        case 0x07: return "'\\a'"
        case 0x08: return "'\\b'"
        case 0x0C: return "'\\f'"
        case 0x0A: return "'\\n'"
        case 0x0D: return "'\\r'"
        case 0x09: return "'\\t'"
        case 0x0B: return "'\\v'"
        case 0x5C: return "'\\\\'"
        case 0..<0x20, 0x7F: 
            let hex = Array("0123456789abcdef".utf8)
            return "'\\x" + String(decoding: [hex[Int(c >> 4)], hex[Int(c & 0xF)]], as: UTF8.self) + "'"
        case 0x80..<0xA0:
            let hex = Array("0123456789abcdef".utf8)
            return "'\\u00" + String(decoding: [hex[Int(c >> 4)], hex[Int(c & 0xF)]], as: UTF8.self) + "'"
        default:
            return "'" + String(Character(Unicode.Scalar(c))) + "'"
        }
    }
}
