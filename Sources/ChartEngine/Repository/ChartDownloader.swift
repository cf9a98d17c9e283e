import StructuredData
import Templating

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Helm's `downloader.ChartDownloader`: turns a chart reference (`repo/chart`, or an absolute chart
/// URL) into a URL plus the getter options for it, and downloads it.
public struct ChartDownloader: Sendable {
    public var paths: HelmPaths
    /// Options from the command line (credentials, TLS); a configured repository's own settings are
    /// added to them as Helm does.
    public var options: HTTPOptions

    public init(paths: HelmPaths, options: HTTPOptions = HTTPOptions()) {
        self.paths = paths
        self.options = options
    }

    /// A resolved reference: where to download from, with which options, and the index digest.
    public struct Resolved: Sendable {
        public var url: String
        public var digest: String
        public var options: HTTPOptions
    }

    /// `ResolveChartVersion`.
    public func resolve(_ ref: String, version: String) throws(ChartEngineError) -> Resolved {
        let u = URLParts(ref)
        if u.scheme == "oci" {
            throw ChartEngineError(.usage, "unable to lookup ref \(ref) at version '\(version)', missing registry client")
        }
        let rf = try RepositoryFile.loadOrEmpty(paths.repositoryConfig)
        var opts = options
        if u.isAbsolute && !u.path.isEmpty {
            // A chart URL: use the settings of a repository whose index lists it, if any.
            opts.credentialsURL = ref
            if let rc = try scanReposForURL(ref, rf) {
                opts.credentialsURL = rc.url
                if !rc.certFile.isEmpty || !rc.keyFile.isEmpty || !rc.caFile.isEmpty {
                    opts.certFile = rc.certFile
                    opts.keyFile = rc.keyFile
                    opts.caFile = rc.caFile
                }
                if !rc.username.isEmpty && !rc.password.isEmpty {
                    opts.username = rc.username
                    opts.password = rc.password
                    opts.passCredentialsAll = rc.passCredentialsAll
                }
            }
            return Resolved(url: ref, digest: "", options: opts)
        }
        guard let slash = u.path.firstIndex(of: "/") else {
            throw ChartEngineError(.chartNotFound, "non-absolute URLs should be in form of repo_name/path_to_chart, got: \(ref)")
        }
        let repoName = String(u.path[..<slash])
        let chartName = String(u.path[u.path.index(after: slash)...])
        guard let rc = rf.get(repoName) else { throw ChartEngineError(.chartNotFound, "repo \(repoName) not found") }
        if rc.url.isEmpty { throw ChartEngineError(.chartNotFound, "no URL found for repository \(repoName)") }
        opts.credentialsURL = rc.url
        if !rc.certFile.isEmpty || !rc.keyFile.isEmpty || !rc.caFile.isEmpty {
            opts.certFile = rc.certFile
            opts.keyFile = rc.keyFile
            opts.caFile = rc.caFile
        }
        if rc.insecureSkipTLSVerify { opts.insecureSkipTLSVerify = true }
        if !rc.username.isEmpty && !rc.password.isEmpty {
            opts.username = rc.username
            opts.password = rc.password
            opts.passCredentialsAll = rc.passCredentialsAll
        }
        let index: RepoIndex
        do {
            index = try RepoIndex.load(path: paths.indexFile(rc.name))
        } catch {
            throw ChartEngineError(.io, "no cached repo found. (try 'helm repo update'): \(error.message)")
        }
        let cv: IndexEntry
        do {
            cv = try index.get(chartName, version: version)
        } catch {
            throw ChartEngineError(.chartNotFound, "chart \"\(chartName)\" matching \(version) not found in \(rc.name) index. (try 'helm repo update'): \(error.message)")
        }
        guard let first = cv.urls.first else {
            throw ChartEngineError(.chartNotFound, "chart \"\(ref)\" has no downloadable URLs")
        }
        let resolved = try ChartRepository.resolveReferenceURL(rc.url, first)
        return Resolved(url: resolved, digest: cv.digest, options: opts)
    }

