public import StructuredData

/// Helm's values coalescing (`pkg/chart/common/util/coalesce.go`): user values over chart defaults,
/// subchart sections over subchart defaults, globals copied downward.
///
/// Rules (Helm v4.2.3): maps merge recursively, scalars and lists replace; when *coalescing* (not
/// merging) a user `null` deletes the default it overrides, and nulls in chart defaults are dropped;
/// a type clash keeps the higher-precedence value (Helm logs a warning). Warnings are collected in
/// ``warnings`` instead of being printed.
public struct Coalescer {
    /// Helm's log lines (`warning: cannot overwrite table with non table for …`), in order.
    public private(set) var warnings: [String] = []
    /// `true` for Helm's `MergeValues` (nulls kept), `false` for `CoalesceValues`.
    let merge: Bool

    public init(merge: Bool = false) { self.merge = merge }

    /// `CoalesceValues(chart, vals)` (or `MergeValues` when `merge`).
    public mutating func coalesce(chart: Chart, values: [String: Value]) throws(ChartEngineError) -> [String: Value] {
        try coalesce(chart, values, prefix: "")
    }

    /// `CoalesceTables(dst, src)`: `dst` wins.
    public mutating func coalesceTables(_ dst: [String: Value], _ src: [String: Value]) -> [String: Value] {
        var d = dst
        coalesceTables(&d, src, prefix: "")
        return d
    }

    mutating func coalesce(_ chart: Chart, _ dest: [String: Value], prefix: String) throws(ChartEngineError)
        -> [String: Value]
    {
        var v = dest
        coalesceChartValues(chart, &v, prefix: prefix)
        return try coalesceDeps(chart, v, prefix: prefix)
    }

    mutating func coalesceDeps(_ chart: Chart, _ dest: [String: Value], prefix: String) throws(ChartEngineError)
        -> [String: Value]
    {
        var dest = dest
        for sub in chart.dependencies {
            let name = sub.name
            var dv: [String: Value]
            switch dest[name] {
            case nil:
                dv = [:]
            case .map(let m)?:
                dv = m
            case let other?:
                // Go prints the value with %t: booleans as true/false, anything else as %!t(TYPE=VALUE).
                throw ChartEngineError(.dependency, "type mismatch on \(name): \(goPercentT(other))")
            }
            let subPrefix = concat(prefix, chart.name)
            coalesceGlobals(&dv, dest, prefix: subPrefix)
            dest[name] = .map(try coalesce(sub, dv, prefix: subPrefix))
        }
        return dest
    }

    /// Copies `src`'s `global` into `dest`'s: the parent's globals win, maps inside merge.
    mutating func coalesceGlobals(_ dest: inout [String: Value], _ src: [String: Value], prefix: String) {
        var dg: [String: Value]
        switch dest["global"] {
        case nil: dg = [:]
        case .map(let m)?: dg = m
        default:
            warnings.append("warning: skipping globals because destination global is not a table.")
            return
        }
        let sg: [String: Value]
        switch src["global"] {
        case nil: sg = [:]
        case .map(let m)?: sg = m
        default:
            warnings.append("warning: skipping globals because source global is not a table.")
            return
        }
        for key in sg.keys.sorted() {
            guard let val = sg[key] else { continue }
            if case .map(let vm) = val {
                if let destv = dg[key] {
                    if case .map(let destMap) = destv {
                        // Reverse order of coalesce here to merge top-down: the parent's table wins.
                        var vv = vm
                        var inner = Coalescer(merge: true)
                        inner.coalesceTables(&vv, destMap, prefix: concat(prefix, key))
                        warnings += inner.warnings
                        dg[key] = .map(vv)
                    } else {
                        warnings.append("Conflict: cannot merge map onto non-map for \"\(key)\". Skipping.")
                    }
                } else {
                    dg[key] = .map(vm)
                }
            } else if case .map? = dg[key] {
                warnings.append("key \(key) is table. Skipping")
            } else {
                dg[key] = val
            }
        }
        dest["global"] = .map(dg)
    }

