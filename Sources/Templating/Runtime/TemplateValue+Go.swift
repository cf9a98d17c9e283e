public import StructuredData

/// Go semantics of template values: type names, truthiness, `%v` printing, and the conversions Sprig
/// performs through `spf13/cast`.
extension TemplateValue {
    /// Go's `%T` (what Sprig's `typeOf` returns).
    public var goTypeName: String {
        switch self {
        case .invalid, .null: "<nil>"
        case .bool: "bool"
        case .int(_, let k): k.rawValue
        case .float: "float64"
        case .string: "string"
        case .bytes: "[]uint8"
        case .list(_, let k): k.rawValue
        case .map(let m): m.typeName
        case .object(let o): o.goTypeName
        }
    }

    /// Go's `reflect.Kind` name (what Sprig's `kindOf` returns).
    public var goKindName: String {
        switch self {
        case .invalid, .null: "invalid"
        case .bool: "bool"
        case .int(_, let k): k.rawValue
        case .float: "float64"
        case .string: "string"
        case .bytes, .list: "slice"
        case .map: "map"
        case .object(let o): o.goKind
        }
    }

    /// Go template truthiness (`if`, `with`, `and`, `or`, `not`): false, 0, "", nil and empty
    /// collections are false.
    public var isTruthy: Bool {
        switch self {
        case .invalid, .null: false
        case .bool(let b): b
        case .int(let i, _): i != 0
        case .float(let d): d != 0
        case .string(let s): !s.isEmpty
        case .bytes(let b): !b.isEmpty
        case .list(let l, _): !l.isEmpty
        case .map(let m): !m.storage.isEmpty
        case .object(let o):
            if let m = o.mapView { !m.storage.isEmpty } else if let l = o.listView { !l.isEmpty } else { true }
        }
    }

    /// True for `.invalid` and `.null`.
    public var isNil: Bool {
        switch self {
        case .invalid, .null: true
        default: false
        }
    }

    /// Sprig's notion of "empty" (`default`, `empty`, `coalesce`, `compact`): nil, false, zero numbers,
    /// empty strings and collections. Structs (host objects) are never empty.
    public var isEmptyValue: Bool { !isTruthy }

    /// Go `fmt` `%v` text: `<nil>`, `1e+06`, `[a 1]`, `map[a:1 b:[1 2]]`.
    public var goString: String {
        switch self {
        case .invalid: "<no value>"
        case .null: "<nil>"
        case .bool(let b): b ? "true" : "false"
        case .int(let i, _): String(i)
        case .float(let d): GoFloat.formatV(d)
        case .string(let s): s
        case .bytes(let b): "[" + b.map { String($0) }.joined(separator: " ") + "]"
        case .list(let l, _): "[" + l.map(\.goString).joined(separator: " ") + "]"
        case .map(let m):
            "map[" + m.sortedKeys.map { "\($0):\(m.storage[$0]!.goString)" }.joined(separator: " ") + "]"
        case .object(let o): o.valueFormatted
        }
    }

    /// Sprig's `strval`/`toString`: strings and bytes verbatim, everything else `%v`.
    public var stringified: String {
        switch self {
        case .string(let s): s
        case .bytes(let b): String(decoding: b, as: UTF8.self)
        default: goString
        }
    }

    /// `cast.ToInt64` as Sprig uses it: floats truncate, strings parse with base prefixes (after
    /// dropping a zero decimal part), anything unparseable is 0.
    public var castInt64: Int64 {
        switch self {
        case .int(let i, _): return i
        case .float(let d):
            if d.isNaN { return Int64.min }
            if d >= 9.2233720368547758e18 || d < -9.2233720368547758e18 { return Int64.min }
            return Int64(d)
        case .bool(let b): return b ? 1 : 0
        case .string(let s): return GoParse.int64(trimZeroDecimal(s), base: 0) ?? 0
        default: return 0
        }
    }

    /// `cast.ToFloat64`: strings parse as Go floats; unparseable input is 0.
    public var castFloat64: Double {
        switch self {
        case .int(let i, _): return Double(i)
        case .float(let d): return d
        case .bool(let b): return b ? 1 : 0
        case .string(let s): return GoParse.float64(s) ?? 0
        default: return 0
        }
    }

