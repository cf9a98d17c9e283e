/// YAML 1.1 scalar resolution exactly as go-yaml v2's `resolve` (the parser under sigs.k8s.io/yaml,
/// which Helm uses for values files and `fromYaml`), plus the reverse check the v2/v3 emitters use to
/// decide when a string must be quoted.
enum YAMLResolve {
    /// A resolved scalar, keeping Go's distinction between `int`, `uint64` and `float64`
    /// (map keys are stringified per type by sigs.k8s.io/yaml).
    enum Scalar: Equatable {
        case null
        case bool(Bool)
        case int(Int64)
        case uint(UInt64)
        case float(Double)
        case string(String)
        /// A timestamp-looking plain scalar: go-yaml v2 hands it back as the original string.
        case timestamp(String)
    }

    static let strTag = "tag:yaml.org,2002:str"
    static let intTag = "tag:yaml.org,2002:int"
    static let floatTag = "tag:yaml.org,2002:float"
    static let boolTag = "tag:yaml.org,2002:bool"
    static let nullTag = "tag:yaml.org,2002:null"
    static let timestampTag = "tag:yaml.org,2002:timestamp"
    static let binaryTag = "tag:yaml.org,2002:binary"
    static let mergeTag = "tag:yaml.org,2002:merge"

    /// The fixed spellings go-yaml v2 looks up first (its `resolveMap`).
    static func lookup(_ s: String) -> Scalar? {
        guard s.utf8.count <= 6 else { return nil }  // the longest spelling is `-.inf`/`+.Inf`/`false`
        // One hash instead of a linear `switch` over ~40 string literals (this runs for every plain
        // scalar starting with y/n/t/f/o/~/./+/-, e.g. every `name:` key).
        return fixedSpellings[s]
    }

    static let fixedSpellings: [String: Scalar] = {
        var m: [String: Scalar] = [:]
        for w in ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"] { m[w] = .bool(true) }
        for w in ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"] { m[w] = .bool(false) }
        for w in ["", "~", "null", "Null", "NULL"] { m[w] = .null }
        for w in [".nan", ".NaN", ".NAN"] { m[w] = .float(.nan) }
        for w in [".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"] { m[w] = .float(.infinity) }
        for w in ["-.inf", "-.Inf", "-.INF"] { m[w] = .float(-.infinity) }
        return m
    }()

