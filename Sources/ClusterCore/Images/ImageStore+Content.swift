import StructuredData
#if canImport(Glibc)
    import Glibc
#endif

/// One image in the store, as `helmctl image ls` shows it.
public struct StoredImage: Sendable, Equatable {
    /// Normalised reference (`docker.io/library/alpine:3.20`, or `…@sha256:…` when pulled by digest).
    public var reference: String
    /// The (platform) image manifest's digest.
    public var digest: String
    /// The config blob's digest (Docker's image id).
    public var configDigest: String
    /// Config plus layer blobs, in bytes as stored.
    public var size: Int64
}

/// The content-addressed part of the store, under `root`:
/// `blobs/sha256/<hex>` (manifests, configs, layers, each verified against its digest before it is
/// moved in), `references.json` (normalised reference → manifest digest), `layers/<hex>/` (one
/// shared unpacked copy per layer blob, in overlay format, complete once `layers/<hex>/.complete`
/// exists; the tree is `layers/<hex>/fs`), `tmp/` (downloads and unpacking in progress).
/// Changes to the references take an exclusive `flock` on `root/.lock`, so `helmctl image …` and a
/// running cluster can share the store.
extension ImageStore {
    var blobDirectory: String { root + "/blobs/sha256" }
    var layerDirectory: String { root + "/layers" }
    var tmpDirectory: String { root + "/tmp" }
    var referencesFile: String { root + "/references.json" }

    func blobPath(_ digest: String) throws(RuntimeError) -> String {
        blobDirectory + "/" + (try ImageDigest.validated(digest, "blob"))
    }

    func hasBlob(_ digest: String) -> Bool {
        guard let p = try? blobPath(digest) else { return false }
        return access(p, F_OK) == 0
    }

    func readBlob(_ digest: String, limit: Int = RegistryTransport.maxInMemory) throws(RuntimeError) -> [UInt8] {
        try Self.readFile(try blobPath(digest), limit: limit)
    }

    func prepareDirectories() throws(RuntimeError) {
        for d in [blobDirectory, layerDirectory, tmpDirectory] { try FileTree.makeDirectories(d) }
    }

    /// A fresh private directory under `tmp/`.
    func makeStaging(_ kind: String) throws(RuntimeError) -> String {
        try prepareDirectories()
        var g = SystemRandomNumberGenerator()
        let dir = tmpDirectory + "/\(kind)-\(getpid())-" + ImageDigest.hex((0..<6).map { _ in UInt8.random(in: 0...255, using: &g) })
        guard mkdir(dir, 0o700) == 0 else { throw RuntimeError("cannot create \(dir): \(String(cString: strerror(errno)))") }
        return dir
    }

    /// Moves a verified file into the blob store (atomic rename; a blob already there is kept).
    func commitBlob(_ file: String, digest: String) throws(RuntimeError) {
        let target = try blobPath(digest)
        if access(target, F_OK) == 0 { unlink(file); return }
        guard rename(file, target) == 0 else { throw RuntimeError("cannot store blob \(digest): \(String(cString: strerror(errno)))") }
    }

    /// Writes small verified bytes (a manifest or config) as a blob.
    func commitBlob(bytes: [UInt8], digest: String, staging: String) throws(RuntimeError) {
        guard ImageDigest.of(bytes) == digest else { throw RuntimeError("blob \(digest) does not match its digest") }
        if hasBlob(digest) { return }
        let file = staging + "/" + (try ImageDigest.validated(digest, "blob")) + ".small"
        try Self.writeBytes(file, bytes)
        try commitBlob(file, digest: digest)
    }

    /// The unpacked tree of a layer blob, unpacking it on first use (into `tmp/`, then renamed).
    func unpackedLayer(_ digest: String, blob: String? = nil) throws(RuntimeError) -> String {
        let hex = try ImageDigest.validated(digest, "layer")
        let dir = layerDirectory + "/" + hex
        if access(dir + "/.complete", F_OK) == 0 { return dir + "/fs" }
        let staging = try makeStaging("unpack")
        defer { FileTree.remove(staging) }
        let source: String
        if let blob { source = blob } else { source = try blobPath(digest) }
        try LayerUnpacker.unpack(source, into: staging + "/fs")
        try FileTree.writeFile(staging + "/.complete", digest + "\n")
        FileTree.remove(dir)  // an unfinished earlier attempt
        if rename(staging, dir) != 0 && access(dir + "/.complete", F_OK) != 0 {
            throw RuntimeError("cannot store layer \(digest): \(String(cString: strerror(errno)))")
        }
        return dir + "/fs"
    }

    // MARK: references

    /// The normalised key a reference is stored under.
    static func key(_ reference: String) throws(RuntimeError) -> String {
        try ImageReference(parsing: reference).description
    }

    func readReferences() -> [String: String] {
        guard let bytes = try? Self.readFile(referencesFile, limit: 64 << 20), let v = try? JSON.decode(bytes),
              case .map(let m) = v["references"] ?? .null
        else { return [:] }
        var out: [String: String] = [:]
        for (k, d) in m { if let s = d.stringValue { out[k] = s } }
        return out
    }

