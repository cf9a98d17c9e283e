import StructuredData

/// A JSON document as `jsonschema.UnmarshalJSON` sees it (Go's `encoding/json` with `UseNumber`):
/// numbers keep their literal text so that `minimum: 1.50` compares exactly and prints as written.
indirect enum SchemaJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(SchemaNumber)
    case string(String)
    case array([SchemaJSON])
    case object([String: SchemaJSON])

    /// The object members, or nil.
    var object: [String: SchemaJSON]? {
        if case .object(let o) = self { return o }
        return nil
    }

    subscript(key: String) -> SchemaJSON? { object?[key] }

    /// The document as an instance value (for meta-schema validation): integral numbers that fit
    /// become `int`, others `float`.
    var instanceValue: Value {
        Self.convert(self, depth: 0)
    }

    private static func convert(_ j: SchemaJSON, depth: Int) -> Value {
        // Schema nesting is bounded by the compiler's depth check before deep documents get here;
        // beyond this the tail is cut rather than risking the stack.
        if depth > 10_000 { return .null }
        switch j {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .string(let s): return .string(s)
        case .number(let n):
            if n.isInteger, n.point <= 18, let i = Int64(exactly: n.double) { return .int(i) }
            // Out-of-range magnitudes keep their kind for the meta-schema's checks: a huge integer
            // stays an integer, a tiny non-zero number stays non-zero.
            let d = n.double
            if d.isInfinite { return .float(n.negative ? -.greatestFiniteMagnitude : .greatestFiniteMagnitude) }
            if d == 0 && !n.isZero { return .float(n.negative ? -.leastNonzeroMagnitude : .leastNonzeroMagnitude) }
            return .float(d)
        case .array(let a): return .list(a.map { convert($0, depth: depth + 1) })
        case .object(let o): return .map(o.mapValues { convert($0, depth: depth + 1) })
        }
    }

    /// Parses `text`. Syntax errors carry Go's `json.Decoder` wording (`unexpected EOF`,
    /// `invalid character … looking for beginning of value`, `invalid character after top-level value`).
    static func parse(_ text: String) throws(SchemaCompileError) -> SchemaJSON {
        let bytes = Array(text.utf8)
        // Go's scanner decides acceptance and error text; our reader below only runs on accepted input.
        do {
            _ = try JSON.decode(bytes)
        } catch {
            // With UseNumber Go keeps out-of-range numbers as text; only syntax errors count.
            if !error.description.contains("cannot unmarshal number") {
                throw SchemaCompileError(decoderMessage(error.description, bytes))
            }
        }
        var reader = Reader(bytes)
        let doc = reader.document()
        // Go accepts 10000 levels; no real schema nests beyond a few dozen, and meta-schema
        // validation recurses per level, so deeper documents are refused here.
        if reader.maxNesting > maxNesting {
            throw SchemaCompileError("schema document nesting exceeds \(maxNesting) levels")
        }
        return doc
    }

    /// The deepest array/object nesting accepted in a schema document.
    static let maxNesting = 512

    /// `json.Decoder.Decode` reports a truncated document as `unexpected EOF` where `json.Unmarshal`
    /// says `unexpected end of JSON input`; data after the value is rejected by UnmarshalJSON itself.
    private static func decoderMessage(_ message: String, _ bytes: [UInt8]) -> String {
        if message.contains("unexpected end of JSON input") {
            return bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) ? "EOF" : "unexpected EOF"
        }
        if message.contains("after top-level value") { return "invalid character after top-level value" }
        // A literal cut off by the end of input (`tru`) is also a truncated document for the decoder.
        if message.contains("in literal") {
            let tail = bytes.reversed().prefix { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }.reversed()
            let word = String(decoding: Array(tail), as: UTF8.self)
            if !word.isEmpty, ["true", "false", "null"].contains(where: { $0.hasPrefix(word) && $0 != word }) {
                return "unexpected EOF"
            }
        }
        return message
    }

    /// Reads a document already accepted by Go's scanner. Iterative: nesting depth cannot overflow
    /// the stack.
    private struct Reader {
        let b: [UInt8]
        var i = 0
        var maxNesting = 0

        init(_ b: [UInt8]) { self.b = b }

        private enum Frame {
            case array([SchemaJSON])
            case object([String: SchemaJSON], key: String)
        }

        mutating func document() -> SchemaJSON {
            var stack: [Frame] = []
            while true {
                skipSpace()
                var value: SchemaJSON
                let c = i < b.count ? b[i] : 0
                if c == UInt8(ascii: "[") {
                    i += 1
                    skipSpace()
                    if peek(UInt8(ascii: "]")) {
                        i += 1
                        value = .array([])
                    } else {
                        stack.append(.array([]))
                        maxNesting = max(maxNesting, stack.count)
                        continue
                    }
                } else if c == UInt8(ascii: "{") {
                    i += 1
                    skipSpace()
                    if peek(UInt8(ascii: "}")) {
                        i += 1
                        value = .object([:])
                    } else {
                        let key = string()
                        skipSpace()
                        i += 1  // ':'
                        stack.append(.object([:], key: key))
                        maxNesting = max(maxNesting, stack.count)
                        continue
                    }
                } else {
                    value = scalar()
                }
                // A value finished: attach it to its container, closing containers as they end.
                while true {
                    guard let top = stack.popLast() else { return value }
                    skipSpace()
                    let sep = i < b.count ? b[i] : 0
                    i += 1
                    switch top {
                    case .array(var items):
                        items.append(value)
                        if sep == UInt8(ascii: ",") {
                            stack.append(.array(items))
                        } else {
                            value = .array(items)
                            continue
                        }
                    case .object(var members, let key):
                        // Go keeps the last of duplicate keys.
                        members[key] = value
                        if sep == UInt8(ascii: ",") {
                            skipSpace()
                            let next = string()
                            skipSpace()
                            i += 1  // ':'
                            stack.append(.object(members, key: next))
                        } else {
                            value = .object(members)
                            continue
                        }
                    }
                    break
                }
            }
        }

        private func peek(_ c: UInt8) -> Bool { i < b.count && b[i] == c }

        private mutating func skipSpace() {
            while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
        }

        private mutating func scalar() -> SchemaJSON {
            guard i < b.count else { return .null }
            switch b[i] {
            case UInt8(ascii: "\""): return .string(string())
            case UInt8(ascii: "t"): i += 4; return .bool(true)
            case UInt8(ascii: "f"): i += 5; return .bool(false)
            case UInt8(ascii: "n"): i += 4; return .null
            default:
                let start = i
                while i < b.count, Self.isNumberByte(b[i]) { i += 1 }
                let text = String(decoding: b[start..<i], as: UTF8.self)
                return .number(SchemaNumber(literal: text) ?? SchemaNumber(int: 0))
            }
        }

        private static func isNumberByte(_ c: UInt8) -> Bool {
            (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "-") || c == UInt8(ascii: "+")
                || c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E")
        }

        /// A string literal at `i` (Go's unquoting: invalid UTF-8 and lone surrogates become U+FFFD).
        private mutating func string() -> String {
            i += 1
            var out: [UInt8] = []
            while i < b.count, b[i] != UInt8(ascii: "\"") {
                if b[i] != UInt8(ascii: "\\") {
                    out.append(b[i])
                    i += 1
                    continue
                }
                i += 1
                guard i < b.count else { break }
                let e = b[i]
                i += 1
                switch e {
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = hex4()
                    if (0xD800..<0xDC00).contains(scalar), i + 1 < b.count, b[i] == UInt8(ascii: "\\"),
                        b[i + 1] == UInt8(ascii: "u")
                    {
                        let save = i
                        i += 2
                        let low = hex4()
                        if (0xDC00..<0xE000).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            i = save
                        }
                    }
                    let u = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default: out.append(e)
                }
            }
            i += 1
            return String(decoding: out, as: UTF8.self)
        }

        private mutating func hex4() -> UInt32 {
            var v: UInt32 = 0
            for _ in 0..<4 where i < b.count {
                let c = b[i]
                i += 1
                let d: UInt32
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
                default: d = UInt32(c &- UInt8(ascii: "A") &+ 10) & 0xF
                }
                v = v << 4 | d
            }
            return v
        }
    }
}

/// A schema that cannot be used: malformed JSON, an unresolvable `$ref`, an invalid keyword value.
/// The message is what Helm prints under the chart name.
struct SchemaCompileError: Error, Sendable {
    var message: String
    init(_ message: String) { self.message = message }
}
