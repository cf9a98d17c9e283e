#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `helm create NAME [-p STARTER]`: Helm v4.2.3's chart scaffold (pkg/chart/v2/util/create.go and
/// pkg/cmd/create.go).
public enum CreateAction {
    /// Helm's `maxChartNameLength`.
    static let maxNameLength = 250

    /// What `helm create NAME` prints on standard output and does: `Creating NAME`, then, for each
    /// scaffold file that already exists, `WARNING: File "PATH" already exists. Overwriting.` (Helm
    /// points chartutil's warning stream at standard output). `starter` is `-p/--starter`: a name
    /// under `starterDirectory` or an absolute path. `chartAPIVersion` is `--chart-api-version`
    /// (`v2`, empty for v2, or `v3`); v3 needs Helm's experimental gate, `HELM_EXPERIMENTAL_CHART_V3`
    /// set non-empty, which the caller reads into `chartV3Enabled`.
    ///
    /// Errors are thrown after `output` has received what Helm printed before failing.
    public static func run(name: String, starter: String = "", starterDirectory: String = "",
                           chartAPIVersion: String = "v2", chartV3Enabled: Bool = false,
                           output: inout String) throws(ChartEngineError)
    {
        output += "Creating \(name)\n"
        let version: Scaffold.APIVersion
        switch chartAPIVersion {
        case "v2", "": version = .v2
        case "v3":
            guard chartV3Enabled else { throw ChartEngineError(.usage, chartV3GateMessage) }
            version = .v3
        default:
            throw ChartEngineError(.usage, "unsupported chart API version: \(chartAPIVersion) (supported: v2, v3)")
        }
        let chartName = GoPath.base(name)
        let parent = GoPath.dir(name)
        if !starter.isEmpty {
            let starterPath = starter.hasPrefix("/") ? starter : GoPath.clean(starterDirectory + "/" + starter)
            try createFrom(name: chartName, destination: parent, starter: starterPath, apiVersion: version.rawValue)
            return
        }
        _ = try create(name: chartName, in: parent, apiVersion: version, output: &output)
    }

    /// Helm's `gates.ChartV3.Error()`.
    public static let chartV3GateMessage = "this feature has been marked as experimental and is not enabled by "
        + "default. Please set HELM_EXPERIMENTAL_CHART_V3=1 in your environment to use this feature"

    /// Helm's `chartutil.Create`: writes the scaffold into `dir/name` (which may already exist) and
    /// returns the absolute chart directory. `dir` itself must exist.
    public static func create(name: String, in dir: String, output: inout String) throws(ChartEngineError) -> String {
        try create(name: name, in: dir, apiVersion: .v2, output: &output)
    }

    static func create(name: String, in dir: String, apiVersion: Scaffold.APIVersion, output: inout String)
        throws(ChartEngineError) -> String
    {
        try validateName(name)
        let path = FileSystem.absolutePath(dir)
        switch FileSystem.kind(of: path) {
        case .missing:
            throw ChartEngineError(.io, "stat \(path): no such file or directory")
        case .directory:
            break
        case .file, .other:
            throw ChartEngineError(.io, "no such directory \(path)")
        }
        let chartDir = GoPath.clean(path + "/" + name)
        let kind = FileSystem.kind(of: chartDir)
        if kind == .file || kind == .other {
            throw ChartEngineError(.io, "file \(chartDir) already exists and is not a directory")
        }
        for file in Scaffold.files(for: apiVersion) {
            let target = chartDir + "/" + file.path
            if FileSystem.kind(of: target) != .missing {
                output += "WARNING: File \(quoteGo(target)) already exists. Overwriting.\n"
            }
            try writeFile(target, Array(file.content.replacingAll("<CHARTNAME>", with: name).utf8))
        }
        // charts/ holds no file, so it is created explicitly.
        try FileSystem.makeDirectories(chartDir + "/charts")
        return chartDir
    }