    /// `scanReposForURL`: the first configured repository whose cached index lists `url`.
    func scanReposForURL(_ url: String, _ rf: RepositoryFile) throws(ChartEngineError) -> RepositoryEntry? {
        for rc in rf.repositories {
            let index: RepoIndex
            do {
                index = try RepoIndex.load(path: paths.indexFile(rc.name))
            } catch {
                throw ChartEngineError(.io, "no cached repo found. (try 'helm repo update'): \(error.message)")
            }
            for name in index.entries.keys.sorted() {
                for v in index.entries[name] ?? [] where v.urls.contains(where: { URLCompare.equal(url, $0) }) {
                    return rc
                }
            }
        }
        return nil
    }

    /// Downloads a resolved chart. When the index gave a digest, the archive must match it (Helm
    /// only uses the digest as a cache key; helmctl refuses a mismatching archive).
    public func fetch(_ r: Resolved) throws(ChartEngineError) -> [UInt8] {
        var o = r.options
        o.accept = "application/gzip,application/octet-stream"
        let bytes = try HTTPClient.get(r.url, options: o)
        if !r.digest.isEmpty {
            let actual = SHA256.hex(bytes)
            let expected = r.digest.hasPrefix("sha256:") ? String(r.digest.dropFirst(7)) : r.digest
            if actual != expected.lowercased() {
                throw ChartEngineError(.invalidChart, "digest mismatch for \(r.url): expected sha256:\(expected), got sha256:\(actual)")
            }
        }
        return bytes
    }

    /// `DownloadTo`: resolves, downloads and writes `dest/<last path element of the URL>`.
    public func download(_ ref: String, version: String, to dest: String, digest: String = "") throws(ChartEngineError)
        -> String
    {
        var r = try resolve(ref, version: version)
        if !digest.isEmpty { r.digest = digest }
        return try save(r, to: dest)
    }

    /// Downloads a resolved chart into `dest/<last path element of the URL>`; returns that path.
    public func save(_ r: Resolved, to dest: String) throws(ChartEngineError) -> String {
        let bytes = try fetch(r)
        var name = URLParts(r.url).path
        if let slash = name.lastIndex(of: "/") { name = String(name[name.index(after: slash)...]) }
        if name.isEmpty || name == "." || name == ".." { name = "chart.tgz" }
        let target = joinPath(dest, name)
        try AtomicFile.write(target, bytes)
        return target
    }
}

/// `urlutil.Equal`: URLs equal after cleaning their paths (an empty path is `/`).
enum URLCompare {
    static func equal(_ a: String, _ b: String) -> Bool { normal(a) == normal(b) }

    static func normal(_ s: String) -> String {
        var u = URLParts(s)
        if u.path.isEmpty { u.path = "/" }
        u.path = GoPath.clean(u.path)
        return u.scheme + "://" + u.host + u.path + (u.query.isEmpty ? "" : "?" + u.query)
    }
}

/// `helm pull` (action.Pull).
public enum PullAction {
    public struct Options: Sendable {
        public var version = ""
        public var repoURL = ""
        public var destination = "."
        public var untar = false
        public var untarDir = "."
        public var devel = false
        public var http = HTTPOptions()
        /// `--verify`: fetch the `.prov` and verify the archive against `keyring`.
        public var verify = false
        /// `--prov`: fetch the `.prov` without verifying.
        public var prov = false
        /// `--keyring`: public keyring file for `--verify`.
        public var keyring = ""
        /// `--plain-http` for `oci://` references.
        public var plainHTTP = false
        public var registryConfig = RegistryConfig.fromEnvironment()
        /// Where the registry client reports OCI pulls (`Pulled: …`, `Digest: …`); when nil the
        /// lines are part of the returned text.
        public var registryOutput: (@Sendable (String) -> Void)? = nil
        public init() {}
    }

