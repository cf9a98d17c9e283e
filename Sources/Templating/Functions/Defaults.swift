/// Sprig's defaults and flow helpers (defaults.go). "Empty" is Sprig's `empty`: nil, false, zero
/// numbers, and zero-length strings, slices and maps; structs (host objects) never are.
/// `fail` and `required` are Helm's and registered by ChartEngine.
extension FunctionRegistry {
    mutating func registerDefaults() {
        register("default", [.any], variadic: .any) { a, _ in
            // dfault(d, given...): d when nothing is given or given[0] is empty.
            let given = a.dropFirst()
            guard let first = given.first, !first.isEmptyValue else { return a.any(0) }
            return first
        }
        register("empty", [.any]) { a, _ in .bool(a.any(0).isEmptyValue) }
        register("coalesce", [], variadic: .any) { a, _ in
            a.first { !$0.isEmptyValue } ?? .null
        }
        register("all", [], variadic: .any) { a, _ in .bool(a.allSatisfy { !$0.isEmptyValue }) }
        register("any", [], variadic: .any) { a, _ in .bool(a.contains { !$0.isEmptyValue }) }
        register("ternary", [.any, .any, .bool]) { a, _ in
            try a.bool(2) ? a.any(0) : a.any(1)
        }
    }
}