    /// Merges a chart's own defaults under `v` (user values win).
    mutating func coalesceChartValues(_ chart: Chart, _ v: inout [String: Value], prefix: String) {
        let subPrefix = concat(prefix, chart.name)
        for key in chart.values.keys.sorted() {
            guard let val = chart.values[key] else { continue }
            if let value = v[key] {
                if value.isNull && !merge {
                    // A user null removes the default (and itself).
                    v[key] = nil
                } else if case .map(var dest) = value {
                    if case .map(var src) = val {
                        let childMerge = merge || chart.dependencies.contains { $0.name == key }
                        // Helm v4.2.3 drops nulls from chart defaults so they never reach templates.
                        if !childMerge { Self.cleanNils(&src) }
                        var inner = Coalescer(merge: childMerge)
                        inner.coalesceTables(&dest, src, prefix: concat(subPrefix, key))
                        warnings += inner.warnings
                        v[key] = .map(dest)
                    } else if !val.isNull {
                        warnings.append("warning: skipped value for \(subPrefix).\(key): Not a table.")
                    }
                }
            } else {
                if !merge {
                    if val.isNull { continue }
                    if case .map(var sub) = val {
                        Self.cleanNils(&sub)
                        v[key] = .map(sub)
                        continue
                    }
                }
                v[key] = val
            }
        }
    }

    /// `coalesceTablesFullKey`: `dst` has precedence over `src`.
    mutating func coalesceTables(_ dst: inout [String: Value], _ src: [String: Value], prefix: String) {
        var src = src
        // Keys whose src value was non-nil: a dst nil over them is a user "delete this default".
        let srcNonNil = Set(src.filter { !$0.value.isNull }.keys)
        for (key, val) in dst where val.isNull { src[key] = .null }
        for key in src.keys.sorted() {
            guard let val = src[key] else { continue }
            let fullKey = concat(prefix, key)
            let dv = dst[key]
            if let dv, !merge, dv.isNull, srcNonNil.contains(key) {
                dst[key] = nil
            } else if dv == nil {
                dst[key] = val
            } else if case .map(let srcMap) = val {
                if case .map(var dstMap)? = dv {
                    coalesceTables(&dstMap, srcMap, prefix: fullKey)
                    dst[key] = .map(dstMap)
                } else {
                    warnings.append("warning: cannot overwrite table with non table for \(fullKey) (\(goV(val)))")
                }
            } else if case .map? = dv, !val.isNull {
                warnings.append("warning: destination for \(fullKey) is a table. Ignoring non-table value (\(goV(val)))")
            }
        }
    }

    /// Removes null entries recursively (maps only, as Helm's `cleanNilValues`).
    static func cleanNils(_ m: inout [String: Value]) {
        // Rewriting a map copies it: leave maps without nulls (the usual case) untouched.
        guard hasNils(m) else { return }
        for (key, val) in m {
            switch val {
            case .null: m[key] = nil
            case .map(var sub):
                guard hasNils(sub) else { continue }
                cleanNils(&sub)
                m[key] = .map(sub)
            default: break
            }
        }
    }

    /// Whether `m` or a map nested in it (through maps only) holds a null.
    static func hasNils(_ m: [String: Value]) -> Bool {
        for val in m.values {
            switch val {
            case .null: return true
            case .map(let sub): if hasNils(sub) { return true }
            default: break
            }
        }
        return false
    }

    func concat(_ a: String, _ b: String) -> String { a.isEmpty ? b : a + "." + b }
}

/// Go's `%v` of a plain value (for warnings and messages).
func goV(_ v: Value) -> String {
    switch v {
    case .null: return "<nil>"
    case .bool(let b): return b ? "true" : "false"
    case .int(let i): return String(i)
    case .float(let d): return GoFloat.formatV(d)
    case .string(let s): return s
    case .list(let l): return "[" + l.map(goV).joined(separator: " ") + "]"
    case .map(let m):
        return "map[" + m.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            .map { "\($0):\(goV(m[$0] ?? .null))" }.joined(separator: " ") + "]"
    }
}

/// Go's `%t` of a value (Helm's `type mismatch on %s: %t`).
func goPercentT(_ v: Value) -> String {
    switch v {
    case .bool(let b): return b ? "true" : "false"
    case .null: return "%!t(<nil>)"
    case .int(let i): return "%!t(int64=\(i))"
    case .float(let d): return "%!t(float64=\(GoFloat.formatV(d)))"
    case .string(let s): return "%!t(string=\(s))"
    case .list(let l): return "[" + l.map(goPercentT).joined(separator: " ") + "]"
    case .map: return "map[…]"
    }
}
