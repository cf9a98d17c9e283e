/// Sprig v3.3.0's dict functions (`dict.go`). Maps are shared references, as in Go: `set`, `unset`
/// and the `merge` family change the map they are given and return it.
extension FunctionRegistry {
    mutating func registerDicts() {
        register("dict", [], variadic: .any) { args, _ in
            var storage: [String: TemplateValue] = [:]
            var i = 0
            while i < args.count {
                // An odd trailing key maps to "" (Sprig pads the argument list).
                storage[args[i].stringified] = i + 1 < args.count ? args[i + 1] : .string("")
                i += 2
            }
            return .map(MapRef(storage))
        }
        register("get", [.map, .string]) { args, _ in
            try DictSupport.map(args[0]).storage[try DictSupport.string(args[1])] ?? .string("")
        }
        register("set", [.map, .string, .any]) { args, _ in
            try DictSupport.map(args[0]).storage[try DictSupport.string(args[1])] = args[2]
            return args[0]
        }
        register("unset", [.map, .string]) { args, _ in
            try DictSupport.map(args[0]).storage[try DictSupport.string(args[1])] = nil
            return args[0]
        }
        register("hasKey", [.map, .string]) { args, _ in
            .bool(try DictSupport.map(args[0]).storage[try DictSupport.string(args[1])] != nil)
        }
        register("pluck", [.string], variadic: .map) { args, _ in
            let key = try DictSupport.string(args[0])
            return .list(try args.dropFirst().compactMap { try DictSupport.map($0).storage[key] }, .any)
        }
        register("keys", [], variadic: .map) { args, _ in
            // Go iterates each map in random order; byte order within each map is one valid outcome
            // and keeps output reproducible. Maps stay in argument order, as Sprig appends them.
            .stringList(try args.flatMap { try DictSupport.map($0).sortedKeys })
        }
        register("values", [.map]) { args, _ in
            let m = try DictSupport.map(args[0])
            return .list(m.sortedKeys.compactMap { m.storage[$0] }, .any)
        }
        register("pick", [.map], variadic: .string) { args, _ in
            let m = try DictSupport.map(args[0])
            var out: [String: TemplateValue] = [:]
            for key in args.dropFirst() {
                let k = try DictSupport.string(key)
                if let v = m.storage[k] { out[k] = v }
            }
            return .map(MapRef(out))
        }
        register("omit", [.map], variadic: .string) { args, _ in
            let m = try DictSupport.map(args[0])
            let drop = Set(try args.dropFirst().map(DictSupport.string))
            return .map(MapRef(m.storage.filter { !drop.contains($0.key) }))
        }
        register("dig", [], variadic: .any) { args, _ in try DictSupport.dig(args) }

        register("merge", [.map], variadic: .map) { args, _ in
            // Sprig swallows merge errors inside templates and returns "".
            (try? DictSupport.merge(args, overwrite: false)) ?? .string("")
        }
        register("mustMerge", [.map], variadic: .map) { args, _ in try DictSupport.merge(args, overwrite: false) }
        register("mergeOverwrite", [.map], variadic: .map) { args, _ in
            (try? DictSupport.merge(args, overwrite: true)) ?? .string("")
        }
        register("mustMergeOverwrite", [.map], variadic: .map) { args, _ in
            try DictSupport.merge(args, overwrite: true)
        }
        register("deepCopy", [.any]) { args, _ in
            // copystructure panics on nil before it can return an error.
            if args[0].isNil { throw FunctionError(DictSupport.nilCopyPanic) }
            do { return try DictSupport.deepCopy(args[0]) } catch let e as FunctionError {
                throw FunctionError("deepCopy error: " + e.message)
            }
        }
        register("mustDeepCopy", [.any]) { args, _ in
            if args[0].isNil { throw FunctionError(DictSupport.nilCopyPanic) }
            return try DictSupport.deepCopy(args[0])
        }
    }
}

/// Helpers for the dict functions: argument access, mergo's merge rules and a guarded deep copy.
enum DictSupport {
    /// Deepest nesting merge and deepCopy follow; Go would overflow its stack on a cyclic map.
    static let maxDepth = 1_000
    static let nilCopyPanic = "reflect: call of reflect.Value.Type on zero Value"

