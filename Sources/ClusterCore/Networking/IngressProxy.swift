import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// The Ingress controller's data path: an HTTP/1.1 reverse proxy. Each request is matched against
/// the ``IngressRouteTable`` (404 when nothing matches), its backend Service port resolved to ready
/// endpoints (503 when there are none), and forwarded to one of them (round robin; the next is
/// tried when a connection fails, 502 when all fail); the response is streamed back.
final class IngressProxy: Sendable {
    /// The routes and the endpoints they resolve to, swapped by the network reconciler.
    struct Routing: Sendable {
        var routes = IngressRouteTable()
        var services = ServiceTable()
    }

    let routing = NIOLockedValueBox(Routing())
    private let cursor = NIOLockedValueBox(0)
    private let listener: NIOLockedValueBox<(any Channel)?> = .init(nil)
    static let maxBodyBytes = 64 << 20

    /// Binds `host:port` and serves until ``stop()``; returns the port bound (useful with 0).
    func start(host: String, port: Int, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> Int {
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    // A client silent for five minutes (neither reading nor sending) is let go.
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(allTimeout: .minutes(5)))
                    try channel.pipeline.syncOperations.addHandler(CloseWhenIdle())
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: channel)
                }
            }
        listener.withLockedValue { $0 = server.channel }
        let bound = server.channel.localAddress?.port ?? port
        Task {
            try? await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask { await self.serve(connection) }
                    }
                }
            }
        }
        return bound
    }

    func stop() async {
        let channel = listener.withLockedValue { l in
            defer { l = nil }
            return l
        }
        try? await channel?.close()
    }

    private func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        let peer = connection.channel.remoteAddress?.ipAddress
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body = ByteBuffer()
            var tooLarge = false
            for try await part in inbound {
                switch part {
                case .head(let h):
                    head = h
                    body.clear()
                    tooLarge = false
                case .body(var chunk):
                    if body.readableBytes + chunk.readableBytes > Self.maxBodyBytes {
                        tooLarge = true
                        body.clear()
                    } else if !tooLarge {
                        body.writeBuffer(&chunk)
                    }
                case .end:
                    guard let request = head else { continue }
                    head = nil
                    if tooLarge {
                        try await Self.plain(.payloadTooLarge, "request body too large\n", for: request, to: outbound)
                    } else {
                        try await forward(request, body: body, peer: peer, to: outbound)
                    }
                    if !request.isKeepAlive { return }
                }
            }
        }
    }

    private func forward(_ request: HTTPRequestHead, body: ByteBuffer, peer: String?,
                         to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>) async throws
    {
        let host = request.headers.first(name: "host") ?? ""
        let routing = self.routing.withLockedValue { $0 }
        guard let ref = routing.routes.match(host: host, path: request.uri) else {
            try await Self.plain(.notFound, "no Ingress rule matches \(IngressRouteTable.normalizeHost(host))\(request.uri)\n", for: request, to: outbound)
            return
        }
        let backends = routing.services.endpoints(namespace: ref.namespace, service: ref.service, port: ref.port) ?? []
        guard !backends.isEmpty else {
            try await Self.plain(.serviceUnavailable, "no ready endpoint for service \(ref.namespace)/\(ref.service)\n", for: request, to: outbound)
            return
        }
        let start = cursor.withLockedValue { c in
            defer { c &+= 1 }
            return c
        }
        var upstreamHead = request
        upstreamHead.version = .http1_1
        upstreamHead.headers = Self.forwardHeaders(request.headers, peer: peer, bodyLength: body.readableBytes)
        for i in 0..<backends.count {
            let backend = backends[(start + i) % backends.count]
            let upstream: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
            do {
                upstream = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connectTimeout(.seconds(3))
                    .connect(host: backend.ip, port: backend.port) { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHTTPClientHandlers()
                            return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                        }
                    }
            } catch {
                continue
            }
            var started = false
            do {
                try await upstream.executeThenClose { responses, requests in
                    try await requests.write(.head(upstreamHead))
                    if body.readableBytes > 0 { try await requests.write(.body(.byteBuffer(body))) }
                    try await requests.write(.end(nil))
                    for try await part in responses {
                        switch part {
                        case .head(var h):
                            // 1xx interim responses are not passed on (Expect: 100-continue was answered by buffering).
                            if h.status.code < 200 { continue }
                            h.headers = Self.responseHeaders(h.headers)
                            if !request.isKeepAlive { h.headers.replaceOrAdd(name: "Connection", value: "close") }
                            h.version = request.version
                            started = true
                            try await outbound.write(.head(h))
                        case .body(let b):
                            try await outbound.write(.body(.byteBuffer(b)))
                        case .end:
                            try await outbound.write(.end(nil))
                            return
                        }
                    }
                }
                if started { return }
            } catch {
                // Part of a response went out: the client connection cannot be reused sensibly.
                if started { throw error }
            }
        }
        try await Self.plain(.badGateway, "cannot reach any endpoint of service \(ref.namespace)/\(ref.service)\n", for: request, to: outbound)
    }

    static let hopByHop: Set<String> = ["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
                                        "proxy-authenticate", "proxy-authorization"]

    /// The request headers for the backend: hop-by-hop ones (and those named by Connection) dropped,
    /// X-Forwarded-* added, the buffered body framed by Content-Length, one request per connection.
    static func forwardHeaders(_ headers: HTTPHeaders, peer: String?, bodyLength: Int) -> HTTPHeaders {
        let named = Set(headers["connection"].flatMap { $0.split(separator: ",") }.map { $0.trimmingSpaces.lowercased() })
        var out = HTTPHeaders()
        for (name, value) in headers {
            let lower = name.lowercased()
            if hopByHop.contains(lower) || named.contains(lower) || lower == "content-length" || lower == "expect" { continue }
            out.add(name: name, value: value)
        }
        if let peer {
            let prior = headers["x-forwarded-for"].joined(separator: ", ")
            out.replaceOrAdd(name: "X-Forwarded-For", value: prior.isEmpty ? peer : prior + ", " + peer)
            out.replaceOrAdd(name: "X-Real-IP", value: peer)
        }
        if let host = headers.first(name: "host") { out.replaceOrAdd(name: "X-Forwarded-Host", value: host) }
        out.replaceOrAdd(name: "X-Forwarded-Proto", value: "http")
        if bodyLength > 0 { out.add(name: "Content-Length", value: String(bodyLength)) }
        out.add(name: "Connection", value: "close")
        return out
    }

    static func responseHeaders(_ headers: HTTPHeaders) -> HTTPHeaders {
        let named = Set(headers["connection"].flatMap { $0.split(separator: ",") }.map { $0.trimmingSpaces.lowercased() })
        var out = HTTPHeaders()
        for (name, value) in headers where !hopByHop.contains(name.lowercased()) && !named.contains(name.lowercased()) {
            out.add(name: name, value: value)
        }
        return out
    }

    static func plain(_ status: HTTPResponseStatus, _ text: String, for request: HTTPRequestHead,
                      to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>) async throws
    {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: String(text.utf8.count))
        if !request.isKeepAlive { headers.add(name: "Connection", value: "close") }
        try await outbound.write(.head(HTTPResponseHead(version: request.version, status: status, headers: headers)))
        if request.method != .HEAD { try await outbound.write(.body(.byteBuffer(ByteBuffer(string: text)))) }
        try await outbound.write(.end(nil))
    }
}

/// Closes the connection when the `IdleStateHandler` before it reports idleness.
final class CloseWhenIdle: ChannelInboundHandler {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
