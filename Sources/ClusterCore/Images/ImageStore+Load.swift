import StructuredData
#if canImport(Glibc)
    import Glibc
#endif

extension ImageStore {
    /// Loads the images of a `docker save` archive (`manifest.json` with RepoTags) or an OCI image
    /// layout archive (`oci-layout`, `index.json`, names from the `io.containerd.image.name` or a
    /// full `org.opencontainers.image.ref.name` annotation). Blobs named by digest are verified;
    /// nothing is stored when any part fails. Blocking.
    @discardableResult
    public func load(archive path: String) throws(RuntimeError) -> [StoredImage] {
        let staging = try makeStaging("load")
        defer { FileTree.remove(staging) }
        let tree = staging + "/archive"
        do {
            try LayerUnpacker.unpack(path, into: tree)
        } catch {
            throw RuntimeError("cannot read image archive \(path): \(error.description)")
        }
        var images: [(names: [String], manifest: [UInt8], config: [UInt8], layers: [(Descriptor, String)])] = []
        if access(tree + "/manifest.json", F_OK) == 0 {
            images = try dockerSaveImages(tree)
        } else if access(tree + "/index.json", F_OK) == 0 {
            images = try ociLayoutImages(tree)
        } else {
            throw RuntimeError("\(path) is neither a docker-save archive (manifest.json) nor an OCI image layout (index.json)")
        }
        guard !images.isEmpty else { throw RuntimeError("\(path) holds no images") }
        // Unpack every layer first: a hostile layer fails before the store changes.
        var unpacked: [String] = []
        do {
            for image in images {
                for (d, file) in image.layers where !hasBlob(d.digest) {
                    let dir = layerDirectory + "/" + (try ImageDigest.validated(d.digest, "layer"))
                    if access(dir + "/.complete", F_OK) == 0 { continue }
                    _ = try unpackedLayer(d.digest, blob: file)
                    unpacked.append(dir)
                }
            }
        } catch {
            for dir in unpacked { FileTree.remove(dir) }
            throw error
        }
        var out: [StoredImage] = []
        for image in images {
            for (d, file) in image.layers {
                if hasBlob(d.digest) { continue }
                // The same layer file may serve two images of one archive: copy, do not move it away.
                let copy = file + ".commit"
                try FileTree.copyFile(file, to: copy, mode: 0o644)
                try commitBlob(copy, digest: d.digest)
            }
            for (d, _) in image.layers { _ = try unpackedLayer(d.digest) }
            let configDigest = ImageDigest.of(image.config)
            let digest = ImageDigest.of(image.manifest)
            try commitBlob(bytes: image.config, digest: configDigest, staging: staging)
            try commitBlob(bytes: image.manifest, digest: digest, staging: staging)
            let size = Int64(image.config.count) + image.layers.reduce(0) { $0 + $1.0.size }
            let keys = image.names
            try updateReferences { (refs: inout [String: String]) throws(RuntimeError) in
                for k in keys { refs[k] = digest }
            }
            for k in keys { out.append(StoredImage(reference: k, digest: digest, configDigest: configDigest, size: size)) }
        }
        return out
    }

    /// `docker save`: manifest.json entries with Config, RepoTags and Layers (paths in the archive).
    private func dockerSaveImages(_ tree: String) throws(RuntimeError) -> [(names: [String], manifest: [UInt8], config: [UInt8], layers: [(Descriptor, String)])] {
        let bytes = try Self.readFile(tree + "/manifest.json", limit: 16 << 20)
        let v: Value
        do {
            v = try JSON.decodeKeepingIntegers(bytes)
        } catch {
            throw RuntimeError("manifest.json is not valid JSON: \(error)")
        }
        guard let entries = v.listValue else { throw RuntimeError("manifest.json is not a list of images") }
        var out: [(names: [String], manifest: [UInt8], config: [UInt8], layers: [(Descriptor, String)])] = []
        for e in entries {
            guard let configPath = e["Config"]?.stringValue, let layerPaths = e["Layers"]?.listValue?.compactMap(\.stringValue) else {
                throw RuntimeError("manifest.json: an entry without Config or Layers")
            }
            let config = try Self.readFile(try archiveFile(tree, configPath), limit: RegistryTransport.maxInMemory)
            try verifyNamedDigest(configPath, ImageDigest.of(config))
            var layers: [(Descriptor, String)] = []
            for p in layerPaths {
                let file = try archiveFile(tree, p)
                let (digest, size) = try Self.fileDigest(file)
                try verifyNamedDigest(p, digest)
                layers.append((Descriptor(mediaType: MediaType.ociLayer, digest: digest, size: size), file))
            }
            var names: [String] = []
            for tag in e["RepoTags"]?.listValue?.compactMap(\.stringValue) ?? [] { names.append(try Self.key(tag)) }
            guard !names.isEmpty else { throw RuntimeError("manifest.json: image \(configPath) has no RepoTags to name it by") }
            let manifest: Value = .map([
                "schemaVersion": 2, "mediaType": .string(MediaType.ociManifest),
                "config": Descriptor(mediaType: MediaType.ociConfig, digest: ImageDigest.of(config), size: Int64(config.count)).json,
                "layers": .list(layers.map { $0.0.json }),
            ])
            out.append((names, Array(JSON.encode(manifest, escapeHTML: false).utf8), config, layers))
        }
        return out
    }

