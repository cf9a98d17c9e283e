#if canImport(Glibc)
    import Glibc
#endif

/// Blocking file-tree helpers for bundles and image roots (run from the blocking thread pool).
enum FileTree {
    /// Names in a directory, without `.` and `..`.
    static func entries(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Copies `source` to `destination`: directories, regular files (with their mode) and symlinks.
    static func copy(_ source: String, to destination: String, depth: Int = 0) throws(RuntimeError) {
        guard depth < 64 else { throw RuntimeError("\(source): directory tree too deep") }
        var st = stat()
        guard lstat(source, &st) == 0 else { throw RuntimeError("cannot read \(source): \(String(cString: strerror(errno)))") }
        switch st.st_mode & S_IFMT {
        case S_IFDIR:
            if mkdir(destination, st.st_mode & 0o7777) != 0 && errno != EEXIST {
                throw RuntimeError("cannot create \(destination): \(String(cString: strerror(errno)))")
            }
            chmod(destination, st.st_mode & 0o7777)
            for name in entries(source) { try copy(source + "/" + name, to: destination + "/" + name, depth: depth + 1) }
        case S_IFLNK:
            var buf = [CChar](repeating: 0, count: 4097)
            let n = readlink(source, &buf, 4096)
            guard n >= 0 else { throw RuntimeError("cannot read link \(source)") }
            let target = String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            unlink(destination)
            guard symlink(target, destination) == 0 else { throw RuntimeError("cannot link \(destination): \(String(cString: strerror(errno)))") }
        case S_IFREG:
            try copyFile(source, to: destination, mode: st.st_mode & 0o7777)
        default:
            break  // devices, sockets and fifos do not belong in an image root
        }
    }

    static func copyFile(_ source: String, to destination: String, mode: mode_t) throws(RuntimeError) {
        let input = open(source, O_RDONLY)
        guard input >= 0 else { throw RuntimeError("cannot read \(source): \(String(cString: strerror(errno)))") }
        defer { close(input) }
        let output = open(destination, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard output >= 0 else { throw RuntimeError("cannot write \(destination): \(String(cString: strerror(errno)))") }
        defer { close(output) }
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = read(input, &buf, buf.count)
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                throw RuntimeError("cannot read \(source): \(String(cString: strerror(errno)))")
            }
            var off = 0
            while off < n {
                let w = buf[off..<n].withUnsafeBytes { write(output, $0.baseAddress, $0.count) }
                guard w > 0 else { throw RuntimeError("cannot write \(destination): \(String(cString: strerror(errno)))") }
                off += w
            }
        }
        fchmod(output, mode)
    }

    /// Removes a tree (does not follow symlinks).
    static func remove(_ path: String, depth: Int = 0) {
        var st = stat()
        guard depth < 64, lstat(path, &st) == 0 else { return }
        if st.st_mode & S_IFMT == S_IFDIR {
            for name in entries(path) { remove(path + "/" + name, depth: depth + 1) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }

    static func writeFile(_ path: String, _ text: String, mode: mode_t = 0o644) throws(RuntimeError) {
        do {
            try FileIO.write(path, text, mode: mode)
        } catch {
            throw RuntimeError(error.description)
        }
    }

    static func makeDirectories(_ path: String) throws(RuntimeError) {
        do {
            try FileIO.makeDirectories(path, mode: 0o755)
        } catch {
            throw RuntimeError(error.description)
        }
    }
}