    static func map(_ v: TemplateValue) throws -> MapRef {
        if case .map(let m) = v { return m }
        throw FunctionError("wrong type for value; expected map[string]interface {}; got \(v.goTypeName)")
    }

    static func string(_ v: TemplateValue) throws -> String {
        if case .string(let s) = v { return s }
        throw FunctionError("wrong type for value; expected string; got \(v.goTypeName)")
    }

    /// Go's failed type assertion `x.(T)` panic text.
    static func assertionFailure(_ v: TemplateValue, _ want: String) -> FunctionError {
        FunctionError("interface conversion: interface {} is \(v.isNil ? "nil" : v.goTypeName), not \(want)")
    }

    /// `dig k1 k2 … default dict`.
    static func dig(_ args: [TemplateValue]) throws -> TemplateValue {
        guard args.count >= 3 else { throw FunctionError("dig needs at least three arguments") }
        guard case .map(var current) = args[args.count - 1], current.typeName == "map[string]interface {}" else {
            throw assertionFailure(args[args.count - 1], "map[string]interface {}")
        }
        let fallback = args[args.count - 2]
        var keys: [String] = []
        for k in args[..<(args.count - 2)] {
            guard case .string(let s) = k else { throw assertionFailure(k, "string") }
            keys.append(s)
        }
        for (i, key) in keys.enumerated() {
            guard let step = current.storage[key] else { return fallback }
            if i == keys.count - 1 { return step }
            guard case .map(let next) = step, next.typeName == "map[string]interface {}" else {
                throw assertionFailure(step, "map[string]interface {}")
            }
            current = next
        }
        return fallback
    }

    /// Sprig's `merge`/`mergeOverwrite`: `mergo.Merge(&dst, src[, WithOverride])` for each source in
    /// turn, mutating and returning the first map.
    static func merge(_ args: [TemplateValue], overwrite: Bool) throws -> TemplateValue {
        let dst = try map(args[0])
        for src in args.dropFirst() {
            try mergeMaps(dst, try map(src), overwrite: overwrite, depth: 0)
        }
        return args[0]
    }

    /// mergo's map rules (dario.cat/mergo v1.0.1 `deepMerge`, map case) per source key:
    /// - a nil source value is copied only with override;
    /// - a map merges recursively into a destination map; the source map itself is stored when the
    ///   destination is missing or empty (so it is shared, as in Go);
    /// - a slice replaces the destination when overriding or when the destination is missing/empty;
    /// - anything else replaces the destination when overriding or when the destination is missing
    ///   or an empty value (`""`, 0, false, nil, empty collection).
    static func mergeMaps(_ dst: MapRef, _ src: MapRef, overwrite: Bool, depth: Int) throws {
        guard depth < maxDepth else { throw FunctionError("merge: maximum nesting depth exceeded") }
        for (key, s) in src.storage {
            let d = dst.storage[key]
            if s.isNil {
                if overwrite { dst.storage[key] = s }
                continue
            }
            if case .map(let sm) = s, case .map(let dm)? = d {
                try mergeMaps(dm, sm, overwrite: overwrite, depth: depth + 1)
                if !dm.storage.isEmpty { continue }
            } else if isSlice(s) {
                if let d, !d.isEmptyValue, !overwrite { continue }
                dst.storage[key] = s
                continue
            }
            if overwrite || (d?.isEmptyValue ?? true) {
                dst.storage[key] = s
            }
        }
    }

    private static func isSlice(_ v: TemplateValue) -> Bool {
        switch v {
        case .list, .bytes: true
        default: false
        }
    }

    /// copystructure's deep copy: maps and slices are duplicated; cycles are refused instead of
    /// recursing forever.
    static func deepCopy(_ v: TemplateValue, depth: Int = 0) throws -> TemplateValue {
        guard depth < maxDepth else { throw FunctionError("maximum nesting depth exceeded") }
        switch v {
        case .list(let l, let k): return .list(try l.map { try deepCopy($0, depth: depth + 1) }, k)
        case .map(let m):
            var out: [String: TemplateValue] = [:]
            for (k, x) in m.storage { out[k] = try deepCopy(x, depth: depth + 1) }
            return .map(MapRef(out, typeName: m.typeName))
        default: return v
        }
    }
}
