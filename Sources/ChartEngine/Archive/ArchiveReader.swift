import CLibArchive

/// A file's modification time: seconds since the Unix epoch and the nanoseconds within that second.
public struct FileTime: Sendable, Hashable, Comparable {
    /// Whole seconds since 1970-01-01T00:00:00Z.
    public var seconds: Int64
    /// Nanoseconds within the second (0..<1e9).
    public var nanoseconds: Int32

    /// A time from its parts.
    public init(seconds: Int64, nanoseconds: Int32 = 0) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    /// Go's `time.Time.Round(time.Second)` as `archive/tar` applies it to header times: half a
    /// second or more rounds up.
    public var roundedSeconds: Int64 { nanoseconds >= 500_000_000 ? seconds + 1 : seconds }

    public static func < (a: FileTime, b: FileTime) -> Bool {
        (a.seconds, a.nanoseconds) < (b.seconds, b.nanoseconds)
    }
}

/// One regular file read out of a chart archive: its name with the top directory stripped, its bytes
/// (UTF-8 BOM removed, as Helm does) and its modification time.
public struct ArchiveEntry: Sendable, Equatable {
    /// Chart-relative, `/`-separated name (`templates/a.yaml`).
    public var name: String
    /// The file's bytes.
    public var data: [UInt8]
    /// The tar header's modification time.
    public var modTime: FileTime

    /// An entry from its parts.
    public init(name: String, data: [UInt8], modTime: FileTime) {
        self.name = name
        self.data = data
        self.modTime = modTime
    }
}

/// Reads gzip-compressed tar chart archives through libarchive with the path-safety checks and size
/// limits of Helm's `LoadArchiveFiles` (pkg/chart/loader/archive).
public enum ArchiveReader {
    /// Helm's `MaxDecompressedChartSize`: the decompressed size of all files together (100 MiB).
    public static let maxChartSize: Int64 = 100 * 1024 * 1024
    /// Helm's `MaxDecompressedFileSize`: the largest single file (5 MiB).
    public static let maxFileSize: Int64 = 5 * 1024 * 1024

    /// Reads every regular file of the archive in `bytes`.
    ///
    /// Rules, in Helm's order: directories and PAX headers are skipped; the first path component is
    /// stripped (`\` is the separator when the name contains one, as for archives made on Windows);
    /// absolute paths, paths that clean to nothing, paths starting with `..` and drive letters are
    /// refused; a `Chart.yaml` at the top level (no base directory) is refused; the per-file and total
    /// limits are enforced while decompressing, so a gzip bomb stops at the limit. Unlike Helm (whose
    /// Go reader reads links as empty files), symlinks, hard links, devices and FIFOs are refused.
    public static func entries(of bytes: [UInt8], maxChartSize: Int64 = maxChartSize,
                               maxFileSize: Int64 = maxFileSize) throws(ChartEngineError) -> [ArchiveEntry]
    {
        guard let a = archive_read_new() else {
            throw ChartEngineError(.io, "cannot allocate an archive reader")
        }
        defer { archive_read_free(a) }
        archive_read_support_filter_gzip(a)
        archive_read_support_format_tar(a)
        // An empty stream is an empty tar to Go ("no files in chart archive"), not an unknown format.
        archive_read_support_format_empty(a)

        let result = bytes.withUnsafeBytes { (buf: UnsafeRawBufferPointer) -> Result<[ArchiveEntry], ChartEngineError> in
            Result { () throws(ChartEngineError) -> [ArchiveEntry] in
                try read(a, buf, maxChartSize: maxChartSize, maxFileSize: maxFileSize)
            }
        }
        return try result.get()
    }