    /// Runs `change` on the references under the store's file lock and writes them back atomically.
    func updateReferences<T>(_ change: (inout [String: String]) throws(RuntimeError) -> T) throws(RuntimeError) -> T {
        try prepareDirectories()
        let lockFD = open(root + "/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lockFD >= 0 else { throw RuntimeError("cannot lock the image store: \(String(cString: strerror(errno)))") }
        defer { close(lockFD) }
        while flock(lockFD, LOCK_EX) != 0 && errno == EINTR {}
        var refs = readReferences()
        let before = refs
        let result = try change(&refs)
        if refs != before {
            var m: [String: Value] = [:]
            for (k, d) in refs { m[k] = .string(d) }
            let tmp = referencesFile + ".tmp"
            try Self.writeBytes(tmp, Array(JSON.encode(.map(["references": .map(m)]), escapeHTML: false).utf8))
            guard rename(tmp, referencesFile) == 0 else { throw RuntimeError("cannot write \(referencesFile): \(String(cString: strerror(errno)))") }
        }
        return result
    }

    // MARK: images

    /// The parsed manifest and config of a stored image manifest.
    func imageParts(_ digest: String) throws(RuntimeError) -> (config: Descriptor, layers: [Descriptor], ImageConfig) {
        guard case .image(let config, let layers) = try ImageManifest.parse(try readBlob(digest), what: digest) else {
            throw RuntimeError("stored manifest \(digest) is not an image manifest")
        }
        return (config, layers, try ImageConfig.parse(try readBlob(config.digest), what: config.digest))
    }

    /// The stored image for `reference` (nil when the store has none), its layers unpacked.
    func storedImage(_ reference: String) throws(RuntimeError) -> ContainerImage? {
        guard let key = try? Self.key(reference), let digest = readReferences()[key] else { return nil }
        return try containerImage(key, digest: digest)
    }

    func containerImage(_ key: String, digest: String) throws(RuntimeError) -> ContainerImage {
        let (_, layers, config) = try imageParts(digest)
        var dirs: [String] = []
        for l in layers { dirs.append(try unpackedLayer(l.digest)) }
        return ContainerImage(reference: key, rootfs: dirs.last ?? "", entrypoint: config.entrypoint, cmd: config.cmd, env: config.env,
                              workingDir: config.workingDir.isEmpty ? "/" : config.workingDir, layers: dirs, user: config.user,
                              digest: digest)
    }

    /// Every stored image, sorted by reference.
    public func list() throws(RuntimeError) -> [StoredImage] {
        var out: [StoredImage] = []
        for (key, digest) in readReferences().sorted(by: { $0.key < $1.key }) {
            guard let (config, layers, _) = try? imageParts(digest) else { continue }
            out.append(StoredImage(reference: key, digest: digest, configDigest: config.digest,
                                   size: config.size + layers.reduce(0) { $0 + $1.size }))
        }
        return out
    }

    /// Removes `reference` from the store, then every blob and unpacked layer no other reference
    /// needs (a layer still mounted by a container stays). Throws when the reference is not stored.
    @discardableResult
    public func remove(_ reference: String) throws(RuntimeError) -> StoredImage {
        let key = try Self.key(reference)
        let image = try list().first { $0.reference == key }
        try updateReferences { (refs: inout [String: String]) throws(RuntimeError) in
            guard refs.removeValue(forKey: key) != nil else { throw RuntimeError("image \"\(reference)\" is not in the store") }
            collectGarbage(keeping: refs)
        }
        return image ?? StoredImage(reference: key, digest: "", configDigest: "", size: 0)
    }

    /// Deletes blobs and unpacked layers that none of `refs` reaches (called under the store lock).
    func collectGarbage(keeping refs: [String: String]) {
        var live = Set<String>()
        for digest in refs.values {
            guard let hex = ImageDigest.hexPart(digest) else { continue }
            live.insert(hex)
            if let (config, layers, _) = try? imageParts(digest) {
                for d in [config] + layers { if let h = ImageDigest.hexPart(d.digest) { live.insert(h) } }
            }
        }
        let mounts = (try? Self.readFile("/proc/thread-self/mountinfo", limit: 64 << 20)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        for hex in FileTree.entries(layerDirectory) where !live.contains(hex) {
            if mounts.contains(layerDirectory + "/" + hex + "/") { continue }
            FileTree.remove(layerDirectory + "/" + hex)
        }
        for hex in FileTree.entries(blobDirectory) where !live.contains(hex) { unlink(blobDirectory + "/" + hex) }
    }

    // MARK: files

    static func readFile(_ path: String, limit: Int) throws(RuntimeError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw RuntimeError("cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = read(fd, &buf, buf.count)
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw RuntimeError("cannot read \(path): \(String(cString: strerror(errno)))") }
            if n == 0 { return out }
            out.append(contentsOf: buf[0..<n])
            guard out.count <= limit else { throw RuntimeError("\(path) is larger than \(limit) bytes") }
        }
    }

    static func writeBytes(_ path: String, _ bytes: [UInt8]) throws(RuntimeError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RuntimeError("cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw RuntimeError("cannot write \(path): \(String(cString: strerror(errno)))") }
            off += n
        }
    }
}
