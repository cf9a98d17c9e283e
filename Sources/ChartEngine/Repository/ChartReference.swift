import Templating

/// Helm's `ChartPathOptions.LocateChart` for the commands that take a chart (`template`, `show`):
/// an existing directory or archive is used as is; `--repo URL NAME`, `repo/chart` and chart URLs
/// are downloaded (into memory) and loaded from the archive bytes. With `verify` the chart's
/// provenance is checked first (``ChartVerification``).
public enum ChartReference {
    /// The chart-locating flags (`--version`, `--devel`, `--repo`, credentials and TLS).
    public struct Options: Sendable {
        public var version = ""
        public var devel = false
        public var repoURL = ""
        public var http = HTTPOptions()
        /// `--plain-http` for `oci://` references.
        public var plainHTTP = false
        /// Where `registry login` stored credentials (`HELM_REGISTRY_CONFIG`).
        public var registryConfig = RegistryConfig.fromEnvironment()
        /// `--verify`: the chart must carry a provenance file that verifies against `keyring`.
        public var verify = false
        /// `--keyring`: the public keyring for `--verify`.
        public var keyring = ""
        /// Where Helm's registry client reports an OCI pull (`Pulled: …`, `Digest: …`); helmctl
        /// points it at standard error as Helm does.
        public var registryOutput: (@Sendable (String) -> Void)? = nil
        public init() {}
    }

    /// Where a chart reference points.
    public enum Location: Sendable, Equatable {
        /// A local directory or archive.
        case path(String)
        /// A downloaded archive.
        case archive(url: String, bytes: [UInt8])
    }

    /// Resolves `name` to a local path or downloaded archive bytes.
    public static func locate(_ name: String, options o: Options, paths: HelmPaths) throws(ChartEngineError) -> Location {
        let trimmed = name.trimmingSpaces()
        var version = o.version.trimmingSpaces()
        if version.isEmpty && o.devel { version = ">0.0.0-0" }
        if OCIActions.isOCI(trimmed) { return try locateOCI(trimmed, version: version, options: o) }
        // Helm v4 looks on disk only without `--repo` (a local folder no longer shadows the
        // repository's chart of the same name).
        if o.repoURL.isEmpty {
            if FileSystem.kind(of: trimmed) != .missing {
                if o.verify { try ChartVerification.verifyLocal(trimmed, keyring: o.keyring) }
                return .path(trimmed)
            }
            if trimmed.hasPrefix("/") || trimmed.hasPrefix(".") {
                throw ChartEngineError(.chartNotFound, "path \"\(trimmed)\" not found")
            }
        }
        var ref = trimmed
        var http = o.http
        var digest = ""
        if !o.repoURL.isEmpty {
            let found = try ChartRepository.findChart(inRepoURL: o.repoURL, chart: trimmed, version: version,
                                                      options: o.http, cache: paths.repositoryCache)
            ref = found.url
            digest = found.digest
            // Credentials follow only to the repository's own scheme and host unless told otherwise.
            http.credentialsURL = o.repoURL
            if !http.passCredentialsAll && !HTTPClient.sameOrigin(o.repoURL, ref) {
                http.username = ""
                http.password = ""
            }
        }
        let downloader = ChartDownloader(paths: paths, options: http)
        var r = try downloader.resolve(ref, version: version)
        if !digest.isEmpty { r.digest = digest }
        let bytes = try downloader.fetch(r)
        if o.verify {
            _ = try ChartVerification.verifyDownloaded(bytes, url: r.url, http: r.options, keyring: o.keyring)
        }
        return .archive(url: r.url, bytes: bytes)
    }

    /// An `oci://` reference: pulled (and reported as Helm's registry client does), with its
    /// provenance layer checked under `--verify`.
    static func locateOCI(_ ref: String, version: String, options o: Options) throws(ChartEngineError) -> Location {
        let r = try OCIActions.fetch(ref, version: version, plainHTTP: o.plainHTTP, http: o.http,
                                     config: o.registryConfig, withProvenance: o.verify)
        let pulled = "Pulled: \(r.reference)\nDigest: \(r.digest)\n"
        o.registryOutput?(pulled)
        if o.verify {
            guard let prov = r.provenance else {
                throw ChartEngineError(.io, "failed to fetch provenance \(quoteGo("oci://" + r.reference + ".prov"))")
            }
            // Helm pulls the provenance layer in a second registry pull, which reports again.
            o.registryOutput?(pulled)
            _ = try ChartVerification.verify(r.chart, provenance: prov,
                                             fileName: ChartVerification.fileName(ofOCIReference: r.reference),
                                             keyring: o.keyring)
        }
        return .archive(url: ref, bytes: r.chart)
    }

    /// Locates and loads the chart.
    public static func load(_ name: String, options: Options, paths: HelmPaths) throws -> Chart {
        try load(try locate(name, options: options, paths: paths))
    }

    /// Loads a located chart.
    public static func load(_ location: Location) throws -> Chart {
        switch location {
        case .path(let p):
            return try ChartLoader.load(directory: p)
        case .archive(_, let bytes):
            return try LargeStack.run { try ChartArchive.load(bytes: bytes) }
        }
    }
}

extension String {
    /// Go's `strings.TrimSpace` (Unicode white space, `unicode.IsSpace`), by scalars: `\r\n` is one
    /// Character in Swift, so a per-Character test would keep a trailing CRLF.
    func trimmingSpaces() -> String {
        let scalars = unicodeScalars
        func space(_ u: Unicode.Scalar) -> Bool {
            switch u.value {
            case 0x20, 0x09...0x0D, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
            default: return false
            }
        }
        var start = scalars.startIndex, end = scalars.endIndex
        while start < end, space(scalars[start]) { start = scalars.index(after: start) }
        while end > start, space(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        return String(scalars[start..<end])
    }
}
