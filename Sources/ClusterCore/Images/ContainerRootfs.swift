#if canImport(Glibc)
    import Glibc
#endif

/// A container's root file system: an overlayfs mount of the image's unpacked layers (read-only,
/// shared by every container of the image) with the container's own `upper` and `work` directories
/// in its bundle. When overlay cannot be mounted (no overlayfs, too many layers for one mount's
/// options) the layers are merged into a private copy instead, whiteouts applied.
enum ContainerRootfs {
    /// Prepares `bundle/rootfs` from `layers` (bottom first); returns true when it is an overlay mount.
    @discardableResult
    static func prepare(layers: [String], bundle: String, allowOverlay: Bool = true) throws(RuntimeError) -> Bool {
        let rootfs = bundle + "/rootfs"
        try FileTree.makeDirectories(rootfs)
        if allowOverlay, !layers.isEmpty {
            let upper = bundle + "/upper"
            let work = bundle + "/work"
            try FileTree.makeDirectories(upper)
            try FileTree.makeDirectories(work)
            // overlayfs lists the lower directories top first.
            let options = "lowerdir=" + layers.reversed().joined(separator: ":") + ",upperdir=" + upper + ",workdir=" + work
            let safe = layers.allSatisfy { !$0.contains(":") && !$0.contains(",") } && !bundle.contains(",") && !bundle.contains(":")
            if safe, options.utf8.count < 4000, mount("overlay", rootfs, "overlay", 0, options) == 0 {
                return true
            }
            FileTree.remove(upper)
            FileTree.remove(work)
        }
        for layer in layers { try merge(layer, onto: rootfs) }
        return false
    }

    /// Unmounts `bundle/rootfs` when it is a mount (lazily, so a process still inside cannot block it).
    static func release(bundle: String) {
        let rootfs = bundle + "/rootfs"
        while umount2(rootfs, Int32(MNT_DETACH)) == 0 {}
    }

    /// Applies one overlay-format layer onto a merged tree: a 0/0 character device removes the path
    /// below, an opaque directory replaces the one below, anything else replaces or merges into it.
    static func merge(_ layer: String, onto target: String, depth: Int = 0) throws(RuntimeError) {
        guard depth < 128 else { throw RuntimeError("\(layer): directory tree too deep") }
        for name in FileTree.entries(layer) {
            let source = layer + "/" + name
            let destination = target + "/" + name
            var st = stat()
            guard lstat(source, &st) == 0 else { continue }
            var existing = stat()
            let exists = lstat(destination, &existing) == 0
            let type = st.st_mode & S_IFMT
            if type == S_IFCHR && st.st_rdev == 0 {
                if exists { FileTree.remove(destination) }
                continue
            }
            if type == S_IFDIR {
                if exists && (existing.st_mode & S_IFMT != S_IFDIR || isOpaque(source)) { FileTree.remove(destination); }
                if lstat(destination, &existing) != 0 {
                    guard mkdir(destination, st.st_mode & 0o7777) == 0 else {
                        throw RuntimeError("cannot create \(destination): \(String(cString: strerror(errno)))")
                    }
                }
                _ = chmod(destination, st.st_mode & 0o7777)
                _ = lchown(destination, st.st_uid, st.st_gid)
                try merge(source, onto: destination, depth: depth + 1)
                continue
            }
            if exists { FileTree.remove(destination) }
            try FileTree.copy(source, to: destination)
            _ = lchown(destination, st.st_uid, st.st_gid)
        }
    }

    private static func isOpaque(_ dir: String) -> Bool {
        ExtendedAttributes.get(dir, "trusted.overlay.opaque") == "y"
    }
}