    /// Pulls one chart reference; returns what Helm prints on standard output (the verification
    /// report with `--verify`, a warning when `--prov` finds no provenance).
    public static func run(_ chartRef: String, options o: Options, paths: HelmPaths) throws(ChartEngineError) -> String {
        var version = o.version
        if version.isEmpty && o.devel { version = ">0.0.0-0" }
        var dest = o.destination
        var tmp: String? = nil
        if o.untar {
            tmp = try TempDirectory.make()
            dest = tmp ?? dest
        }
        defer { if let tmp { TempDirectory.remove(tmp) } }
        var ref = chartRef
        var downloader = ChartDownloader(paths: paths, options: o.http)
        var digest = ""
        if !o.repoURL.isEmpty {
            let found = try ChartRepository.findChart(inRepoURL: o.repoURL, chart: chartRef, version: version,
                                                      options: o.http, cache: paths.repositoryCache)
            ref = found.url
            digest = found.digest
            downloader.options.credentialsURL = ref
        }
        let saved: String
        var out = ""
        if OCIActions.isOCI(chartRef) {
            let r = try OCIActions.fetch(chartRef, version: version, plainHTTP: o.plainHTTP, http: o.http,
                                         config: o.registryConfig, withProvenance: o.verify || o.prov)
            let md = try ChartArchive.load(bytes: r.chart).metadata
            saved = joinPath(dest, "\(md.name)-\(md.version).tgz")
            try AtomicFile.write(saved, r.chart)
            out = try ociProvenance(r, chartRef: chartRef, saved: saved, pull: o)
        } else {
            // Resolve and fetch here (rather than `download`) to know the URL the `.prov` sits next to.
            var r = try downloader.resolve(ref, version: version)
            if !digest.isEmpty { r.digest = digest }
            let bytes = try downloader.fetch(r)
            var name = URLParts(r.url).path
            if let slash = name.lastIndex(of: "/") { name = String(name[name.index(after: slash)...]) }
            if name.isEmpty || name == "." || name == ".." { name = "chart.tgz" }
            saved = joinPath(dest, name)
            try AtomicFile.write(saved, bytes)
            if o.verify || o.prov {
                out = try fetchProvenance(ref: chartRef, url: r.url, http: r.options, saved: saved, pull: o)
            }
        }
        if o.untar {
            var ud = o.untarDir
            if !ud.hasPrefix("/") { ud = GoPath.clean(joinPath(o.destination, ud)) }
            let base = String(chartRef.split(separator: "/", omittingEmptySubsequences: false).last ?? "")
            let check = ud == "." ? base : GoPath.clean(joinPath(ud, base))
            if FileSystem.kind(of: check) != .missing {
                throw ChartEngineError(.io, "failed to untar: a file or directory with the name \(check) already exists")
            }
            do {
                try FileSystem.makeDirectories(check)
            } catch {
                throw ChartEngineError(.io, "failed to untar (mkdir): \(error.message)")
            }
            try ChartExpander.expand(archive: saved, into: ud)
        }
        return out
    }

