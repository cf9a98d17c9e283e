/// Sprig's reflection helpers (reflect.go): `%T` type names, `reflect.Kind` names, and
/// `reflect.DeepEqual`.
extension FunctionRegistry {
    mutating func registerReflection() {
        register("typeOf", [.any]) { a, _ in .string(a.any(0).goTypeName) }
        register("typeIs", [.string, .any]) { a, _ in
            .bool(GoStrings.equal(try a.string(0), a.any(1).goTypeName))
        }
        register("typeIsLike", [.string, .any]) { a, _ in
            let target = try a.string(0), t = a.any(1).goTypeName
            return .bool(GoStrings.equal(target, t) || GoStrings.equal("*" + target, t))
        }
        register("kindOf", [.any]) { a, _ in .string(a.any(0).goKindName) }
        register("kindIs", [.string, .any]) { a, _ in
            .bool(GoStrings.equal(try a.string(0), a.any(1).goKindName))
        }
        register("deepEqual", [.any, .any]) { a, _ in .bool(goDeepEqual(a.any(0), a.any(1))) }
    }
}

/// `reflect.DeepEqual` on template values: dynamic types must match exactly (`1` vs `int64 1` is
/// false), floats compare with `==` (NaN is unequal to itself), strings byte-wise, slices and maps
/// element by element. Recursion is bounded by the values' depth, which is finite (no cycles can
/// be built from templates).
func goDeepEqual(_ x: TemplateValue, _ y: TemplateValue) -> Bool {
    if x.isNil || y.isNil { return x.isNil && y.isNil }
    guard GoStrings.equal(x.goTypeName, y.goTypeName) else { return false }
    switch (x, y) {
    case (.bool(let a), .bool(let b)): return a == b
    case (.int(let a, _), .int(let b, _)): return a == b
    case (.float(let a), .float(let b)): return a == b
    case (.string(let a), .string(let b)): return GoStrings.equal(a, b)
    case (.bytes(let a), .bytes(let b)): return a == b
    case (.list(let a, _), .list(let b, _)):
        return a.count == b.count && zip(a, b).allSatisfy { goDeepEqual($0, $1) }
    case (.map(let a), .map(let b)):
        if a === b { return true }
        guard a.storage.count == b.storage.count else { return false }
        for (k, v) in a.storage {
            guard let w = b.storage[k], goDeepEqual(v, w) else { return false }
        }
        return true
    case (.object(let a), .object(let b)):
        return a.formatted == b.formatted
    default:
        return false
    }
}
