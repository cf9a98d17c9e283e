public import StructuredData

/// Helm's `ProcessDependencies`: applies aliases, evaluates `tags` and `condition` to drop disabled
/// subcharts, then imports values (`import-values`) from children into parents.
public enum DependencyProcessor {
    /// The chart with disabled subcharts removed and aliases applied, and its values after imports.
    public static func process(_ chart: Chart, userValues: [String: Value]) throws(ChartEngineError) -> Chart {
        var merger = Coalescer(merge: true)
        var c = chart
        let topValues = try merger.coalesce(chart: applyAliases(chart), values: userValues)
        try processEnabled(&c, values: topValues, path: "", tags: tagsTable(topValues))
        try processImports(&c)
        return c
    }

    private static func tagsTable(_ v: [String: Value]) -> [String: Value]? {
        if case .map(let t)? = v["tags"] { return t }
        return nil
    }

    /// Subcharts selected by `Chart.yaml` dependencies (renamed to their alias), plus undeclared ones.
    static func applyAliases(_ chart: Chart) -> Chart {
        var c = chart
        var result: [Chart] = []
        let declared = Set(chart.metadata.dependencies.map(\.name))
        // Charts in charts/ that Chart.yaml does not declare are always included.
        for sub in chart.dependencies where !declared.contains(sub.name) { result.append(sub) }
        for (i, req) in chart.metadata.dependencies.enumerated() {
            if let sub = chart.dependencies.first(where: { $0.name == req.name }) {
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
        chart = applyAliasesShallow(chart)
        guard !chart.metadata.dependencies.isEmpty else {
            // Still recurse: undeclared subcharts may declare their own dependencies.
            for i in chart.dependencies.indices {
                try processEnabled(&chart.dependencies[i], values: values,
                                   path: path + chart.dependencies[i].name + ".", tags: tags)
            }
            return
        }
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
        for i in chart.dependencies.indices {
            try processEnabled(&chart.dependencies[i], values: values,
                               path: path + chart.dependencies[i].name + ".", tags: tags)
        }
    }

    /// Alias application for one level (names already applied below by ``applyAliases``).
    private static func applyAliasesShallow(_ chart: Chart) -> Chart {
        var c = chart
        var result: [Chart] = []
        let declared = Set(chart.metadata.dependencies.map(\.name))
        for sub in chart.dependencies where !declared.contains(sub.name) {
            // Either undeclared, or already renamed to its alias on an earlier pass.
            if !chart.metadata.dependencies.contains(where: { $0.alias == sub.name }) { result.append(sub) }
        }
        for (i, req) in chart.metadata.dependencies.enumerated() {
            if !req.alias.isEmpty, let sub = chart.dependencies.first(where: { $0.name == req.alias }) {
                result.append(sub)
            } else if let sub = chart.dependencies.first(where: { $0.name == req.name }) {
                result.append(req.alias.isEmpty ? sub : sub.renamed(req.alias))
            }
            if !req.alias.isEmpty { c.metadata.dependencies[i].name = req.alias }
        }
        c.dependencies = result
        return c
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
