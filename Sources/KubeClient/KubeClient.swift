public import StructuredData

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A blocking Kubernetes REST client (JSON bodies) for one kubeconfig context.
///
/// Not thread-safe and blocking: use one client per command, from an ordinary thread.
public final class KubeClient {
    /// The context's settings; a credential plugin's token or certificate is filled in once it ran.
    public private(set) var config: KubeConfig
    private let transport: HTTPTransport
    /// The exec plugin's credential, reused until it expires (client-go caches it per process).
    private var execCredential: ExecCredential?
    /// Discovery results: `apiVersion` → kind → resource.
    private var discovery: [String: [String: APIResource]]?

    public init(config: KubeConfig) throws(KubeError) {
        self.config = config
        self.transport = try HTTPTransport(config: config)
    }

    // MARK: REST

    /// Sends a request and returns the raw response, turning non-2xx answers into ``KubeError``
    /// (decoded from a `Status` body when there is one).
    public func request(_ method: String, _ path: String, query: [(String, String)] = [], body: [UInt8]? = nil,
                        contentType: String = "application/json", accept: String = "application/json")
        throws(KubeError) -> [UInt8]
    {
        let url = self.url(path, query: query)
        let headers = self.headers(accept: accept, contentType: body == nil ? nil : contentType)
        var attempt = 0
        var renewedCredential = false
        while true {
            attempt += 1
            try ensureCredentials()
            let code: Int, bytes: [UInt8], retryAfter: Int?
            do {
                (code, bytes, retryAfter) = try transport.perform(method: method, url: url, headers: headers, body: body)
            } catch {
                if RetryPolicy.retriesTransportFailure(method: method, notSent: error.notSent) && attempt < retryAttempts {
                    sleeper(RetryPolicy.delayMicroseconds(attempt: attempt, retryAfter: nil))
                    continue
                }
                throw error.error
            }
            if (200..<300).contains(code) { return bytes }
            // A plugin credential the server rejects is fetched again once (client-go does the same).
            if code == 401 && config.exec != nil && !renewedCredential {
                renewedCredential = true
                execCredential = nil
                attempt -= 1
                continue
            }
            if RetryPolicy.retriesStatus(code, method: method) && attempt < retryAttempts {
                sleeper(RetryPolicy.delayMicroseconds(attempt: attempt, retryAfter: retryAfter))
                continue
            }
            throw statusError(code: code, body: bytes)
        }
    }

    /// Runs the kubeconfig's exec credential plugin when there is one and its last credential is
    /// missing or expired, and uses what it returned.
    public func ensureCredentials() throws(KubeError) {
        guard let exec = config.exec else { return }
        if let c = execCredential, !c.expired(now: DiscoveryCache.unixNow()) { return }
        let c: ExecCredential
        do {
            c = try exec.run(server: config.server, certificateAuthority: config.certificateAuthority,
                             insecure: config.insecureSkipTLSVerify)
        } catch {
            throw KubeError(message: "Kubernetes cluster unreachable: \(error.message)")
        }
        execCredential = c
        config.token = c.token
        if !c.clientCertificate.isEmpty {
            config.clientCertificate = c.clientCertificate
            config.clientKey = c.clientKey
        }
        transport.config = config
    }

    /// The transport's concurrent exchanges (for ``requestAll(_:)``).
    func transportPerformAll(_ exchanges: [HTTPTransport.Exchange]) -> [HTTPTransport.Outcome] {
        transport.performAll(exchanges)
    }

    /// The connection settings of the current credentials (for watches).
    func transportSettings() throws(KubeError) -> ConnectionSettings {
        try transport.currentSettings().get()
    }

    /// The transport's early read (for ``sendAhead(_:)``).
    func transportSendAhead(_ exchange: HTTPTransport.Exchange) {
        transport.sendAhead(exchange)
    }

    /// Attempts per request for transient failures (1 = no retry).
    public var retryAttempts = 5

    /// Pauses between attempts, in microseconds (injectable so tests need not wait).
    public var sleeper: (Int) -> Void = { usleep(useconds_t(min($0, 60_000_000))) }

    /// As ``request(_:_:query:body:contentType:accept:)`` with JSON in and out.
    @discardableResult
    public func requestJSON(_ method: String, _ path: String, query: [(String, String)] = [], body: Value? = nil,
                            contentType: String = "application/json", accept: String = "application/json")
        throws(KubeError) -> Value
    {
        let bytes = try request(method, path, query: query, body: body.map { Array(JSON.encode($0).utf8) },
                                contentType: contentType, accept: accept)
        if bytes.isEmpty { return .null }
        do { return try JSON.decodeKeepingIntegers(bytes) } catch {
            throw KubeError(message: "\(method) \(path): invalid JSON from the server: \(error)")
        }
    }

