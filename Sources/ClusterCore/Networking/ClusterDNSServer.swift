import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The cluster DNS server: UDP and TCP (RFC 7766 length-prefixed) on one address and port,
/// answering from the record table the network reconciler swaps in (``ClusterDNSResolver``).
final class ClusterDNSServer: Sendable {
    let records = NIOLockedValueBox(DNSRecordTable())
    private let channels: NIOLockedValueBox<[any Channel]> = .init([])

    /// Binds UDP and TCP on `host:port`.
    func start(host: String, port: Int, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws {
        let records = self.records
        let udp = try await DatagramBootstrap(group: group)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(DNSDatagramHandler(records: records))
                }
            }
            .bind(host: host, port: port).get()
        channels.withLockedValue { $0.append(udp) }
        let tcp = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(allTimeout: .seconds(30)))
                    try channel.pipeline.syncOperations.addHandler(CloseWhenIdle())
                    try channel.pipeline.syncOperations.addHandler(DNSStreamHandler(records: records))
                }
            }
            .bind(host: host, port: port).get()
        channels.withLockedValue { $0.append(tcp) }
    }

    func stop() async {
        let all = channels.withLockedValue { c in
            defer { c = [] }
            return c
        }
        for c in all { try? await c.close() }
    }
}

final class DNSDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>
    let records: NIOLockedValueBox<DNSRecordTable>

    init(records: NIOLockedValueBox<DNSRecordTable>) { self.records = records }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var envelope = unwrapInboundIn(data)
        guard let bytes = envelope.data.readBytes(length: envelope.data.readableBytes) else { return }
        let table = records.withLockedValue { $0 }
        guard let reply = ClusterDNSResolver.respond(to: bytes, table: table, udp: true) else { return }
        context.writeAndFlush(wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: ByteBuffer(bytes: reply))), promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // An ICMP error from one client must not close the server socket.
    }
}

/// DNS over TCP: each message is preceded by its 16-bit length; several may follow on one connection.
final class DNSStreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let records: NIOLockedValueBox<DNSRecordTable>
    private var buffer = ByteBuffer()

    init(records: NIOLockedValueBox<DNSRecordTable>) { self.records = records }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        buffer.writeBuffer(&incoming)
        while let length = buffer.getInteger(at: buffer.readerIndex, as: UInt16.self), buffer.readableBytes >= 2 + Int(length) {
            buffer.moveReaderIndex(forwardBy: 2)
            guard let bytes = buffer.readBytes(length: Int(length)) else { break }
            let table = records.withLockedValue { $0 }
            if let reply = ClusterDNSResolver.respond(to: bytes, table: table, udp: false) {
                var out = context.channel.allocator.buffer(capacity: reply.count + 2)
                out.writeInteger(UInt16(reply.count))
                out.writeBytes(reply)
                context.write(wrapOutboundOut(out), promise: nil)
            }
        }
        buffer.discardReadBytes()
        context.flush()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}