    /// The plain data form of this value (for the codecs): ints of every kind become `.int`, bytes
    /// become base64 strings as Go's JSON marshalling does, host objects give their data form.
    public var dataValue: Value {
        switch self {
        case .invalid, .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i, _): return .int(i)
        case .float(let d): return .float(d)
        case .string(let s): return .string(s)
        case .bytes(let b): return .string(Base64.encode(b))
        case .list(let l, _): return .list(l.map(\.dataValue))
        case .map(let m): return .map(m.storage.mapValues(\.dataValue))
        case .object(let o): return o.dataValue
        }
    }

    /// A template value holding `v` (maps become fresh `map[string]interface {}` references).
    public init(_ v: Value) {
        switch v {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i, .int64)
        case .float(let d): self = .float(d)
        case .string(let s): self = .string(s)
        case .list(let l): self = .list(l.map(TemplateValue.init), .any)
        case .map(let m): self = .map(MapRef(m.mapValues(TemplateValue.init)))
        }
    }

    /// Deep copy (Sprig's `deepCopy`): maps are duplicated so mutation does not leak.
    public func deepCopied() -> TemplateValue {
        switch self {
        case .list(let l, let k): .list(l.map { $0.deepCopied() }, k)
        case .map(let m): .map(MapRef(m.storage.mapValues { $0.deepCopied() }, typeName: m.typeName))
        default: self
        }
    }
}

/// `cast`'s `trimZeroDecimal`: `"3.00"` → `"3"`, other strings unchanged.
func trimZeroDecimal(_ s: String) -> String {
    guard let dot = s.lastIndex(of: ".") else { return s }
    let frac = s[s.index(after: dot)...]
    guard !frac.isEmpty, frac.allSatisfy({ $0 == "0" }) else { return s }
    return String(s[..<dot])
}

/// Go's `strconv` number parsing.
public enum GoParse {
    /// `strconv.ParseInt(s, base, 64)` without its error detail: nil on a syntax error; on overflow
    /// `clamp` decides between nil and Go's clamped value (`Atoi` callers that ignore the error see it).
    /// Base 0 honours `0x`, `0o`, `0b`, leading-`0` octal and `_` separators (checked like Go's
    /// `underscoreOK`).
    public static func int64(_ s: String, base: Int, clampOnOverflow: Bool = false) -> Int64? {
        var text = Substring(s)
        var negative = false
        if text.first == "+" || text.first == "-" {
            negative = text.first == "-"
            text = text.dropFirst()
        }
        guard let (mag, overflow) = uint64(text, base: base) else { return nil }
        let cutoff = UInt64(1) << 63
        if overflow || (!negative && mag >= cutoff) || (negative && mag > cutoff) {
            guard clampOnOverflow else { return nil }
            return negative ? Int64.min : Int64.max
        }
        if negative { return mag == cutoff ? Int64.min : -Int64(mag) }
        return Int64(mag)
    }

