import Templating

/// `helm show chart|values|readme|crds|all` (Helm's `action.Show.Run`).
public enum ShowAction {
    /// What to show.
    public enum Format: String, Sendable, CaseIterable {
        case all, chart, values, readme, crds
    }

    /// Loads the chart at `path` (directory or archive) and renders the requested part.
    public static func run(path: String, format: Format) throws -> String {
        try LargeStack.run { show(try ChartLoader.loadDirectory(path), format: format) }
    }

    /// The text Helm prints: `Chart.yaml` re-serialised, `values.yaml` verbatim, the first file named
    /// `README.md`/`README.txt`/`README` (any case) at the chart root, and every CRD of the chart and
    /// its subcharts; `all` separates the parts with `---` lines.
    public static func show(_ chart: Chart, format: Format) -> String {
        var out = ""
        if format == .chart || format == .all {
            out += ChartfileEncoding.chartYAML(chart.metadata) + "\n"
        }
        if format == .values || format == .all, let raw = chart.rawValues {
            if format == .all { out += "---\n" }
            out += raw + "\n"
        }
        if format == .readme || format == .all, let readme = findReadme(chart.files) {
            if format == .all { out += "---\n" }
            out += readme.text + "\n"
        }
        if format == .crds || format == .all {
            // Each CRD gets its own `---` line unless its file already starts with one.
            for crd in crdObjects(chart) {
                if !crd.data.starts(with: Array("---".utf8)) { out += "---\n" }
                out += crd.text + "\n"
            }
        }
        return out
    }

    static func findReadme(_ files: [ChartFile]) -> ChartFile? {
        files.first { f in
            let lower = f.name.lowercased()
            return lower == "readme.md" || lower == "readme.txt" || lower == "readme"
        }
    }

    /// Helm's `CRDObjects`: this chart's `crds/` manifests, then each subchart's.
    static func crdObjects(_ chart: Chart) -> [ChartFile] {
        chart.crds + chart.dependencies.flatMap(crdObjects)
    }
}
