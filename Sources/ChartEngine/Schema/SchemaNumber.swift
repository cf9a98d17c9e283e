import StructuredData

/// An exact decimal number, as the `big.Rat` santhosh-tekuri/jsonschema compares with: schema numbers
/// keep their JSON literal, instance floats are taken at Go's `%v` (shortest) digits.
struct SchemaNumber: Sendable, Equatable, Hashable {
    var negative: Bool
    /// Significant digits without leading or trailing zeros (empty for zero).
    var digits: [UInt8]
    /// value = 0.digits × 10^point
    var point: Int
    /// The JSON literal for schema numbers (`1.50`, `1e3`): Go's `%v` of a `json.Number` prints it as written.
    var literal: String?

    static func == (a: SchemaNumber, b: SchemaNumber) -> Bool { a.compare(b) == 0 }
    func hash(into h: inout Hasher) {
        h.combine(digits.isEmpty ? false : negative)
        h.combine(digits)
        h.combine(digits.isEmpty ? 0 : point)
    }

    init(negative: Bool, digits: [UInt8], point: Int, literal: String? = nil) {
        var d = digits
        var p = point
        while let f = d.first, f == 0 {
            d.removeFirst()
            p -= 1
        }
        while let l = d.last, l == 0 { d.removeLast() }
        self.negative = d.isEmpty ? false : negative
        self.digits = d
        self.point = d.isEmpty ? 0 : p
        self.literal = literal
    }

    init(int v: Int64) {
        let s = String(v.magnitude)
        self.init(negative: v < 0, digits: s.utf8.map { $0 - UInt8(ascii: "0") }, point: s.utf8.count)
    }

    init(double d: Double) {
        if d == 0 {
            self.init(negative: false, digits: [], point: 0)
            return
        }
        let (ds, pt) = GoFloat.shortestDigits(d.magnitude)
        self.init(negative: d < 0, digits: ds, point: pt)
    }

    /// Parses a JSON number literal (`-12.5e3`).
    init?(literal text: String) {
        var neg = false
        var ds: [UInt8] = []
        var pointPos: Int?
        var exp = 0
        var it = Array(text.utf8)[...]
        if it.first == UInt8(ascii: "-") {
            neg = true
            it = it.dropFirst()
        }
        while let c = it.first, (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: ".") {
            if c == UInt8(ascii: ".") { pointPos = ds.count } else { ds.append(c - UInt8(ascii: "0")) }
            it = it.dropFirst()
        }
        if let c = it.first, c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
            it = it.dropFirst()
            var eneg = false
            if let s = it.first, s == UInt8(ascii: "-") || s == UInt8(ascii: "+") {
                eneg = s == UInt8(ascii: "-")
                it = it.dropFirst()
            }
            var e = 0
            for c in it {
                guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
                // Exponents this large make the value 0 or infinite for any practical purpose.
                if e < 100_000_000 { e = e * 10 + Int(c - UInt8(ascii: "0")) }
            }
            exp = eneg ? -e : e
        } else if !it.isEmpty {
            return nil
        }
        guard !ds.isEmpty else { return nil }
        self.init(negative: neg, digits: ds, point: (pointPos ?? ds.count) + exp, literal: text)
    }

    /// The number of an instance value, or nil for non-numbers.
    init?(_ v: Value) {
        switch v {
        case .int(let i): self.init(int: i)
        case .float(let d) where d.isFinite: self.init(double: d)
        default: return nil
        }
    }

    var isZero: Bool { digits.isEmpty }

    /// The low 64 bits of an integral value as a signed integer, which is what the library's
    /// conversion yields for counts beyond int64 (`minLength: 1e30` wants 5,076,944,270,305,263,616).
    var wrappingInt: Int {
        var v: UInt64 = 0
        for d in digits { v = v &* 10 &+ UInt64(d) }
        // 10^64 is a multiple of 2^64, so further zeros change nothing.
        for _ in 0..<min(max(point - digits.count, 0), 64) { v = v &* 10 }
        let signed = Int64(bitPattern: negative ? (0 &- v) : v)
        return Int(signed)
    }

    /// True when the value has no fractional part.
    var isInteger: Bool { digits.isEmpty || digits.count <= point }

    /// -1, 0 or 1.
    func compare(_ o: SchemaNumber) -> Int {
        if negative != o.negative { return negative ? -1 : 1 }
        let m = compareMagnitude(o)
        return negative ? -m : m
    }

    private func compareMagnitude(_ o: SchemaNumber) -> Int {
        if digits.isEmpty || o.digits.isEmpty { return digits.isEmpty ? (o.digits.isEmpty ? 0 : -1) : 1 }
        if point != o.point { return point < o.point ? -1 : 1 }
        for k in 0..<max(digits.count, o.digits.count) {
            let a = k < digits.count ? digits[k] : 0
            let b = k < o.digits.count ? o.digits[k] : 0
            if a != b { return a < b ? -1 : 1 }
        }
        return 0
    }

    /// The nearest float64 (`big.Rat.Float64`).
    var double: Double {
        if digits.isEmpty { return 0 }
        let text = (negative ? "-" : "") + "0." + digits.map { String($0) }.joined() + "e\(point)"
        return Double(text) ?? (negative ? -.infinity : .infinity)
    }

    /// True when self / divisor is an integer (exact for divisors of up to 18 significant digits).
    func isMultiple(of divisor: SchemaNumber) -> Bool {
        if digits.isEmpty { return true }
        if divisor.digits.isEmpty { return false }
        // self = A × 10^a, divisor = B × 10^b with integers A, B (no trailing zeros).
        let a = point - digits.count
        let b = divisor.point - divisor.digits.count
        if a < b { return false }  // A has no factor 10 left to absorb 10^(b-a)
        guard divisor.digits.count <= 18 else {
            let q = double / divisor.double
            return q.isFinite && q == q.rounded()
        }
        var bigB: UInt64 = 0
        for d in divisor.digits { bigB = bigB * 10 + UInt64(d) }
        // (A × 10^(a-b)) mod B, streaming the digits; the 10s cycle, so cap the zero run.
        var r: UInt64 = 0
        for d in digits { r = (r * 10 + UInt64(d)) % bigB }
        var zeros = a - b
        var seen: Set<UInt64> = []
        while zeros > 0, r != 0 {
            r = (r * 10) % bigB
            zeros -= 1
            if !seen.insert(r).inserted && zeros > 0 { break }
        }
        return r == 0
    }

    /// Go's `%v` of this number as santhosh-tekuri prints a `json.Number` (the literal) or, for
    /// instance numbers, the float64 value.
    var goValueText: String {
        if let literal { return literal }
        return GoFloat.formatV(double)
    }
}

