#if canImport(Glibc)
    import Glibc
#endif

/// A container image as the runtime needs it: where its root file system lies and its defaults.
public struct ContainerImage: Sendable, Equatable {
    public var reference: String
    /// The unpacked root file system (never used directly: containers get a copy).
    public var rootfs: String
    public var entrypoint: [String]
    public var cmd: [String]
    public var env: [String]
    public var workingDir: String
}

/// Images available on this node. For now only the built-in `busybox`, made from the host's static
/// busybox; pulling from registries is a later step.
public final class ImageStore: Sendable {
    public let root: String
    public let busyboxBinary: String

    public init(root: String, busyboxBinary: String = "/usr/bin/busybox") {
        self.root = root
        self.busyboxBinary = busyboxBinary
    }

    /// The repository name of a reference: `docker.io/library/busybox:1.36@sha256:…` → `busybox`.
    public static func name(of reference: String) -> String {
        var ref = Substring(reference)
        if let at = ref.firstIndex(of: "@") { ref = ref[..<at] }
        let last = ref.split(separator: "/").last ?? ref
        if let colon = last.firstIndex(of: ":") { return String(last[..<colon]) }
        return String(last)
    }

    /// Resolves `reference` to an image on this node (blocking: builds the busybox root on first use).
    public func resolve(_ reference: String) throws(RuntimeError) -> ContainerImage {
        guard Self.name(of: reference) == "busybox" else {
            throw RuntimeError("failed to pull image \"\(reference)\": pulling images from registries is not supported yet; only busybox is available")
        }
        let rootfs = root + "/busybox/rootfs"
        if access(rootfs + "/.complete", F_OK) != 0 { try buildBusybox(at: rootfs) }
        return ContainerImage(reference: reference, rootfs: rootfs, entrypoint: [], cmd: ["sh"],
                              env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], workingDir: "/")
    }

    private func buildBusybox(at rootfs: String) throws(RuntimeError) {
        guard access(busyboxBinary, X_OK) == 0 else {
            throw RuntimeError("\(busyboxBinary) is missing; install it (apt-get install busybox-static)")
        }
        FileTree.remove(rootfs)
        for dir in ["bin", "sbin", "usr/bin", "usr/sbin", "etc", "tmp", "root", "home", "var", "proc", "sys", "dev"] {
            try FileTree.makeDirectories(rootfs + "/" + dir)
        }
        chmod(rootfs + "/tmp", 0o1777)
        try FileTree.copyFile(busyboxBinary, to: rootfs + "/bin/busybox", mode: 0o755)
        let list = try ProcessRunner.runBlocking([busyboxBinary, "--list-full"])
        guard list.status == 0 else { throw RuntimeError("\(busyboxBinary) --list-full failed: \(list.stderr)") }
        for line in list.stdout.split(separator: "\n") {
            let path = line.trimmingSpaces
            // Applet paths are relative (bin/sh, usr/bin/awk); refuse anything that could escape the root.
            guard !path.isEmpty, !path.hasPrefix("/"), !path.contains(".."), path != "bin/busybox" else { continue }
            let target = rootfs + "/" + path
            unlink(target)
            _ = symlink("/bin/busybox", target)
        }
        try FileTree.writeFile(rootfs + "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n")
        try FileTree.writeFile(rootfs + "/etc/group", "root:x:0:\nnobody:x:65534:\n")
        try FileTree.writeFile(rootfs + "/.complete", "")
    }
}