    /// Helm's `validateChartName` for `helm create`.
    public static func validateName(_ name: String) throws(ChartEngineError) {
        if name.isEmpty || name.utf8.count > maxNameLength {
            throw ChartEngineError(.usage, "chart name must be between 1 and \(maxNameLength) characters")
        }
        let ok = name.unicodeScalars.allSatisfy { c in
            (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "." || c == "_"
                || c == "-"
        }
        if !ok {
            throw ChartEngineError(.usage, "chart name must match the regular expression \"^[a-zA-Z0-9._-]+$\"")
        }
    }

    /// Helm's `chartutil.CreateFrom` followed by `SaveDir`: the starter chart, renamed, with
    /// `<CHARTNAME>` replaced in its templates and `values.yaml`, written to `destination/name`.
    ///
    /// Helm replaces Chart.yaml by fresh metadata (`appVersion: 0.1.0`, unlike the built-in
    /// scaffold's `1.16.0`). Subcharts are written as archives, as `SaveDir` does.
    public static func createFrom(name: String, destination: String, starter: String, apiVersion: String = "v2")
        throws(ChartEngineError)
    {
        let loaded: Chart
        do {
            loaded = try ChartLoader.load(directory: starter)
        } catch let e as ChartEngineError {
            throw ChartEngineError(e.code, "could not load \(starter): \(e.message)")
        } catch {
            throw ChartEngineError(.io, "could not load \(starter): \(error)")
        }
        // SaveDir's validateName: the name must be a single path element.
        if GoPath.base(name) != name {
            throw ChartEngineError(.usage, "\(quoteGo(name)) is not a valid chart name")
        }
        let metadata = ChartMetadata(apiVersion: apiVersion, name: name, version: "0.1.0",
                                     description: "A Helm chart for Kubernetes", type: "application",
                                     appVersion: "0.1.0")
        let outDir = GoPath.clean(destination + "/" + name)
        let kind = FileSystem.kind(of: outDir)
        if kind == .file || kind == .other {
            throw ChartEngineError(.io, "file \(outDir) already exists and is not a directory")
        }
        try FileSystem.makeDirectories(outDir)
        try writeFile(outDir + "/Chart.yaml", Array(ChartfileEncoding.chartYAML(metadata).utf8))
        if let raw = loaded.rawValues {
            try writeFile(outDir + "/values.yaml", Array(raw.replacingAll("<CHARTNAME>", with: name).utf8))
        }
        if let schema = loaded.schema {
            try writeFile(outDir + "/values.schema.json", Array(schema.utf8))
        }
        for t in loaded.templates {
            try writeFile(outDir + "/" + t.name, Array(t.text.replacingAll("<CHARTNAME>", with: name).utf8))
        }
        // Chart.files also holds the `crds/` files (and everything else not templated).
        for f in loaded.files {
            try writeFile(outDir + "/" + f.name, f.data)
        }
        try saveSubcharts(starter: starter, into: outDir + "/charts")
    }

    /// The starter's subcharts as `charts/NAME-VERSION.tgz`.
    static func saveSubcharts(starter: String, into dir: String) throws(ChartEngineError) {
        let chartsDir = starter + "/charts"
        guard FileSystem.kind(of: chartsDir) == .directory else { return }
        for entry in try FileSystem.list(chartsDir) where !entry.hasPrefix(".") && !entry.hasPrefix("_") {
            let path = chartsDir + "/" + entry
            switch FileSystem.kind(of: path) {
            case .directory:
                let archived: (fileName: String, bytes: [UInt8])
                do {
                    archived = try ChartPackager.archiveTyped(directory: path, options: .init())
                } catch {
                    throw ChartEngineError(error.code, "saving \(entry): \(error.message)")
                }
                try FileSystem.makeDirectories(dir)
                try writeFile(dir + "/" + archived.fileName, archived.bytes)
            case .file where entry.hasSuffix(".tgz"):
                try FileSystem.makeDirectories(dir)
                try writeFile(dir + "/" + entry, try FileSystem.read(path))
            default:
                continue
            }
        }
    }

    /// Helm's `writeFile`: parents created with 0755, the file written with 0644.
    static func writeFile(_ path: String, _ bytes: [UInt8]) throws(ChartEngineError) {
        try FileSystem.makeDirectories(GoPath.dir(path))
        try FileSystem.write(path, bytes, append: false)
    }
}
