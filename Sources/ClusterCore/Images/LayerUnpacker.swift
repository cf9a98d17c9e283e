import LayerArchive
#if canImport(Glibc)
    import Glibc
#endif

/// Unpacks one image layer (tar, gzip/zstd/… detected by libarchive) into a directory in overlayfs'
/// format: an OCI whiteout `.wh.NAME` becomes a 0/0 character device `NAME`, an opaque marker
/// `.wh..wh..opq` the `trusted.overlay.opaque=y` attribute of its directory.
///
/// Hostile entries are refused with an error naming the entry: absolute paths, `..` components,
/// entries written through a symbolic link (a link to `/etc` followed by `link/passwd` would write
/// on the host), hard links to outside the layer, and device nodes. Nothing is followed while
/// writing: every parent is checked with `lstat` and files are opened with `O_NOFOLLOW`.
enum LayerUnpacker {
    /// Largest total a layer may unpack to (a decompression bomb stops here).
    static let maxUnpacked: Int64 = 16 << 30

    static func unpack(_ blob: String, into target: String) throws(RuntimeError) {
        do {
            try unpackEntries(try LayerArchive(path: blob), blob, into: target)
        } catch let failure as LayerArchive.Failure {
            throw RuntimeError("layer \(blob): \(failure.description)")
        } catch let error as RuntimeError {
            throw error
        } catch {
            throw RuntimeError("layer \(blob): \(error)")
        }
    }

    private static func unpackEntries(_ archive: LayerArchive, _ blob: String, into target: String) throws {
        try FileTree.makeDirectories(target)
        var total: Int64 = 0
        while let e = try archive.next() {
            let raw = e.path
            let parts = try components(raw)
            guard let name = parts.last else { continue }  // the layer's own root (`./`)
            let parent = try parentDirectory(target, parts.dropLast(), entry: raw)
            let path = parent + "/" + name
            if name == ".wh..wh..opq" {
                guard ExtendedAttributes.set(parent, "trusted.overlay.opaque", "y") else {
                    throw RuntimeError("layer entry \"\(raw)\": cannot mark the directory opaque: \(String(cString: strerror(errno)))")
                }
                continue
            }
            if name.hasPrefix(".wh.") {
                guard name.count > 4 else { throw RuntimeError("layer entry \"\(raw)\": empty whiteout name") }
                let hidden = parent + "/" + String(name.dropFirst(4))
                removeExisting(hidden)
                guard mknod(hidden, S_IFCHR | 0o000, 0) == 0 else {
                    throw RuntimeError("layer entry \"\(raw)\": cannot create the whiteout: \(String(cString: strerror(errno)))")
                }
                continue
            }
            let mode = mode_t(e.mode)
            switch e.kind {
            case .hardlink:
                let linkParts = try components(e.linkTarget)
                guard let linkName = linkParts.last else { throw RuntimeError("layer entry \"\(raw)\": hard link to the layer root") }
                let source = try parentDirectory(target, linkParts.dropLast(), entry: e.linkTarget, create: false) + "/" + linkName
                removeExisting(path)
                guard linkat(AT_FDCWD, source, AT_FDCWD, path, 0) == 0 else {
                    throw RuntimeError("layer entry \"\(raw)\": cannot link to \"\(e.linkTarget)\": \(String(cString: strerror(errno)))")
                }
                continue
            case .directory:
                var st = stat()
                if lstat(path, &st) == 0, st.st_mode & S_IFMT != S_IFDIR { removeExisting(path) }
                if mkdir(path, 0o755) != 0 && errno != EEXIST {
                    throw RuntimeError("layer entry \"\(raw)\": cannot create directory: \(String(cString: strerror(errno)))")
                }
            case .file:
                removeExisting(path)
                let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
                guard fd >= 0 else { throw RuntimeError("layer entry \"\(raw)\": cannot create file: \(String(cString: strerror(errno)))") }
                defer { close(fd) }
                var buf = [UInt8](repeating: 0, count: 1 << 16)
                while true {
                    let n = try buf.withUnsafeMutableBytes { b throws(LayerArchive.Failure) in try archive.read(into: b) }
                    if n == 0 { break }
                    total += Int64(n)
                    guard total <= maxUnpacked else { throw RuntimeError("layer \(blob) unpacks to more than \(maxUnpacked) bytes") }
                    var off = 0
                    while off < n {
                        let w = buf[off..<n].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                        if w < 0 && errno == EINTR { continue }
                        guard w > 0 else { throw RuntimeError("layer entry \"\(raw)\": write failed: \(String(cString: strerror(errno)))") }
                        off += w
                    }
                }
            case .symlink:
                // The target is left as written: it is resolved inside the container's root, never here.
                removeExisting(path)
                guard symlink(e.linkTarget, path) == 0 else {
                    throw RuntimeError("layer entry \"\(raw)\": cannot create symlink: \(String(cString: strerror(errno)))")
                }
            case .fifo:
                removeExisting(path)
                guard mkfifo(path, mode) == 0 else {
                    throw RuntimeError("layer entry \"\(raw)\": cannot create fifo: \(String(cString: strerror(errno)))")
                }
            case .characterDevice, .blockDevice:
                throw RuntimeError("layer entry \"\(raw)\" is a device node; images may not carry devices")
            case .other:
                continue  // sockets and unknown types are skipped, as Docker does
            }
            // Owner, mode and time as recorded (without following a symlink just made).
            _ = fchownat(AT_FDCWD, path, uid_t(truncatingIfNeeded: e.uid), gid_t(truncatingIfNeeded: e.gid), AT_SYMLINK_NOFOLLOW)
            if e.kind != .symlink { _ = chmod(path, mode) }
            var times = [timespec(tv_sec: Int(e.mtime), tv_nsec: 0), timespec(tv_sec: Int(e.mtime), tv_nsec: 0)]
            _ = utimensat(AT_FDCWD, path, &times, AT_SYMLINK_NOFOLLOW)
        }
    }

