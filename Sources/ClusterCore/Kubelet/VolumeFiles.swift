#if canImport(Glibc)
    import Glibc
#endif

/// Blocking file work for pod volumes (run on ``RuntimeThreads``): the atomic `..data` layout of
/// configMap/secret/downwardAPI/projected volumes, tmpfs mounts for `emptyDir.medium: Memory`,
/// hostPath type checks, subPath resolution and removal that never leaves the pod's directory.
enum VolumeFiles {
    static func errno(_ what: String) -> VolumeError {
        VolumeError("\(what): \(String(cString: strerror(Glibc.errno)))")
    }

    static func makeDirectories(_ path: String, mode: mode_t = 0o755) throws(VolumeError) {
        do {
            try FileIO.makeDirectories(path, mode: mode)
        } catch {
            throw VolumeError(error.description)
        }
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR
    }

    /// Writes `files` into `dir` the way Kubernetes' AtomicWriter does: a fresh `..<stamp>`
    /// directory, the `..data` symlink swapped to it with one rename, and a `name -> ..data/name`
    /// link per top-level entry — so a reader sees the old or the new set, never a mix.
    static func writeAtomically(_ dir: String, files: [VolumeFile], stamp: String) throws(VolumeError) {
        for f in files { try PodVolumes.checkRelativePath(f.path, what: "file path") }
        try makeDirectories(dir)
        let newName = "..\(stamp)"
        let staging = dir + "/" + newName
        remove(staging)
        guard mkdir(staging, 0o755) == 0 else { throw errno("cannot create \(staging)") }
        for f in files {
            let parts = f.path.split(separator: "/").map(String.init)
            var parent = staging
            for part in parts.dropLast() {
                parent += "/" + part
                if mkdir(parent, 0o755) != 0 && Glibc.errno != EEXIST { throw errno("cannot create \(parent)") }
            }
            try writeFile(staging + "/" + parts.joined(separator: "/"), f.bytes, mode: mode_t(f.mode))
        }
        let old = readLink(dir + "/..data")
        unlink(dir + "/..data_tmp")
        guard symlink(newName, dir + "/..data_tmp") == 0 else { throw errno("cannot link \(dir)/..data_tmp") }
        guard rename(dir + "/..data_tmp", dir + "/..data") == 0 else { throw errno("cannot swap \(dir)/..data") }
        let top = Set(files.compactMap { $0.path.split(separator: "/").first.map(String.init) })
        for name in top {
            var st = stat()
            if lstat(dir + "/" + name, &st) != 0 {
                guard symlink("..data/" + name, dir + "/" + name) == 0 else { throw errno("cannot link \(dir)/\(name)") }
            }
        }
        for name in FileTree.entries(dir) where !name.hasPrefix("..") && !top.contains(name) {
            var st = stat()
            if lstat(dir + "/" + name, &st) == 0 && st.st_mode & S_IFMT == S_IFLNK { unlink(dir + "/" + name) }
        }
        if let old, old != newName, old.hasPrefix(".."), !old.contains("/") { remove(dir + "/" + old) }
    }

    static func readLink(_ path: String) -> String? {
        var buf = [CChar](repeating: 0, count: 4097)
        let n = readlink(path, &buf, 4096)
        guard n > 0 else { return nil }
        return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func writeFile(_ path: String, _ bytes: [UInt8], mode: mode_t) throws(VolumeError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw errno("cannot write \(path)") }
        defer { close(fd) }
        var off = 0
        while off < bytes.count {
            let w = bytes[off...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if w < 0 && Glibc.errno == EINTR { continue }
            guard w > 0 else { throw errno("cannot write \(path)") }
            off += w
        }
        fchmod(fd, mode)
    }

    /// An emptyDir: a world-writable directory, on a fresh tmpfs for `medium: Memory`.
    static func makeEmptyDir(_ dir: String, memory: Bool, sizeLimit: Int64?, mode: mode_t = 0o777) throws(VolumeError) {
        try makeDirectories(dir)
        chmod(dir, mode)
        guard memory, !isMountPoint(dir) else { return }
        var options = "mode=0" + String(mode, radix: 8)
        if let sizeLimit, sizeLimit > 0 { options += ",size=\(sizeLimit)" }
        guard mount("tmpfs", dir, "tmpfs", UInt(MS_NOSUID | MS_NODEV), options) == 0 else {
            throw errno("cannot mount tmpfs on \(dir)")
        }
    }

    /// Mount points as this thread sees them (/proc/thread-self: /proc/self shows the main thread's
    /// mount namespace, which a full test run showed can differ), field 5 with octal escapes decoded.
    static func mountPoints() -> [String] {
        let text = (try? FileIO.read("/proc/thread-self/mountinfo")) ?? ""
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count > 4 else { return nil }
            return unescape(fields[4])
        }
    }

