import StructuredData

/// Whether a parse step ended because the input ran out (Go's `io.EOF` used as a signal).
enum StrvalsSignal { case more, eof }

/// Go's `%q` of a `[]rune` (`['a' 'b']`, each rune as `strconv.QuoteRune`), as strvals' "unexpected
/// data" error prints it.
func goQuoteRunes(_ s: String) -> String {
    "[" + s.unicodeScalars.map { r -> String in
        if r == "'" { return "'\\''" }
        if r == "\"" { return "'\"'" }
        var q = quoteGo(String(r))
        q.removeFirst()
        q.removeLast()
        return "'" + q + "'"
    }.joined(separator: " ") + "]"
}

/// Go's panic text for a failed type assertion on a values map entry.
func interfaceConversion(_ v: Value, want: String) -> ChartEngineError {
    let have: String
    switch v {
    case .null: have = "nil"
    case .bool: have = "bool"
    case .int: have = "int64"
    case .float: have = "float64"
    case .string: have = "string"
    case .list: have = "[]interface {}"
    case .map: have = "map[string]interface {}"
    }
    return Strvals.err("unable to parse key: interface conversion: interface {} is \(have), not \(want)")
}

/// Helm puts no limit on `a[0][0]…` nesting (Go grows its stack); helmctl refuses absurd depths
/// instead of overflowing its stack.
func checkListDepth(_ depth: Int) throws(ChartEngineError) {
    if depth > Strvals.maxNestedListLevel {
        throw Strvals.err("list index nested level is greater than maximum supported nested level of \(Strvals.maxNestedListLevel)")
    }
}

func setIndex(_ list: [Value], _ index: Int, _ val: Value) throws(ChartEngineError) -> [Value] {
    if index < 0 { throw Strvals.err("negative \(index) index not allowed") }
    if index > Strvals.maxIndex {
        throw Strvals.err("index of \(index) is greater than maximum supported index of \(Strvals.maxIndex)")
    }
    var l = list
    if l.count <= index { l += Array(repeating: .null, count: index + 1 - l.count) }
    l[index] = val
    return l
}

extension Strvals {
    /// The comma-separated typed / string / JSON / file parser.
    struct Parser {
        enum Mode { case typed, string, json, file }
        enum ListResult { case list([Value]), eof, notList }

        var sc: RuneScanner
        let mode: Mode
        var fileReader: ((String) throws(ChartEngineError) -> Value)?

        init(_ s: String, mode: Mode) {
            sc = RuneScanner(s)
            self.mode = mode
        }

        mutating func parseAll(_ data: inout [String: Value]) throws(ChartEngineError) {
            while try key(&data, level: 0) == .more {}
        }

        func read(_ rs: String) throws(ChartEngineError) -> Value {
            switch mode {
            case .typed: return Strvals.typedValue(rs)
            case .string, .json: return .string(rs)
            case .file:
                guard let fileReader else { return .string(rs) }
                return try fileReader(rs)
            }
        }

        mutating func key(_ data: inout [String: Value], level: Int) throws(ChartEngineError) -> StrvalsSignal {
            let (k, last) = sc.until(["=", "[", ",", "."])
            guard let last else {
                if k.isEmpty { return .eof }
                throw Strvals.err("key \(quoteGo(k)) has no value")
            }
            switch last {
            case "[":
                guard let i = try keyIndex() else { return .eof }
                var list: [Value] = []
                if let existing = data[k] {
                    guard case .list(let l) = existing else { throw interfaceConversion(existing, want: "[]interface {}") }
                    list = l
                }
                let (newList, sig) = try listItem(list, i, level: level)
                set(&data, k, .list(newList))
                return sig
            case "=":
                if mode == .json {
                    if emptyVal() {
                        set(&data, k, .null)
                        return .more
                    }
                    set(&data, k, try decodeJSONPrefix())
                    _ = emptyVal()
                    return .more
                }
                switch try valList() {
                case .list(let vl):
                    set(&data, k, .list(vl))
                    return .more
                case .eof:
                    set(&data, k, .string(""))
                    return .eof
                case .notList:
                    let (rs, _) = sc.until([","])
                    set(&data, k, try read(rs))
                    return .more
                }
            case ",":
                set(&data, k, .string(""))
                throw Strvals.err("key \(quoteGo(k)) has no value (cannot end with ,)")
            default:  // "."
                let next = level + 1
                if next > Strvals.maxNestedNameLevel {
                    throw Strvals.err("value name nested level is greater than maximum supported nested level of \(Strvals.maxNestedNameLevel)")
                }
                var inner: [String: Value] = [:]
                if let existing = data[k] {
                    guard case .map(let m) = existing else {
                        throw interfaceConversion(existing, want: "map[string]interface {}")
                    }
                    inner = m
                }
                let sig = try key(&inner, level: next)
                if sig == .more && inner.isEmpty {
                    throw Strvals.err("key map \(quoteGo(k)) has no value")
                }
                if !inner.isEmpty { set(&data, k, .map(inner)) }
                return sig
            }
        }

