import StructuredData

/// The OCI and Docker v2 media types an image pull understands.
enum MediaType {
    static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
    static let dockerList = "application/vnd.docker.distribution.manifest.list.v2+json"
    static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
    static let ociIndex = "application/vnd.oci.image.index.v1+json"
    static let dockerConfig = "application/vnd.docker.container.image.v1+json"
    static let ociConfig = "application/vnd.oci.image.config.v1+json"
    static let dockerLayer = "application/vnd.docker.image.rootfs.diff.tar.gzip"
    static let ociLayer = "application/vnd.oci.image.layer.v1.tar"
    static let ociLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip"
    /// The Accept header of a manifest request: every manifest and index type above.
    static let acceptManifests = [ociIndex, dockerList, ociManifest, dockerManifest].joined(separator: ", ")
}

/// A content descriptor: what a manifest or index says about one blob.
struct Descriptor: Sendable, Equatable {
    var mediaType: String
    var digest: String
    var size: Int64
    var os: String?
    var architecture: String?
    var variant: String?

    init(mediaType: String, digest: String, size: Int64, os: String? = nil, architecture: String? = nil, variant: String? = nil) {
        self.mediaType = mediaType
        self.digest = digest
        self.size = size
        self.os = os
        self.architecture = architecture
        self.variant = variant
    }

    init(_ v: Value, _ what: String) throws(RuntimeError) {
        guard let digest = v["digest"]?.stringValue else { throw RuntimeError("\(what): descriptor without a digest") }
        _ = try ImageDigest.validated(digest, what)
        let size = v["size"]?.intValue ?? -1
        guard size >= 0 else { throw RuntimeError("\(what): descriptor \(digest) without a valid size") }
        self.init(mediaType: v["mediaType"]?.stringValue ?? "", digest: digest, size: size,
                  os: v["platform"]?["os"]?.stringValue, architecture: v["platform"]?["architecture"]?.stringValue,
                  variant: v["platform"]?["variant"]?.stringValue)
    }

    var json: Value {
        var m: [String: Value] = ["mediaType": .string(mediaType), "digest": .string(digest), "size": .int(size)]
        if let os, let architecture { m["platform"] = .map(["os": .string(os), "architecture": .string(architecture)]) }
        return .map(m)
    }
}

/// A manifest as fetched: an index (manifest list) of per-platform manifests, or one image's manifest.
enum ImageManifest: Equatable {
    case index([Descriptor])
    case image(config: Descriptor, layers: [Descriptor])

    /// Parses a manifest body; `contentType` is the registry's header when there is one.
    static func parse(_ bytes: [UInt8], contentType: String? = nil, what: String) throws(RuntimeError) -> ImageManifest {
        let v = try jsonObject(bytes, "manifest", what: what)
        if v["schemaVersion"]?.intValue == 1 {
            throw RuntimeError("\(what): Docker image manifest schema 1 is not supported (push the image again with a current client)")
        }
        let type = v["mediaType"]?.stringValue ?? contentType?.split(separator: ";").first.map { String($0).trimmingSpaces } ?? ""
        if let list = v["manifests"]?.listValue, type != MediaType.ociManifest && type != MediaType.dockerManifest {
            var out: [Descriptor] = []
            for m in list { out.append(try Descriptor(m, what)) }
            return .index(out)
        }
        guard let config = v["config"], let layers = v["layers"]?.listValue else {
            throw RuntimeError("\(what): unsupported manifest (media type \"\(type)\"): neither an image manifest nor an index")
        }
        var out: [Descriptor] = []
        for l in layers {
            let d = try Descriptor(l, what)
            guard Self.isLayerType(d.mediaType) else {
                throw RuntimeError("\(what): unsupported layer media type \"\(d.mediaType)\" for \(d.digest)")
            }
            out.append(d)
        }
        return .image(config: try Descriptor(config, what), layers: out)
    }

    static func isLayerType(_ t: String) -> Bool {
        t.isEmpty || t.hasPrefix("application/vnd.oci.image.layer.v1.tar") || t.hasPrefix("application/vnd.docker.image.rootfs.diff.tar")
    }

    /// The linux/amd64 entry of an index (a variant-less one first); a clear error listing what is there otherwise.
    static func platformEntry(_ entries: [Descriptor], what: String) throws(RuntimeError) -> Descriptor {
        let matching = entries.filter { $0.os == "linux" && $0.architecture == "amd64" }
        if let pick = matching.first(where: { $0.variant == nil || $0.variant == "v1" }) ?? matching.first { return pick }
        let have = entries.map { "\($0.os ?? "?")/\($0.architecture ?? "?")" }.joined(separator: ", ")
        throw RuntimeError("\(what): no linux/amd64 image in the manifest list (it has: \(have.isEmpty ? "nothing" : have))")
    }
}

/// What an image's config says about running it.
struct ImageConfig: Equatable {
    var entrypoint: [String] = []
    var cmd: [String] = []
    var env: [String] = []
    var workingDir: String = ""
    var user: String = ""
    var diffIDs: [String] = []
    var os: String = ""
    var architecture: String = ""

    static func parse(_ bytes: [UInt8], what: String) throws(RuntimeError) -> ImageConfig {
        let v = try jsonObject(bytes, "image config", what: what)
        let c = v["config"] ?? v["container_config"]
        func strings(_ x: Value?) -> [String] { x?.listValue?.compactMap(\.stringValue) ?? [] }
        return ImageConfig(entrypoint: strings(c?["Entrypoint"]), cmd: strings(c?["Cmd"]), env: strings(c?["Env"]),
                           workingDir: c?["WorkingDir"]?.stringValue ?? "", user: c?["User"]?.stringValue ?? "",
                           diffIDs: strings(v["rootfs"]?["diff_ids"]), os: v["os"]?.stringValue ?? "",
                           architecture: v["architecture"]?.stringValue ?? "")
    }
}

/// `bytes` as a JSON object (integers kept), or an error naming what it should have been.
func jsonObject(_ bytes: [UInt8], _ kind: String, what: String) throws(RuntimeError) -> Value {
    let v: Value
    do {
        v = try JSON.decodeKeepingIntegers(bytes)
    } catch {
        throw RuntimeError("\(what): \(kind) is not valid JSON: \(error)")
    }
    guard case .map = v else { throw RuntimeError("\(what): \(kind) is not a JSON object") }
    return v
}
