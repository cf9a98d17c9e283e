import StructuredData
import Templating

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `helm lint`: Helm v4.2.3's rules (pkg/chart/v2/lint), result handling (pkg/action/lint.go) and
/// output (pkg/cmd/lint.go).
public enum LintAction {
    /// What `helm lint PATH…` prints on standard output, and the failure summary it returns as its
    /// error (`N chart(s) linted, M chart(s) failed`, printed as `Error: …`, exit 1) when a chart failed.
    public static func run(paths given: [String], options: LintOptions) -> (output: String, failure: String?) {
        var paths = given.isEmpty ? ["."] : given
        if options.withSubcharts {
            for p in paths { paths += subchartPaths(of: p) }
        }
        var out = ""
        var failed = 0
        var errorsOrWarnings = 0
        for path in paths {
            let result = lint(path: path, options: options)
            let noteworthy = result.hasWarningsOrErrors
            if noteworthy { errorsOrWarnings += 1 }
            if options.quiet && !noteworthy { continue }
            out += "==> Linting \(path)\n"
            // Errors of charts that were linted are among the messages already.
            if result.messages.isEmpty {
                for e in result.errors { out += "Error \(e)\n" }
            }
            for m in result.messages where !options.quiet || m.severity > .info {
                out += "\(m)\n"
            }
            if !result.errors.isEmpty { failed += 1 }
            out += "\n"
        }
        let summary = "\(paths.count) chart(s) linted, \(failed) chart(s) failed"
        if failed > 0 { return (out, summary) }
        if !options.quiet || errorsOrWarnings > 0 { out += summary + "\n" }
        return (out, nil)
    }

    /// Lints one chart directory or archive (Helm's `Lint.Run` with one path).
    public static func lint(path: String, options: LintOptions) -> LintResult {
        var result = LintResult()
        let tolerance: LintSeverity = options.strict ? .warning : .error
        let linter: Linter
        do {
            linter = try LargeStack.run { try lintChart(path, options: options) }
        } catch {
            result.errors.append(message(of: error))
            return result
        }
        result.messages = linter.messages
        result.totalChartsLinted = 1
        result.errors = linter.messages.filter { $0.severity >= tolerance }.map(\.message)
        return result
    }

    static func lintChart(_ path: String, options: LintOptions) throws(ChartEngineError) -> Linter {
        if path.hasSuffix(".tgz") || path.hasSuffix(".tar.gz") {
            let dir = try expandToTemporaryDirectory(path)
            defer { removeTree(dir.root) }
            return try lintDirectory(dir.chart, options: options)
        }
        return try lintDirectory(path, options: options)
    }

    static func lintDirectory(_ chartPath: String, options: LintOptions) throws(ChartEngineError) -> Linter {
        let chartfile = GoPath.clean(chartPath + "/Chart.yaml")
        var st = stat()
        if stat(chartfile, &st) != 0 {
            throw ChartEngineError(.chartNotFound, "unable to check Chart.yaml file in chart: stat \(chartfile): "
                + FileSystem.errorText(errno))
        }
        var linter = Linter(chartDir: FileSystem.absolutePath(chartPath))
        ChartfileRules.run(&linter)
        ValuesRules.run(&linter, options: options)
        TemplateRules.run(&linter, options: options)
        DependencyRules.run(&linter)
        CrdRules.run(&linter)
        return linter
    }

    /// The message Helm prints for an error.
    static func message(of error: any Error) -> String {
        if let e = error as? ChartEngineError { return e.message }
        return "\(error)"
    }