        func set(_ data: inout [String: Value], _ key: String, _ val: Value) {
            if key.isEmpty { return }
            data[key] = val
        }

        /// The index up to `]`; nil when the input ends first (Go's wrapped `io.EOF`, which Helm's
        /// `parse` treats as a clean end of input).
        mutating func keyIndex() throws(ChartEngineError) -> Int? {
            let (v, last) = sc.until(["]"])
            if last == nil { return nil }
            return try Strvals.atoi(v)
        }

        mutating func listItem(_ list: [Value], _ i: Int, level: Int, depth: Int = 1) throws(ChartEngineError)
            -> ([Value], StrvalsSignal)
        {
            if i < 0 { throw Strvals.err("negative \(i) index not allowed") }
            try checkListDepth(depth)
            let (k, last) = sc.until(["[", ".", "="])
            if !k.isEmpty { throw Strvals.err("unexpected data at end of array index: \(goQuoteRunes(k))") }
            guard let last else { return (list, .eof) }
            switch last {
            case "=":
                if mode == .json {
                    if emptyVal() { return (try setIndex(list, i, .null), .more) }
                    let v = try decodeJSONPrefix()
                    let l = try setIndex(list, i, v)
                    _ = emptyVal()
                    return (l, .more)
                }
                switch try valList() {
                case .list(let vl): return (try setIndex(list, i, .list(vl)), .more)
                case .eof: return (try setIndex(list, i, .string("")), .more)
                case .notList:
                    let (rs, _) = sc.until([","])
                    return (try setIndex(list, i, try read(rs)), .more)
                }
            case "[":
                guard let nextI = try keyIndex() else { return (list, .eof) }
                var crt: [Value] = []
                if list.count > i, !list[i].isNull {
                    guard case .list(let l) = list[i] else { throw interfaceConversion(list[i], want: "[]interface {}") }
                    crt = l
                }
                let (list2, sig) = try listItem(crt, nextI, level: level, depth: depth + 1)
                if sig == .eof { return (list, .eof) }
                return (try setIndex(list, i, .list(list2)), .more)
            default:  // "."
                var list = list
                var inner: [String: Value] = [:]
                if list.count > i {
                    if case .map(let m) = list[i] {
                        inner = m
                    } else {
                        // Indices out of order: Helm initialises the slot to an empty map.
                        list[i] = .map([:])
                    }
                }
                let sig = try key(&inner, level: level)
                if sig == .eof { return (list, .eof) }
                return (try setIndex(list, i, .map(inner)), .more)
            }
        }

        /// Consumes spaces and one comma; true when the value is empty (comma or end reached).
        mutating func emptyVal() -> Bool {
            while let r = sc.next() {
                if r == "," { return true }
                if !r.properties.isWhitespace {
                    sc.unread()
                    return false
                }
            }
            return true
        }

        mutating func valList() throws(ChartEngineError) -> ListResult {
            guard let r = sc.next() else { return .eof }
            if r != "{" {
                sc.unread()
                return .notList
            }
            var list: [Value] = []
            while true {
                let (rs, last) = sc.until([",", "}"])
                guard let last else { throw Strvals.err("list must terminate with '}'") }
                if last == "}" {
                    if let r2 = sc.next(), r2 != "," { sc.unread() }
                    list.append(try read(rs))
                    return .list(list)
                }
                list.append(try read(rs))
            }
        }

        /// End of the longest JSON number at `from` (`-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`): Go's
        /// stream decoder stops there (`00009` decodes `0` and leaves `0009`).
        static func jsonNumberEnd(_ r: [Unicode.Scalar], from: Int) -> Int {
            func digit(_ k: Int) -> Bool { k < r.count && r[k] >= "0" && r[k] <= "9" }
            var i = from
            if i < r.count && r[i] == "-" { i += 1 }
            if i < r.count && r[i] == "0" {
                i += 1
            } else if digit(i) {
                while digit(i) { i += 1 }
            } else {
                return i + 1  // not a number: let the decoder report the character
            }
            // A '.' or exponent must be followed by digits; otherwise Go's scanner fails on the next
            // character, so it is handed to the decoder to fail on.
            if i < r.count && r[i] == "." {
                guard digit(i + 1) else { return min(i + 2, r.count) }
                i += 1
                while digit(i) { i += 1 }
            }
            if i < r.count && (r[i] == "e" || r[i] == "E") {
                var k = i + 1
                if k < r.count && (r[k] == "+" || r[k] == "-") { k += 1 }
                guard digit(k) else { return min(k + 1, r.count) }
                i = k
                while digit(i) { i += 1 }
            }
            return i
        }