    /// An OCI pull's report and provenance: Helm's registry client reports each pull (the chart,
    /// then the provenance layer in a second pull); the `.prov` is written next to the archive and,
    /// with `--verify`, checked.
    static func ociProvenance(_ r: OCIResult, chartRef: String, saved: String, pull o: Options)
        throws(ChartEngineError) -> String
    {
        var out = ""
        let pulled = "Pulled: \(r.reference)\nDigest: \(r.digest)\n"
        let report: (String) -> Void = { line in
            if let sink = o.registryOutput { sink(line) } else { out += line }
        }
        report(pulled)
        guard o.verify || o.prov else { return out }
        guard let prov = r.provenance else {
            if o.verify { throw ChartEngineError(.io, "failed to fetch provenance \(quoteGo("oci://" + r.reference + ".prov"))") }
            return out + "WARNING: Verification not found for \(chartRef): manifest does not contain a layer with mediatype "
                + HelmOCI.provLayerMediaType + "\n"
        }
        report(pulled)
        try AtomicFile.write(saved + ".prov", prov)
        guard o.verify else { return out }
        return out + (try Provenance.verifyChart(saved, keyring: o.keyring).report)
    }

    /// `DownloadTo`'s provenance step: fetch `<url>.prov` next to the archive; with `--verify` a
    /// missing file is an error and the chart is verified (`VerifyAlways`), with `--prov` only a
    /// warning (`VerifyLater`).
    static func fetchProvenance(ref: String, url: String, http: HTTPOptions, saved: String, pull o: Options)
        throws(ChartEngineError) -> String
    {
        let provBytes: [UInt8]
        do {
            provBytes = try HTTPClient.get(url + ".prov", options: http)
        } catch {
            if o.verify { throw ChartEngineError(.io, "failed to fetch provenance \"\(url).prov\"") }
            return "WARNING: Verification not found for \(ref): \(error.message)\n"
        }
        try AtomicFile.write(saved + ".prov", provBytes)
        guard o.verify else { return "" }
        return try Provenance.verifyChart(saved, keyring: o.keyring).report
    }
}

/// `chartutil.ExpandFile`: unpacks a chart archive into `dir/<chart name>/`, file by file, never
/// outside `dir` (names are already refused by the archive reader when unsafe; the chart name and
/// every path are re-rooted as securejoin does, and existing symlinks on the way are refused).
public enum ChartExpander {
    public static func expand(archive path: String, into dir: String) throws(ChartEngineError) {
        let bytes = try ChartArchive.readArchiveFile(path)
        let entries = try ArchiveReader.entries(of: bytes)
        var chartName = ""
        for e in entries where e.name == "Chart.yaml" {
            guard case .map(let m)? = try? YAML.decode(e.data) else {
                throw ChartEngineError(.invalidChart, "cannot load Chart.yaml: invalid YAML")
            }
            chartName = m["name"]?.stringValue ?? ""
        }
        if chartName.isEmpty { throw ChartEngineError(.invalidChart, "chart name not specified") }
        let root = FileSystem.absolutePath(dir)
        let chartDir = secureJoin(root, chartName)
        for e in entries {
            let out = secureJoin(chartDir, e.name)
            try refuseSymlinks(root: root, path: out)
            let (parent, _) = TarWriter.splitPath(out)
            if !parent.isEmpty { try FileSystem.makeDirectories(parent) }
            try FileSystem.write(out, e.data, append: false)
        }
    }

    /// securejoin without symlink resolution: `unsafe` cleaned as an absolute path, then joined.
    static func secureJoin(_ root: String, _ unsafe: String) -> String {
        let cleaned = GoPath.clean("/" + unsafe)
        return cleaned == "/" ? root : GoPath.clean(root + cleaned)
    }

    /// Refuses to write through a symlink below `root` (it could point outside).
    static func refuseSymlinks(root: String, path: String) throws(ChartEngineError) {
        guard path.hasPrefix(root) else {
            throw ChartEngineError(.invalidChart, "refusing to write \(path) outside \(root)")
        }
        var current = root
        for part in path.dropFirst(root.count).split(separator: "/") {
            current += (current.hasSuffix("/") ? "" : "/") + part
            var st = stat()
            if lstat(current, &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK {
                throw ChartEngineError(.invalidChart, "refusing to write through symlink \(current)")
            }
        }
    }
}

/// Temporary directories (`os.MkdirTemp("", "helm-")`).
enum TempDirectory {
    static func make() throws(ChartEngineError) -> String {
        var base = HelmPaths.processEnv("TMPDIR") ?? "/tmp"
        if base.isEmpty { base = "/tmp" }
        var template = Array((base + "/helm-XXXXXX").utf8CString)
        guard let p = mkdtemp(&template) else {
            throw ChartEngineError(.io, "mkdir temp: \(FileSystem.errorText(errno))")
        }
        return String(cString: p)
    }

    /// Removes a directory tree (no symlinks followed).
    static func remove(_ path: String) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            for name in (try? FileSystem.list(path)) ?? [] { remove(joinPath(path, name)) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}