    func statusError(code: Int, body: [UInt8]) -> KubeError {
        if let v = try? JSON.decodeKeepingIntegers(body), v["kind"] == .string("Status") {
            return KubeError(code: code, reason: v["reason"]?.stringValue ?? "",
                             message: v["message"]?.stringValue ?? "the server returned \(code)")
        }
        let text = String(decoding: body.prefix(512), as: UTF8.self)
        return KubeError(code: code, reason: code == 404 ? "NotFound" : "",
                         message: "the server returned \(code): \(text)")
    }

    // MARK: Version and discovery

    /// `GET /version` (`gitVersion`, `major`, `minor`, …); from the discovery cache when fresh.
    public func serverVersion() throws(KubeError) -> Value {
        if let v = version { return v }
        if let cache = diskCache, !skipDiskCache, let e = cache.load(now: DiscoveryCache.unixNow()), e.version != .null {
            version = e.version
            if discovery == nil { discovery = e.resources }
            return e.version
        }
        let v = try requestJSON("GET", "/version")
        version = v
        return v
    }

    /// Where discovery and `/version` are cached between commands (nil = not cached), and for how long.
    public func useDiscoveryCache(directory: String, ttlSeconds: Int = 300) {
        diskCache = DiscoveryCache(directory: directory, server: config.server,
                                   certificateAuthority: config.certificateAuthority, ttlSeconds: ttlSeconds)
    }

    private var diskCache: DiscoveryCache?
    /// Set once the cache proved stale (a kind it lacks, CRDs created): discover from the server.
    private var skipDiskCache = false
    private var version: Value?

    /// Every group-version the server serves plus `group/version/Kind` entries, as Helm's
    /// `.Capabilities.APIVersions`.
    public func apiVersions() throws(KubeError) -> [String] {
        let d = try discovered()
        var out: [String] = []
        for (gv, kinds) in d {
            out.append(gv)
            for k in kinds.keys { out.append(gv + "/" + k) }
        }
        return out.sorted()
    }

    /// The resource serving `kind` in `apiVersion`; rediscovers once on a miss (new CRDs).
    public func resource(apiVersion: String, kind: String) throws(KubeError) -> APIResource {
        if let r = try discovered()[apiVersion]?[kind] { return r }
        discovery = nil
        skipDiskCache = true
        if let r = try discovered()[apiVersion]?[kind] { return r }
        throw KubeError(code: 404, reason: "NotFound",
                        message: "resource mapping not found for kind \"\(kind)\" in version \"\(apiVersion)\"")
    }

    /// Forgets cached discovery (after creating CRDs).
    public func invalidateDiscovery() {
        discovery = nil
        skipDiskCache = true
        diskCache?.remove()
    }

    private func discovered() throws(KubeError) -> [String: [String: APIResource]] {
        if let d = discovery { return d }
        if let cache = diskCache, !skipDiskCache, let e = cache.load(now: DiscoveryCache.unixNow()) {
            discovery = e.resources
            if version == nil, e.version != .null { version = e.version }
            return e.resources
        }
        var d: [String: [String: APIResource]] = [:]
        for root in ["/api", "/apis"] {
            let v = try requestJSON("GET", root, accept: Discovery.aggregatedAccept)
            if v["kind"] == .string("APIGroupDiscoveryList") {
                Discovery.addAggregated(v, into: &d)
            } else {
                for gv in Discovery.legacyGroupVersions(v, root: root) {
                    let list = try requestJSON("GET", (root == "/api" ? "/api/" : "/apis/") + gv)
                    Discovery.addLegacy(list, groupVersion: gv, into: &d)
                }
            }
        }
        discovery = d
        if let cache = diskCache {
            // The version rides along so the next command needs neither request.
            let v = version ?? (try? requestJSON("GET", "/version")) ?? .null
            version = v
            cache.save(DiscoveryCache.Entry(version: v, resources: d), now: DiscoveryCache.unixNow())
        }
        return d
    }

    // MARK: Objects

    /// The URL path of an object (or of its collection when `name` is nil).
    public func path(_ r: APIResource, namespace: String?, name: String? = nil) -> String {
        var p = r.group.isEmpty ? "/api/\(r.version)" : "/apis/\(r.group)/\(r.version)"
        if r.namespaced { p += "/namespaces/\(percentEncode(namespace ?? config.namespace))" }
        p += "/" + r.name
        if let name { p += "/" + percentEncode(name) }
        return p
    }

    /// The resource of a manifest object (`apiVersion` and `kind`).
    public func resource(of obj: Value) throws(KubeError) -> APIResource {
        guard let av = obj["apiVersion"]?.stringValue, let kind = obj["kind"]?.stringValue else {
            throw KubeError(message: "object has no apiVersion or kind")
        }
        return try resource(apiVersion: av, kind: kind)
    }

