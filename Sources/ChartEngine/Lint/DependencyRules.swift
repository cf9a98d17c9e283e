/// Helm's `rules.Dependencies`: `Chart.yaml` dependencies and `charts/` must agree (helm/helm#7910).
/// Findings are reported against the absolute chart directory.
enum DependencyRules {
    static func run(_ linter: inout Linter) {
        let chart: Chart
        do {
            chart = try ChartLoader.load(directory: linter.chartDir)
        } catch {
            linter.rule(.error, "", "unable to load chart\n\t" + LintAction.message(of: error))
            return
        }
        let declared = chart.metadata.dependencies
        let present = chart.dependencies.map(\.name)
        let declaredNames = Set(declared.map(\.name))
        let undeclared = present.filter { !declaredNames.contains($0) }
        linter.rule(.error, linter.chartDir, undeclared.isEmpty
            ? nil : "chart metadata is missing these dependencies: " + undeclared.joined(separator: ","))
        var seen: Set<String> = []
        var shadowing: [String] = []
        for d in declared {
            let key = d.alias.isEmpty ? d.name : d.alias
            if seen.contains(key) { shadowing.append(key) }
            seen.insert(key)
        }
        linter.rule(.error, linter.chartDir, shadowing.isEmpty
            ? nil : "multiple dependencies with name or alias: " + shadowing.joined(separator: ","))
        let presentNames = Set(present)
        let missing = declared.map(\.name).filter { !presentNames.contains($0) }
        linter.rule(.warning, linter.chartDir, missing.isEmpty
            ? nil : "chart directory is missing these dependencies: " + missing.joined(separator: ","))
    }
}
