/// Sprig's type conversions. `int`, `int64` and `float64` go through `spf13/cast` (v1.7: errors are
/// swallowed to 0, floats truncate, strings parse base-0 after dropping a zero fraction);
/// `atoi` is `strconv.Atoi` with the error ignored (so overflow clamps); `toDecimal` reads octal.
extension FunctionRegistry {
    mutating func registerConversion() {
        register("atoi", [.string]) { a, _ in
            // Atoi's range error still returns the clamped value, which Sprig keeps.
            .int(Int(GoParse.int64(try a.string(0), base: 10, clampOnOverflow: true) ?? 0))
        }
        register("int", [.any]) { a, _ in .int(Int(a.any(0).castInt64)) }
        register("int64", [.any]) { a, _ in .int64(a.any(0).castInt64) }
        register("float64", [.any]) { a, _ in .float(a.any(0).castFloat64) }
        register("toString", [.any]) { a, _ in .string(a.any(0).stringified) }
        register("toDecimal", [.any]) { a, _ in
            // strconv.ParseInt(fmt.Sprint(v), 8, 64); any error → 0.
            .int64(GoParse.int64(a.any(0).goString, base: 8) ?? 0)
        }
    }
}
