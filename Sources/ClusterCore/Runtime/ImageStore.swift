import NIOConcurrencyHelpers
#if canImport(Glibc)
    import Glibc
#endif

/// A container image as the runtime needs it: its unpacked layers and its defaults.
public struct ContainerImage: Sendable, Equatable {
    public var reference: String
    /// The topmost unpacked layer (for the built-in busybox, its whole root); containers never use
    /// it directly: they get an overlay of ``layers`` (or a copy).
    public var rootfs: String
    public var entrypoint: [String]
    public var cmd: [String]
    public var env: [String]
    public var workingDir: String
    /// Unpacked layer directories, bottom first (overlayfs format: whiteouts are 0/0 devices).
    public var layers: [String]
    /// The image config's `User` (`uid`, `uid:gid`, or a name), empty for root.
    public var user: String
    /// The manifest digest of a stored image; empty for the built-in busybox.
    public var digest: String

    public init(reference: String, rootfs: String, entrypoint: [String], cmd: [String], env: [String], workingDir: String,
                layers: [String]? = nil, user: String = "", digest: String = "")
    {
        self.reference = reference
        self.rootfs = rootfs
        self.entrypoint = entrypoint
        self.cmd = cmd
        self.env = env
        self.workingDir = workingDir
        self.layers = layers ?? [rootfs]
        self.user = user
        self.digest = digest
    }
}

/// Images available on this node: a content-addressed OCI store (see ImageStore+Content.swift) filled
/// by registry pulls and `image load`, and the built-in `busybox` made from the host's static busybox,
/// which any `…/busybox` reference not in the store resolves to, so samples run without a registry.
public final class ImageStore: Sendable {
    public let root: String
    public let busyboxBinary: String
    /// Registries pulls may reach: all, or (for tests) loopback addresses only.
    public let loopbackRegistriesOnly: Bool

    /// `HELMCTL_LOOPBACK_REGISTRIES_ONLY` set (the test command sets it): pulls never leave the machine,
    /// so a test pod naming `nginx:1.27` fails to pull at once instead of asking docker.io.
    public static var loopbackOnlyByEnvironment: Bool {
        guard let v = getenv("HELMCTL_LOOPBACK_REGISTRIES_ONLY") else { return false }
        return !String(cString: v).isEmpty && String(cString: v) != "0"
    }

    public init(root: String, busyboxBinary: String = "/usr/bin/busybox",
                loopbackRegistriesOnly: Bool = ImageStore.loopbackOnlyByEnvironment)
    {
        self.root = root
        self.busyboxBinary = busyboxBinary
        self.loopbackRegistriesOnly = loopbackRegistriesOnly
    }

    /// The repository name of a reference: `docker.io/library/busybox:1.36@sha256:…` → `busybox`.
    public static func name(of reference: String) -> String {
        var ref = Substring(reference)
        if let at = ref.firstIndex(of: "@") { ref = ref[..<at] }
        let last = ref.split(separator: "/").last ?? ref
        if let colon = last.firstIndex(of: ":") { return String(last[..<colon]) }
        return String(last)
    }

    /// Resolves `reference` to an image on this node without pulling: a stored image, else the
    /// built-in busybox for a `busybox` name (blocking: unpacks layers or builds busybox on first use).
    public func resolve(_ reference: String) throws(RuntimeError) -> ContainerImage {
        if let stored = try storedImage(reference) { return stored }
        guard Self.name(of: reference) == "busybox" else {
            throw RuntimeError("image \"\(reference)\" is not present on this node (pull it, or load it with `helmctl image load`)")
        }
        return try builtinBusybox(reference)
    }

    /// The built-in busybox image (its root made on first use).
    func builtinBusybox(_ reference: String) throws(RuntimeError) -> ContainerImage {
        let rootfs = root + "/busybox/rootfs"
        // Pods start concurrently: one builds the root, the others wait for it.
        Self.busyboxBuild.lock()
        defer { Self.busyboxBuild.unlock() }
        if access(rootfs + "/.complete", F_OK) != 0 { try buildBusybox(at: rootfs) }
        return ContainerImage(reference: reference, rootfs: rootfs, entrypoint: [], cmd: ["sh"],
                              env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], workingDir: "/")
    }

    private static let busyboxBuild = NIOLock()

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
