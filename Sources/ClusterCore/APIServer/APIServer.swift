public import NIOCore
import NIOHTTP1
public import NIOPosix
import NIOSSL
import NIOWebSocket
public import ServiceLifecycle

/// The bundled cluster's Kubernetes API server: HTTP/1.1 (TLS in production) speaking the REST
/// protocol real kubectl and Helm use (see ../shared/reference/kubernetes-api.md).
///
/// ``bind(_:group:)`` opens the store-backed handler and the listening socket (so a caller knows the
/// server is reachable once it returns); ``run()`` serves until cancelled or gracefully shut down.
public final class APIServer: Service, Sendable {
    /// The port actually bound (useful with port 0).
    public let port: Int
    let handler: APIHandler
    private let listener: NIOAsyncChannel<EventLoopFuture<Connection>, Never>
    private let config: APIServerConfiguration

    private init(port: Int, handler: APIHandler,
                 listener: NIOAsyncChannel<EventLoopFuture<Connection>, Never>,
                 config: APIServerConfiguration)
    {
        self.port = port
        self.handler = handler
        self.listener = listener
        self.config = config
    }

    /// Prepares the handler (default namespaces, CRDs from the store) and binds the socket.
    public static func bind(_ config: APIServerConfiguration,
                            group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> APIServer
    {
        let handler = try await APIHandler.start(config: config)
        var sslContext: NIOSSLContext?
        if let tls = config.tls {
            let chain = try NIOSSLCertificate.fromPEMBytes(Array(tls.certificateChainPEM.utf8)).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(bytes: Array(tls.privateKeyPEM.utf8), format: .pem)
            var tlsConfig = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
            tlsConfig.certificateVerification = .optionalVerification
            tlsConfig.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(tls.clientCAPEM.utf8)))
            // client-go offers h2 and http/1.1; we speak HTTP/1.1 only.
            tlsConfig.applicationProtocols = ["http/1.1"]
            sslContext = try NIOSSLContext(configuration: tlsConfig)
        }
        let ssl = sslContext
        let listener = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: config.host, port: config.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let ssl {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: ssl))
                    }
                    // HTTP, or a WebSocket for pods/exec and pods/attach (APIServer+Upgrade.swift).
                    return try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(
                        configuration: upgradableConfiguration(handler: handler, config: config))
                }
            }
        let port = listener.channel.localAddress?.port ?? config.port
        return APIServer(port: port, handler: handler, listener: listener, config: config)
    }

    /// Serves connections until the task is cancelled or the service group shuts down gracefully.
    public func run() async throws {
        let listenerChannel = listener.channel
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await self.handler.runBackground() }
                try await listener.executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask {
                            switch try? await connection.get() {
                            case .http(let http, let refused)?: await self.serve(http, refused: refused)
                            case .podStream(let ws, let session)?: await session.run(ws)
                            case nil: break
                            }
                        }
                    }
                }
                // The listener closed (graceful shutdown): end open connections and watches too.
                group.cancelAll()
            }
        } onGracefulShutdown: {
            listenerChannel.close(promise: nil)
        }
    }

    private func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>,
                       refused: HTTPRequestHead? = nil) async
    {
        let channel = connection.channel
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead? = refused
                var body: [UInt8] = []
                var tooLarge = false
                // The client certificate is the connection's: read (from the event loop) once, not per request.
                var certificateUser: Identity?
                for try await part in inbound {
                    switch part {
                    case .head(let h):
                        head = h
                        body = []
                        tooLarge = false
                    case .body(var buf):
                        if body.count + buf.readableBytes > config.maxBodyBytes {
                            tooLarge = true
                            body = []
                        } else if !tooLarge, let bytes = buf.readBytes(length: buf.readableBytes) {
                            body.append(contentsOf: bytes)
                        }
                    case .end:
                        guard let h = head else { continue }
                        head = nil
                        let identity = await authenticate(h.headers, channel: channel, certificateUser: &certificateUser)
                        let response: APIResponse
                        if tooLarge {
                            response = StatusError.requestEntityTooLarge(limit: config.maxBodyBytes).response
                        } else {
                            response = await handler.handle(head: h, body: body, identity: identity) {
                                channel.close(promise: nil)
                            }
                        }
                        let keepAlive = try await write(response, for: h, to: outbound, channel: channel)
                        if !keepAlive { return }
                    }
                }
            }
        } catch {
            // A peer that vanished mid-request is normal; nothing to report to anyone.
        }
    }

    /// Writes one response; false when the connection must close afterwards.
    private func write(_ response: APIResponse, for request: HTTPRequestHead,
                       to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>, channel: any Channel) async throws -> Bool
    {
        var headers = HTTPHeaders()
        headers.add(name: "Cache-Control", value: "no-cache, private")
        switch response {
        case .full(let status, let type, let body, let extra):
            headers.add(name: "Content-Type", value: type)
            headers.add(name: "Content-Length", value: String(body.count))
            for (n, v) in extra { headers.add(name: n, value: v) }
            if !request.isKeepAlive { headers.add(name: "Connection", value: "close") }
            // One write (one hop to the event loop, one flush) for the whole response.
            var parts: [HTTPServerResponsePart] = [.head(HTTPResponseHead(version: request.version, status: status, headers: headers))]
            if request.method != .HEAD && !body.isEmpty { parts.append(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
            parts.append(.end(nil))
            try await outbound.write(contentsOf: parts)
            config.log("\(request.method) \(request.uri) \(status.code)")
            return request.isKeepAlive
        case .stream(let type, let chunks):
            headers.add(name: "Content-Type", value: type)
            headers.add(name: "Transfer-Encoding", value: "chunked")
            try await outbound.write(.head(HTTPResponseHead(version: request.version, status: .ok, headers: headers)))
            config.log("\(request.method) \(request.uri) 200 (stream)")
            // The stream ends when its producer finishes or the client goes away (which cancels the
            // writer, and that ends the producer through the stream's termination handler).
            let writer = Task {
                for await chunk in chunks {
                    try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: chunk))))
                }
                try await outbound.write(.end(nil))
            }
            channel.closeFuture.whenComplete { _ in writer.cancel() }
            try await withTaskCancellationHandler {
                try await writer.value
            } onCancel: {
                writer.cancel()
            }
            return channel.isActive && request.isKeepAlive
        }
    }

    private func authenticate(_ headers: HTTPHeaders, channel: any Channel, certificateUser: inout Identity?) async -> Identity {
        let byCertificate = !headers.contains(name: "authorization")
        if byCertificate, let known = certificateUser { return known }
        let identity = await Self.authenticate(headers, channel: channel, config: config)
        if byCertificate { certificateUser = identity }
        return identity
    }

    /// A bearer token (valid or not decides), else a client certificate verified during the handshake.
    static func authenticate(_ headers: HTTPHeaders, channel: any Channel, config: APIServerConfiguration) async -> Identity {
        if let auth = headers.first(name: "authorization") {
            let parts = auth.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                return config.tokens[parts[1].trimmingSpaces].map(Identity.user) ?? .invalidCredentials
            }
            return .invalidCredentials
        }
        if config.tls != nil, let cert = try? await channel.nioSSL_peerCertificate().get() {
            // NIOSSL verified the chain against the client CA during the handshake.
            let der = (try? cert.toDERBytes()) ?? []
            return .user(CertificateNames.commonName(der: der) ?? "system:unknown-cert")
        }
        return config.allowAnonymous ? .user("system:anonymous") : .anonymous
    }
}

/// Who sent a request.
enum Identity: Sendable, Equatable {
    case user(String)
    case anonymous
    /// An Authorization header that matched no token: 401 everywhere but the health endpoints.
    case invalidCredentials
}