    /// An entry name's components without `.` and empty parts; absolute names and `..` are refused.
    static func components(_ raw: String) throws(RuntimeError) -> [String] {
        if raw.hasPrefix("/") { throw RuntimeError("layer entry \"\(raw)\" has an absolute path; refusing the layer") }
        let parts = raw.split(separator: "/").map(String.init).filter { $0 != "." }
        if parts.contains("..") { throw RuntimeError("layer entry \"\(raw)\" contains \"..\"; refusing the layer") }
        if parts.contains(where: { $0.utf8.contains(0) }) { throw RuntimeError("layer entry \"\(raw)\" has a NUL byte") }
        return parts
    }

    /// `root/parts…`, creating missing directories; a component that is not a plain directory (a
    /// symlink above all) is refused, so nothing can be written outside `root`.
    static func parentDirectory(_ root: String, _ parts: ArraySlice<String>, entry: String, create: Bool = true) throws(RuntimeError) -> String {
        var path = root
        for p in parts {
            path += "/" + p
            var st = stat()
            if lstat(path, &st) == 0 {
                if st.st_mode & S_IFMT == S_IFLNK {
                    throw RuntimeError("layer entry \"\(entry)\" goes through the symbolic link \"\(p)\"; refusing the layer (symlink escape)")
                }
                guard st.st_mode & S_IFMT == S_IFDIR else {
                    throw RuntimeError("layer entry \"\(entry)\": \"\(p)\" is not a directory")
                }
            } else if create {
                guard mkdir(path, 0o755) == 0 else {
                    throw RuntimeError("layer entry \"\(entry)\": cannot create \(path): \(String(cString: strerror(errno)))")
                }
            } else {
                throw RuntimeError("layer entry \"\(entry)\": \(path) does not exist")
            }
        }
        return path
    }

    private static func removeExisting(_ path: String) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        if st.st_mode & S_IFMT == S_IFDIR { FileTree.remove(path) } else { unlink(path) }
    }

}
