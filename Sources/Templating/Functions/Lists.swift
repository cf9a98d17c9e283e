/// Sprig v3.3.0's list functions (`list.go`). Sprig reaches list arguments through reflection, so any
/// Go slice works (`[]string` from `splitList`, `[]int` from `until`, `[]uint8` bytes), while other
/// kinds fail with `Cannot … on type KIND`. The non-`must` variants `panic(err)`; text/template turns a
/// panic into `error calling NAME: MSG`, so both kinds throw the same ``FunctionError``.
extension FunctionRegistry {
    mutating func registerLists() {
        register("list", [], variadic: .any) { args, _ in .list(args, .any) }
        register("tuple", [], variadic: .any) { args, _ in .list(args, .any) }

        for name in ["append", "push", "mustAppend", "mustPush"] {
            register(name, [.any, .any]) { args, _ in
                .list(try ListSupport.elements(args[0], "Cannot push on type") + [args[1]], .any)
            }
        }
        for name in ["prepend", "mustPrepend"] {
            register(name, [.any, .any]) { args, _ in
                .list([args[1]] + (try ListSupport.elements(args[0], "Cannot prepend on type")), .any)
            }
        }
        for name in ["first", "mustFirst"] {
            register(name, [.any]) { args, _ in
                try ListSupport.elements(args[0], "Cannot find first on type").first ?? .null
            }
        }
        for name in ["last", "mustLast"] {
            register(name, [.any]) { args, _ in
                try ListSupport.elements(args[0], "Cannot find last on type").last ?? .null
            }
        }
        for name in ["rest", "mustRest"] {
            register(name, [.any]) { args, _ in
                .list(Array(try ListSupport.elements(args[0], "Cannot find rest on type").dropFirst()), .any)
            }
        }
        for name in ["initial", "mustInitial"] {
            register(name, [.any]) { args, _ in
                .list(Array(try ListSupport.elements(args[0], "Cannot find initial on type").dropLast()), .any)
            }
        }
        for name in ["reverse", "mustReverse"] {
            register(name, [.any]) { args, _ in
                .list(Array(try ListSupport.elements(args[0], "Cannot find reverse on type").reversed()), .any)
            }
        }
        for name in ["uniq", "mustUniq"] {
            register(name, [.any]) { args, _ in
                var out: [TemplateValue] = []
                for item in try ListSupport.elements(args[0], "Cannot find uniq on type")
                where !out.contains(where: { ListSupport.deepEqual($0, item) }) {
                    out.append(item)
                }
                return .list(out, .any)
            }
        }
        for name in ["without", "mustWithout"] {
            register(name, [.any], variadic: .any) { args, _ in
                let omit = args.dropFirst()
                let items = try ListSupport.elements(args[0], "Cannot find without on type")
                return .list(items.filter { item in !omit.contains { ListSupport.deepEqual($0, item) } }, .any)
            }
        }
        for name in ["has", "mustHas"] {
            register(name, [.any, .any]) { args, _ in
                // Sprig 3.3.0 answers false for a nil haystack instead of failing.
                if args[1].isNil { return .bool(false) }
                let items = try ListSupport.elements(args[1], "Cannot find has on type")
                return .bool(items.contains { ListSupport.deepEqual(args[0], $0) })
            }
        }
        for name in ["compact", "mustCompact"] {
            register(name, [.any]) { args, _ in
                .list(try ListSupport.elements(args[0], "Cannot compact on type").filter { !$0.isEmptyValue }, .any)
            }
        }
        for name in ["chunk", "mustChunk"] {
            register(name, [.int, .any]) { args, _ in
                let items = try ListSupport.elements(args[1], "Cannot chunk type")
                guard case .int(let size64, _) = args[0] else { return .list([], .anyLists) }
                // Sprig's arithmetic, float division included (size 0 → ±Inf → Go's int(±Inf) = MinInt64).
                let l = Double(items.count)
                let size = Double(size64)
                let q = ((l - 1) / size).rounded(.down) + 1
                let cs = q.isFinite && abs(q) < 9.2e18 ? Int64(q) : Int64.min &+ 1
                if cs < 0 { throw FunctionError("runtime error: makeslice: len out of range") }
                var chunks: [TemplateValue] = []
                for i in 0..<Int(cs) {
                    var clen = size64
                    if i == Int(cs) - 1 {
                        clen = Int64(l.truncatingRemainder(dividingBy: size).rounded(.down))
                        if clen == 0 { clen = size64 }
                    }
                    if clen < 0 { throw FunctionError("runtime error: makeslice: len out of range") }
                    var chunk: [TemplateValue] = []
                    for j in 0..<Int(clen) {
                        let ix = i * Int(size64) + j
                        guard ix >= 0, ix < items.count else { throw FunctionError("reflect: slice index out of range") }
                        chunk.append(items[ix])
                    }
                    chunks.append(.list(chunk, .any))
                }
                return .list(chunks, .anyLists)
            }
        }
        for name in ["slice", "mustSlice"] {
            register(name, [.any], variadic: .any) { args, _ in try ListSupport.slice(args) }
        }
        register("concat", [], variadic: .any) { args, _ in
            var out: [TemplateValue] = []
            for list in args {
                guard let items = ListSupport.sliceElements(list) else {
                    if list.isNil { throw FunctionError(ListSupport.nilPanic) }
                    throw FunctionError("Cannot concat type \(list.goKindName) as list")
                }
                out += items
            }
            return .list(out, .any)
        }
    }
}

