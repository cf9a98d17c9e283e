import ClusterAPI
import ClusterStore
import NIOConcurrencyHelpers
import NIOHTTP1
import StructuredData
#if canImport(Glibc)
    import Glibc
#endif

/// Turns requests into store operations with Kubernetes' semantics. Shared by every connection; the
/// mutable parts (the resource catalogue, which grows with CRDs; IP allocations) are behind locks or
/// actors, never held across an `await`.
final class APIHandler: Sendable {
    let config: APIServerConfiguration
    let store: any KeyValueStore
    let catalog: NIOLockedValueBox<ResourceCatalog>
    let clock: any APIClock
    let allocator: ServiceAllocator
    let background: BackgroundControllers
    /// Each served custom resource version's `openAPIV3Schema`, by `group/version/plural`.
    let customSchemas = NIOLockedValueBox<[String: CustomResourceSchema]>([:])

    private init(config: APIServerConfiguration, clock: any APIClock) {
        self.config = config
        self.store = config.store
        self.catalog = NIOLockedValueBox(ResourceCatalog.builtIn)
        self.clock = clock
        self.allocator = ServiceAllocator()
        self.background = BackgroundControllers()
    }

    /// Creates the handler and brings the store to a serving state: default namespaces, the
    /// `default/kubernetes` Service, CRDs registered from stored definitions, allocations restored.
    static func start(config: APIServerConfiguration, clock: any APIClock = SystemAPIClock()) async throws -> APIHandler {
        let handler = APIHandler(config: config, clock: clock)
        try await handler.bootstrap()
        return handler
    }

    /// The controllers that belong to the control plane itself (garbage collector, namespace
    /// lifecycle, CRD establishment); runs until cancelled.
    func runBackground() async throws {
        try await background.run(handler: self)
    }

    func handle(head: HTTPRequestHead, body: [UInt8], identity: Identity,
                closeConnection: (@Sendable () -> Void)? = nil) async -> APIResponse
    {
        let uri = head.uri
        let pathPart: Substring
        let queryPart: Substring
        if let q = uri.firstIndex(of: "?") {
            pathPart = uri[..<q]
            queryPart = uri[uri.index(after: q)...]
        } else {
            pathPart = Substring(uri)
            queryPart = ""
        }
        guard let path = PercentDecoding.decode(pathPart, plusIsSpace: false),
              let query = PercentDecoding.query(queryPart)
        else {
            return StatusError.badRequest("malformed request URI \(uri)").response
        }
        var request = APIRequest(method: head.method, path: path, query: query, headers: head.headers, body: body,
                                 closeConnection: closeConnection)
        if let open = openEndpoint(request) { return open }
        switch identity {
        case .user(let u): request.user = u
        case .anonymous, .invalidCredentials: return StatusError.unauthorized().response
        }
        do {
            return try await route(request)
        } catch let e as StatusError {
            return e.response
        } catch let e as StoreError {
            return StatusError.internalError(e.description).response
        } catch {
            return StatusError.internalError("\(error)").response
        }
    }

    /// Health and version answer anyone (as Kubernetes' `system:public-info-viewer` allows).
    private func openEndpoint(_ r: APIRequest) -> APIResponse? {
        guard r.method == .GET || r.method == .HEAD else { return nil }
        switch r.path {
        case "/healthz", "/livez", "/readyz", "/healthz/ping", "/livez/ping", "/readyz/ping":
            return .full(status: .ok, contentType: "text/plain; charset=utf-8", body: Array("ok".utf8), headers: [])
        case "/version":
            return .json(.ok, JSON.encode(Self.versionInfo, escapeHTML: false, indent: "  "))
        default:
            return nil
        }
    }

    /// Kubernetes 1.32 — the minor the kubectl dispatcher on these machines maps to its own 1.32 build.
    static let versionInfo: Value = [
        "major": "1", "minor": "32", "gitVersion": "v1.32.0+helmctl", "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean", "buildDate": "2026-01-01T00:00:00Z", "goVersion": "go1.23.4", "compiler": "gc",
        "platform": "linux/amd64",
    ]
}

/// The API server's clock: wall time for timestamps, injected so tests control it.
protocol APIClock: Sendable {
    /// Seconds since the Unix epoch.
    func now() -> Int64
}

struct SystemAPIClock: APIClock {
    func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec)
    }
}
