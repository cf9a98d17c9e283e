/// Loading charts from `.tgz` archives, as Helm's `loader.LoadFile` / `LoadArchive`.
///
/// `.helmignore` is not applied to archives (Helm applies it only when loading or packaging a
/// directory). Subcharts inside an archive may be directories or nested `.tgz` files.
public enum ChartArchive {
    /// Loads the chart archive at `path`.
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
        let entries = try ArchiveReader.entries(of: bytes)
        return try ChartLoader.loadFiles(entries.map { ChartFile(name: $0.name, data: $0.data) })
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
        if !bytes.starts(with: [0x1F, 0x8B, 0x08]) {
            if path.hasSuffix(".yml") || path.hasSuffix(".yaml") {
                throw ChartEngineError(.invalidChart,
                                       "file '\(path)' seems to be a YAML file, but expected a gzipped archive")
            }
            throw ChartEngineError(.invalidChart,
                                   "file '\(path)' does not appear to be a gzipped archive; got '\(sniff(bytes))'")
        }
        return bytes
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
