import NIOCore

/// HTTP/1.1 exchanges with the API server over SwiftNIO (TLS by NIOSSL), on the process's one
/// event-loop thread. Blocking: callers wait on the loop's futures from a plain thread (a command's
/// `run()`), never from the loop or Swift's cooperative pool. Connections stay open between requests
/// and are shared by sequential and concurrent requests.
final class HTTPTransport {
    let pool: ConnectionPool
    /// Settings of every request (credentials change when an exec plugin runs).
    var config: KubeConfig {
        willSet { settle() }
        didSet {
            if config != oldValue {
                generation += 1
                settings = nil
                pool.reset()
            }
        }
    }
    private var generation = 0
    /// The TLS context and credentials built from ``config``, on first use.
    private var settings: Result<ConnectionSettings, KubeError>?
    /// The read sent ahead, until a request takes its answer.
    var ahead: AheadRead?

    init(config: KubeConfig) throws(KubeError) {
        pool = ConnectionPool(loop: ClientEventLoop.loop)
        self.config = config
    }

    /// One request of a batch.
    struct Exchange: Equatable, Sendable {
        var method: String
        var url: String
        var headers: [String]
        var body: [UInt8]?
    }

    /// What one exchange produced: status code, body and `Retry-After` seconds.
    typealias Outcome = Result<(Int, [UInt8], Int?), TransportFailure>

    /// The seconds of a `Retry-After: N` header line (the HTTP-date form is not used by Kubernetes).
    static func retryAfter(headerLine line: String) -> Int? {
        let lower = line.lowercased()
        guard lower.hasPrefix("retry-after:") else { return nil }
        return retryAfter(value: String(lower.dropFirst("retry-after:".count)))
    }

    /// The seconds of a `Retry-After` value (digits only).
    static func retryAfter(value: String) -> Int? {
        let v = value.trimmingCharacters(in: " \t\r\n")
        guard !v.isEmpty, v.count <= 9, v.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(v)
    }

    /// Sends `method url` with `body`; returns the status code, the response body and the
    /// `Retry-After` seconds when the server sent one.
    func perform(method: String, url: String, headers: [String], body: [UInt8]?)
        throws(TransportFailure) -> (Int, [UInt8], Int?)
    {
        try performAll([Exchange(method: method, url: url, headers: headers, body: body)])[0].get()
    }

    /// Runs the exchanges concurrently (at most ``ConnectionPool/connections(forBatchOf:)`` on the wire)
    /// and returns their outcomes in order. An exchange identical to the one sent ahead
    /// (``sendAhead(_:)``) takes that one's outcome instead of going out again.
    func performAll(_ exchanges: [Exchange]) -> [Outcome] {
        settle()
        guard let early = ahead else { return send(exchanges) }
        guard let i = exchanges.firstIndex(of: early.exchange) else {
            // A write may change what the early read saw: from then on it is stale.
            if exchanges.contains(where: { $0.method != "GET" }) { ahead = nil }
            return send(exchanges)
        }
        ahead = nil
        var rest = exchanges
        rest.remove(at: i)
        var out = send(rest)
        out.insert(early.outcome ?? .failure(TransportFailure(error: KubeError(message: "request not sent"), notSent: true)), at: i)
        return out
    }

    /// Starts `exchange` (a GET) now; every other use of the transport waits for it first
    /// (``settle()``), and the next ``performAll(_:)`` holding an identical exchange takes its outcome.
    func sendAhead(_ exchange: Exchange) {
        settle()
        switch currentSettings() {
        case .failure: return
        case .success(let s): ahead = AheadRead(exchange: exchange, future: pool.send([exchange], settings: s))
        }
    }

    /// Waits for the read sent ahead, if it is still running.
    func settle() {
        guard let job = ahead, job.outcome == nil else { return }
        job.outcome = (try? job.future.wait())?.first
            ?? .failure(TransportFailure(error: KubeError(message: "request not sent"), notSent: true))
    }

    /// The connection settings of the current config (built once per config).
    func currentSettings() -> Result<ConnectionSettings, KubeError> {
        if let settings { return settings }
        let s = ConnectionSettings.make(config, generation: generation)
        settings = s
        return s
    }

    private func send(_ exchanges: [Exchange]) -> [Outcome] {
        if exchanges.isEmpty { return [] }
        switch currentSettings() {
        case .failure(let e):
            return exchanges.map { _ in .failure(TransportFailure(error: e, notSent: true)) }
        case .success(let s):
            do {
                return try pool.send(exchanges, settings: s).wait()
            } catch {
                return exchanges.map { _ in .failure(TransportFailure(error: KubeError(message: "\(error)"), notSent: false)) }
            }
        }
    }
}

/// A read sent while the command still works on its own (loading and rendering a chart), so its
/// connection's TLS handshake and the server's answer overlap that work.
final class AheadRead {
    let exchange: HTTPTransport.Exchange
    let future: EventLoopFuture<[HTTPTransport.Outcome]>
    /// Set once waited for.
    var outcome: HTTPTransport.Outcome?

    init(exchange: HTTPTransport.Exchange, future: EventLoopFuture<[HTTPTransport.Outcome]>) {
        self.exchange = exchange
        self.future = future
    }
}
