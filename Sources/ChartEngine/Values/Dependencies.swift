public import StructuredData

/// Helm's `ProcessDependencies`: applies aliases, evaluates `tags` and `condition` to drop disabled
/// subcharts, then imports values (`import-values`) from children into parents.
public enum DependencyProcessor {
    /// The chart with disabled subcharts removed and aliases applied, and its values after imports.
    public static func process(_ chart: Chart, userValues: [String: Value]) throws(ChartEngineError) -> Chart {
        // Conditions and tags read Helm's `CoalesceValues(chart, vals)`: user nulls delete defaults.
        var coalescer = Coalescer()
        var c = applyAliases(chart)
        let topValues = try coalescer.coalesce(chart: c, values: userValues)
        try processEnabled(&c, values: topValues, path: "", tags: tagsTable(topValues))
        try processImports(&c)
        return c
    }

    private static func tagsTable(_ v: [String: Value]) -> [String: Value]? {
        if case .map(let t)? = v["tags"] { return t }
        return nil
    }

    /// Helm's dependency matching: a declared dependency picks the subchart of its name whose version
    /// satisfies the declared range (renamed to its alias); subcharts no declaration picks are kept as
    /// they are (undeclared charts are always included). Declarations are renamed to their alias, so
    /// conditions and removal work on the alias.
    static func applyAliases(_ chart: Chart) -> Chart {
        var c = chart
        var result: [Chart] = []
        let reqs = chart.metadata.dependencies
        for sub in chart.dependencies
        where !reqs.contains(where: { $0.name == sub.name && SemverRange.isCompatible($0.version, sub.metadata.version) }) {
            result.append(sub)
        }
        for (i, req) in reqs.enumerated() {
            if let sub = chart.dependencies.first(where: {
                $0.name == req.name && SemverRange.isCompatible(req.version, $0.metadata.version)
            }) {
                result.append(req.alias.isEmpty ? sub : sub.renamed(req.alias))
            }
            if !req.alias.isEmpty { c.metadata.dependencies[i].name = req.alias }
        }
        c.dependencies = result.map { applyAliases($0) }
        return c
    }

    static func processEnabled(_ chart: inout Chart, values: [String: Value], path: String,
                               tags: [String: Value]?) throws(ChartEngineError)
    {
        var disabled: Set<String> = []
        for req in chart.metadata.dependencies {
            var enabled = true
            if let tags {
                var hasTrue = false, hasFalse = false
                for t in req.tags {
                    if case .bool(let b)? = tags[t] { if b { hasTrue = true } else { hasFalse = true } }
                }
                if !hasTrue && hasFalse { enabled = false }
            }
            for cond in req.condition.trimmingGoSpace().split(separator: ",", omittingEmptySubsequences: true) {
                let parts = (path + cond).split(separator: ".").map(String.init)
                if case .bool(let b)? = Value.map(values).lookup(parts) {
                    enabled = b
                    break
                }
            }
            if !enabled { disabled.insert(req.name) }
        }
        chart.dependencies.removeAll { disabled.contains($0.name) }
        chart.metadata.dependencies.removeAll { disabled.contains($0.name) }
        // Helm marks every remaining declaration enabled.
        for i in chart.metadata.dependencies.indices { chart.metadata.dependencies[i].enabled = true }
        for i in chart.dependencies.indices {
            try processEnabled(&chart.dependencies[i], values: values,
                               path: path + chart.dependencies[i].name + ".", tags: tags)
        }
    }

    /// `import-values`, deepest charts first; imported values rank below the parent's own.
    static func processImports(_ chart: inout Chart) throws(ChartEngineError) {
        for i in chart.dependencies.indices { try processImports(&chart.dependencies[i]) }
        guard chart.metadata.dependencies.contains(where: { !$0.importValues.isEmpty }) else { return }
        var coalescer = Coalescer(merge: true)
        let cvals = try coalescer.coalesce(chart: chart, values: [:])
        var imported: [String: Value] = [:]
        for req in chart.metadata.dependencies {
            for iv in req.importValues {
                switch iv {
                case .map(let m):
                    let child = m["child"].map(goV) ?? "<nil>"
                    let parent = m["parent"].map(goV) ?? "<nil>"
                    let path = ([req.name] + child.split(separator: ".").map(String.init))
                    guard case .map(let table)? = Value.map(cvals).lookup(path) else { continue }
                    imported = coalescer.coalesceTables(imported, pathToMap(parent, table))
                case .string(let s):
                    let path = [req.name, "exports"] + s.split(separator: ".").map(String.init)
                    guard case .map(let table)? = Value.map(cvals).lookup(path) else { continue }
                    imported = coalescer.coalesceTables(imported, table)
                default:
                    continue
                }
            }
        }
        chart.values = coalescer.coalesceTables(cvals, imported)
    }

    /// Helm's `pathToMap`: `a.b` and `{x: 1}` → `{a: {b: {x: 1}}}`; `.` means the root.
    static func pathToMap(_ path: String, _ data: [String: Value]) -> [String: Value] {
        if path == "." { return data }
        var result = data
        for key in path.split(separator: ".").reversed() { result = [String(key): .map(result)] }
        return result
    }
}
