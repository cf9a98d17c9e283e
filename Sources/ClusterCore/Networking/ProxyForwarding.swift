import NIOCore
import NIOPosix

/// Joins two channels on one event loop byte for byte: reads on one are written to the other,
/// reading pauses while the other is not writable (back-pressure), a half-close is passed on as a
/// half-close, and either side closing closes both.
final class GlueHandler: ChannelDuplexHandler {
    typealias InboundIn = NIOAny
    typealias OutboundIn = NIOAny
    typealias OutboundOut = NIOAny

    private var partner: GlueHandler?
    private var context: ChannelHandlerContext?
    private var pendingRead = false

    private init() {}

    static func matchedPair() -> (GlueHandler, GlueHandler) {
        let a = GlueHandler(), b = GlueHandler()
        a.partner = b
        b.partner = a
        return (a, b)
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        partner = nil
    }

    private func partnerWrite(_ data: NIOAny) { context?.write(data, promise: nil) }
    private func partnerFlush() { context?.flush() }
    private func partnerWriteEOF() { context?.close(mode: .output, promise: nil) }
    private func partnerCloseFull() { context?.close(promise: nil) }
    private var partnerWritable: Bool { context?.channel.isWritable ?? false }

    private func partnerBecameWritable() {
        if pendingRead {
            pendingRead = false
            context?.read()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) { partner?.partnerWrite(data) }
    func channelReadComplete(context: ChannelHandlerContext) { partner?.partnerFlush() }
    func channelInactive(context: ChannelHandlerContext) { partner?.partnerCloseFull() }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let e = event as? ChannelEvent, case .inputClosed = e {
            partner?.partnerWriteEOF()
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { partner?.partnerCloseFull() }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { partner?.partnerBecameWritable() }
    }

    func read(context: ChannelHandlerContext) {
        if let partner, partner.partnerWritable {
            context.read()
        } else {
            pendingRead = true
        }
    }
}

@available(*, unavailable)
extension GlueHandler: Sendable {}

/// Proxy connections: TCP listeners that splice each accepted connection to a backend, and UDP
/// listeners that keep one upstream socket per client.
enum ProxyForwarding {
    struct NoBackend: Error, CustomStringConvertible {
        var description: String { "no ready endpoint" }
    }

    /// Connects to the first reachable backend of `candidates`, in order.
    static func connect(_ candidates: ArraySlice<ServiceBackend>, on loop: any EventLoop) -> EventLoopFuture<(any Channel, ServiceBackend)> {
        guard let backend = candidates.first else { return loop.makeFailedFuture(NoBackend()) }
        return ClientBootstrap(group: loop)
            .connectTimeout(.seconds(3))
            .channelOption(.allowRemoteHalfClosure, value: true)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: backend.ip, port: backend.port)
            .map { ($0, backend) }
            .flatMapError { _ in connect(candidates.dropFirst(), on: loop) }
    }

    /// Listens on `key` (TCP) and splices every connection to a backend from `pool`.
    static func bindTCP(_ key: ProxyListenerKey, pool: BackendPool, group: any EventLoopGroup) async throws -> any Channel {
        try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { inbound in
                let client = inbound.remoteAddress?.ipAddress
                let candidates = pool.candidates(client: client)
                return connect(candidates[...], on: inbound.eventLoop).flatMapThrowing { outbound, backend in
                    pool.chose(backend, for: client)
                    let (a, b) = GlueHandler.matchedPair()
                    do {
                        try inbound.pipeline.syncOperations.addHandler(a)
                        try outbound.pipeline.syncOperations.addHandler(b)
                    } catch {
                        outbound.close(promise: nil)
                        throw error
                    }
                }
            }
            .bind(host: key.ip, port: key.port).get()
    }

    /// Listens on `key` (UDP) and relays datagrams to backends from `pool`.
    static func bindUDP(_ key: ProxyListenerKey, pool: BackendPool, group: any EventLoopGroup) async throws -> any Channel {
        try await DatagramBootstrap(group: group)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(UDPProxyHandler(pool: pool))
                }
            }
            .bind(host: key.ip, port: key.port).get()
    }
}

/// The UDP side of a listener: one upstream socket per client address (so replies find their way
/// back), created on the first datagram and closed after a minute without traffic.
final class UDPProxyHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    final class Session {
        let backend: SocketAddress
        var channel: (any Channel)?
        var pending: [ByteBuffer] = []
        var lastUsed = NIODeadline.now()
        init(backend: SocketAddress) { self.backend = backend }
    }

    static let idle = TimeAmount.seconds(60)
    static let maxSessions = 1024
    private let pool: BackendPool
    private var sessions: [SocketAddress: Session] = [:]
    private var sweeper: RepeatedTask?

    init(pool: BackendPool) { self.pool = pool }

    func handlerAdded(context: ChannelHandlerContext) {
        let me = NIOLoopBound(self, eventLoop: context.eventLoop)
        sweeper = context.eventLoop.scheduleRepeatedTask(initialDelay: .seconds(15), delay: .seconds(15)) { _ in
            me.value.sweep(before: .now() - Self.idle)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        sweeper?.cancel()
        sweep(before: .distantFuture)
    }

    private func sweep(before deadline: NIODeadline) {
        for (client, s) in sessions where s.lastUsed < deadline {
            s.channel?.close(promise: nil)
            sessions[client] = nil
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let client = envelope.remoteAddress
        if let s = sessions[client] {
            s.lastUsed = .now()
            if let ch = s.channel {
                ch.writeAndFlush(AddressedEnvelope(remoteAddress: s.backend, data: envelope.data), promise: nil)
            } else if s.pending.count < 64 {
                s.pending.append(envelope.data)
            }
            return
        }
        // Each session holds a socket: a flood of (possibly spoofed) sources must not exhaust them.
        guard sessions.count < Self.maxSessions else { return }
        let candidates = pool.candidates(client: client.ipAddress)
        guard let backend = candidates.first, let address = try? SocketAddress(ipAddress: backend.ip, port: backend.port) else { return }
        pool.chose(backend, for: client.ipAddress)
        let session = Session(backend: address)
        session.pending = [envelope.data]
        sessions[client] = session
        let server = context.channel
        let bound = NIOLoopBound(session, eventLoop: context.eventLoop)
        let me = NIOLoopBound(self, eventLoop: context.eventLoop)
        DatagramBootstrap(group: context.eventLoop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(UDPReplyHandler(server: server, client: client))
                }
            }
            .bind(host: "0.0.0.0", port: 0)
            .hop(to: context.eventLoop)
            .whenComplete { result in
                let session = bound.value
                switch result {
                case .success(let channel):
                    // The listener went away (or swept the session) while the socket was being made.
                    guard me.value.sessions[client] === session else {
                        channel.close(promise: nil)
                        return
                    }
                    session.channel = channel
                    for data in session.pending {
                        channel.write(AddressedEnvelope(remoteAddress: session.backend, data: data), promise: nil)
                    }
                    session.pending = []
                    channel.flush()
                case .failure:
                    me.value.sessions[client] = nil
                }
            }
    }
}

@available(*, unavailable)
extension UDPProxyHandler: Sendable {}

/// Sends a backend's datagrams back to the client through the listener's socket (so they come
/// from the Service address the client talked to).
final class UDPReplyHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let server: any Channel
    let client: SocketAddress

    init(server: any Channel, client: SocketAddress) {
        self.server = server
        self.client = client
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        server.writeAndFlush(AddressedEnvelope(remoteAddress: client, data: envelope.data), promise: nil)
    }
}