    /// An OCI image layout: index.json's manifests (an index inside resolved to linux/amd64).
    private func ociLayoutImages(_ tree: String) throws(RuntimeError) -> [(names: [String], manifest: [UInt8], config: [UInt8], layers: [(Descriptor, String)])] {
        let index = try jsonObject(try Self.readFile(tree + "/index.json", limit: 16 << 20), "index", what: "index.json")
        var out: [(names: [String], manifest: [UInt8], config: [UInt8], layers: [(Descriptor, String)])] = []
        for entry in index["manifests"]?.listValue ?? [] {
            let annotations = entry["annotations"]
            let name = annotations?["io.containerd.image.name"]?.stringValue
                ?? annotations?["org.opencontainers.image.ref.name"]?.stringValue.flatMap { $0.contains("/") || $0.contains(":") ? $0 : nil }
            guard let name else { continue }
            var d = try Descriptor(entry, "index.json")
            var bytes = try layoutBlob(tree, d, limit: RegistryTransport.maxInMemory)
            if case .index(let list) = try ImageManifest.parse(bytes, what: d.digest) {
                d = try ImageManifest.platformEntry(list, what: name)
                bytes = try layoutBlob(tree, d, limit: RegistryTransport.maxInMemory)
            }
            guard case .image(let configD, let layerDs) = try ImageManifest.parse(bytes, what: d.digest) else {
                throw RuntimeError("\(d.digest): an index inside an index")
            }
            let config = try layoutBlob(tree, configD, limit: RegistryTransport.maxInMemory)
            var layers: [(Descriptor, String)] = []
            for l in layerDs {
                let file = try archiveFile(tree, "blobs/sha256/" + (try ImageDigest.validated(l.digest, "layer")))
                let (digest, size) = try Self.fileDigest(file)
                guard digest == l.digest, size == l.size else {
                    throw RuntimeError("blob digest mismatch: expected \(l.digest) (\(l.size) bytes), got \(digest) (\(size) bytes)")
                }
                layers.append((l, file))
            }
            out.append(([try Self.key(name)], bytes, config, layers))
        }
        return out
    }

    private func layoutBlob(_ tree: String, _ d: Descriptor, limit: Int) throws(RuntimeError) -> [UInt8] {
        let bytes = try Self.readFile(try archiveFile(tree, "blobs/sha256/" + (try ImageDigest.validated(d.digest, "blob"))), limit: limit)
        let got = ImageDigest.of(bytes)
        guard got == d.digest else { throw RuntimeError("blob digest mismatch: expected \(d.digest), got \(got)") }
        return bytes
    }

    /// A file named `…/sha256/<hex>` or `<hex>.json` must hash to that digest.
    private func verifyNamedDigest(_ path: String, _ digest: String) throws(RuntimeError) {
        let last = path.split(separator: "/").last.map(String.init) ?? path
        let hex = last.hasSuffix(".json") ? String(last.dropLast(5)) : last
        if path.contains("sha256/") || (last.hasSuffix(".json") && ImageDigest.hexPart("sha256:" + hex) != nil) {
            guard "sha256:" + hex == digest else { throw RuntimeError("\(path): digest mismatch: the content is \(digest)") }
        }
    }

    /// A path inside the unpacked archive, following its symbolic links only while they stay inside
    /// (old `docker save` archives link a repeated layer.tar to its first copy).
    private func archiveFile(_ tree: String, _ name: String) throws(RuntimeError) -> String {
        var parts = try LayerUnpacker.components(name)
        for _ in 0..<16 {
            let path = tree + "/" + parts.joined(separator: "/")
            var st = stat()
            guard lstat(path, &st) == 0 else { throw RuntimeError("the archive has no \(name)") }
            if st.st_mode & S_IFMT == S_IFREG { return path }
            guard st.st_mode & S_IFMT == S_IFLNK else { throw RuntimeError("\(name) in the archive is not a file") }
            var buf = [CChar](repeating: 0, count: 4097)
            let n = readlink(path, &buf, 4096)
            guard n > 0 else { throw RuntimeError("cannot read the link \(name)") }
            let target = String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard !target.hasPrefix("/") else { throw RuntimeError("\(name) in the archive links outside it") }
            var next = Array(parts.dropLast())
            for p in target.split(separator: "/") where p != "." {
                if p == ".." {
                    guard !next.isEmpty else { throw RuntimeError("\(name) in the archive links outside it") }
                    next.removeLast()
                } else {
                    next.append(String(p))
                }
            }
            parts = next
        }
        throw RuntimeError("\(name): too many links in the archive")
    }

    static func fileDigest(_ path: String) throws(RuntimeError) -> (String, Int64) {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw RuntimeError("cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let hash = try SHA256Stream()
        var size: Int64 = 0
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = read(fd, &buf, buf.count)
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw RuntimeError("cannot read \(path): \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            buf.withUnsafeBytes { hash.update(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            size += Int64(n)
        }
        return (hash.finish(), size)
    }
}