    public func get(_ r: APIResource, namespace: String?, name: String) throws(KubeError) -> Value {
        try requestJSON("GET", path(r, namespace: namespace, name: name))
    }

    /// `GET` returning nil on 404.
    public func getIfExists(_ r: APIResource, namespace: String?, name: String) throws(KubeError) -> Value? {
        do {
            return try get(r, namespace: namespace, name: name)
        } catch {
            if error.isNotFound { return nil }
            throw error
        }
    }

    /// Lists objects (all namespaces when `namespace` is nil and the resource is namespaced and
    /// `allNamespaces`), filtered by a label selector.
    public func list(_ r: APIResource, namespace: String?, allNamespaces: Bool = false, labelSelector: String = "")
        throws(KubeError) -> [Value]
    {
        var p = path(r, namespace: namespace)
        if allNamespaces && r.namespaced {
            p = (r.group.isEmpty ? "/api/\(r.version)" : "/apis/\(r.group)/\(r.version)") + "/" + r.name
        }
        let q = labelSelector.isEmpty ? [] : [("labelSelector", labelSelector)]
        let v = try requestJSON("GET", p, query: q)
        return v["items"]?.listValue ?? []
    }

    public func create(_ r: APIResource, namespace: String?, _ obj: Value) throws(KubeError) -> Value {
        try requestJSON("POST", path(r, namespace: namespace), query: [("fieldManager", fieldManager)], body: obj)
    }

    public func update(_ r: APIResource, namespace: String?, name: String, _ obj: Value) throws(KubeError) -> Value {
        try requestJSON("PUT", path(r, namespace: namespace, name: name), query: [("fieldManager", fieldManager)],
                        body: obj)
    }

    /// Server-side apply (`PATCH application/apply-patch+yaml`, field manager `helmctl`).
    public func apply(_ r: APIResource, namespace: String?, name: String, _ obj: Value, force: Bool = false)
        throws(KubeError) -> Value
    {
        var q = [("fieldManager", fieldManager)]
        if force { q.append(("force", "true")) }
        return try requestJSON("PATCH", path(r, namespace: namespace, name: name), query: q, body: obj,
                               contentType: "application/apply-patch+yaml")
    }

    /// `PATCH` with a merge (`application/merge-patch+json`) or JSON patch body.
    public func patch(_ r: APIResource, namespace: String?, name: String, _ body: Value,
                      contentType: String = "application/merge-patch+json") throws(KubeError) -> Value
    {
        try requestJSON("PATCH", path(r, namespace: namespace, name: name), query: [("fieldManager", fieldManager)],
                        body: body, contentType: contentType)
    }

    /// Deletes an object with a propagation policy (`Background`, `Foreground`, `Orphan`).
    public func delete(_ r: APIResource, namespace: String?, name: String, propagationPolicy: String = "Background")
        throws(KubeError)
    {
        let body: Value = ["kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": .string(propagationPolicy)]
        _ = try requestJSON("DELETE", path(r, namespace: namespace, name: name), body: body)
    }

    /// The field manager of every write.
    public var fieldManager = "helmctl"
}

/// One resource of the discovery documents.
public struct APIResource: Sendable, Equatable {
    public var group: String
    public var version: String
    /// Plural resource name (`deployments`).
    public var name: String
    public var kind: String
    public var namespaced: Bool

    public init(group: String, version: String, name: String, kind: String, namespaced: Bool) {
        self.group = group
        self.version = version
        self.name = name
        self.kind = kind
        self.namespaced = namespaced
    }

    public var apiVersion: String { group.isEmpty ? version : group + "/" + version }
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
func percentEncode(_ s: String) -> String {
    var out = ""
    for b in s.utf8 {
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2D, 0x2E, 0x5F, 0x7E: out.unicodeScalars.append(Unicode.Scalar(b))
        default:
            let hex = Array("0123456789ABCDEF".unicodeScalars)
            out += "%"
            out.unicodeScalars.append(hex[Int(b >> 4)])
            out.unicodeScalars.append(hex[Int(b & 15)])
        }
    }
    return out
}

extension KubeClient {
    /// Deletes an object; false when it was already gone.
    public func deleteIfExists(_ r: APIResource, namespace: String?, name: String,
                               propagationPolicy: String = "Background") throws(KubeError) -> Bool
    {
        do {
            try delete(r, namespace: namespace, name: name, propagationPolicy: propagationPolicy)
            return true
        } catch {
            if error.isNotFound { return false }
            throw error
        }
    }

    /// Creates an object; nil when one of that name already exists.
    public func createIfMissing(_ r: APIResource, namespace: String?, _ obj: Value) throws(KubeError) -> Value? {
        do {
            return try create(r, namespace: namespace, obj)
        } catch {
            if error.isAlreadyExists { return nil }
            throw error
        }
    }
}
