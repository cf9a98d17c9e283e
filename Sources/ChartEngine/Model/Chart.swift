public import StructuredData

/// A loaded chart: its metadata, default values, templates, other files and subcharts, as Helm's
/// `chart.Chart` (v2 charts; v1 `requirements.yaml` dependencies are merged into the metadata).
public struct Chart: Sendable {
    /// Parsed `Chart.yaml`.
    public var metadata: ChartMetadata
    /// Parsed `values.yaml` (numbers are float64 as in Helm), `[:]` when absent.
    public var values: [String: Value]
    /// The raw `values.yaml` text, if any (for `helm show values`).
    public var rawValues: String?
    /// Files under `templates/`, names relative to the chart root (`templates/deployment.yaml`).
    public var templates: [ChartFile]
    /// Files under `crds/` (never templated).
    public var crds: [ChartFile]
    /// Every other file (what `.Files` sees), names relative to the chart root.
    public var files: [ChartFile]
    /// `values.schema.json`, if present.
    public var schema: String?
    /// Subcharts found in `charts/`, in directory order.
    public var dependencies: [Chart]
    /// The chain of chart names from the root to this chart's parent (empty for the root chart); set
    /// when a chart is attached to a parent so that ``fullPath`` matches Helm's `ChartFullPath`.
    public var parentPath: [String]

    public init(metadata: ChartMetadata, values: [String: Value] = [:], rawValues: String? = nil,
                templates: [ChartFile] = [], crds: [ChartFile] = [], files: [ChartFile] = [],
                schema: String? = nil, dependencies: [Chart] = [], parentPath: [String] = [])
    {
        self.metadata = metadata
        self.values = values
        self.rawValues = rawValues
        self.templates = templates
        self.crds = crds
        self.files = files
        self.schema = schema
        self.dependencies = dependencies
        self.parentPath = parentPath
        // Re-root every subchart under this chart's path.
        self.dependencies = dependencies.map { $0.reparented(under: parentPath + [metadata.name]) }
    }

    /// The chart's name (`metadata.name`).
    public var name: String { metadata.name }

    /// True for the top-level chart.
    public var isRoot: Bool { parentPath.isEmpty }

    /// Helm's `ChartFullPath`: `parent/charts/sub/charts/subsub`; template names start with it.
    public var fullPath: String {
        (parentPath + [name]).joined(separator: "/charts/")
    }

    /// True for `type: library` charts, whose non-partial templates are never rendered.
    public var isLibrary: Bool { metadata.type == "library" }

    /// This chart (and its subcharts) re-rooted below `path`.
    func reparented(under path: [String]) -> Chart {
        var c = self
        c.parentPath = path
        c.dependencies = dependencies.map { $0.reparented(under: path + [name]) }
        return c
    }

    /// Replaces this chart's name (a dependency alias) and re-roots its subcharts under it.
    func renamed(_ newName: String) -> Chart {
        var c = self
        c.metadata.name = newName
        c.dependencies = dependencies.map { $0.reparented(under: parentPath + [newName]) }
        return c
    }
}

/// One file of a chart: its path relative to the chart root and its bytes.
public struct ChartFile: Sendable, Equatable {
    public var name: String
    public var data: [UInt8]

    public init(name: String, data: [UInt8]) {
        self.name = name
        self.data = data
    }

    public init(name: String, text: String) {
        self.name = name
        self.data = Array(text.utf8)
    }

    /// The bytes as text (invalid UTF-8 replaced, as Go's `string([]byte)` then printing would show).
    public var text: String { String(decoding: data, as: UTF8.self) }
}