    /// Implicit resolution of a plain scalar (go-yaml v2 `resolve("", in)`); `<<` is handled by the
    /// caller as a merge key.
    /// `fastReject: false` skips the byte pre-check (tests compare both ways).
    static func resolvePlain(_ s: String, fastReject: Bool = true) -> Scalar {
        guard let first = s.utf8.first else { return .null }
        let hint: UInt8
        switch first {
        case UInt8(ascii: "+"), UInt8(ascii: "-"): hint = UInt8(ascii: "S")
        case UInt8(ascii: "0")...UInt8(ascii: "9"): hint = UInt8(ascii: "D")
        case UInt8(ascii: "."): hint = UInt8(ascii: ".")
        case UInt8(ascii: "y"), UInt8(ascii: "Y"), UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "t"),
            UInt8(ascii: "T"), UInt8(ascii: "f"), UInt8(ascii: "F"), UInt8(ascii: "o"), UInt8(ascii: "O"),
            UInt8(ascii: "~"):
            hint = UInt8(ascii: "M")
        default: return .string(s)
        }
        if hint == UInt8(ascii: "D"), let i = plainDecimal(s) { return .int(i) }
        if let fixed = lookup(s) { return fixed }
        // Quantities such as `500m` or `256Mi` start like numbers: a byte no number or timestamp
        // can hold settles them as strings before the parsers below run.
        if fastReject, hint != UInt8(ascii: "."), !onlyNumberOrTimestampBytes(s) { return .string(s) }
        switch hint {
        case UInt8(ascii: "."):
            if let d = goParseFloat(s) { return .float(d) }
        case UInt8(ascii: "D"), UInt8(ascii: "S"):
            if isTimestamp(s) { return .timestamp(s) }
            let plain = s.replacingAll("_", with: "")
            if let i = goParseInt(plain, base: 0) { return .int(i) }
            if let u = goParseUint(plain, base: 0) { return .uint(u) }
            if isYAMLStyleFloat(plain), let d = goParseFloat(plain) { return .float(d) }
            if plain.hasPrefix("0b") {
                let digits = String(plain.dropFirst(2))
                if let i = goParseInt(digits, base: 2) { return .int(i) }
                if let u = goParseUint(digits, base: 2) { return .uint(u) }
            } else if plain.hasPrefix("-0b") {
                if let i = goParseInt("-" + plain.dropFirst(3), base: 2) { return .int(i) }
            }
        default: break
        }
        return .string(s)
    }

    /// Whether every byte of `s` can occur in what the `D`/`S` rules of ``resolvePlain(_:)`` accept:
    /// decimal, hex, octal and binary integers with `_`, YAML-style floats and timestamps.
    static func onlyNumberOrTimestampBytes(_ s: String) -> Bool {
        s.utf8.allSatisfy { c in
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
                UInt8(ascii: "A")...UInt8(ascii: "F"), UInt8(ascii: "x"), UInt8(ascii: "X"), UInt8(ascii: "o"),
                UInt8(ascii: "O"), UInt8(ascii: "t"), UInt8(ascii: "T"), UInt8(ascii: "z"), UInt8(ascii: "Z"),
                UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: ":"),
                UInt8(ascii: " "), UInt8(ascii: "\t"):
                return true
            default:
                return false
            }
        }
    }

    /// Fast path for the commonest plain scalar that is not a string: a short run of decimal digits
    /// without a leading zero (`3`, `8080`), which every slower rule below would also read as that int.
    @inline(__always)
    static func plainDecimal(_ s: String) -> Int64? {
        var n: Int64 = 0
        var count = 0
        for c in s.utf8 {
            guard c >= 48, c <= 57, count < 18 else { return nil }
            if count == 1 && n == 0 { return nil }  // leading zero: octal/other rules apply
            n = n * 10 + Int64(c - 48)
            count += 1
        }
        return count > 0 ? n : nil
    }

    /// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$` (go-yaml's `yamlStyleFloat`).
    static func isYAMLStyleFloat(_ s: String) -> Bool {
        let b = Array(s.utf8)
        var i = 0
        func digits() -> Int {
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
            return i - start
        }
        if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            if digits() == 0 { return false }
        } else {
            if digits() == 0 { return false }
            if i < b.count, b[i] == UInt8(ascii: ".") {
                i += 1
                _ = digits()
            }
        }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            if digits() == 0 { return false }
        }
        return i == b.count
    }

    /// go-yaml v2 `parseTimestamp` accepted layouts: `2006-1-2T15:4:5.999999999Z07:00`,
    /// `2006-1-2t15:4:5.999999999Z07:00`, `2006-1-2 15:4:5.999999999`, `2006-1-2`; the value must
    /// start with `dddd-`. Checked structurally (go-yaml only needs to know it parses).
    static func isTimestamp(_ s: String) -> Bool {
        let b = Array(s.utf8)
        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        guard b.count >= 8, b[0...3].allSatisfy(isDigit), b[4] == UInt8(ascii: "-") else { return false }
        var i = 5
        func number(max: Int) -> Int? {
            let start = i
            while i < b.count, isDigit(b[i]), i - start < max { i += 1 }
            guard i > start else { return nil }
            return Int(String(decoding: b[start..<i], as: UTF8.self))
        }
        guard let month = number(max: 2), (1...12).contains(month), i < b.count, b[i] == UInt8(ascii: "-")
        else { return false }
        i += 1
        guard let day = number(max: 2), (1...31).contains(day) else { return false }
        if i == b.count { return true }
        // Time part.
        let sep = b[i]
        let spaceForm = sep == UInt8(ascii: " ")
        guard sep == UInt8(ascii: "T") || sep == UInt8(ascii: "t") || spaceForm else { return false }
        i += 1
        guard let h = number(max: 2), h < 24, i < b.count, b[i] == UInt8(ascii: ":") else { return false }
        i += 1
        guard let m = number(max: 2), m < 60, i < b.count, b[i] == UInt8(ascii: ":") else { return false }
        i += 1
        guard let sec = number(max: 2), sec < 60 else { return false }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            guard number(max: 9) != nil else { return false }
        }
        if spaceForm { return i == b.count }
        guard i < b.count else { return false }
        if b[i] == UInt8(ascii: "Z") { return i + 1 == b.count }
        guard b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") else { return false }
        i += 1
        guard let zh = number(max: 2), zh < 24, i < b.count, b[i] == UInt8(ascii: ":") else { return false }
        i += 1
        guard let zm = number(max: 2), zm < 60 else { return false }
        return i == b.count
    }

    /// True when go-yaml would read the plain scalar `s` back as something other than this string —
    /// the emitters then double-quote it. Also true for YAML 1.1 sexagesimal floats (`12:30`), which
    /// go-yaml v2's encoder quotes for compatibility (`isBase60Float`).
    static func needsQuoting(_ s: String) -> Bool {
        switch resolvePlain(s) {
        case .string: return isBase60Float(s)  // `<<` stays plain (checked against Helm v4.2.3)
        default: return true
        }
    }

    /// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$` (go-yaml `isBase60Float`).
    static func isBase60Float(_ s: String) -> Bool {
        // Most strings start with a letter: no copy of their bytes for those.
        guard let f = s.utf8.first, f == UInt8(ascii: "+") || f == UInt8(ascii: "-") || (f >= 48 && f <= 57)
        else { return false }
        let b = Array(s.utf8)
        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        var i = 0
        if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
        guard i < b.count, isDigit(b[i]) else { return false }
        i += 1
        while i < b.count, isDigit(b[i]) || b[i] == UInt8(ascii: "_") { i += 1 }
        var groups = 0
        while i < b.count, b[i] == UInt8(ascii: ":") {
            i += 1
            // [0-5]?[0-9]
            guard i < b.count, isDigit(b[i]) else { return false }
            if i + 1 < b.count, isDigit(b[i + 1]) {
                guard b[i] <= UInt8(ascii: "5") else { return false }
                i += 2
            } else {
                i += 1
            }
            groups += 1
        }
        guard groups > 0 else { return false }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            while i < b.count, isDigit(b[i]) || b[i] == UInt8(ascii: "_") { i += 1 }
        }
        return i == b.count
    }

    // MARK: Go strconv

    /// `strconv.ParseInt(s, base, 64)` (base 0: sign, then `0x`/`0o`/`0b`/leading-`0` prefixes;
    /// underscores only allowed with base 0 — callers here strip them first as go-yaml does).
    static func goParseInt(_ s: String, base: Int) -> Int64? {
        var text = Substring(s)
        var negative = false
        if let f = text.first, f == "+" || f == "-" {
            negative = f == "-"
            text = text.dropFirst()
        }
        guard let mag = goParseUint(String(text), base: base) else { return nil }
        if negative {
            if mag > UInt64(Int64.max) + 1 { return nil }
            return mag == UInt64(Int64.max) + 1 ? Int64.min : -Int64(mag)
        }
        return mag > UInt64(Int64.max) ? nil : Int64(mag)
    }

    /// `strconv.ParseUint(s, base, 64)`; no sign allowed.
    static func goParseUint(_ s: String, base: Int) -> UInt64? {
        var text = Substring(s)
        var b = base
        if base == 0 {
            b = 10
            let lower = text.lowercased()
            if lower.hasPrefix("0x") { b = 16; text = text.dropFirst(2) }
            else if lower.hasPrefix("0o") { b = 8; text = text.dropFirst(2) }
            else if lower.hasPrefix("0b") { b = 2; text = text.dropFirst(2) }
            else if text.count > 1 && text.first == "0" { b = 8; text = text.dropFirst() }
        }
        guard !text.isEmpty, text.first != "+", text.first != "-" else { return nil }
        return UInt64(text, radix: b)
    }

    /// `strconv.ParseFloat(s, 64)` for decimal input (`1e3`, `.5`, `-1.`, `inf`, `NaN`); hex floats
    /// are accepted as Go does.
    static func goParseFloat(_ s: String) -> Double? {
        let lower = s.lowercased()
        switch lower {
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        case "nan": return .nan
        default: break
        }
        guard !s.isEmpty, !s.contains("_"), !lower.contains("n"), !lower.contains("i") else { return nil }
        // Swift's Double(String) accepts the same decimal/hex grammar as strtod; Go rejects a leading
        // or trailing space, which strtod-based parsing here also rejects.
        guard let first = s.utf8.first, first != UInt8(ascii: " "), let d = Double(s) else { return nil }
        // Out of range is an error in Go (ErrRange), so `1e400` stays a string in YAML.
        return d.isInfinite ? nil : d
    }
}

extension String {
    /// Replaces every occurrence of a single character (no Foundation).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        guard contains(target) else { return self }
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
