import CLibCurl
import CurlSupport
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A transport failure, with whether the request surely never reached the server (so that any verb
/// may be retried).
struct TransportFailure: Error {
    var error: KubeError
    var notSent: Bool
}

/// HTTP exchanges with the API server through libcurl. Blocking: call it from a plain thread (a
/// command's `run()`), never from Swift's cooperative pool. Every request runs on one multi handle, so
/// its connection pool (and the TLS sessions on it) is shared by sequential and concurrent requests.
final class CurlTransport {
    let pool: ConnectionPool
    /// Settings of every request (credentials change when an exec plugin runs).
    var config: KubeConfig {
        willSet { settle() }
    }
    static let globalInit: Void = { _ = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()
    /// The read sent ahead (CurlTransport+Ahead.swift), until a request takes its answer.
    var ahead: AheadRead?

    init(config: KubeConfig) throws(KubeError) {
        _ = CurlTransport.globalInit
        pool = try ConnectionPool()
        self.config = config
    }

    deinit {
        // A command that fails before it needs the early read (a chart that does not load) does
        // not wait for its answer: the read stops within a poll interval.
        ahead?.cancelled.store(true, ordering: .relaxed)
        settle()
    }

    /// One request of a batch.
    struct Exchange: Equatable {
        var method: String
        var url: String
        var headers: [String]
        var body: [UInt8]?
    }

    /// What one exchange produced: status code, body and `Retry-After` seconds.
    typealias Outcome = Result<(Int, [UInt8], Int?), TransportFailure>

    /// Sets the options every request shares (URL, TLS, credentials, method); the caller owns `list`.
    static func configure(_ h: UnsafeMutableRawPointer, config: KubeConfig, method: String, url: String,
                          headers: [String], list: inout UnsafeMutablePointer<curl_slist>?)
    {
        _ = CurlTransport.globalInit
        _ = curl_easy_setopt_str(h, CURLOPT_URL, url)
        _ = curl_easy_setopt_str(h, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = curl_easy_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        _ = curl_easy_setopt_long(h, CURLOPT_CONNECTTIMEOUT, 30)
        _ = curl_easy_setopt_str(h, CURLOPT_USERAGENT, "helmctl/4.2.3")
        _ = curl_easy_setopt_str(h, CURLOPT_CUSTOMREQUEST, method)
        if method == "HEAD" { _ = curl_easy_setopt_long(h, CURLOPT_NOBODY, 1) }
        if !config.certificateAuthority.isEmpty {
            config.certificateAuthority.withUnsafeBytes {
                _ = curl_easy_setopt_blob(h, CURLOPT_CAINFO_BLOB, $0.baseAddress, $0.count)
            }
        }
        if !config.clientCertificate.isEmpty {
            config.clientCertificate.withUnsafeBytes {
                _ = curl_easy_setopt_blob(h, CURLOPT_SSLCERT_BLOB, $0.baseAddress, $0.count)
            }
            _ = curl_easy_setopt_str(h, CURLOPT_SSLCERTTYPE, "PEM")
        }
        if !config.clientKey.isEmpty {
            config.clientKey.withUnsafeBytes {
                _ = curl_easy_setopt_blob(h, CURLOPT_SSLKEY_BLOB, $0.baseAddress, $0.count)
            }
            _ = curl_easy_setopt_str(h, CURLOPT_SSLKEYTYPE, "PEM")
        }
        if config.insecureSkipTLSVerify {
            _ = curl_easy_setopt_long(h, CURLOPT_SSL_VERIFYPEER, 0)
            _ = curl_easy_setopt_long(h, CURLOPT_SSL_VERIFYHOST, 0)
        }
        var all = headers
        if !config.token.isEmpty { all.append("Authorization: Bearer \(config.token)") }
        all.append("Expect:")
        for line in all { list = curl_slist_append(list, line) }
        _ = curl_easy_setopt_ptr(h, CURLOPT_HTTPHEADER, list)
    }

    /// The seconds of a `Retry-After: N` header line (the HTTP-date form is not used by Kubernetes).
    static func retryAfter(headerLine line: String) -> Int? {
        let lower = line.lowercased()
        guard lower.hasPrefix("retry-after:") else { return nil }
        let value = String(lower.dropFirst("retry-after:".count)).trimmingCharacters(in: " \t\r\n")
        guard !value.isEmpty, value.allSatisfy(\.isNumber) else { return nil }
        return Int(value)
    }

    /// Sends `method path` with `body`; returns the status code, the response body and the
    /// `Retry-After` seconds when the server sent one.
    func perform(method: String, url: String, headers: [String], body: [UInt8]?)
        throws(TransportFailure) -> (Int, [UInt8], Int?)
    {
        try performAll([Exchange(method: method, url: url, headers: headers, body: body)])[0].get()
    }

    /// Runs the exchanges concurrently (at most ``ConnectionPool/connections(forBatchOf:)`` on the wire) and returns their
    /// outcomes in order. An exchange identical to the one sent ahead (``sendAhead(_:)``) takes that
    /// one's outcome instead of going out again.
    func performAll(_ exchanges: [Exchange]) -> [Outcome] {
        settle()
        guard let early = ahead else { return pool.send(exchanges, config: config) }
        guard let i = exchanges.firstIndex(of: early.exchange) else {
            // A write may change what the early read saw: from then on it is stale.
            if exchanges.contains(where: { $0.method != "GET" }) { ahead = nil }
            return pool.send(exchanges, config: config)
        }
        ahead = nil
        var rest = exchanges
        rest.remove(at: i)
        var out = pool.send(rest, config: config)
        out.insert(early.outcome ?? .failure(TransportFailure(error: KubeError(message: "request not sent"), notSent: true)), at: i)
        return out
    }
}

/// The multi handle every request of a client runs on: its connections stay open between requests.
final class ConnectionPool: @unchecked Sendable {
    private let multi: UnsafeMutableRawPointer
    /// Connections opened to the server at once (HTTP/1.1: one request each); more requests queue.
    static let maxConnections = 8
    /// Requests of a batch per connection: a new TLS connection costs each side more CPU (context,
    /// key exchange, certificate checks: about 2 ms here) than a few more requests queued on one.
    static let requestsPerConnection = 4
    /// The connection limit so far; it only grows, as connections stay open in the pool.
    private var connectionLimit = 1

    init() throws(KubeError) {
        guard let m = curl_multi_init() else { throw KubeError(message: "cannot initialise libcurl") }
        multi = m
        _ = curl_multi_setopt_long(m, CURLMOPT_MAX_HOST_CONNECTIONS, 1)
        _ = curl_multi_setopt_long(m, CURLMOPT_MAXCONNECTS, ConnectionPool.maxConnections)
    }

    deinit { curl_multi_cleanup(multi) }

    /// Connections a batch of `count` requests may use: one per ``requestsPerConnection``, at most
    /// ``maxConnections``.
    static func connections(forBatchOf count: Int) -> Int {
        min(maxConnections, max(1, (count + requestsPerConnection - 1) / requestsPerConnection))
    }

    /// Sends the exchanges and waits for every outcome (or until `cancelled` is set).
    func send(_ exchanges: [CurlTransport.Exchange], config: KubeConfig, cancelled: AheadRead? = nil)
        -> [CurlTransport.Outcome]
    {
        if exchanges.isEmpty { return [] }
        let wanted = ConnectionPool.connections(forBatchOf: exchanges.count)
        if wanted > connectionLimit {
            connectionLimit = wanted
            _ = curl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, wanted)
        }
        var slots: [Slot] = []
        for x in exchanges {
            guard let h = curl_easy_init() else {
                slots.append(Slot(handle: nil, exchange: x))
                continue
            }
            let slot = Slot(handle: h, exchange: x)
            CurlTransport.configure(h, config: config, method: x.method, url: x.url, headers: x.headers, list: &slot.headerList)
            _ = curl_easy_setopt_long(h, CURLOPT_TIMEOUT, 120)
            if let body = x.body {
                _ = curl_easy_setopt_long(h, CURLOPT_POSTFIELDSIZE, body.count)
                body.withUnsafeBytes { _ = curl_easy_setopt_ptr(h, CURLOPT_COPYPOSTFIELDS, $0.baseAddress) }
            }
            slot.attach(to: h)
            _ = curl_easy_setopt_ptr(h, CURLOPT_ERRORBUFFER, slot.errorBuffer)
            _ = curl_multi_add_handle(multi, h)
            slots.append(slot)
        }
        withExtendedLifetime(slots) {
            var running: Int32 = 1
            while running > 0 {
                if cancelled?.cancelled.load(ordering: .relaxed) == true { break }
                if curl_multi_perform(multi, &running) != CURLM_OK { break }
                if running > 0 { _ = curl_multi_poll(multi, nil, 0, cancelled == nil ? 1000 : 50, nil) }
            }
            var left: Int32 = 0
            while let msg = curl_multi_info_read(multi, &left) {
                guard msg.pointee.msg == CURLMSG_DONE, let h = msg.pointee.easy_handle,
                      let slot = slots.first(where: { $0.handle == h })
                else { continue }
                slot.result = msg.pointee.data.result
            }
        }
        return slots.map { slot in
            guard let h = slot.handle else {
                return .failure(TransportFailure(error: KubeError(message: "cannot initialise libcurl"), notSent: true))
            }
            defer {
                curl_multi_remove_handle(multi, h)
                curl_easy_cleanup(h)
            }
            let x = slot.exchange
            let rc = slot.result ?? CURLE_RECV_ERROR
            if rc != CURLE_OK {
                var text = String(cString: slot.errorBuffer)
                if text.isEmpty { text = String(cString: curl_easy_strerror(rc)) }
                // Refused or unresolvable connections never carried the request.
                let notSent = rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST
                return .failure(TransportFailure(
                    error: KubeError(message: "Kubernetes cluster unreachable: \(x.method) \"\(x.url)\": \(text)"),
                    notSent: notSent))
            }
            var code = 0
            _ = curl_easy_getinfo_long(h, CURLINFO_RESPONSE_CODE, &code)
            return .success((code, slot.bytes, slot.retryAfter))
        }
    }
}

/// One exchange in flight: its handle, what came back, and memory libcurl writes into.
private final class Slot: CurlReceiver {
    let handle: UnsafeMutableRawPointer?
    let exchange: CurlTransport.Exchange
    var headerList: UnsafeMutablePointer<curl_slist>?
    var bytes: [UInt8] = []
    var retryAfter: Int?
    var result: CURLcode?
    let errorBuffer: UnsafeMutablePointer<CChar>

    init(handle: UnsafeMutableRawPointer?, exchange: CurlTransport.Exchange) {
        self.handle = handle
        self.exchange = exchange
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        if let headerList { curl_slist_free_all(headerList) }
        errorBuffer.deallocate()
    }
    override func receiveBody(_ chunk: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.append(contentsOf: chunk)
        return true
    }

    /// Header lines are read only for Retry-After.
    override func receiveHeader(_ line: String) {
        if let seconds = CurlTransport.retryAfter(headerLine: line) { retryAfter = seconds }
    }
}
