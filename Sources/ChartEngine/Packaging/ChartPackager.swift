import StructuredData
import Templating

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `helm package`: Helm v4's reproducible chart archive (`chartutil.Save`, §4.5).
public enum ChartPackager {
    /// What to change while packaging (`--version`, `--app-version`).
    public struct Options: Sendable {
        /// `--version`: replaces `version` in Chart.yaml (must be SemVer).
        public var version: String?
        /// `--app-version`: replaces `appVersion`.
        public var appVersion: String?
        /// Options with the given overrides (nil or empty: keep the chart's).
        public init(version: String? = nil, appVersion: String? = nil) {
            self.version = version
            self.appVersion = appVersion
        }
    }

    /// Loads the chart directory `path`, applies `options`, checks that every dependency in
    /// `Chart.yaml` is present in `charts/`, and returns the archive bytes and file name
    /// (`<name>-<version>.tgz`).
    public static func archive(directory path: String, options: Options = Options()) throws
        -> (fileName: String, bytes: [UInt8])
    {
        try LargeStack.run { try archiveTyped(directory: path, options: options) }
    }

    static func archiveTyped(directory path: String, options: Options) throws(ChartEngineError)
        -> (fileName: String, bytes: [UInt8])
    {
        // Helm v4's LoadDir reads Chart.yaml before anything else, naming the absolute path.
        let chartfile = FileSystem.absolutePath(path) + "/Chart.yaml"
        let fd = open(chartfile, O_RDONLY)
        if fd < 0 {
            throw ChartEngineError(.chartNotFound,
                                   "unable to detect chart at \(chartfile): open \(chartfile): \(FileSystem.errorText(errno))")
        }
        close(fd)
        // Checking values.yaml (Helm's LoadFiles only parses it here; the archive keeps its bytes)
        // runs on a second thread while this one walks the chart and builds the archive with the
        // parse left out. The build is index 0, which this thread takes at once: a new thread may
        // wait a millisecond for a CPU (measured), so it gets the shorter job. The result is used
        // only when both sides succeeded on the same bytes; anything else (an error anywhere,
        // values.yaml changed or ignored) is redone the plain sequential way, so results and errors
        // are exactly its.
        let check = ValuesCheck(chartDirectory: path)
        let speculative = SpeculativeBuild()
        LargeStack.forEach(count: 2, workers: 2) { i in
            if i == 1 {
                check.run()
            } else {
                speculative.result = Result { () throws(ChartEngineError) in
                    try build(directory: path, options: options, valuesCheckedElsewhere: true)
                }
            }
        }
        if case .success(let built)? = speculative.result, built.valuesData == nil || check.passed(for: built.valuesData) {
            return (built.fileName, built.bytes)
        }
        let built = try build(directory: path, options: options, valuesCheckedElsewhere: false)
        return (built.fileName, built.bytes)
    }

    /// An archive and the top-level `values.yaml` bytes its chart was loaded with.
    struct Built {
        var fileName: String
        var bytes: [UInt8]
        var valuesData: [UInt8]?
    }

    /// Loads, checks and archives the chart; with `valuesCheckedElsewhere` the loader is handed an
    /// empty `values.yaml` in place of the real one (whose bytes still go into the archive).
    static func build(directory path: String, options: Options, valuesCheckedElsewhere: Bool)
        throws(ChartEngineError) -> Built
    {
        let source = try ChartSource.directory(path)
        var files = source.files
        let valuesIndex = files.lastIndex { $0.name == "values.yaml" }
        let valuesData = valuesIndex.map { files[$0].data }
        if valuesCheckedElsewhere, let i = valuesIndex { files[i].data = [] }
        var chart = try ChartLoader.loadFiles(files)
        if let v = options.version, !v.isEmpty { chart.metadata.version = v }
        // Helm's validateVersion (Masterminds NewVersion) runs on the final version.
        if SemVer(chart.metadata.version) == nil {
            throw ChartEngineError(.invalidChart, "invalid semantic version")
        }
        if let a = options.appVersion, !a.isEmpty { chart.metadata.appVersion = a }
        try checkDependencies(chart)
        let (fileName, bytes) = try archive(chart: chart, source: source)
        return Built(fileName: fileName, bytes: bytes, valuesData: valuesData)
    }

