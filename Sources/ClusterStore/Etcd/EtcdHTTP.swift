import CLibCurl
import NIOConcurrencyHelpers
import NIOPosix

/// POSTs to etcd's JSON gateway through libcurl, on a small NIO thread pool (libcurl blocks). Handles
/// are reused so connections stay alive; a request that cannot connect moves on to the next endpoint
/// (only connection failures are retried: a write that may have been sent is never replayed).
final class EtcdHTTP: @unchecked Sendable {
    struct Response: Sendable {
        var status: Int
        var body: [UInt8]
    }

    let endpoints: [String]
    private let pool: NIOThreadPool
    private let lock = NIOLock()
    private var idle: [UnsafeMutableRawPointer] = []
    private var preferred = 0
    private let timeoutMilliseconds: Int

    /// `curl_global_init` once, thread-safely.
    static let globalInit: Void = { _ = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    init(endpoints: [String], threads: Int, timeoutMilliseconds: Int) {
        _ = Self.globalInit
        self.endpoints = endpoints
        self.timeoutMilliseconds = timeoutMilliseconds
        pool = NIOThreadPool(numberOfThreads: max(1, threads))
        pool.start()
    }

    /// The endpoints in the order to try them: the last one that worked first.
    func orderedEndpoints() -> [String] {
        let start = lock.withLock { preferred }
        return (0..<endpoints.count).map { endpoints[(start + $0) % endpoints.count] }
    }

    func markWorking(_ endpoint: String) {
        if let i = endpoints.firstIndex(of: endpoint) { lock.withLock { preferred = i } }
    }

    /// Whether libcurl's result means the request never reached the server.
    static func isConnectFailure(_ rc: CURLcode) -> Bool {
        rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_RESOLVE_PROXY
    }

    /// POSTs `body` to `path` (e.g. `/v3/kv/range`) and returns the status and body.
    func post(_ path: String, _ body: String) async throws(StoreError) -> Response {
        let result: Result<Response, StoreError>
        do {
            result = try await pool.runIfActive { self.postBlocking(path, body) }
        } catch {
            throw StoreError.closed
        }
        return try result.get()
    }

    private func postBlocking(_ path: String, _ body: String) -> Result<Response, StoreError> {
        guard let h = lock.withLock({ idle.popLast() }) ?? curl_easy_init() else {
            return .failure(.backend("etcd: cannot initialise libcurl"))
        }
        defer { lock.withLock { idle.append(h) } }
        var lastError = ""
        for endpoint in orderedEndpoints() {
            let sink = EtcdResponseSink()
            curl_easy_reset(h)
            // An empty Expect stops libcurl 7.x from waiting for "100 Continue" on bodies over 1 KiB.
            let headers = curl_slist_append(curl_slist_append(nil, "Content-Type: application/json"), "Expect:")
            defer { curl_slist_free_all(headers) }
            _ = curl_easy_setopt_str(h, CURLOPT_URL, endpoint + path)
            _ = curl_easy_setopt_long(h, CURLOPT_POST, 1)
            _ = curl_easy_setopt_str(h, CURLOPT_COPYPOSTFIELDS, body)
            _ = curl_easy_setopt_ptr(h, CURLOPT_HTTPHEADER, headers)
            _ = curl_easy_setopt_long(h, CURLOPT_NOSIGNAL, 1)
            _ = curl_easy_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, 5000)
            _ = curl_easy_setopt_long(h, CURLOPT_TIMEOUT_MS, timeoutMilliseconds)
            _ = curl_easy_setopt_long(h, CURLOPT_TCP_NODELAY, 1)
            sink.attach(h)
            let rc = withExtendedLifetime(sink) { curl_easy_perform(h) }
            if rc == CURLE_OK {
                markWorking(endpoint)
                var code = 0
                _ = curl_easy_getinfo_long(h, CURLINFO_RESPONSE_CODE, &code)
                return .success(Response(status: code, body: sink.bytes))
            }
            lastError = "\(endpoint): \(String(cString: curl_easy_strerror(rc)))"
            if !Self.isConnectFailure(rc) { return .failure(.backend("etcd: POST \(path) failed: \(lastError)")) }
        }
        return .failure(.backend("etcd: cannot reach any endpoint for \(path) (\(lastError))"))
    }

    func close() async {
        _ = try? await pool.runIfActive {
            self.lock.withLock {
                for h in self.idle { curl_easy_cleanup(h) }
                self.idle = []
            }
        }
        try? await pool.shutdownGracefully()
    }
}

/// Collects a response body through libcurl's write callback (a C function pointer cannot capture,
/// so the sink travels as userdata).
final class EtcdResponseSink {
    var bytes: [UInt8] = []
    static let limit = 512 * 1024 * 1024

    func attach(_ h: UnsafeMutableRawPointer) {
        let write: clibcurl_write_cb = { ptr, size, count, ud in
            guard let ud, let ptr else { return 0 }
            let sink = Unmanaged<EtcdResponseSink>.fromOpaque(ud).takeUnretainedValue()
            let n = size * count
            if sink.bytes.count + n > EtcdResponseSink.limit { return 0 }
            ptr.withMemoryRebound(to: UInt8.self, capacity: n) {
                sink.bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: n))
            }
            return n
        }
        _ = curl_easy_setopt_write(h, CURLOPT_WRITEFUNCTION, write)
        _ = curl_easy_setopt_ptr(h, CURLOPT_WRITEDATA, Unmanaged.passUnretained(self).toOpaque())
    }
}
