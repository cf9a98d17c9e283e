#if canImport(Glibc)
    import Glibc
#endif

/// What a pull reports while it runs.
public enum ImagePullProgress: Sendable, Equatable {
    /// The image manifest chosen (after a manifest list), with its layer count.
    case resolved(reference: String, digest: String, layers: Int)
    /// Bytes of a blob received so far, of `total`.
    case downloading(digest: String, received: Int64, total: Int64)
    /// A blob the store already had.
    case present(digest: String)
    /// The image is stored under `reference`.
    case stored(reference: String, digest: String)
}

extension ImageStore {
    /// Pulls `reference` through the OCI distribution API into the store: resolves a manifest list to
    /// linux/amd64, downloads config and layers, verifies every manifest and blob against its digest
    /// (and size), unpacks the layers and records the reference. Nothing is stored unless all of it
    /// verified and unpacked. Blocking: call from ``RuntimeThreads``.
    @discardableResult
    public func pull(_ reference: String, credentials: RegistryCredentials? = nil,
                     progress: (@Sendable (ImagePullProgress) -> Void)? = nil) throws(RuntimeError) -> StoredImage
    {
        let ref = try ImageReference(parsing: reference)
        if loopbackRegistriesOnly && !ref.isLoopback {
            throw RuntimeError("failed to pull image \"\(reference)\": registry \(ref.domain) is not reachable from this node (loopback registries only)")
        }
        do {
            return try pullVerified(ref, credentials: credentials, progress: progress)
        } catch {
            throw RuntimeError("failed to pull image \"\(reference)\": \(error.description)")
        }
    }

    private func pullVerified(_ ref: ImageReference, credentials: RegistryCredentials?,
                              progress: (@Sendable (ImagePullProgress) -> Void)?) throws(RuntimeError) -> StoredImage
    {
        let client = RegistryClient(ref, credentials: credentials)
        let staging = try makeStaging("pull")
        defer { FileTree.remove(staging) }
        var (bytes, digest) = try fetchManifest(client, ref.manifestReference, expected: ref.digest)
        var manifest = try ImageManifest.parse(bytes.body, contentType: bytes.headers["content-type"], what: ref.description)
        if case .index(let entries) = manifest {
            let entry = try ImageManifest.platformEntry(entries, what: ref.description)
            (bytes, digest) = try fetchManifest(client, entry.digest, expected: entry.digest)
            manifest = try ImageManifest.parse(bytes.body, contentType: bytes.headers["content-type"], what: entry.digest)
        }
        guard case .image(let configDescriptor, let layers) = manifest else {
            throw RuntimeError("manifest \(digest) is an index inside an index")
        }
        progress?(.resolved(reference: ref.description, digest: digest, layers: layers.count))
        let configBytes = try fetchSmallBlob(client, configDescriptor)
        let config = try ImageConfig.parse(configBytes, what: configDescriptor.digest)
        if !config.os.isEmpty && config.os != "linux" || !config.architecture.isEmpty && config.architecture != "amd64" {
            throw RuntimeError("image is for \(config.os)/\(config.architecture), this node runs linux/amd64")
        }
        if !config.diffIDs.isEmpty && config.diffIDs.count != layers.count {
            throw RuntimeError("image config lists \(config.diffIDs.count) layers, the manifest \(layers.count)")
        }
        // Download every missing layer into staging, verified, before anything enters the store.
        var staged: [(Descriptor, String)] = []
        for layer in layers {
            if hasBlob(layer.digest) {
                progress?(.present(digest: layer.digest))
                continue
            }
            let file = staging + "/" + (try ImageDigest.validated(layer.digest, "layer"))
            try download(client, layer, to: file, progress: progress)
            staged.append((layer, file))
        }
        // Unpack from staging (a hostile layer fails here, still before the store changes).
        var unpacked: [String] = []
        do {
            for (layer, file) in staged where access(layerDirectory + "/" + (ImageDigest.hexPart(layer.digest) ?? "") + "/.complete", F_OK) != 0 {
                _ = try unpackedLayer(layer.digest, blob: file)
                unpacked.append(layerDirectory + "/" + (ImageDigest.hexPart(layer.digest) ?? ""))
            }
        } catch {
            for dir in unpacked { FileTree.remove(dir) }
            throw error
        }
        for (layer, file) in staged { try commitBlob(file, digest: layer.digest) }
        for l in layers { _ = try unpackedLayer(l.digest) }
        try commitBlob(bytes: configBytes, digest: configDescriptor.digest, staging: staging)
        try commitBlob(bytes: bytes.body, digest: digest, staging: staging)
        let key = ref.description
        try updateReferences { (refs: inout [String: String]) throws(RuntimeError) in
            let old = refs[key]
            refs[key] = digest
            if old != nil && old != digest { collectGarbage(keeping: refs) }
        }
        progress?(.stored(reference: key, digest: digest))
        return StoredImage(reference: key, digest: digest, configDigest: configDescriptor.digest,
                           size: configDescriptor.size + layers.reduce(0) { $0 + $1.size })
    }