    /// Helm's `action.CheckDependencies`: every `dependencies:` entry needs a loaded subchart of
    /// that name.
    static func checkDependencies(_ chart: Chart) throws(ChartEngineError) {
        let present = Set(chart.dependencies.map(\.name))
        let missing = chart.metadata.dependencies.map(\.name).filter { !present.contains($0) }
        if !missing.isEmpty {
            throw ChartEngineError(.dependency,
                                   "found in Chart.yaml, but missing in charts/ directory: \(missing.joined(separator: ", "))")
        }
    }

    /// Serialises a loaded chart (with the source it came from, for file times) as Helm's `Save`.
    static func archive(chart: Chart, source: ChartSource) throws(ChartEngineError) -> (fileName: String, bytes: [UInt8]) {
        var md = chart.metadata
        do {
            try ChartValidation.validate(&md)
        } catch {
            throw ChartEngineError(error.code, "failed to save: chart validation: \(error.message)")
        }
        let name = chart.metadata.name
        let gzip = try HelmGzipStream()
        var tar = TarWriter(streamingTo: gzip)
        try write(chart: chart, source: source, prefix: "", into: &tar)
        tar.finish()
        return ("\(name)-\(md.version).tgz", try gzip.finish())
    }

    private static func write(chart: Chart, source: ChartSource, prefix: String, into tar: inout TarWriter)
        throws(ChartEngineError)
    {
        let name = chart.metadata.name
        // Helm's validateName: the name must be a single path element.
        if name.contains("/") || name == "." || name == ".." || name.isEmpty {
            throw ChartEngineError(.invalidChart, "chart name \"\(name)\" is invalid")
        }
        let base = prefix.isEmpty ? name : prefix + "/" + name
        func time(_ file: String) -> Int64 { (source.modTimes[file] ?? FileTime(seconds: 0)).roundedSeconds }

        var md = chart.metadata
        if md.apiVersion == "v1" { md.dependencies = [] }
        try tar.addFile(name: base + "/Chart.yaml", data: Array(ChartfileEncoding.chartYAML(md).utf8),
                        modTime: time("Chart.yaml"))

        if md.apiVersion == "v2" {
            // Helm keeps the last lock file LoadFiles saw (Chart.lock or requirements.lock) as c.Lock.
            if let lock = source.files.last(where: { $0.name == "Chart.lock" || $0.name == "requirements.lock" }) {
                // Helm stamps the lock with its own `generated` time, not the file's.
                let (text, generated) = try ChartfileEncoding.lockYAML(lock.text)
                try tar.addFile(name: base + "/Chart.lock", data: Array(text.utf8), modTime: generated.roundedSeconds)
            }
        }
        if let values = source.files.last(where: { $0.name == "values.yaml" }) {
            try tar.addFile(name: base + "/values.yaml", data: values.data, modTime: time("values.yaml"))
        }
        if let schema = source.files.last(where: { $0.name == "values.schema.json" }) {
            if (try? JSON.decode(schema.text)) == nil {
                throw ChartEngineError(.invalidChart, "failed to save: invalid JSON in values.schema.json")
            }
            try tar.addFile(name: base + "/values.schema.json", data: schema.data, modTime: time("values.schema.json"))
        }
        for f in chart.templates {
            try tar.addFile(name: base + "/" + f.name, data: f.data, modTime: time(f.name))
        }
        for f in chart.files {
            try tar.addFile(name: base + "/" + f.name, data: f.data, modTime: time(f.name))
        }
        // Subcharts are written unpacked. Helm iterates a Go map here, so its order varies from run to
        // run when there are several; helmctl keeps the load order so archives are reproducible.
        let order = source.subchartOrder
        for (i, dep) in chart.dependencies.enumerated() {
            let sub = i < order.count ? source.subcharts[order[i]] ?? ChartSource() : ChartSource()
            try write(chart: dep, source: sub, prefix: base + "/charts", into: &tar)
        }
    }
}
