import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the server answered to one request.
struct WireResponse: Sendable {
    var status: Int
    var body: [UInt8]
    var retryAfter: Int?
    var keepAlive: Bool
}

/// Receives the parts of one response at a time on a connection (streams for watches).
protocol ResponseSink: AnyObject {
    func head(_ head: HTTPResponseHead)
    func body(_ bytes: ByteBuffer) -> String?
    func end()
    /// The exchange failed; `responseStarted` tells whether any part of an answer had arrived.
    func failed(_ message: String, responseStarted: Bool)
}

/// The last handler of a client connection: writes a request and hands its response's parts to the
/// sink of the exchange in flight. Everything here runs on the connection's event loop (hence the
/// unchecked Sendable: it is only handed to that loop).
final class ExchangeHandler: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private var context: ChannelHandlerContext?
    private var sink: (any ResponseSink)?
    private var responseStarted = false
    private var timeout: Scheduled<Void>?
    let endpoint: Endpoint

    init(endpoint: Endpoint) { self.endpoint = endpoint }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// Sends `request`; its response goes to `sink`. `timeoutSeconds` bounds the whole exchange (0 = none).
    func send(_ request: WireRequest, to sink: any ResponseSink, timeoutSeconds: Int64) {
        guard let context, context.channel.isActive else {
            sink.failed("connection closed", responseStarted: false)
            return
        }
        self.sink = sink
        responseStarted = false
        if timeoutSeconds > 0 {
            let ms = timeoutSeconds * 1000
            timeout = context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(timeoutSeconds)) { [weak self] in
                self?.fail("Operation timed out after \(ms) milliseconds")
            }
        }
        context.write(wrapOutboundOut(.head(request.head)), promise: nil)
        if let body = request.body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let sink else {
            // An answer nobody asked for (bytes past the last response): the connection cannot be
            // trusted to pair the next request with its answer.
            context.close(promise: nil)
            return
        }
        responseStarted = true
        switch unwrapInboundIn(data) {
        case .head(let h):
            sink.head(h)
        case .body(let b):
            if let problem = sink.body(b) { fail(problem) }
        case .end:
            self.sink = nil
            timeout?.cancel()
            timeout = nil
            // Completed after the rest of this read is handled, so that bytes past the answer retire
            // the connection before a batch puts its next request on it.
            context.eventLoop.assumeIsolated().execute { sink.end() }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(ExchangeHandler.describe(error))
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(responseStarted ? "connection closed before the response was complete" : "connection closed by the server")
        context.fireChannelInactive()
    }

    /// Ends the exchange in flight with `message` and closes the connection (its state is unknown).
    private func fail(_ message: String) {
        timeout?.cancel()
        timeout = nil
        let s = sink
        sink = nil
        s?.failed(message, responseStarted: responseStarted)
        context?.close(promise: nil)
    }

    /// curl's wording for the TLS failures users meet (an untrusted or mismatched server certificate),
    /// else BoringSSL's reason code without its source location.
    static func describeTLS(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("failedToValidateHostname") {
            return "SSL: no alternative certificate subject name matches target host name"
        }
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return "SSL certificate problem: unable to get local issuer certificate"
        }
        if let r = text.firstRange(of: "OPENSSL_internal:") {
            let reason = text[r.upperBound...].prefix { $0 != " " && $0 != "]" && $0 != ")" }
            return "SSL connect error: \(reason)"
        }
        return "SSL connect error: \(text)"
    }

    /// Closes the connection; an exchange in flight fails.
    func close() {
        fail("connection closed")
    }

    /// A readable text for NIO's and NIOSSL's errors.
    static func describe(_ error: any Error) -> String {
        switch error {
        case HTTPParserError.invalidEOFState: return "connection closed before the response was complete"
        case let e as HTTPParserError: return "invalid HTTP response from the server (\(e))"
        case is NIOSSLError, is BoringSSLError, is NIOSSLExtraError: return describeTLS(error)
        case let e as IOError: return String(cString: strerror(e.errnoCode))
        default: return "\(error)"
        }
    }
}

/// One keep-alive connection to the API server and its handler.
final class HTTPConnection: @unchecked Sendable {
    let channel: any Channel
    let handler: ExchangeHandler
    /// The credentials generation it was opened with (see ``ConnectionSettings/generation``).
    let generation: Int
    /// True once it carried a request: a failure before any answer on a reused connection means the
    /// server had closed it while idle, and the request goes again on a fresh one.
    var reused = false

    init(channel: any Channel, handler: ExchangeHandler, generation: Int) {
        self.channel = channel
        self.handler = handler
        self.generation = generation
    }

    /// Opens a connection to `endpoint` (TLS per `settings`); fails with the text of curl's errors for
    /// refused and unresolvable connections (`notSent`).
    static func connect(_ endpoint: Endpoint, settings: ConnectionSettings, on loop: any EventLoop)
        -> EventLoopFuture<HTTPConnection>
    {
        let handler = ExchangeHandler(endpoint: endpoint)
        let started = MonotonicClock.milliseconds()
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(.seconds(30))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                do {
                    let sync = channel.pipeline.syncOperations
                    if endpoint.tls {
                        guard let ssl = settings.sslContext else {
                            throw KubeError(message: "no TLS settings for an https server")
                        }
                        try sync.addHandler(NIOSSLClientHandler(context: ssl, serverHostname: settings.serverName))
                    }
                    try sync.addHTTPClientHandlers()
                    try sync.addHandler(handler)
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
        let connected: EventLoopFuture<any Channel>
        if let address = try? SocketAddress(ipAddress: endpoint.host, port: endpoint.port) {
            connected = bootstrap.connect(to: address)
        } else {
            connected = bootstrap.connect(host: endpoint.host, port: endpoint.port)
        }
        let generation = settings.generation
        return connected.map { channel in
            HTTPConnection(channel: channel, handler: handler, generation: generation)
        }.flatMapErrorThrowing { error in
            throw connectFailure(error, endpoint: endpoint, elapsed: MonotonicClock.milliseconds() - started)
        }
    }

    /// curl's wording for connection failures ("Failed to connect to H port P after N ms: Couldn't
    /// connect to server"), which commands printed before; refused and unresolvable connections never
    /// carried the request (`notSent`).
    static func connectFailure(_ error: any Error, endpoint: Endpoint, elapsed: Int) -> TransportFailure {
        let refused = "Failed to connect to \(endpoint.host) port \(endpoint.port) after \(elapsed) ms: Couldn't connect to server"
        switch error {
        case let e as NIOConnectionError where e.connectionErrors.isEmpty:
            return TransportFailure(error: KubeError(message: "Could not resolve host: \(endpoint.host)"), notSent: true)
        case ChannelError.connectTimeout:
            return TransportFailure(error: KubeError(message: "Connection timed out after \(elapsed) milliseconds"), notSent: false)
        case let e as KubeError:
            return TransportFailure(error: e, notSent: true)
        default:
            return TransportFailure(error: KubeError(message: refused), notSent: true)
        }
    }
}

/// Milliseconds of the monotonic clock (for elapsed times in messages).
enum MonotonicClock {
    static func milliseconds() -> Int {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int(ts.tv_sec) * 1000 + Int(ts.tv_nsec) / 1_000_000
    }
}