        /// Decodes one JSON value at the cursor and consumes exactly its text (Go's
        /// `json.Decoder.Decode` + `InputOffset`).
        mutating func decodeJSONPrefix() throws(ChartEngineError) -> Value {
            let runes = sc.runes
            var i = sc.pos
            while i < runes.count, [" ", "\t", "\n", "\r"].contains(runes[i]) { i += 1 }
            let start = i
            guard i < runes.count else { throw Strvals.err("EOF") }
            switch runes[i] {
            case "{", "[":
                var depth = 0
                var inString = false
                while i < runes.count {
                    let c = runes[i]
                    if inString {
                        if c == "\\" { i += 1 } else if c == "\"" { inString = false }
                    } else if c == "\"" {
                        inString = true
                    } else if c == "{" || c == "[" {
                        depth += 1
                    } else if c == "}" || c == "]" {
                        depth -= 1
                        if depth == 0 { i += 1; break }
                    }
                    i += 1
                }
            case "\"":
                i += 1
                while i < runes.count && runes[i] != "\"" {
                    if runes[i] == "\\" { i += 1 }
                    i += 1
                }
                i += 1
            case "t", "n":
                i += 4  // true / null: Go's scanner reads exactly the literal
            case "f":
                i += 5
            default:
                i = Self.jsonNumberEnd(runes, from: i)
            }
            i = min(i, runes.count)
            var text = String.UnicodeScalarView()
            text.append(contentsOf: runes[start..<i])
            let value: Value
            do {
                value = try JSON.decode(String(text))
            } catch {
                throw Strvals.err("\(error)")
            }
            sc.pos = i
            return value.helmNumbers
        }
    }

    /// The `--set-literal` parser: keys as usual, the value is the whole rest of the input.
    struct LiteralParser {
        var sc: RuneScanner

        init(_ s: String) { sc = RuneScanner(s) }

        mutating func parseAll(_ data: inout [String: Value]) throws(ChartEngineError) {
            while try key(&data, level: 0) == .more {}
        }

        mutating func key(_ data: inout [String: Value], level: Int) throws(ChartEngineError) -> StrvalsSignal {
            let (k, last) = sc.until(["=", "[", "."], escapes: false)
            guard let last else {
                if k.isEmpty { return .eof }
                throw Strvals.err("key \(quoteGo(k)) has no value")
            }
            switch last {
            case "=":
                let value = sc.remaining
                sc.pos = sc.runes.count
                if !k.isEmpty { data[k] = .string(value) }
                return .more
            case ".":
                let next = level + 1
                if next > Strvals.maxNestedNameLevel {
                    throw Strvals.err("value name nested level is greater than maximum supported nested level of \(Strvals.maxNestedNameLevel)")
                }
                var inner: [String: Value] = [:]
                if let existing = data[k] {
                    guard case .map(let m) = existing else {
                        throw interfaceConversion(existing, want: "map[string]interface {}")
                    }
                    inner = m
                }
                let sig = try key(&inner, level: next)
                if sig == .more && inner.isEmpty {
                    throw Strvals.err("key map \(quoteGo(k)) has no value")
                }
                if !inner.isEmpty && !k.isEmpty { data[k] = .map(inner) }
                return sig
            default:  // "["
                let (v, l) = sc.until(["]"], escapes: false)
                if l == nil { return .eof }
                let i = try Strvals.atoi(v)
                var list: [Value] = []
                if let existing = data[k] {
                    guard case .list(let x) = existing else { throw interfaceConversion(existing, want: "[]interface {}") }
                    list = x
                }
                let (newList, sig) = try listItem(list, i, level: level)
                if !k.isEmpty { data[k] = .list(newList) }
                return sig
            }
        }

        mutating func listItem(_ list: [Value], _ i: Int, level: Int, depth: Int = 1) throws(ChartEngineError)
            -> ([Value], StrvalsSignal)
        {
            if i < 0 { throw Strvals.err("negative \(i) index not allowed") }
            try checkListDepth(depth)
            let (k, last) = sc.until(["[", ".", "="], escapes: false)
            if !k.isEmpty { throw Strvals.err("unexpected data at end of array index: \(goQuoteRunes(k))") }
            guard let last else { return (list, .eof) }
            switch last {
            case "=":
                let value = sc.remaining
                sc.pos = sc.runes.count
                return (try setIndex(list, i, .string(value)), .more)
            case "[":
                let (v, l) = sc.until(["]"], escapes: false)
                if l == nil { return (list, .eof) }
                let nextI = try Strvals.atoi(v)
                var crt: [Value] = []
                if list.count > i, case .list(let x) = list[i] { crt = x }
                let (list2, sig) = try listItem(crt, nextI, level: level, depth: depth + 1)
                if sig == .eof { return (list, .eof) }
                return (try setIndex(list, i, .list(list2)), .more)
            default:
                var list = list
                var inner: [String: Value] = [:]
                if list.count > i {
                    if case .map(let m) = list[i] { inner = m } else { list[i] = .map([:]) }
                }
                let sig = try key(&inner, level: level)
                if sig == .eof { return (list, .eof) }
                return (try setIndex(list, i, .map(inner)), .more)
            }
        }
    }
}