/// Helpers shared by the list and dict functions.
enum ListSupport {
    /// What Go prints when Sprig calls `reflect.TypeOf(nil).Kind()`.
    static let nilPanic = "runtime error: invalid memory address or nil pointer dereference"

    /// The elements of a Go slice value, or nil when `v` is not a slice.
    static func sliceElements(_ v: TemplateValue) -> [TemplateValue]? {
        switch v {
        case .list(let items, _): items
        case .bytes(let b): b.map { .int(Int64($0), .uint8) }
        case .object(let o): o.listView
        default: nil
        }
    }

    /// The elements of a slice argument, or Sprig's `PREFIX KIND` error for any other kind.
    static func elements(_ v: TemplateValue, _ prefix: String) throws -> [TemplateValue] {
        if let items = sliceElements(v) { return items }
        if v.isNil { throw FunctionError(nilPanic) }
        throw FunctionError("\(prefix) \(v.goKindName)")
    }

    /// Sprig's `slice list [start [end]]`: Go's `reflect.Value.Slice`, which keeps the slice type.
    static func slice(_ args: [TemplateValue]) throws -> TemplateValue {
        let list = args[0]
        guard let items = sliceElements(list) else {
            if list.isNil { throw FunctionError(nilPanic) }
            throw FunctionError("list should be type of slice or array but \(list.goKindName)")
        }
        if items.isEmpty { return .null }
        let start = args.count > 1 ? Int(clamping: args[1].castInt64) : 0
        let end = args.count > 2 ? Int(clamping: args[2].castInt64) : items.count
        guard start >= 0, start <= end, end <= items.count else {
            throw FunctionError("reflect.Value.Slice: slice index out of bounds")
        }
        switch list {
        case .list(_, let kind): return .list(Array(items[start..<end]), kind)
        case .bytes(let b): return .bytes(Array(b[start..<end]))
        default: return .list(Array(items[start..<end]), .any)
        }
    }

    /// Go's `reflect.DeepEqual` on template values: types must match exactly (`1` as int differs from
    /// `1` as int64 or float64); maps and slices compare element-wise.
    static func deepEqual(_ a: TemplateValue, _ b: TemplateValue, depth: Int = 0) -> Bool {
        if depth > 10_000 { return false }
        switch (a, b) {
        case (.invalid, .invalid), (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x, let k1), .int(let y, let k2)): return k1 == k2 && x == y
        case (.float(let x), .float(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.bytes(let x), .bytes(let y)): return x == y
        case (.list(let x, let k1), .list(let y, let k2)):
            return k1 == k2 && x.count == y.count
                && zip(x, y).allSatisfy { deepEqual($0, $1, depth: depth + 1) }
        case (.map(let x), .map(let y)):
            if x === y { return true }
            guard x.typeName == y.typeName, x.storage.count == y.storage.count else { return false }
            for (k, v) in x.storage {
                guard let w = y.storage[k], deepEqual(v, w, depth: depth + 1) else { return false }
            }
            return true
        case (.object(let x), .object(let y)):
            return x.goTypeName == y.goTypeName && x.formatted == y.formatted
        default: return false
        }
    }
}
