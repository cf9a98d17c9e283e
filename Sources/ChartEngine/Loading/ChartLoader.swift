public import StructuredData
import Templating

/// Loads charts from disk as Helm's `loader.Load` does for directories.
public enum ChartLoader {
    /// Helm rejects any single chart file larger than this (5 MiB).
    public static let maxFileSize = 5 * 1024 * 1024

    /// Loads the chart at `path`: a directory (honouring `.helmignore` plus Helm's built-in
    /// `templates/.?*` rule) or a `.tgz` archive (no `.helmignore`, as in Helm). Strips UTF-8 BOMs,
    /// loads subcharts from `charts/` (directories and archives) and validates `Chart.yaml`.
    public static func load(directory path: String) throws -> Chart {
        // Values may nest 10000 levels deep (the YAML decoder's limit); the recursive value helpers
        // run on a large stack, as Go's growable stacks would allow.
        try LargeStack.run { try loadDirectory(path) }
    }

    static func loadDirectory(_ path: String) throws(ChartEngineError) -> Chart {
        switch FileSystem.kind(of: path) {
        case .missing:
            throw ChartEngineError(.chartNotFound, "path \"\(path)\" not found")
        case .file:
            return try ChartArchive.load(path: path)
        case .other:
            throw ChartEngineError(.chartNotFound, "\(path) is not a chart directory")
        case .directory:
            break
        }
        let walk = try ChartDirectoryWalk(directory: path)
        var files: [ChartFile] = []
        guard let prefetch = ValuesPrefetch(chartTop: walk.top) else {
            try walk.run { rel, data, _, _ in files.append(ChartFile(name: rel, data: data)) }
            return try loadFiles(files)
        }
        // The walk and the values decode run side by side (one after the other if no thread starts).
        var walkError: ChartEngineError?
        LargeStack.forEach(count: 2, workers: 2) { i in
            if i == 1 { return prefetch.decode() }
            do throws(ChartEngineError) {
                try walk.run { rel, data, _, _ in files.append(ChartFile(name: rel, data: data)) }
            } catch {
                walkError = error
            }
        }
        if let walkError { throw walkError }
        return try loadFiles(files, prefetched: prefetch)
    }

    /// Builds a chart from its files (names relative to the chart root, `/`-separated), as Helm's
    /// `LoadFiles`.
    public static func load(files: [ChartFile]) throws -> Chart {
        try LargeStack.run { try loadFiles(files) }
    }

    /// `prefetched`: the top-level `values.yaml` already decoded (see ``ValuesPrefetch``).
    static func loadFiles(_ files: [ChartFile], prefetched: ValuesPrefetch? = nil) throws(ChartEngineError) -> Chart {
        var metadata: ChartMetadata?
        var values: [String: Value] = [:]
        var rawValues: String?
        var schema: String?
        var templates: [ChartFile] = []
        var others: [ChartFile] = []
        var requirements: [ChartDependency]?
        var subchartFiles: [String: [ChartFile]] = [:]
        var subchartOrder: [String] = []

        for f in files {
            switch f.name {
            case "Chart.yaml":
                let decoded: Value
                do {
                    decoded = try YAML.decode(f.text)
                } catch {
                    throw ChartEngineError(.invalidChart,
                                           "cannot load Chart.yaml: error converting YAML to JSON: \(error)")
                }
                var md = try MetadataDecoding.decode(decoded)
                // Helm 2 charts may omit apiVersion; Helm treats them as v1.
                if md.apiVersion.isEmpty { md.apiVersion = "v1" }
                if let reqs = requirements { md.dependencies = reqs }
                metadata = md
            case "values.yaml":
                rawValues = f.text
                do {
                    if let decoded = prefetched?.decoded(for: f.data) {
                        values = try decoded.get()
                    } else {
                        values = try ValuesFile.parse(f.text)
                    }
                } catch {
                    throw ChartEngineError(.invalidValues, "cannot load values.yaml: \(error.message)")
                }
            case "values.schema.json":
                schema = f.text
            case "Chart.lock", "requirements.lock":
                if f.name == "requirements.lock" && metadata?.apiVersion == "v1" { others.append(f) }
            case "requirements.yaml":
                let decoded: Value
                do {
                    decoded = try YAML.decode(f.text)
                } catch {
                    throw ChartEngineError(.invalidChart,
                                           "cannot load requirements.yaml: error converting YAML to JSON: \(error)")
                }
                let deps = try MetadataDecoding.decodeRequirements(decoded)
                requirements = deps
                metadata?.dependencies = deps
                if metadata == nil || metadata?.apiVersion == "v1" { others.append(f) }
            default:
                if f.name.hasPrefix("templates/") {
                    templates.append(f)
                } else if f.name.hasPrefix("charts/") {
                    if f.name.hasSuffix(".prov") {
                        others.append(f)
                        continue
                    }
                    let rest = f.name.dropFirst("charts/".count)
                    let parts = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
                    let cname = String(parts[0])
                    if subchartFiles[cname] == nil { subchartOrder.append(cname) }
                    subchartFiles[cname, default: []].append(
                        ChartFile(name: parts.count > 1 ? String(parts[1]) : "", data: f.data))
                } else {
                    others.append(f)
                }
            }
        }

        guard var md = metadata else {
            throw ChartEngineError(.invalidChart, "Chart.yaml file is missing")
        }
        try ChartValidation.validate(&md)

        var subcharts: [Chart] = []
        for cname in subchartOrder {
            // Helm skips entries whose names start with '_' or '.'.
            if cname.hasPrefix("_") || cname.hasPrefix(".") { continue }
            guard let subFiles = subchartFiles[cname] else { continue }
            if cname.hasSuffix(".tgz") && (subFiles.count != 1 || !subFiles[0].name.isEmpty) {
                throw ChartEngineError(.invalidChart,
                                       "error unpacking subchart tar in \(md.name): expected \(cname), got \(cname)/\(subFiles[0].name)")
            }
            do {
                if cname.hasSuffix(".tgz") {
                    subcharts.append(try loadSubchartArchive(subFiles[0].data))
                } else {
                    subcharts.append(try loadFiles(subFiles.filter { !$0.name.isEmpty }))
                }
            } catch {
                throw ChartEngineError(error.code, "error unpacking subchart \(cname) in \(md.name): \(error.message)")
            }
        }

        let crds = others.filter { f in
            f.name.hasPrefix("crds/")
                && (f.name.hasSuffix(".yaml") || f.name.hasSuffix(".yml") || f.name.hasSuffix(".json"))
        }
        return Chart(metadata: md, values: values, rawValues: rawValues, templates: templates, crds: crds,
                     files: others, schema: schema, dependencies: subcharts)
    }
}

