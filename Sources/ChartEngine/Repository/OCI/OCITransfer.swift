import StructuredData

/// What a push or pull moved.
public struct OCIResult: Sendable, Equatable {
    /// `HOST/REPOSITORY:TAG`.
    public var reference: String
    /// The manifest's `sha256:…`.
    public var digest: String
    /// The chart archive (pull only).
    public var chart: [UInt8] = []
    /// The manifest bytes as stored.
    public var manifest: [UInt8] = []
    /// The provenance layer, when asked for and present.
    public var provenance: [UInt8]? = nil
}

extension OCIClient {
    // MARK: Push

    /// `helm push CHART.tgz oci://HOST/PATH`: the chart goes to `HOST/PATH/NAME:TAG`, with the
    /// provenance file as a second layer when there is one.
    public mutating func push(chart bytes: [UInt8], provenance: [UInt8]? = nil, to ref: OCIReference, created: String)
        throws(ChartEngineError) -> OCIResult
    {
        let chart = try ChartArchive.load(bytes: bytes)
        let md = chart.metadata
        guard ref.tag.isEmpty else {
            throw ChartEngineError(.usage, "tag not allowed in reference: \"\(ref.display)\" (the chart version is the tag)")
        }
        var target = ref
        target.repository = ref.repository + "/" + md.name
        target.tag = HelmOCI.tag(forVersion: md.version)
        let config = Array(HelmOCI.configJSON(md).utf8)
        let manifest = HelmOCI.manifestJSON(config: config, chart: bytes, provenance: provenance,
                                            annotations: HelmOCI.annotations(md, created: created))
        let scope = "repository:\(target.repository):pull,push"
        for blob in [config, bytes] + (provenance.map { [$0] } ?? []) {
            try uploadBlob(blob, repository: target.repository, scope: scope)
        }
        let url = "\(base)/v2/\(target.repository)/manifests/\(target.tag)"
        let r = try send("PUT", url, headers: ["Content-Type: \(HelmOCI.manifestMediaType)"], body: manifest, scope: scope)
        guard r.status == 201 || r.status == 200 else {
            throw ChartEngineError(.io, "PUT \"\(url)\": \(Self.describe(r))")
        }
        return OCIResult(reference: target.display, digest: "sha256:" + SHA256.hex(manifest), manifest: manifest)
    }

    private mutating func uploadBlob(_ blob: [UInt8], repository: String, scope: String) throws(ChartEngineError) {
        let digest = "sha256:" + SHA256.hex(blob)
        let head = try send("HEAD", "\(base)/v2/\(repository)/blobs/\(digest)", scope: scope)
        if head.status == 200 { return }
        let start = "\(base)/v2/\(repository)/blobs/uploads/"
        let r = try send("POST", start, headers: ["Content-Length: 0"], body: [], scope: scope)
        guard r.status == 202, let location = r.headers["location"], !location.isEmpty else {
            throw ChartEngineError(.io, "POST \"\(start)\": \(Self.describe(r))")
        }
        var put = location.hasPrefix("/") ? base + location : location
        guard HTTPClient.sameOrigin(put, base) else {
            throw ChartEngineError(.io, "POST \"\(start)\": upload location \"\(location)\" is on another host")
        }
        put += (put.contains("?") ? "&" : "?") + "digest=" + Self.percentEncode(digest)
        let done = try send("PUT", put, headers: ["Content-Type: application/octet-stream"], body: blob, scope: scope)
        guard done.status == 201 else {
            throw ChartEngineError(.io, "PUT \"\(put)\": \(Self.describe(done))")
        }
    }

    // MARK: Pull

    /// The tags of a repository (`/v2/REPO/tags/list`).
    public mutating func tags(_ ref: OCIReference) throws(ChartEngineError) -> [String] {
        let url = "\(base)/v2/\(ref.repository)/tags/list"
        let r = try send("GET", url, scope: "repository:\(ref.repository):pull")
        guard r.status == 200 else { throw ChartEngineError(.io, "GET \"\(url)\": \(Self.describe(r))") }
        guard let v = try? JSON.decode(r.body), let m = v.mapValue else {
            throw ChartEngineError(.io, "GET \"\(url)\": invalid tag list")
        }
        guard case .list(let tags)? = m["tags"] else { return [] }
        return tags.compactMap { if case .string(let s) = $0 { s } else { nil } }
    }

    /// Helm's `getOciURI`: an exact SemVer version is the tag; anything else (empty, a constraint)
    /// picks the highest matching tag (`_` read back as `+`).
    public mutating func resolveTag(_ ref: OCIReference, version: String) throws(ChartEngineError) -> String {
        if !ref.tag.isEmpty { return ref.tag }
        if !version.isEmpty && SemVer(version) != nil { return HelmOCI.tag(forVersion: version) }
        let tags = try tags(ref)
        if tags.isEmpty {
            throw ChartEngineError(.chartNotFound, "unable to locate any tags in provided repository: oci://\(ref.display)")
        }
        var best: (SemVer, String)? = nil
        for t in tags {
            let v = String(t.map { $0 == "_" ? "+" : $0 })
            guard let sv = SemVer(v) else { continue }
            if !version.isEmpty {
                guard Semver.satisfies(v, version) == true else { continue }
            } else if !sv.prerelease.isEmpty {
                continue
            }
            if let b = best, !(b.0 < sv) { continue }
            best = (sv, t)
        }
        guard let best else {
            throw ChartEngineError(.chartNotFound, "could not locate a version matching provided version string \(version)")
        }
        return best.1
    }