    static func unescape(_ s: Substring) -> String {
        var bytes: [UInt8] = []
        let u = Array(s.utf8)
        var i = 0
        while i < u.count {
            if u[i] == UInt8(ascii: "\\"), i + 3 < u.count,
               let n = UInt8(String(decoding: u[(i + 1)...(i + 3)], as: UTF8.self), radix: 8)
            {
                bytes.append(n)
                i += 4
            } else {
                bytes.append(u[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// mountinfo names resolved paths: compare with the resolved form.
    static func isMountPoint(_ path: String) -> Bool { mountPoints().contains(realPath(path) ?? path) }

    /// Detaches every mount at or below `given`, deepest first; returns those detached.
    @discardableResult
    static func unmountAll(under given: String) -> [String] {
        let root = realPath(given) ?? given
        let mine = mountPoints().filter { $0 == root || $0.hasPrefix(root + "/") }
        return mine.sorted(by: { $0.count > $1.count }).filter { umount2($0, Int32(MNT_DETACH)) == 0 }
    }

    /// Removes a tree without following symlinks or descending into another file system.
    static func remove(_ path: String) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        removeTree(path, device: st.st_dev, depth: 0)
    }

    private static func removeTree(_ path: String, device: dev_t, depth: Int) {
        var st = stat()
        guard depth < 64, lstat(path, &st) == 0 else { return }
        if st.st_mode & S_IFMT == S_IFDIR {
            guard st.st_dev == device else { return }
            for name in FileTree.entries(path) { removeTree(path + "/" + name, device: device, depth: depth + 1) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }

    /// Checks (and for the `…OrCreate` types makes) a hostPath as its `type` asks.
    static func checkHostPath(_ path: String, type: String) throws(VolumeError) {
        guard path.hasPrefix("/") else { throw VolumeError("hostPath \"\(path)\" must be an absolute path") }
        guard !path.split(separator: "/").contains("..") else { throw VolumeError("hostPath \"\(path)\" must not contain '..'") }
        var st = stat()
        let exists = stat(path, &st) == 0
        let format = st.st_mode & S_IFMT
        func fail(_ what: String) -> VolumeError { VolumeError("hostPath type check failed: \(path) is not \(what)") }
        switch type {
        case "":
            return
        case "DirectoryOrCreate":
            if !exists { try makeDirectories(path); return }
            guard format == S_IFDIR else { throw fail("a directory") }
        case "Directory":
            guard exists, format == S_IFDIR else { throw fail("a directory") }
        case "FileOrCreate":
            if !exists {
                let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
                guard fd >= 0 else { throw errno("cannot create \(path)") }
                close(fd)
                return
            }
            guard format == S_IFREG else { throw fail("a file") }
        case "File":
            guard exists, format == S_IFREG else { throw fail("a file") }
        case "Socket":
            guard exists, format == S_IFSOCK else { throw fail("a socket file") }
        case "CharDevice":
            guard exists, format == S_IFCHR else { throw fail("a character device") }
        case "BlockDevice":
            guard exists, format == S_IFBLK else { throw fail("a block device") }
        default:
            throw VolumeError("invalid HostPathType \"\(type)\"")
        }
    }

    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    /// The host path for a volumeMount's `subPath` inside `volume`: created as a directory when
    /// missing, and refused when it resolves (through symlinks a container may have planted)
    /// outside the volume.
    static func subPathSource(volume: String, subPath: String) throws(VolumeError) -> String {
        try PodVolumes.checkRelativePath(subPath, what: "subPath")
        let path = volume + "/" + subPath
        var st = stat()
        if lstat(path, &st) != 0 { try makeDirectories(path) }
        guard let base = realPath(volume), let resolved = realPath(path) else { throw errno("cannot resolve subPath \(subPath)") }
        guard resolved == base || resolved.hasPrefix(base == "/" ? "/" : base + "/") else {
            throw VolumeError("subPath \"\(subPath)\" resolves outside the volume")
        }
        return resolved
    }
}