    /// GETs a manifest and checks it: its sha256 must equal `expected` (when pinned) and the
    /// registry's `Docker-Content-Digest` (when sent).
    private func fetchManifest(_ client: RegistryClient, _ reference: String, expected: String?) throws(RuntimeError) -> (RegistryReply, String) {
        let reply = try client.get("/manifests/" + reference, accept: MediaType.acceptManifests) { () throws(RuntimeError) in
            RegistryTransport.Sink(fd: nil, hash: nil, limit: Int64(RegistryTransport.maxInMemory), progress: nil)
        }
        guard reply.status == 200 else {
            if reply.status == 404 { throw RuntimeError("manifest \(reference) not found\(RegistryClient.errorText(reply))") }
            throw RuntimeError("manifest \(reference): HTTP \(reply.status)\(RegistryClient.errorText(reply))")
        }
        let digest = ImageDigest.of(reply.body)
        if let expected, expected != digest {
            throw RuntimeError("manifest digest mismatch: expected \(expected), got \(digest)")
        }
        if let sent = reply.headers["docker-content-digest"], sent.hasPrefix("sha256:"), sent != digest {
            throw RuntimeError("manifest digest mismatch: the registry says \(sent), the content is \(digest)")
        }
        return (reply, digest)
    }

    private func fetchSmallBlob(_ client: RegistryClient, _ d: Descriptor) throws(RuntimeError) -> [UInt8] {
        guard d.size <= RegistryTransport.maxInMemory else { throw RuntimeError("config blob \(d.digest) is too large (\(d.size) bytes)") }
        let reply = try client.get("/blobs/" + d.digest) { () throws(RuntimeError) in
            RegistryTransport.Sink(fd: nil, hash: nil, limit: max(d.size, 1), progress: nil)
        }
        guard reply.status == 200 else { throw RuntimeError("blob \(d.digest): HTTP \(reply.status)\(RegistryClient.errorText(reply))") }
        let got = ImageDigest.of(reply.body)
        guard got == d.digest else { throw RuntimeError("blob digest mismatch: expected \(d.digest), got \(got)") }
        guard Int64(reply.body.count) == d.size else { throw RuntimeError("blob \(d.digest) has \(reply.body.count) bytes, the manifest says \(d.size)") }
        return reply.body
    }

    private func download(_ client: RegistryClient, _ d: Descriptor, to file: String,
                          progress: (@Sendable (ImagePullProgress) -> Void)?) throws(RuntimeError)
    {
        var fd: Int32 = -1
        var hash: SHA256Stream?
        defer { if fd >= 0 { close(fd) } }
        let reply = try client.get("/blobs/" + d.digest) { () throws(RuntimeError) in
            if fd >= 0 { close(fd) }
            fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw RuntimeError("cannot write \(file): \(String(cString: strerror(errno)))") }
            let h = try SHA256Stream()
            hash = h
            return RegistryTransport.Sink(fd: fd, hash: h, limit: d.size, progress: { received in
                progress?(.downloading(digest: d.digest, received: received, total: d.size))
            })
        }
        guard reply.status == 200, let hash else {
            throw RuntimeError("blob \(d.digest): HTTP \(reply.status)\(RegistryClient.errorText(reply))")
        }
        let got = hash.finish()
        guard got == d.digest else { throw RuntimeError("blob digest mismatch: expected \(d.digest), got \(got)") }
        var st = stat()
        guard fstat(fd, &st) == 0, Int64(st.st_size) == d.size else {
            throw RuntimeError("blob \(d.digest) has \(st.st_size) bytes, the manifest says \(d.size)")
        }
    }

    /// The image for `reference` as `policy` says: Never → only what is stored (ErrImageNeverPull
    /// otherwise); IfNotPresent → pull when missing; Always → pull (the registry decides whether
    /// anything is new; unchanged blobs are not downloaded again). A `docker.io/library/busybox`
    /// reference not in the store is the built-in busybox and is never pulled.
    public func image(_ reference: String, policy: ImagePullPolicy, credentials: RegistryCredentials? = nil,
                      progress: (@Sendable (ImagePullProgress) -> Void)? = nil) throws(RuntimeError) -> ContainerImage
    {
        let parsed = try? ImageReference(parsing: reference)
        let builtin = parsed.map { $0.name == "docker.io/library/busybox" } ?? (Self.name(of: reference) == "busybox")
        if builtin || policy == .never {
            return try resolve(reference)
        }
        if policy == .ifNotPresent, let stored = try storedImage(reference) { return stored }
        let pulled = try pull(reference, credentials: credentials, progress: progress)
        return try containerImage(pulled.reference, digest: pulled.digest)
    }
}