/// Parsing of values files (chart `values.yaml` and `-f` files).
public enum ValuesFile {
    /// Parses a values document stream as Helm's `LoadValues`: every YAML document must be a map (or
    /// empty); documents are deep-merged in order; numbers become float64 as sigs.k8s.io/yaml makes them.
    public static func parse(_ text: String) throws(ChartEngineError) -> [String: Value] {
        var body = Substring(text)
        if body.hasPrefix("\u{FEFF}") { body = body.dropFirst() }
        // Helm's LoadValues splits with k8s' YAMLReader and parses each document on its own.
        let (chunks, splitError) = YAMLDocumentReader.split(String(body))
        var result: [String: Value] = [:]
        for chunk in chunks {
            let doc: Value
            do {
                doc = try YAML.decode(chunk)
            } catch {
                throw ChartEngineError(.invalidValues,
                                       "cannot unmarshal yaml document: error converting YAML to JSON: \(error)")
            }
            // YAML.decode already makes every number a float64 (numbersAsFloat), so the document
            // is what `helmNumbers` would return; skipping that deep copy keeps large values cheap.
            switch doc {
            case .null:
                continue
            case .map(let m):
                result = mergeMaps(result, m)
            case let other:
                throw ChartEngineError(.invalidValues,
                                       "cannot unmarshal yaml document: error unmarshaling JSON: while decoding JSON: "
                                           + "json: cannot unmarshal \(MetadataDecoding.jsonType(other)) into Go value "
                                           + "of type map[string]interface {}")
            }
        }
        if let splitError {
            throw ChartEngineError(.invalidValues, "error reading yaml document: " + splitError)
        }
        return result
    }

    /// Helm's `MergeMaps`: `b` wins; nested maps merge; everything else is replaced.
    public static func mergeMaps(_ a: [String: Value], _ b: [String: Value]) -> [String: Value] {
        var out = a
        for (k, v) in b {
            if case .map(let bm) = v, case .map(let am)? = out[k] {
                out[k] = .map(mergeMaps(am, bm))
            } else {
                out[k] = v
            }
        }
        return out
    }
}

extension Value {
    /// Every integer turned into a float64, as Helm's YAML/JSON decoding (through `encoding/json`
    /// into `interface{}`) yields (§3.1: `1000000` in values.yaml prints `1e+06`).
    public var helmNumbers: Value {
        switch self {
        case .int(let i): .float(Double(i))
        case .list(let l): .list(l.map(\.helmNumbers))
        case .map(let m): .map(m.mapValues(\.helmNumbers))
        default: self
        }
    }
}
