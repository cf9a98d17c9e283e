import StructuredData

/// Just enough of `shopspring/decimal` for Sprig's `addf`/`subf`/`mulf`/`divf`/`add1f`: operands
/// enter through `NewFromFloat` (the float's shortest decimal form, so `0.1 + 0.2` is exactly `0.3`),
/// arithmetic is exact, division rounds half away from zero at 16 decimal places
/// (`DivisionPrecision`), and the result returns to the nearest float64.
struct GoDecimal {
    /// Magnitude digits, most significant first, no leading zeros (empty = 0).
    var digits: [UInt8]
    /// value = ±digits × 10^exponent
    var exponent: Int
    var negative: Bool

    static let zero = GoDecimal(digits: [], exponent: 0, negative: false)
    static let divisionPrecision = 16

    /// `decimal.NewFromFloat`; Go panics on NaN and ±Inf (reported as the function's error).
    init(float f: Double) throws {
        if f.isNaN || f.isInfinite {
            throw FunctionError("Cannot create a Decimal from \(GoFloat.formatV(f))")
        }
        if f == 0 {
            self = .zero
            return
        }
        let (d, point) = GoFloat.shortestDigits(f)
        self.init(digits: d, exponent: point - d.count, negative: f < 0)
    }

    init(digits: [UInt8], exponent: Int, negative: Bool) {
        var d = digits[...]
        while d.first == 0 { d = d.dropFirst() }
        self.digits = Array(d)
        self.exponent = exponent
        self.negative = self.digits.isEmpty ? false : negative
    }

    var isZero: Bool { digits.isEmpty }

    /// The nearest float64 (Go: `Rat().Float64()`).
    var float64: Double {
        if isZero { return 0 }
        let text = (negative ? "-" : "") + String(decoding: digits.map { $0 + 48 }, as: UTF8.self) + "e\(exponent)"
        return Double(text) ?? 0
    }

    // MARK: magnitude helpers (decimal digit arrays, most significant first)

    private static func compare(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.count != b.count { return a.count < b.count ? -1 : 1 }
        for (x, y) in zip(a, b) where x != y { return x < y ? -1 : 1 }
        return 0
    }

    private static func addMag(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: max(a.count, b.count) + 1)
        var i = a.count - 1, j = b.count - 1, k = out.count - 1
        var carry: UInt8 = 0
        while k >= 0 {
            var s = carry
            if i >= 0 { s += a[i]; i -= 1 }
            if j >= 0 { s += b[j]; j -= 1 }
            out[k] = s % 10
            carry = s / 10
            k -= 1
        }
        return trimmed(out)
    }

    /// a - b for a >= b.
    private static func subMag(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        var out = a
        var borrow: Int = 0
        var j = b.count - 1
        var i = a.count - 1
        while i >= 0 {
            var d = Int(out[i]) - borrow - (j >= 0 ? Int(b[j]) : 0)
            if d < 0 { d += 10; borrow = 1 } else { borrow = 0 }
            out[i] = UInt8(d)
            i -= 1
            j -= 1
        }
        return trimmed(out)
    }

    private static func mulMag(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        if a.isEmpty || b.isEmpty { return [] }
        var acc = [Int](repeating: 0, count: a.count + b.count)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                acc[i + j + 1] += Int(a[i]) * Int(b[j])
            }
        }
        for k in stride(from: acc.count - 1, to: 0, by: -1) {
            acc[k - 1] += acc[k] / 10
            acc[k] %= 10
        }
        return trimmed(acc.map { UInt8($0) })
    }

    private static func trimmed(_ d: [UInt8]) -> [UInt8] {
        guard let first = d.firstIndex(where: { $0 != 0 }) else { return [] }
        return Array(d[first...])
    }

    /// Aligns both to the smaller exponent.
    private static func aligned(_ a: GoDecimal, _ b: GoDecimal) -> ([UInt8], [UInt8], Int) {
        let e = min(a.exponent, b.exponent)
        let da = a.isZero ? [] : a.digits + [UInt8](repeating: 0, count: a.exponent - e)
        let db = b.isZero ? [] : b.digits + [UInt8](repeating: 0, count: b.exponent - e)
        return (da, db, e)
    }

    // MARK: arithmetic

    static func + (a: GoDecimal, b: GoDecimal) -> GoDecimal {
        let (da, db, e) = aligned(a, b)
        if a.negative == b.negative { return GoDecimal(digits: addMag(da, db), exponent: e, negative: a.negative) }
        let c = compare(da, db)
        if c == 0 { return .zero }
        return c > 0 ? GoDecimal(digits: subMag(da, db), exponent: e, negative: a.negative)
            : GoDecimal(digits: subMag(db, da), exponent: e, negative: b.negative)
    }

    static prefix func - (a: GoDecimal) -> GoDecimal {
        GoDecimal(digits: a.digits, exponent: a.exponent, negative: !a.negative)
    }

    static func - (a: GoDecimal, b: GoDecimal) -> GoDecimal { a + (-b) }

    static func * (a: GoDecimal, b: GoDecimal) -> GoDecimal {
        GoDecimal(digits: mulMag(a.digits, b.digits), exponent: a.exponent + b.exponent,
                  negative: a.negative != b.negative)
    }

    /// `Div` = `DivRound(d2, 16)`: truncated quotient at 16 places, then away from zero when the
    /// remainder is at least half a unit in the last place.
    func divided(by d: GoDecimal) throws -> GoDecimal {
        if d.isZero { throw FunctionError("decimal division by 0") }
        if isZero { return .zero }
        let p = GoDecimal.divisionPrecision
        // q = trunc(|a| / |b| × 10^p): scale the numerator so the integer quotient has p decimals.
        // |a|/|b| = (A × 10^ea) / (B × 10^eb); quotient digits Q with value Q × 10^-p.
        let shift = exponent - d.exponent + p
        var num = digits
        var den = d.digits
        if shift >= 0 { num += [UInt8](repeating: 0, count: shift) } else { den += [UInt8](repeating: 0, count: -shift) }
        var quotient: [UInt8] = []
        var rem: [UInt8] = []
        for digit in num {
            rem = GoDecimal.trimmed(rem + [digit])
            var q: UInt8 = 0
            while GoDecimal.compare(rem, den) >= 0 {
                rem = GoDecimal.subMag(rem, den)
                q += 1
            }
            quotient.append(q)
        }
        // Round half away from zero: 2 × remainder ≥ divisor.
        if GoDecimal.compare(GoDecimal.addMag(rem, rem), den) >= 0 {
            quotient = GoDecimal.addMag(GoDecimal.trimmed(quotient), [1])
        }
        return GoDecimal(digits: quotient, exponent: -p, negative: negative != d.negative)
    }
}
