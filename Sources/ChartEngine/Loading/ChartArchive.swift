internal import CLibArchive

/// Reading chart archives (`.tgz`) as Helm's `loader.LoadArchiveFiles`: a gzip-compressed tar whose
/// entries all sit under one top directory (`mychart/Chart.yaml`), with Helm's path-safety and size
/// checks. Backed by the system libarchive.
enum ChartArchive {
    /// Helm rejects archives that decompress to more than this (100 MiB).
    static let maxDecompressedChartSize = 100 * 1024 * 1024

    /// Helm's `ensureArchive`: a friendlier error than a gzip failure for files that are not archives.
    static func ensureArchive(_ bytes: [UInt8], name: String) throws(ChartEngineError) {
        if bytes.count >= 3 && bytes[0] == 0x1F && bytes[1] == 0x8B && bytes[2] == 0x08 { return }
        if name.hasSuffix(".yml") || name.hasSuffix(".yaml") {
            throw ChartEngineError(.invalidChart, "file '\(name)' seems to be a YAML file, but expected a gzipped archive")
        }
        // Helm v4.2.3 reports text and binary alike as application/octet-stream (checked with the
        // real library).
        throw ChartEngineError(.invalidChart,
                               "file '\(name)' does not appear to be a gzipped archive; got 'application/octet-stream'")
    }

    /// The chart-relative files of an archive (top directory stripped, BOMs removed).
    static func files(_ bytes: [UInt8]) throws(ChartEngineError) -> [ChartFile] {
        guard let a = archive_read_new() else { throw ChartEngineError(.io, "cannot allocate archive reader") }
        defer { archive_read_free(a) }
        archive_read_support_filter_gzip(a)
        archive_read_support_format_tar(a)
        var result: [ChartFile] = []
        var remaining = maxDecompressedChartSize
        let status: Result<Void, ChartEngineError> = bytes.withUnsafeBytes { raw in
            guard archive_read_open_memory(a, raw.baseAddress, raw.count) == ARCHIVE_OK else {
                return .failure(ChartEngineError(.invalidChart, "gzip: invalid header"))
            }
            var entry: OpaquePointer?
            while true {
                let r = archive_read_next_header(a, &entry)
                if r == ARCHIVE_EOF { break }
                guard r == ARCHIVE_OK || r == ARCHIVE_WARN, let entry else {
                    return .failure(ChartEngineError(.invalidChart, libarchiveError(a)))
                }
                // Directories carry no data (tar type '5'; Helm skips them via FileInfo().IsDir()).
                if archive_entry_filetype(entry) == 0o040000 { continue }
                let rawName = archive_entry_pathname(entry).map { String(cString: $0) } ?? ""
                do throws(ChartEngineError) {
                    let name = try chartRelativeName(rawName)
                    let size = Int(archive_entry_size(entry))
                    if size > remaining {
                        throw ChartEngineError(.invalidChart,
                                               "decompressed chart is larger than the maximum size \(maxDecompressedChartSize)")
                    }
                    if size > ChartLoader.maxFileSize {
                        throw ChartEngineError(.invalidChart,
                                               "decompressed chart file \(quoteGo(rawName)) is larger than the maximum file size \(ChartLoader.maxFileSize)")
                    }
                    var data = [UInt8](repeating: 0, count: size)
                    var read = 0
                    while read < size {
                        let n = data.withUnsafeMutableBytes { buf in
                            archive_read_data(a, buf.baseAddress.map { $0 + read }, size - read)
                        }
                        if n < 0 { throw ChartEngineError(.invalidChart, libarchiveError(a)) }
                        if n == 0 { break }
                        read += n
                    }
                    remaining -= read
                    if read < size || remaining <= 0 {
                        throw ChartEngineError(.invalidChart,
                                               "decompressed chart is larger than the maximum size \(maxDecompressedChartSize)")
                    }
                    if data.starts(with: [0xEF, 0xBB, 0xBF]) { data.removeFirst(3) }
                    result.append(ChartFile(name: name, data: data))
                } catch {
                    return .failure(error)
                }
            }
            return .success(())
        }
        try status.get()
        if result.isEmpty { throw ChartEngineError(.invalidChart, "no files in chart archive") }
        return result
    }

    /// The entry name without its top directory, with Helm's safety checks.
    static func chartRelativeName(_ raw: String) throws(ChartEngineError) -> String {
        let delimiter: Character = raw.contains("\\") ? "\\" : "/"
        let parts = raw.split(separator: delimiter, omittingEmptySubsequences: false).map(String.init)
        var n = parts.dropFirst().joined(separator: String(delimiter))
        n = n.split(separator: delimiter, omittingEmptySubsequences: false).joined(separator: "/")
        if n.hasPrefix("/") { throw ChartEngineError(.invalidChart, "chart illegally contains absolute paths") }
        n = cleanPath(n)
        if n == "." {
            throw ChartEngineError(.invalidChart,
                                   "chart illegally contains content outside the base directory: \(quoteGo(raw))")
        }
        if n.hasPrefix("..") { throw ChartEngineError(.invalidChart, "chart illegally references parent directory") }
        let u = Array(n.utf8)
        if u.count >= 3, (u[0] | 0x20) >= 0x61, (u[0] | 0x20) <= 0x7A, u[1] == 0x3A, u[2] == 0x2F {
            throw ChartEngineError(.invalidChart, "chart contains illegally named files")
        }
        if parts.first == "Chart.yaml" { throw ChartEngineError(.invalidChart, "chart yaml not in base directory") }
        return n
    }

    /// Go's `path.Clean`.
    static func cleanPath(_ p: String) -> String {
        if p.isEmpty { return "." }
        let rooted = p.hasPrefix("/")
        var out: [Substring] = []
        for part in p.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if let last = out.last, last != ".." {
                    out.removeLast()
                } else if !rooted {
                    out.append(part)
                }
                continue
            }
            out.append(part)
        }
        let joined = out.joined(separator: "/")
        if rooted { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    static func libarchiveError(_ a: OpaquePointer) -> String {
        archive_error_string(a).map { String(cString: $0) } ?? "archive read error"
    }
}
