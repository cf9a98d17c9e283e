import NIOCore
import NIOHTTP1

/// A whole response collected in memory, completing a promise.
final class BufferedResponse: ResponseSink {
    /// The largest body accepted (a hostile or broken server cannot exhaust memory).
    static let maxBodyBytes = 512 << 20
    private var response = WireResponse(status: 0, body: [], retryAfter: nil, keepAlive: true)
    private var gotHead = false
    let promise: EventLoopPromise<WireResponse>

    init(promise: EventLoopPromise<WireResponse>) { self.promise = promise }

    func head(_ head: HTTPResponseHead) {
        gotHead = true
        response.status = Int(head.status.code)
        response.keepAlive = head.isKeepAlive
        response.retryAfter = head.headers.first(name: "retry-after").flatMap(HTTPTransport.retryAfter(value:))
    }

    func body(_ bytes: ByteBuffer) -> String? {
        if response.body.count + bytes.readableBytes > BufferedResponse.maxBodyBytes {
            return "response body larger than \(BufferedResponse.maxBodyBytes) bytes"
        }
        response.body.append(contentsOf: bytes.readableBytesView)
        return nil
    }

    func end() {
        guard gotHead else { return failed("response without a status line", responseStarted: true) }
        promise.succeed(response)
    }

    func failed(_ message: String, responseStarted: Bool) {
        promise.fail(ExchangeFailure(message: message, responseStarted: responseStarted))
    }
}

/// Why one exchange on a connection failed.
struct ExchangeFailure: Error {
    var message: String
    var responseStarted: Bool
}

/// The keep-alive connections of one client and the scheduling of its batches. Confined to its event
/// loop: every method but ``send(_:settings:)`` runs there.
final class ConnectionPool: @unchecked Sendable {
    /// Connections opened to the server at once (HTTP/1.1: one request each); more requests queue.
    static let maxConnections = 8
    /// Requests of a batch per connection: a new TLS connection costs each side more CPU (context,
    /// key exchange, certificate checks: about 2 ms here) than a few more requests queued on one.
    static let requestsPerConnection = 4
    /// Seconds one exchange may take before it fails.
    static let exchangeTimeoutSeconds: Int64 = 120

    let loop: any EventLoop
    private var idle: [HTTPConnection] = []

    init(loop: any EventLoop) { self.loop = loop }

    deinit {
        let connections = idle
        if !connections.isEmpty {
            loop.execute { for c in connections { c.channel.close(promise: nil) } }
        }
    }

    /// Connections a batch of `count` requests may use: one per ``requestsPerConnection``, at most
    /// ``maxConnections``.
    static func connections(forBatchOf count: Int) -> Int {
        min(maxConnections, max(1, (count + requestsPerConnection - 1) / requestsPerConnection))
    }

    /// Sends the exchanges (from any thread but the loop's) and completes with every outcome, in order.
    func send(_ exchanges: [HTTPTransport.Exchange], settings: ConnectionSettings) -> EventLoopFuture<[HTTPTransport.Outcome]> {
        if exchanges.isEmpty { return loop.makeSucceededFuture([]) }
        var requests: [WireRequest?] = []
        for x in exchanges {
            requests.append(settings.request(method: x.method, url: x.url, headers: x.headers, body: x.body))
        }
        let frozen = requests
        return loop.flatSubmit { self.run(exchanges, requests: frozen, settings: settings) }
    }

    /// Batch state shared by its lanes (loop-confined).
    private final class Batch: @unchecked Sendable {
        var outcomes: [HTTPTransport.Outcome?]
        var next = 0
        var lanes: Int
        let done: EventLoopPromise<[HTTPTransport.Outcome]>

        init(count: Int, lanes: Int, done: EventLoopPromise<[HTTPTransport.Outcome]>) {
            outcomes = Array(repeating: nil, count: count)
            self.lanes = lanes
            self.done = done
        }
    }

    private func run(_ exchanges: [HTTPTransport.Exchange], requests: [WireRequest?], settings: ConnectionSettings)
        -> EventLoopFuture<[HTTPTransport.Outcome]>
    {
        let lanes = min(ConnectionPool.connections(forBatchOf: exchanges.count), exchanges.count)
        let batch = Batch(count: exchanges.count, lanes: lanes, done: loop.makePromise())
        for _ in 0..<lanes { lane(batch, exchanges, requests, settings, connection: nil) }
        return batch.done.futureResult
    }

