import StructuredData

/// Helm's OCI artifact layout (pkg/registry/constants.go, chart.go).
public enum HelmOCI {
    public static let configMediaType = "application/vnd.cncf.helm.config.v1+json"
    public static let chartLayerMediaType = "application/vnd.cncf.helm.chart.content.v1.tar+gzip"
    /// Pre-3.8 charts; Helm still pulls them.
    public static let legacyChartLayerMediaType = "application/tar+gzip"
    public static let provLayerMediaType = "application/vnd.cncf.helm.chart.provenance.v1.prov"
    public static let manifestMediaType = "application/vnd.oci.image.manifest.v1+json"

    /// The tag Helm pushes a version under: OCI tags cannot hold `+`, so Helm writes `_`.
    public static func tag(forVersion v: String) -> String {
        String(v.map { $0 == "+" ? "_" : $0 })
    }

    /// The config blob: Go's `json.Marshal(chart.Metadata)` — struct field order, omitempty, compact.
    static func configJSON(_ md: ChartMetadata) -> String {
        let m = ChartfileEncoding.metadataJSON(md)
        var parts: [String] = []
        for k in ["name", "home", "sources", "version", "description", "keywords", "maintainers", "icon",
                  "apiVersion", "condition", "tags", "appVersion", "deprecated", "annotations", "kubeVersion",
                  "dependencies", "type"]
        {
            guard let v = m[k] else { continue }
            let order: [String]? = k == "maintainers" ? ["name", "email", "url"]
                : k == "dependencies" ? ["name", "version", "repository", "condition", "tags", "enabled", "import-values", "alias"]
                : nil
            if let order, case .list(let items) = v {
                let objs = items.map { item -> String in
                    let f = item.mapValue ?? [:]
                    return "{" + order.compactMap { key in f[key].map { "\(JSON.encode(.string(key))):\(JSON.encode($0))" } }
                        .joined(separator: ",") + "}"
                }
                parts.append("\(JSON.encode(.string(k))):[\(objs.joined(separator: ","))]")
            } else {
                parts.append("\(JSON.encode(.string(k))):\(JSON.encode(v))")
            }
        }
        return "{" + parts.joined(separator: ",") + "}"
    }

    /// Helm's `generateChartOCIAnnotations`: the chart's own annotations (title and version are
    /// reserved), then the `org.opencontainers.image.*` ones from the metadata; blank values dropped.
    static func annotations(_ md: ChartMetadata, created: String) -> [String: String] {
        var out: [String: String] = [:]
        for (k, v) in md.annotations where k != "org.opencontainers.image.title" && k != "org.opencontainers.image.version" {
            out[k] = v
        }
        var authors = ""
        for (i, m) in md.maintainers.enumerated() {
            authors += m.name
            if !m.email.isEmpty { authors += " (\(m.email))" }
            if i < md.maintainers.count - 1 { authors += ", " }
        }
        let oci: [(String, String)] = [
            ("org.opencontainers.image.description", md.description),
            ("org.opencontainers.image.title", md.name),
            ("org.opencontainers.image.version", md.version),
            ("org.opencontainers.image.url", md.home),
            ("org.opencontainers.image.created", created),
            ("org.opencontainers.image.source", md.sources.first ?? ""),
            ("org.opencontainers.image.authors", authors),
        ]
        for (k, v) in oci where !v.trimmingSpaces().isEmpty { out[k] = v }
        return out
    }

    /// A content descriptor as Go's `ocispec.Descriptor` marshals it.
    static func descriptor(_ mediaType: String, _ bytes: [UInt8]) -> String {
        "{\"mediaType\":\(JSON.encode(.string(mediaType))),\"digest\":\"sha256:\(SHA256.hex(bytes))\",\"size\":\(bytes.count)}"
    }

    /// The image manifest Helm pushes (`ocispec.Manifest`, keys in struct order, annotations sorted).
    static func manifestJSON(config: [UInt8], chart: [UInt8], provenance: [UInt8]? = nil,
                             annotations: [String: String]) -> [UInt8] {
        let ann = annotations.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            .map { "\(JSON.encode(.string($0))):\(JSON.encode(.string(annotations[$0] ?? "")))" }
            .joined(separator: ",")
        // Helm leaves the manifest's own `mediaType` field out (it travels as the Content-Type).
        let text = "{\"schemaVersion\":2,\"config\":\(descriptor(configMediaType, config)),"
            // With a provenance layer Helm v4.2.3's layer order varies from push to push (seen both
            // ways against the real Helm); helmctl always writes the chart layer first.
            + "\"layers\":[\(descriptor(chartLayerMediaType, chart))"
            + (provenance.map { "," + descriptor(provLayerMediaType, $0) } ?? "")
            + "],\"annotations\":{\(ann)}}"
        return Array(text.utf8)
    }
}

/// `oci://HOST/REPOSITORY[:TAG]` split as Helm's `registry.ParseReference` does.
public struct OCIReference: Sendable, Equatable {
    public var host: String
    public var repository: String
    public var tag: String

    public init(_ ref: String) throws(ChartEngineError) {
        var s = Substring(ref)
        if s.hasPrefix("oci://") { s = s.dropFirst(6) }
        guard let slash = s.firstIndex(of: "/") else {
            throw ChartEngineError(.usage, "invalid reference: missing repository in \"\(ref)\"")
        }
        host = String(s[..<slash])
        var rest = s[s.index(after: slash)...]
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        tag = ""
        if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("/") {
            tag = String(rest[rest.index(after: colon)...])
            rest = rest[..<colon]
        }
        repository = String(rest)
        let allowed: (Character) -> Bool = { c in
            c.isASCII && (c.isLowercase || c.isNumber || "._-/".contains(c))
        }
        guard !host.isEmpty, !repository.isEmpty, repository.allSatisfy(allowed),
              !repository.contains("//"), !repository.split(separator: "/").contains("..")
        else {
            throw ChartEngineError(.usage, "invalid reference: invalid repository \"\(repository)\" in \"\(ref)\"")
        }
        if !tag.isEmpty && !tag.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) {
            throw ChartEngineError(.usage, "invalid reference: invalid tag \"\(tag)\" in \"\(ref)\"")
        }
    }

    /// `HOST/REPOSITORY:TAG` as Helm prints it.
    public var display: String { tag.isEmpty ? "\(host)/\(repository)" : "\(host)/\(repository):\(tag)" }
}
