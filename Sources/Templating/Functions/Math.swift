#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Sprig's integer math (numeric.go, functions.go): arguments go through `cast.ToInt64`
/// (`add 1 2.9` → 3), results are `int64`, Go's wrap-around overflow is kept, and integer division
/// by zero is Go's runtime panic as text/template reports it. Float math: `*f` functions use
/// decimal arithmetic (``GoDecimal``); `ceil`/`floor`/`round` use float64.
extension FunctionRegistry {
    mutating func registerMath() {
        register("add", [], variadic: .any) { a, _ in
            .int64(a.reduce(Int64(0)) { $0 &+ $1.castInt64 })
        }
        register("add1", [.any]) { a, _ in .int64(a.any(0).castInt64 &+ 1) }
        register("sub", [.any, .any]) { a, _ in .int64(a.any(0).castInt64 &- a.any(1).castInt64) }
        register("mul", [.any], variadic: .any) { a, _ in
            .int64(a.dropFirst().reduce(a.any(0).castInt64) { $0 &* $1.castInt64 })
        }
        register("div", [.any, .any]) { a, _ in
            let d = a.any(1).castInt64
            if d == 0 { throw GoPanic.divideByZero }
            // MinInt64 / -1 wraps in Go rather than trapping.
            return .int64(a.any(0).castInt64.dividedReportingOverflow(by: d).partialValue)
        }
        register("mod", [.any, .any]) { a, _ in
            let d = a.any(1).castInt64
            if d == 0 { throw GoPanic.divideByZero }
            return .int64(a.any(0).castInt64.remainderReportingOverflow(dividingBy: d).partialValue)
        }
        let maxBody: TemplateFunction.Body = { a, _ in
            .int64(a.dropFirst().reduce(a.any(0).castInt64) { Swift.max($0, $1.castInt64) })
        }
        register("max", [.any], variadic: .any, maxBody)
        register("biggest", [.any], variadic: .any, maxBody)
        register("min", [.any], variadic: .any) { a, _ in
            .int64(a.dropFirst().reduce(a.any(0).castInt64) { Swift.min($0, $1.castInt64) })
        }
        register("randInt", [.int, .int]) { a, env in
            // rand.Intn(max-min) + min, with Go's int wrap-around and Intn's panic on n <= 0.
            let lo = try a.int(0), hi = try a.int(1)
            let n = hi &- lo
            if n <= 0 { throw FunctionError("invalid argument to Intn") }
            return .int(Int(env.random.next(below: UInt64(n))) &+ lo)
        }

        register("until", [.int]) { a, _ in
            let count = try a.int(0)
            return try intList(untilStep(0, count, count < 0 ? -1 : 1))
        }
        register("untilStep", [.int, .int, .int]) { a, _ in
            try intList(untilStep(try a.int(0), try a.int(1), try a.int(2)))
        }
        register("seq", [], variadic: .int) { a, _ in .string(try seq(try a.ints(from: 0))) }

        registerFloatMath()
    }

    private mutating func registerFloatMath() {
        register("add1f", [.any]) { a, _ in
            .float(try (GoDecimal(float: a.any(0).castFloat64) + GoDecimal(float: 1)).float64)
        }
        register("addf", [], variadic: .any) { a, _ in
            try .float(decimalFold(.float(0), a[...]) { $0 + $1 })
        }
        register("subf", [.any], variadic: .any) { a, _ in
            try .float(decimalFold(a.any(0), a.dropFirst()) { $0 - $1 })
        }
        register("mulf", [.any], variadic: .any) { a, _ in
            try .float(decimalFold(a.any(0), a.dropFirst()) { $0 * $1 })
        }
        register("divf", [.any], variadic: .any) { a, _ in
            try .float(decimalFold(a.any(0), a.dropFirst()) { try $0.divided(by: $1) })
        }
        register("maxf", [.any], variadic: .any) { a, _ in
            .float(a.dropFirst().reduce(a.any(0).castFloat64) { goMax($0, $1.castFloat64) })
        }
        register("minf", [.any], variadic: .any) { a, _ in
            .float(a.dropFirst().reduce(a.any(0).castFloat64) { goMin($0, $1.castFloat64) })
        }
        register("ceil", [.any]) { a, _ in .float((a.any(0).castFloat64).rounded(.up)) }
        register("floor", [.any]) { a, _ in .float((a.any(0).castFloat64).rounded(.down)) }
        register("round", [.any, .int], variadic: .float64) { a, _ in
            .float(sprigRound(a.any(0).castFloat64, places: try a.int(1), roundOn: a.count > 2 ? try a.float(2) : 0.5))
        }
    }
}

