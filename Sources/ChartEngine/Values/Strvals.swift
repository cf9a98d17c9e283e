public import StructuredData

/// Helm's `--set` grammar (`pkg/strvals/parser.go`): `a.b=1,c[0]=x,d={1,2}`, with Helm's typing.
///
/// - `--set`: `true`/`false` (any case) → bool, `null` → nil, `0` → int64 0, other digit strings that do
///   not start with `0` and fit int64 → int64, everything else string.
/// - `--set-string`: always strings. `--set-file`: the value names a file whose contents become the
///   string. `--set-json`: each value is a JSON document. `--set-literal`: everything after the first
///   `=` is one literal string (no `,` splitting, no escapes).
public enum Strvals {
    /// The most nested `a.b.c…` levels Helm accepts.
    public static let maxNestedNameLevel = 30
    /// The deepest `a[0][0]…` nesting helmctl accepts (Helm has no limit; see ``checkListDepth``).
    public static let maxNestedListLevel = 100
    /// The largest list index Helm accepts.
    public static let maxIndex = 65536

    /// Typed values (`--set`).
    public static func parse(_ s: String, into data: inout [String: Value]) throws(ChartEngineError) {
        var p = Parser(s, mode: .typed)
        try p.parseAll(&data)
    }

    /// String values (`--set-string`).
    public static func parseString(_ s: String, into data: inout [String: Value]) throws(ChartEngineError) {
        var p = Parser(s, mode: .string)
        try p.parseAll(&data)
    }

    /// JSON values (`--set-json key=JSON`).
    public static func parseJSON(_ s: String, into data: inout [String: Value]) throws(ChartEngineError) {
        var p = Parser(s, mode: .json)
        try p.parseAll(&data)
    }

    /// File values (`--set-file key=path`): `reader` turns the path into the value.
    public static func parseFile(_ s: String, into data: inout [String: Value],
                                 reader: @escaping (String) throws(ChartEngineError) -> Value) throws(ChartEngineError)
    {
        var p = Parser(s, mode: .file)
        p.fileReader = { (path: String) throws(ChartEngineError) -> Value in try reader(path) }
        try p.parseAll(&data)
    }

    /// Literal values (`--set-literal`).
    public static func parseLiteral(_ s: String, into data: inout [String: Value]) throws(ChartEngineError) {
        var p = LiteralParser(s)
        try p.parseAll(&data)
    }

    /// Convenience: parses one `--set` expression into a fresh map.
    public static func parse(_ s: String) throws(ChartEngineError) -> [String: Value] {
        var d: [String: Value] = [:]
        try parse(s, into: &d)
        return d
    }

    /// Helm's `typedVal`.
    public static func typedValue(_ s: String) -> Value {
        let lower = s.lowercased()
        if lower == "true" { return .bool(true) }
        if lower == "false" { return .bool(false) }
        if lower == "null" { return .null }
        if s == "0" { return .int(0) }
        if let first = s.first, first != "0", let i = goParseInt(s) { return .int(i) }
        return .string(s)
    }

    /// `strconv.ParseInt(s, 10, 64)`: optional sign, decimal digits, no underscores.
    static func goParseInt(_ s: String) -> Int64? {
        var body = Substring(s)
        var negative = false
        if body.first == "+" || body.first == "-" {
            negative = body.first == "-"
            body = body.dropFirst()
        }
        guard !body.isEmpty, body.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        var v: Int64 = 0
        for c in body.utf8 {
            let d = Int64(c - 48)
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            if o1 { return nil }
            let (a, o2) = negative ? m.subtractingReportingOverflow(d) : m.addingReportingOverflow(d)
            if o2 { return nil }
            v = a
        }
        return v
    }

    static func err(_ m: String) -> ChartEngineError { ChartEngineError(.invalidValues, m) }

    /// `strconv.Atoi` as the index parser uses it, with Go's error text.
    static func atoi(_ s: String) throws(ChartEngineError) -> Int {
        guard let v = goParseInt(s) else {
            let digitsOnly = !s.isEmpty && s.trimmingPrefixSign().utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
                && !s.trimmingPrefixSign().isEmpty
            let reason = digitsOnly ? "value out of range" : "invalid syntax"
            throw err("error parsing index: strconv.Atoi: parsing \(quoteGo(s)): \(reason)")
        }
        return Int(v)
    }
}

extension String {
    fileprivate func trimmingPrefixSign() -> Substring {
        if first == "+" || first == "-" { return dropFirst() }
        return Substring(self)
    }
}

/// The rune scanner shared by both parsers (Go's `bytes.Buffer` with `ReadRune`/`UnreadRune`).
struct RuneScanner {
    let runes: [Unicode.Scalar]
    var pos = 0

    init(_ s: String) { runes = Array(s.unicodeScalars) }

    var atEnd: Bool { pos >= runes.count }
    var remaining: String {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: runes[min(pos, runes.count)...])
        return String(s)
    }

    mutating func next() -> Unicode.Scalar? {
        guard pos < runes.count else { return nil }
        defer { pos += 1 }
        return runes[pos]
    }

    mutating func unread() { if pos > 0 { pos -= 1 } }

    /// Reads until a stop rune (returned, consumed) or the end (nil). `\x` escapes `x` when `escapes`.
    mutating func until(_ stop: Set<Unicode.Scalar>, escapes: Bool = true) -> (String, Unicode.Scalar?) {
        var v = String.UnicodeScalarView()
        while let r = next() {
            if stop.contains(r) { return (String(v), r) }
            if escapes && r == "\\" {
                guard let n = next() else { return (String(v), nil) }
                v.append(n)
            } else {
                v.append(r)
            }
        }
        return (String(v), nil)
    }
}
