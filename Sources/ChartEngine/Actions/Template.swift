public import StructuredData
import Templating

/// Options of `helm template` beyond the values.
public struct TemplateOptions: Sendable {
    public var render: RenderOptions
    /// `-s/--show-only`: glob patterns matched against the path after the chart name.
    public var showOnly: [String]
    /// `--output-dir`: write files there instead of printing.
    public var outputDir: String?
    /// `--release-name` with `--output-dir`: put files under a directory named after the release.
    public var useReleaseName: Bool
    public var includeCRDs: Bool
    public var skipTests: Bool
    /// `--no-hooks`.
    public var disableHooks: Bool
    /// `--hide-secret`.
    public var hideSecret: Bool

    public init(render: RenderOptions = RenderOptions(), showOnly: [String] = [], outputDir: String? = nil,
                useReleaseName: Bool = false, includeCRDs: Bool = false, skipTests: Bool = false,
                disableHooks: Bool = false, hideSecret: Bool = false)
    {
        self.render = render
        self.showOnly = showOnly
        self.outputDir = outputDir
        self.useReleaseName = useReleaseName
        self.includeCRDs = includeCRDs
        self.skipTests = skipTests
        self.disableHooks = disableHooks
        self.hideSecret = hideSecret
    }
}

/// What a render produced, before printing (Helm's release fields used by `helm template`).
public struct RenderedRelease: Sendable {
    /// The manifest stream (`---\n# Source: …\n…\n` per document, CRDs first when included).
    public var manifest: String
    public var hooks: [Hook]
    /// The top chart's rendered `NOTES.txt`.
    public var notes: String
}

/// `helm template`: render, sort and print exactly as Helm v4.2.3 does.
public enum TemplateAction {
    /// Renders `chart` and returns what `helm template` prints on standard output (with
    /// `--output-dir`, the `wrote …` lines, the files being written as a side effect).
    public static func run(chart: Chart, values: [String: Value], options: TemplateOptions) throws -> String {
        try LargeStack.run { try runOnCurrentStack(chart: chart, values: values, options: options) }
    }

    static func runOnCurrentStack(chart: Chart, values: [String: Value], options: TemplateOptions) throws -> String {
        let release: RenderedRelease
        var written: [String] = []
        try checkInstallable(chart)
        try ReleaseName.validate(options.render.releaseName)
        let prepared = try Renderer.prepare(chart: chart, values: values)
        if !options.render.skipSchemaValidation {
            try ValuesSchema.validate(chart: prepared.chart, values: prepared.values)
        }
        do {
            release = try renderResources(prepared: prepared, options: options, written: &written)
            ProcessLifetime.keep((prepared, release))
        } catch let e as ChartEngineError {
            // Helm returns the partially built release with render errors, so `helm template` adds a hint.
            throw ChartEngineError(e.code, e.message + "\n\nUse --debug flag to render out invalid YAML")
        }
        var manifests = release.manifest.trimmingGoSpace() + "\n"
        if !options.disableHooks {
            var hookWritten: Set<String> = []
            for h in release.hooks {
                if options.skipTests && h.isTest { continue }
                if let dir = options.outputDir {
                    let newDir = options.useReleaseName ? joinPath(dir, options.render.releaseName) : dir
                    let exists = FileSystem.kind(of: joinPath(newDir, h.manifest.path)) != .missing
                    if exists { hookWritten.insert(h.manifest.path) }
                    written.append(try writeToFile(newDir, h.manifest.path, h.manifest.content,
                                                   append: hookWritten.contains(h.manifest.path)))
                } else {
                    manifests += "---\n# Source: \(h.manifest.path)\n\(h.manifest.content)\n"
                }
            }
        }
        var out = written.map { "wrote \($0)\n" }.joined()
        if !options.showOnly.isEmpty {
            out += try showOnly(manifests, patterns: options.showOnly)
        } else {
            out += manifests
        }
        return out
    }

    /// The checks `helm install/template` make before rendering (pkg/cmd/install.go `runInstall`):
    /// only application charts install, and every declared dependency must be present in `charts/`.
    public static func checkInstallable(_ chart: Chart) throws(ChartEngineError) {
        let type = chart.metadata.type
        if !type.isEmpty && type != "application" {
            throw ChartEngineError(.invalidChart, "\(type) charts are not installable")
        }
        let present = Set(chart.dependencies.map(\.name))
        let missing = chart.metadata.dependencies.map(\.name).filter { !present.contains($0) }
        if !missing.isEmpty {
            throw ChartEngineError(.dependency, "an error occurred while checking for chart dependencies. You may need "
                + "to run 'helm dependency build' to fetch missing dependencies: found in Chart.yaml, but missing in "
                + "charts/ directory: " + missing.joined(separator: ", "))
        }
    }

    /// `--show-only`: the documents whose `# Source:` path (after the chart name) matches a pattern.
    static func showOnly(_ manifests: String, patterns: [String]) throws(ChartEngineError) -> String {
        let docs = ManifestSplitter.split(manifests)
        var selected: [String] = []
        for f in patterns {
            var missing = true
            for doc in docs {
                guard let path = sourcePath(doc) else { continue }
                let matched = (try? GoPathMatch.match(f, path)) ?? false
                if !matched { continue }
                selected.append(doc)
                missing = false
            }
            if missing { throw ChartEngineError(.output, "could not find template \(f) in chart") }
        }
        return selected.map { "---\n\($0)\n" }.joined()
    }

