/// Loading charts from `.tgz` archives, as Helm's `loader.LoadFile` / `LoadArchive`.
///
/// `.helmignore` is not applied to archives (Helm applies it only when loading or packaging a
/// directory). Subcharts inside an archive may be directories or nested `.tgz` files.
public enum ChartArchive {
    /// Loads the chart archive at `path`. ``ChartLoader/load(directory:)`` is the public entry
    /// point that also runs on a large stack for deeply nested values.
    public static func load(path: String) throws(ChartEngineError) -> Chart {
        let bytes = try readArchiveFile(path)
        do throws(ChartEngineError) {
            return try load(bytes: bytes)
        } catch {
            if error.message == "gzip: invalid header" {
                throw ChartEngineError(error.code,
                                       "file '\(path)' does not appear to be a valid chart file (details: \(error.message))")
            }
            throw error
        }
    }

    /// Loads a chart from archive bytes (Helm's `LoadArchive`).
    public static func load(bytes: [UInt8]) throws(ChartEngineError) -> Chart {
        try ChartLoader.loadFiles(try files(bytes))
    }

    /// Reads an archive file after Helm's `EnsureArchive` check, which turns the common mistake of
    /// passing a values file where a chart is expected into a helpful message.
    public static func readArchiveFile(_ path: String) throws(ChartEngineError) -> [UInt8] {
        switch FileSystem.kind(of: path) {
        case .missing:
            throw ChartEngineError(.chartNotFound, "stat \(path): no such file or directory")
        case .directory:
            throw ChartEngineError(.chartNotFound, "cannot load a directory")
        case .file, .other:
            break
        }
        let bytes = try FileSystem.read(path)
        try ensureArchive(bytes, name: path)
        return bytes
    }

    /// Helm's `EnsureArchive`: a helpful message for files that are not gzip (a values file passed
    /// where a chart is expected is the usual case).
    static func ensureArchive(_ bytes: [UInt8], name: String) throws(ChartEngineError) {
        if bytes.starts(with: [0x1F, 0x8B, 0x08]) { return }
        if name.hasSuffix(".yml") || name.hasSuffix(".yaml") {
            throw ChartEngineError(.invalidChart,
                                   "file '\(name)' seems to be a YAML file, but expected a gzipped archive")
        }
        throw ChartEngineError(.invalidChart,
                               "file '\(name)' does not appear to be a gzipped archive; got '\(sniff(bytes))'")
    }

    /// The chart-relative files of archive bytes (what ``ChartLoader`` builds the chart from).
    ///
    /// Subchart archives inside are checked for nesting depth first: a `.tgz` can contain itself
    /// (gzip quines exist), which would make the loader recurse for ever; Helm has no such guard.
    static func files(_ bytes: [UInt8]) throws(ChartEngineError) -> [ChartFile] {
        let entries = try ArchiveReader.entries(of: bytes)
        try checkNesting(entries, depth: 1)
        return entries.map { ChartFile(name: $0.name, data: $0.data) }
    }

    /// Subchart archives may nest at most this deep.
    static let maxNesting = 16

    /// True for `charts/x.tgz`, `charts/sub/charts/y.tgz`… — the entries the loader unpacks.
    static func isSubchartArchive(_ name: String) -> Bool {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count >= 2 && parts[parts.count - 2] == "charts" && parts[parts.count - 1].hasSuffix(".tgz")
    }

    static func checkNesting(_ entries: [ArchiveEntry], depth: Int) throws(ChartEngineError) {
        for e in entries where isSubchartArchive(e.name) {
            if depth >= maxNesting {
                throw ChartEngineError(.invalidChart,
                                       "chart archives are nested more than \(maxNesting) levels deep")
            }
            // Unreadable nested archives are reported by the loader with Helm's wording.
            guard let inner = try? ArchiveReader.entries(of: e.data) else { continue }
            try checkNesting(inner, depth: depth + 1)
        }
    }

    /// A small part of Go's `http.DetectContentType`: enough to name what a non-gzip file looks like.
    /// Helm sniffs a 512-byte buffer filled by one `Read`, so a shorter file is padded with NULs and
    /// reads as binary (checked with the real Helm v4.2.3 library: `hello: world` and an empty file
    /// give `application/octet-stream`).
    static func sniff(_ bytes: [UInt8]) -> String {
        var head = Array(bytes.prefix(512))
        if head.count < 512 { head += [UInt8](repeating: 0, count: 512 - head.count) }
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return "application/zip" }
        if head.starts(with: Array("%PDF-".utf8)) { return "application/pdf" }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "image/png" }
        // Go's rule: any byte that is a control character other than whitespace makes it binary.
        for b in head where b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0C && b != 0x0D && b != 0x1B {
            return "application/octet-stream"
        }
        return "text/plain; charset=utf-8"
    }
}

extension ChartLoader {
    /// The hook ``ChartLoader`` calls for `charts/*.tgz` entries: Helm unpacks a subchart archive
    /// with `LoadArchive` and wraps any failure in `error unpacking subchart`.
    static func loadSubchartArchive(_ data: [UInt8]) throws(ChartEngineError) -> Chart {
        try ChartArchive.load(bytes: data)
    }
}