    /// Pulls `ref` (which must carry a tag): manifest, then the chart layer, each checked; with
    /// `withProvenance`, also the provenance layer when the manifest has one.
    public mutating func pull(_ ref: OCIReference, withProvenance: Bool = false) throws(ChartEngineError) -> OCIResult {
        let scope = "repository:\(ref.repository):pull"
        let url = "\(base)/v2/\(ref.repository)/manifests/\(ref.tag)"
        let r = try send("GET", url, headers: ["Accept: \(HelmOCI.manifestMediaType)"], scope: scope)
        if r.status == 404 {
            throw ChartEngineError(.chartNotFound, "failed to perform \"FetchReference\" on source: \(ref.display): not found")
        }
        guard r.status == 200 else { throw ChartEngineError(.io, "GET \"\(url)\": \(Self.describe(r))") }
        let contentType = (r.headers["content-type"] ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: " ") } ?? ""
        guard contentType == HelmOCI.manifestMediaType else {
            throw ChartEngineError(.invalidChart, "\(ref.display): unsupported manifest media type \"\(contentType)\" (want \(HelmOCI.manifestMediaType))")
        }
        if let d = r.headers["docker-content-digest"], d.hasPrefix("sha256:"), d != "sha256:" + SHA256.hex(r.body) {
            throw ChartEngineError(.invalidChart, "\(ref.display): manifest digest mismatch: registry says \(d), content is sha256:\(SHA256.hex(r.body))")
        }
        guard let doc = try? JSON.decode(r.body), let m = doc.mapValue else {
            throw ChartEngineError(.invalidChart, "\(ref.display): invalid manifest: not a JSON object")
        }
        guard case .map(let config)? = m["config"], case .string(let configType)? = config["mediaType"] else {
            throw ChartEngineError(.invalidChart, "\(ref.display): invalid manifest: no config descriptor")
        }
        guard configType == HelmOCI.configMediaType else {
            throw ChartEngineError(.invalidChart, "\(ref.display): config media type \"\(configType)\" is not a Helm chart's (\(HelmOCI.configMediaType))")
        }
        guard case .list(let layers)? = m["layers"] else {
            throw ChartEngineError(.invalidChart, "\(ref.display): invalid manifest: no layers")
        }
        let descs = layers.compactMap(\.mapValue)
        let chartLayer = descs.first { $0["mediaType"] == .string(HelmOCI.chartLayerMediaType) }
            ?? descs.first { $0["mediaType"] == .string(HelmOCI.legacyChartLayerMediaType) }
        guard let chartLayer, case .string(let digest)? = chartLayer["digest"] else {
            throw ChartEngineError(.invalidChart, "manifest does not contain a layer with mediatype \(HelmOCI.chartLayerMediaType)")
        }
        let chart = try fetchBlob(digest, size: chartLayer["size"], repository: ref.repository, scope: scope)
        var result = OCIResult(reference: ref.display, digest: "sha256:" + SHA256.hex(r.body), chart: chart, manifest: r.body)
        if withProvenance, let provLayer = descs.first(where: { $0["mediaType"] == .string(HelmOCI.provLayerMediaType) }),
           case .string(let provDigest)? = provLayer["digest"]
        {
            result.provenance = try fetchBlob(provDigest, size: provLayer["size"], repository: ref.repository, scope: scope)
        }
        return result
    }

    private mutating func fetchBlob(_ digest: String, size: Value?, repository: String, scope: String) throws(ChartEngineError) -> [UInt8] {
        guard digest.hasPrefix("sha256:"), digest.count == 71,
              digest.dropFirst(7).allSatisfy({ $0.isHexDigit && !$0.isUppercase })
        else { throw ChartEngineError(.invalidChart, "invalid blob digest \"\(digest)\"") }
        let url = "\(base)/v2/\(repository)/blobs/\(digest)"
        let r = try send("GET", url, scope: scope)
        guard r.status == 200 else { throw ChartEngineError(.io, "GET \"\(url)\": \(Self.describe(r))") }
        let actual = "sha256:" + SHA256.hex(r.body)
        guard actual == digest else {
            throw ChartEngineError(.invalidChart, "blob \(digest): digest mismatch: content is \(actual)")
        }
        // The JSON reader yields numbers as floats; either form is the descriptor's size.
        var expected: Int64? = nil
        if case .int(let n)? = size { expected = n }
        if case .float(let d)? = size { expected = Int64(exactly: d) }
        if let n = expected, n != Int64(r.body.count) {
            throw ChartEngineError(.invalidChart, "blob \(digest): size mismatch: manifest says \(n), got \(r.body.count)")
        }
        return r.body
    }
}
