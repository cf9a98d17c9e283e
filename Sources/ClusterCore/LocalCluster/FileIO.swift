#if canImport(Glibc)
    import Glibc
#endif

/// Small blocking file helpers for the data directory (called before the event loops start, or
/// from the CLI process).
enum FileIO {
    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func read(_ path: String) throws(ClusterError) -> String {
        guard let f = fopen(path, "rb") else { throw ClusterError("cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { fclose(f) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n <= 0 { break }
            out += buf[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Writes atomically (temp file + rename) with `mode`.
    static func write(_ path: String, _ text: String, mode: mode_t = 0o644) throws(ClusterError) {
        let tmp = path + ".tmp"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard fd >= 0 else { throw ClusterError("cannot write \(path): \(String(cString: strerror(errno)))") }
        let bytes = Array(text.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n <= 0 {
                close(fd)
                throw ClusterError("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            off += n
        }
        fchmod(fd, mode)
        fsync(fd)
        close(fd)
        guard rename(tmp, path) == 0 else { throw ClusterError("cannot write \(path): \(String(cString: strerror(errno)))") }
    }

    static func remove(_ path: String) { unlink(path) }

    static func makeDirectories(_ path: String, mode: mode_t) throws(ClusterError) {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw ClusterError("cannot create \(current): \(String(cString: strerror(errno)))")
            }
        }
        chmod(path, mode)
    }
}