/// Sprig's `execDecimalOp`: every operand enters as `decimal.NewFromFloat(toFloat64(x))`.
private func decimalFold(_ first: TemplateValue, _ rest: ArraySlice<TemplateValue>,
                         _ op: (GoDecimal, GoDecimal) throws -> GoDecimal) throws -> Double {
    var acc = try GoDecimal(float: first.castFloat64)
    for x in rest { acc = try op(acc, GoDecimal(float: x.castFloat64)) }
    return acc.float64
}

/// `math.Max`: +Inf wins over NaN, NaN over numbers, +0 over -0.
func goMax(_ x: Double, _ y: Double) -> Double {
    if x == .infinity || y == .infinity { return .infinity }
    if x.isNaN || y.isNaN { return .nan }
    if x == 0 && y == 0 { return x.sign == .minus ? y : x }
    return x > y ? x : y
}

/// `math.Min`: -Inf wins over NaN, NaN over numbers, -0 over +0.
func goMin(_ x: Double, _ y: Double) -> Double {
    if x == -.infinity || y == -.infinity { return -.infinity }
    if x.isNaN || y.isNaN { return .nan }
    if x == 0 && y == 0 { return x.sign == .minus ? x : y }
    return x < y ? x : y
}

/// Sprig's `round`: scale by 10^places, ceil when the fractional part is ≥ `roundOn`, else floor.
/// Negative numbers therefore always floor (`round -2.4 0` → -3), as in Sprig.
func sprigRound(_ val: Double, places: Int, roundOn: Double) -> Double {
    let pow = goPow10(places)
    let digit = pow * val
    let frac = digit.isInfinite ? Double.nan : digit - digit.rounded(.towardZero)
    let r = frac >= roundOn ? digit.rounded(.up) : digit.rounded(.down)
    return r / pow
}

/// Go's `math.Pow(10, y)` for integer y (repeated squaring on the frexp mantissa, then Ldexp), so
/// large exponents round as Go's do rather than as libm's `pow`.
func goPow10(_ y: Int) -> Double {
    if y == 0 { return 1 }
    var a1 = 1.0
    var ae = 0
    var x1 = 0.625  // 10 = 0.625 × 2^4
    var xe = 4
    var i = y.magnitude
    while i != 0 {
        if xe < -(1 << 12) || (1 << 12) < xe {
            ae += xe
            break
        }
        if i & 1 == 1 {
            a1 *= x1
            ae += xe
        }
        x1 *= x1
        xe <<= 1
        if x1 < 0.5 {
            x1 += x1
            xe -= 1
        }
        i >>= 1
    }
    if y < 0 {
        a1 = 1 / a1
        ae = -ae
    }
    return scalbn(a1, Int32(clamping: ae))
}

/// Longest list `until`/`untilStep` will build (Go would try to allocate any size).
let maxListLength = 1 << 24

/// Sprig's `untilStep`: counts from start towards stop (exclusive) by step; a step pointing the
/// wrong way (or zero) gives an empty list.
func untilStep(_ start: Int, _ stop: Int, _ step: Int) throws -> [Int] {
    var v: [Int] = []
    // Refuse huge ranges before allocating (the span fits in UInt even when Int overflows).
    if (stop < start && step < 0) || (stop > start && step > 0) {
        let span = stop < start ? UInt(bitPattern: start &- stop) : UInt(bitPattern: stop &- start)
        let count = span / step.magnitude + (span % step.magnitude == 0 ? 0 : 1)
        if count > UInt(maxListLength) {
            throw FunctionError("list of \(count) elements exceeds the limit of \(maxListLength)"
                + " (helmctl refuses runaway templates)")
        }
        v.reserveCapacity(Int(count))
    }
    if stop < start {
        if step >= 0 { return v }
        var i = start
        while i > stop {
            v.append(i)
            let (n, o) = i.addingReportingOverflow(step)
            if o { break }
            i = n
        }
        return v
    }
    if step <= 0 { return v }
    var i = start
    while i < stop {
        v.append(i)
        let (n, o) = i.addingReportingOverflow(step)
        if o { break }
        i = n
    }
    return v
}

private func intList(_ v: [Int]) -> TemplateValue { .list(v.map { .int($0) }, .int) }

/// Sprig's `seq`: like GNU seq (`seq 3`, `seq 2 5`, `seq 1 2 7`, counting down when end < start),
/// returned as one space-separated string.
func seq(_ p: [Int]) throws -> String {
    let values: [Int]
    switch p.count {
    case 1:
        let end = p[0]
        let inc = end < 1 ? -1 : 1
        values = try untilStep(1, end &+ inc, inc)
    case 2:
        let step = p[1] < p[0] ? -1 : 1
        values = try untilStep(p[0], p[1] &+ step, step)
    case 3:
        let (start, step, end) = (p[0], p[1], p[2])
        var inc = 1
        if end < start {
            inc = -1
            if step > 0 { return "" }
        }
        values = try untilStep(start, end &+ inc, step)
    default:
        return ""
    }
    return values.map(String.init).joined(separator: " ")
}