    /// `strconv.ParseUint` core: nil on syntax error; `overflow` when the value exceeds 64 bits
    /// (Go stops at the first overflowing digit, so later junk does not matter).
    static func uint64(_ text: Substring, base: Int) -> (UInt64, overflow: Bool)? {
        guard !text.isEmpty else { return nil }
        var digits = text
        var b = base
        let base0 = base == 0
        if base0 {
            // Go: a 0b/0o/0x prefix needs at least one more byte; otherwise a leading 0 means octal.
            b = 10
            let u = Array(text.utf8.prefix(3))
            if u.first == UInt8(ascii: "0") {
                let p = u.count >= 3 ? u[1] | 0x20 : 0
                if p == UInt8(ascii: "x") { b = 16; digits = text.dropFirst(2) }
                else if p == UInt8(ascii: "o") { b = 8; digits = text.dropFirst(2) }
                else if p == UInt8(ascii: "b") { b = 2; digits = text.dropFirst(2) }
                else { b = 8; digits = text.dropFirst() }
            }
        }
        var n: UInt64 = 0
        var sawUnderscore = false
        for c in digits.utf8 {
            let d: UInt64
            switch c {
            case UInt8(ascii: "_") where base0:
                sawUnderscore = true
                continue
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt64(c - 48)
            case UInt8(ascii: "a")...UInt8(ascii: "z"): d = UInt64(c - 87)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): d = UInt64(c - 55)
            default: return nil
            }
            if d >= UInt64(b) { return nil }
            let (m, o1) = n.multipliedReportingOverflow(by: UInt64(b))
            let (v, o2) = m.addingReportingOverflow(d)
            if o1 || o2 { return (UInt64.max, true) }
            n = v
        }
        if sawUnderscore && !underscoreOK(text) { return nil }
        return (n, false)
    }

    /// Go's `underscoreOK`: underscores only between digits (a base prefix counts as a digit).
    static func underscoreOK(_ s: Substring) -> Bool {
        let u = Array(s.utf8)
        var saw: UInt8 = UInt8(ascii: "^")
        var i = 0
        if let f = u.first, f == UInt8(ascii: "+") || f == UInt8(ascii: "-") { i = 1 }
        var hex = false
        if u.count - i >= 2 && u[i] == UInt8(ascii: "0") {
            let p = u[i + 1] | 0x20
            if p == UInt8(ascii: "b") || p == UInt8(ascii: "o") || p == UInt8(ascii: "x") {
                hex = p == UInt8(ascii: "x")
                i += 2
                saw = UInt8(ascii: "0")
            }
        }
        while i < u.count {
            let c = u[i]
            let lower = c | 0x20
            if (c >= 48 && c <= 57) || (hex && lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "f")) {
                saw = UInt8(ascii: "0")
            } else if c == UInt8(ascii: "_") {
                if saw != UInt8(ascii: "0") { return false }
                saw = UInt8(ascii: "_")
            } else {
                if saw == UInt8(ascii: "_") { return false }
                saw = UInt8(ascii: "!")
            }
            i += 1
        }
        return saw != UInt8(ascii: "_")
    }

    /// `strconv.ParseFloat(s, 64)`, nil on any error (syntax or out of range, as `cast` discards
    /// both): decimal and hex (`0x1.8p1`, exponent required) forms, `inf`/`infinity`/`nan`, `_`
    /// separators per `underscoreOK`.
    public static func float64(_ s: String) -> Double? {
        let lower = s.lowercased()
        switch lower {
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        case "nan": return .nan
        default: break
        }
        let u = Array(s.utf8)
        var i = 0
        if i < u.count && (u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-")) { i += 1 }
        var hex = false
        if u.count - i >= 2 && u[i] == UInt8(ascii: "0") && (u[i + 1] | 0x20) == UInt8(ascii: "x") {
            hex = true
            i += 2
        }
        var mantDigits = 0
        var sawDot = false
        var sawUnderscore = false
        var cleaned: [UInt8] = Array(u[0..<i])
        while i < u.count {
            let c = u[i]
            let l = c | 0x20
            if c == UInt8(ascii: "_") {
                sawUnderscore = true
            } else if c == UInt8(ascii: ".") {
                if sawDot { return nil }
                sawDot = true
                cleaned.append(c)
            } else if (c >= 48 && c <= 57) || (hex && l >= UInt8(ascii: "a") && l <= UInt8(ascii: "f")) {
                mantDigits += 1
                cleaned.append(c)
            } else {
                break
            }
            i += 1
        }
        if mantDigits == 0 { return nil }
        if i < u.count && (u[i] | 0x20) == (hex ? UInt8(ascii: "p") : UInt8(ascii: "e")) {
            cleaned.append(u[i])
            i += 1
            if i < u.count && (u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-")) {
                cleaned.append(u[i])
                i += 1
            }
            var expDigits = 0
            while i < u.count {
                let c = u[i]
                if c == UInt8(ascii: "_") {
                    sawUnderscore = true
                } else if c >= 48 && c <= 57 {
                    expDigits += 1
                    cleaned.append(c)
                } else {
                    break
                }
                i += 1
            }
            if expDigits == 0 { return nil }
        } else if hex {
            return nil
        }
        if i != u.count { return nil }
        if sawUnderscore && !underscoreOK(Substring(s)) { return nil }
        guard let d = Double(String(decoding: cleaned, as: UTF8.self)), d.isFinite else { return nil }
        return d
    }
}

extension String {
    /// Plain substring replacement without Foundation.
    public func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let r = rest.range(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        out += rest
        return out
    }
}

extension Substring {
    /// First occurrence of `target` (byte-wise), without Foundation.
    public func range(of target: String) -> Range<Substring.Index>? {
        let t = Array(target.utf8)
        guard !t.isEmpty else { return nil }
        let u = self.utf8
        var i = u.startIndex
        while i != u.endIndex {
            if u[i] == t[0] {
                var j = i
                var k = 0
                while k < t.count, j != u.endIndex, u[j] == t[k] { j = u.index(after: j); k += 1 }
                if k == t.count { return i..<j }
            }
            i = u.index(after: i)
        }
        return nil
    }
}