    /// The `(.+)` of the regexp `# Source: [^/]+/(.+)` on the first line that matches.
    static func sourcePath(_ doc: String) -> String? {
        for line in doc.split(separator: "\n", omittingEmptySubsequences: false) {
            guard let r = String(line).range(of: "# Source: ") else { continue }
            let after = line[r.upperBound...]
            guard let slash = after.firstIndex(of: "/"), slash != after.startIndex else { continue }
            let rest = after[after.index(after: slash)...]
            if !rest.isEmpty { return String(rest) }
        }
        return nil
    }

    /// Helm's `renderResources` for a client-only install: render, drop notes, sort, build the
    /// manifest stream (or write files with `--output-dir`).
    public static func renderResources(chart: Chart, values: [String: Value], options: TemplateOptions) throws
        -> RenderedRelease
    {
        var written: [String] = []
        let prepared = try Renderer.prepare(chart: chart, values: values)
        if !options.render.skipSchemaValidation {
            try ValuesSchema.validate(chart: prepared.chart, values: prepared.values)
        }
        return try renderResources(prepared: prepared, options: options, written: &written)
    }

    static func renderResources(prepared: (chart: Chart, values: [String: Value]), options: TemplateOptions,
                                written: inout [String]) throws -> RenderedRelease
    {
        let kubeConstraint = prepared.chart.metadata.kubeVersion
        if !kubeConstraint.isEmpty {
            let kube = try options.render.capabilities().kubeVersion.normalized
            if !SemverRange.isCompatible(kubeConstraint, kube) {
                throw ChartEngineError(.invalidChart,
                                       "chart requires kubeVersion: \(kubeConstraint) which is incompatible with Kubernetes \(kube)")
            }
        }
        var files = try Renderer.render(prepared: prepared.chart, coalesced: prepared.values, options: options.render)
        defer { ProcessLifetime.keep(files) }
        var notes = ""
        let rootNotes = prepared.chart.name + "/templates/NOTES.txt"
        for key in files.keys where key.hasSuffix("NOTES.txt") {
            if key == rootNotes { notes = files[key] ?? "" }
            files[key] = nil
        }
        let (hooks, manifests) = try ManifestSorter.sortTyped(files, order: KindOrder.install)
        ProcessLifetime.keep(manifests)
        var b = ""
        var fileWritten: Set<String> = []
        let newDir = options.outputDir.map { options.useReleaseName ? joinPath($0, options.render.releaseName) : $0 }
        if options.includeCRDs {
            for crd in crdObjects(prepared.chart) {
                if let dir = options.outputDir {
                    written.append(try writeToFile(dir, crd.path, crd.text, append: fileWritten.contains(crd.path)))
                    fileWritten.insert(crd.path)
                } else {
                    b += "---\n# Source: \(crd.path)\n\(crd.text)\n"
                }
            }
        }
        for m in manifests {
            if let dir = newDir {
                written.append(try writeToFile(dir, m.path, m.content, append: fileWritten.contains(m.path)))
                fileWritten.insert(m.path)
            } else if options.hideSecret && m.kind == "Secret" && m.apiVersion == "v1" {
                b += "---\n# Source: \(m.path)\n# HIDDEN: The Secret output has been suppressed\n"
            } else {
                b += "---\n# Source: \(m.path)\n\(m.content)\n"
            }
        }
        return RenderedRelease(manifest: b, hooks: hooks, notes: notes)
    }

    /// Every chart's `crds/*.{yaml,yml,json}`, the chart's own before its subcharts'.
    static func crdObjects(_ chart: Chart) -> [(path: String, text: String)] {
        var out = chart.crds.map { (path: chart.fullPath + "/" + $0.name, text: $0.text) }
        for sub in chart.dependencies { out += crdObjects(sub) }
        return out
    }

    /// Helm's `writeToFile`: `---\n# Source: NAME\nDATA\n`, appending when the file was already written
    /// in this run. Returns the path written.
    static func writeToFile(_ dir: String, _ name: String, _ data: String, append: Bool) throws(ChartEngineError)
        -> String
    {
        let outfile = dir + "/" + name
        if let slash = outfile.lastIndex(of: "/") {
            try FileSystem.makeDirectories(String(outfile[..<slash]))
        }
        try FileSystem.write(outfile, Array("---\n# Source: \(name)\n\(data)\n".utf8), append: append)
        return outfile
    }
}

/// Helm's `ValidateReleaseName` as `helm install/template` report it.
public enum ReleaseName {
    static let maxLength = 53

    public static func validate(_ name: String) throws(ChartEngineError) {
        if name.isEmpty {
            throw ChartEngineError(.usage, "release name \"\": no name provided")
        }
        if name.utf8.count > maxLength || !matchesDNSPattern(name) {
            throw ChartEngineError(.usage, "release name \(quoteGo(name)): invalid release name, must match regex "
                + "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be "
                + "longer than \(maxLength)")
        }
    }

    /// `^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`: dot-separated labels of
    /// lower-case alphanumerics and inner dashes.
    static func matchesDNSPattern(_ name: String) -> Bool {
        for label in name.split(separator: ".", omittingEmptySubsequences: false) {
            guard let first = label.first, let last = label.last else { return false }
            func alnum(_ c: Character) -> Bool { (c >= "a" && c <= "z") || (c >= "0" && c <= "9") }
            guard alnum(first), alnum(last), label.allSatisfy({ alnum($0) || $0 == "-" }) else { return false }
        }
        return true
    }
}