/// Numbers as `golang.org/x/text/message` prints them for `language.English`, which is how
/// santhosh-tekuri/jsonschema v6 formats its messages: thousands separators (`2,000`, `1,000.5`) and,
/// for `%v` of a float outside [1e-4, 1e6), a scientific form with superscript exponent (`1×10⁰⁶`).
enum EnglishNumber {
    /// `%d` of an integer.
    static func int(_ v: Int) -> String {
        (v < 0 ? "-" : "") + group(String(v.magnitude))
    }

    /// `%v` of a float64.
    static func float(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-∞" : "∞" }
        if d == 0 { return "0" }
        let (ds, pt) = GoFloat.shortestDigits(d.magnitude)
        let sign = d < 0 ? "-" : ""
        let exp = pt - 1
        let text = ds.map { String($0) }
        if exp < -4 || exp >= 6 {
            var mant = text[0]
            if ds.count > 1 { mant += "." + text[1...].joined() }
            return sign + mant + "×10" + superscript(exp)
        }
        let intPart: String
        let frac: String
        if pt <= 0 {
            intPart = "0"
            frac = String(repeating: "0", count: -pt) + text.joined()
        } else if pt >= ds.count {
            intPart = text.joined() + String(repeating: "0", count: pt - ds.count)
            frac = ""
        } else {
            intPart = text[..<pt].joined()
            frac = text[pt...].joined()
        }
        return sign + group(intPart) + (frac.isEmpty ? "" : "." + frac)
    }

    private static func group(_ digits: String) -> String {
        let chars = Array(digits)
        var out = ""
        for (k, c) in chars.enumerated() {
            if k > 0 && (chars.count - k) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }

    private static func superscript(_ e: Int) -> String {
        let sup: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        var digits = String(e.magnitude)
        if digits.count < 2 { digits = "0" + digits }
        return (e < 0 ? "⁻" : "") + String(digits.map { sup[Int($0.asciiValue ?? 48) - 48] })
    }
}