    /// Takes the batch's next exchange onto `connection` (or a pooled or new one) until none is left.
    private func lane(_ batch: Batch, _ exchanges: [HTTPTransport.Exchange], _ requests: [WireRequest?],
                      _ settings: ConnectionSettings, connection: HTTPConnection?)
    {
        guard batch.next < exchanges.count else {
            if let connection { idle.append(connection) }
            batch.lanes -= 1
            if batch.lanes == 0 {
                batch.done.succeed(batch.outcomes.map {
                    $0 ?? .failure(TransportFailure(error: KubeError(message: "request not sent"), notSent: true))
                })
            }
            return
        }
        let i = batch.next
        batch.next += 1
        let x = exchanges[i]
        guard let request = requests[i] else {
            batch.outcomes[i] = .failure(TransportFailure(
                error: KubeError(message: "Kubernetes cluster unreachable: \(x.method) \"\(x.url)\": URL using bad/illegal format or missing URL"),
                notSent: true))
            return lane(batch, exchanges, requests, settings, connection: connection)
        }
        exchange(request, x, settings, connection: connection, retryStale: true).whenComplete { result in
            switch result {
            case .success(let (outcome, kept)):
                batch.outcomes[i] = outcome
                self.lane(batch, exchanges, requests, settings, connection: kept)
            case .failure(let error):
                batch.outcomes[i] = .failure(TransportFailure(error: KubeError(message: "\(error)"), notSent: false))
                self.lane(batch, exchanges, requests, settings, connection: nil)
            }
        }
    }

    /// A connection for `endpoint`: an idle one of the current credentials, else a new one.
    private func connection(_ endpoint: Endpoint, _ settings: ConnectionSettings) -> EventLoopFuture<HTTPConnection> {
        while let i = idle.lastIndex(where: { $0.handler.endpoint == endpoint }) {
            let c = idle.remove(at: i)
            if c.generation == settings.generation && c.channel.isActive { return loop.makeSucceededFuture(c) }
            c.channel.close(promise: nil)
        }
        return HTTPConnection.connect(endpoint, settings: settings, on: loop)
    }

    /// One exchange; completes with its outcome and the connection when it may carry the next one.
    private func exchange(_ request: WireRequest, _ x: HTTPTransport.Exchange, _ settings: ConnectionSettings,
                          connection: HTTPConnection?, retryStale: Bool)
        -> EventLoopFuture<(HTTPTransport.Outcome, HTTPConnection?)>
    {
        let unreachable: @Sendable (String) -> KubeError = { text in
            KubeError(message: "Kubernetes cluster unreachable: \(x.method) \"\(x.url)\": \(text)")
        }
        let opened: EventLoopFuture<HTTPConnection>
        if let connection, connection.handler.endpoint == request.endpoint, connection.generation == settings.generation {
            opened = loop.makeSucceededFuture(connection)
        } else {
            connection?.channel.close(promise: nil)
            opened = self.connection(request.endpoint, settings)
        }
        return opened.flatMap { c -> EventLoopFuture<(HTTPTransport.Outcome, HTTPConnection?)> in
            let promise = self.loop.makePromise(of: WireResponse.self)
            let wasReused = c.reused
            c.reused = true
            c.handler.send(request, to: BufferedResponse(promise: promise), timeoutSeconds: ConnectionPool.exchangeTimeoutSeconds)
            return promise.futureResult.map { r -> (HTTPTransport.Outcome, HTTPConnection?) in
                if !r.keepAlive { c.channel.close(promise: nil) }
                return (.success((r.status, r.body, r.retryAfter)), r.keepAlive ? c : nil)
            }.flatMapError { error in
                let failure = error as? ExchangeFailure ?? ExchangeFailure(message: "\(error)", responseStarted: true)
                c.channel.close(promise: nil)
                // A kept-alive connection the server had closed: the request goes again on a new one.
                if wasReused && !failure.responseStarted && retryStale {
                    return self.exchange(request, x, settings, connection: nil, retryStale: false)
                }
                return self.loop.makeSucceededFuture(
                    (.failure(TransportFailure(error: unreachable(failure.message), notSent: false)), nil))
            }
        }.flatMapError { error in
            // The connection could not be opened.
            let failure = error as? TransportFailure
                ?? HTTPConnection.connectFailure(error, endpoint: request.endpoint, elapsed: 0)
            return self.loop.makeSucceededFuture(
                (.failure(TransportFailure(error: unreachable(failure.error.message), notSent: failure.notSent)), nil))
        }
    }

    /// Closes the idle connections (their credentials changed).
    func reset() {
        loop.execute {
            for c in self.idle { c.channel.close(promise: nil) }
            self.idle = []
        }
    }
}