    /// `--with-subcharts`: every directory holding a `Chart.yaml` and every `.tgz`/`.tar.gz` under
    /// `PATH/charts`, in `filepath.Walk` order (lexical, depth first, symlinks not followed).
    static func subchartPaths(of path: String) -> [String] {
        var found: [String] = []
        func walk(_ p: String, name: String, depth: Int) {
            var st = stat()
            guard depth < 64, lstat(p, &st) == 0 else { return }
            if name == "Chart.yaml" {
                found.append(GoPath.dir(p))
            } else if p.hasSuffix(".tgz") || p.hasSuffix(".tar.gz") {
                found.append(p)
            }
            guard (st.st_mode & S_IFMT) == S_IFDIR, let names = try? FileSystem.list(p) else { return }
            for n in names { walk(p + "/" + n, name: n, depth: depth + 1) }
        }
        let root = GoPath.clean(path + "/charts")
        walk(root, name: GoPath.base(root), depth: 0)
        return found
    }

    /// Unpacks a chart archive into a fresh temporary directory (`helm-lint*`), as Helm's
    /// `chartutil.Expand` does before linting it.
    static func expandToTemporaryDirectory(_ path: String) throws(ChartEngineError) -> (root: String, chart: String) {
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.read(path)
        } catch {
            throw ChartEngineError(error.code, "unable to open tarball: \(error.message)")
        }
        func extractFailure(_ message: String) -> ChartEngineError {
            ChartEngineError(.invalidChart, "unable to extract tarball: " + message)
        }
        // Go's gzip reader: a short stream is an unexpected EOF, a wrong magic an invalid header.
        if !bytes.starts(with: [0x1F, 0x8B]) {
            throw extractFailure(bytes.count < 10 ? "unexpected EOF" : "gzip: invalid header")
        }
        let entries: [ArchiveEntry]
        do {
            entries = try ArchiveReader.entries(of: bytes)
        } catch {
            throw extractFailure(error.message)
        }
        // chartutil.Expand names the directory after Chart.yaml's name, which must be set.
        var name = ""
        if let cf = entries.last(where: { $0.name == "Chart.yaml" }) {
            switch ChartfileRules.decodeLoaded(cf.data) {
            case .success(let md): name = md.name
            case .failure(let e): throw extractFailure(e.message)
            }
        }
        if name.isEmpty { throw extractFailure("chart name not specified") }
        var template = Array((tmpDirectory() + "/helm-lintXXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw ChartEngineError(.io, "unable to create temp dir to extract tarball: \(FileSystem.errorText(errno))")
        }
        let root = String(cString: made)
        // securejoin keeps the chart directory inside the temporary one.
        let chartDir = GoPath.clean(root + "/" + GoPath.clean("/" + name))
        do {
            for e in entries {
                try CreateAction.writeFile(GoPath.clean(chartDir + "/" + GoPath.clean("/" + e.name)), e.data)
            }
        } catch {
            removeTree(root)
            throw extractFailure(error.message)
        }
        // Helm lints the first entry of the temporary directory.
        let first = (try? FileSystem.list(root))?.first ?? name
        return (root, root + "/" + first)
    }

    static func tmpDirectory() -> String {
        if let t = getenv("TMPDIR") {
            let s = String(cString: t)
            if !s.isEmpty { return s }
        }
        return "/tmp"
    }

    /// Removes `path` and everything below it (symlinks are removed, not followed).
    static func removeTree(_ path: String, depth: Int = 0) {
        var st = stat()
        guard depth < 128, lstat(path, &st) == 0 else { return }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            for n in (try? FileSystem.list(path)) ?? [] { removeTree(path + "/" + n, depth: depth + 1) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}

extension ChartfileRules {
    /// Chart.yaml bytes decoded to metadata (for naming an unpacked archive), failing as Helm's
    /// `Expand` does (`cannot load Chart.yaml: …`).
    static func decodeLoaded(_ data: [UInt8]) -> Result<ChartMetadata, ChartEngineError> {
        let value: Value
        do {
            value = try YAML.decode(data)
        } catch {
            return .failure(ChartEngineError(.invalidChart, "cannot load Chart.yaml: error converting YAML to JSON: \(error)"))
        }
        do {
            return .success(try MetadataDecoding.decode(value))
        } catch {
            return .failure(error)
        }
    }
}
