/// Helm's `rules.Crds`: files in `crds/` (the chart's and its subcharts') must be plain YAML
/// CustomResourceDefinitions.
enum CrdRules {
    static func run(_ linter: inout Linter) {
        let dir = "crds/"
        let kind = FileSystem.kind(of: linter.path(dir))
        if kind == .missing { return }
        if kind != .directory {
            linter.rule(.error, dir, "not a directory")
            return
        }
        let chart: Chart
        do {
            chart = try ChartLoader.load(directory: linter.chartDir)
        } catch {
            linter.rule(.error, dir, LintAction.message(of: error))
            return
        }
        for crd in crdFiles(chart) {
            var decoder = ManifestDecoder(crd.text)
            while let next = decoder.next() {
                switch next {
                case .failure(let e):
                    linter.rule(.error, crd.name, "unable to parse YAML: " + e.message)
                    return
                case .success(nil):
                    continue
                case .success(let o?):
                    linter.rule(.error, crd.name, o.apiVersion.hasPrefix("apiextensions.k8s.io")
                        ? nil : "apiVersion is not in 'apiextensions.k8s.io'")
                    linter.rule(.error, crd.name, o.kind == "CustomResourceDefinition"
                        ? nil : "object kind is not 'CustomResourceDefinition'")
                }
            }
        }
    }

    /// Helm's `CRDObjects`: the chart's own CRD files, then its subcharts', each named relative to
    /// its own chart.
    static func crdFiles(_ chart: Chart) -> [ChartFile] {
        chart.crds + chart.dependencies.flatMap(crdFiles)
    }
}