    private static func read(_ a: OpaquePointer, _ buf: UnsafeRawBufferPointer, maxChartSize: Int64,
                             maxFileSize: Int64) throws(ChartEngineError) -> [ArchiveEntry]
    {
        guard archive_read_open_memory(a, buf.baseAddress, buf.count) == ARCHIVE_OK else {
            throw readError(a)
        }
        var files: [ArchiveEntry] = []
        var remaining = maxChartSize
        var entry: OpaquePointer?
        while true {
            let rc = archive_read_next_header(a, &entry)
            if rc == ARCHIVE_EOF { break }
            guard rc == ARCHIVE_OK || rc == ARCHIVE_WARN, let e = entry else { throw readError(a) }
            // Headers cost decompression work even when the entries are empty; bound the whole
            // stream so a bomb of empty entries cannot run for ever.
            if archive_filter_bytes(a, 0) > 2 * maxChartSize {
                throw ChartEngineError(.invalidChart,
                                       "decompressed chart is larger than the maximum size \(maxChartSize)")
            }
            // The UTF-8 form does not depend on the process locale (PAX paths are UTF-8).
            let rawName = (archive_entry_pathname_utf8(e) ?? archive_entry_pathname(e)).map { String(cString: $0) } ?? ""
            let type = UInt32(archive_entry_filetype(e))
            if type == 0o040000 { continue }  // directory

            let name = try safeName(rawName)
            if type != 0o100000 || archive_entry_hardlink(e) != nil {
                throw ChartEngineError(.invalidChart,
                                       "cannot load irregular file \(rawName) as it has file mode type bits set")
            }
            let size = archive_entry_size_is_set(e) != 0 ? archive_entry_size(e) : 0
            if size > remaining {
                throw ChartEngineError(.invalidChart,
                                       "decompressed chart is larger than the maximum size \(maxChartSize)")
            }
            if size > maxFileSize {
                throw ChartEngineError(.invalidChart,
                                       "decompressed chart file \"\(rawName)\" is larger than the maximum file size \(maxFileSize)")
            }
            var data: [UInt8] = []
            data.reserveCapacity(Int(max(0, size)))
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = chunk.withUnsafeMutableBytes { archive_read_data(a, $0.baseAddress, $0.count) }
                if n < 0 { throw readError(a) }
                if n == 0 { break }
                if Int64(data.count + n) > remaining || Int64(data.count + n) > maxFileSize {
                    throw ChartEngineError(.invalidChart,
                                           "decompressed chart is larger than the maximum size \(maxChartSize)")
                }
                data.append(contentsOf: chunk[0..<n])
            }
            remaining -= Int64(data.count)
            if Int64(data.count) < size || remaining < 0 {
                throw ChartEngineError(.invalidChart,
                                       "decompressed chart is larger than the maximum size \(maxChartSize)")
            }
            if data.starts(with: [0xEF, 0xBB, 0xBF]) { data.removeFirst(3) }
            let mtime = FileTime(seconds: Int64(archive_entry_mtime(e)),
                                 nanoseconds: Int32(truncatingIfNeeded: archive_entry_mtime_nsec(e)))
            files.append(ArchiveEntry(name: name, data: data, modTime: mtime))
        }
        if files.isEmpty {
            throw ChartEngineError(.invalidChart, "no files in chart archive")
        }
        return files
    }

    /// Applies Helm's name rules to a tar entry name and returns it without its first component.
    static func safeName(_ raw: String) throws(ChartEngineError) -> String {
        let delimiter: Character = raw.contains("\\") ? "\\" : "/"
        let parts = raw.split(separator: delimiter, omittingEmptySubsequences: false).map(String.init)
        var n = parts.dropFirst().joined(separator: "/")
        if n.hasPrefix("/") {
            throw ChartEngineError(.invalidChart, "chart illegally contains absolute paths")
        }
        n = GoPath.clean(n)
        if n == "." {
            throw ChartEngineError(.invalidChart,
                                   "chart illegally contains content outside the base directory: \(GoPath.quote(raw))")
        }
        // Helm tests the prefix, so a file named `..x` is refused as well.
        if n.hasPrefix("..") {
            throw ChartEngineError(.invalidChart, "chart illegally references parent directory")
        }
        let u = Array(n.utf8)
        if u.count >= 3, (u[0] | 0x20) >= 0x61, (u[0] | 0x20) <= 0x7A, u[1] == 0x3A, u[2] == 0x2F {
            throw ChartEngineError(.invalidChart, "chart contains illegally named files")
        }
        if parts.first == "Chart.yaml" {
            throw ChartEngineError(.invalidChart, "chart yaml not in base directory")
        }
        return n
    }

    /// libarchive's failure in Go's words where Helm's reader would fail the same way.
    static func readError(_ a: OpaquePointer) -> ChartEngineError {
        let text = archive_error_string(a).map { String(cString: $0) } ?? "unknown archive error"
        let lower = text.lowercased()
        if lower.contains("truncated") || lower.contains("premature end") || lower.contains("unexpected end") {
            return ChartEngineError(.invalidChart, "unexpected EOF")
        }
        if lower.contains("unrecognized archive format") || lower.contains("damaged tar") {
            return ChartEngineError(.invalidChart, "archive/tar: invalid tar header")
        }
        return ChartEngineError(.invalidChart, text)
    }
}

/// Go's `path` package pieces the archive rules need.
enum GoPath {
    /// `path.Clean`: collapses `//`, `.` and `..` lexically; empty becomes `.`.
    static func clean(_ p: String) -> String {
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
        let body = out.joined(separator: "/")
        if rooted { return "/" + body }
        return body.isEmpty ? "." : body
    }

    /// Go's `%q`.
    static func quote(_ s: String) -> String { quoteGo(s) }
}
