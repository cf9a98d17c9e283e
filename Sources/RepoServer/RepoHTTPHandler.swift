import NIOCore
import NIOHTTP1
import NIOPosix

/// Sent down a connection's pipeline when the server shuts down: close now if idle, else after the
/// response in flight.
struct DrainConnection: Sendable {}

/// One connection's HTTP/1.1 handler. NIO's server pipeline delivers requests one at a time (it holds
/// pipelined requests back until the previous response ended), so the handler keeps one request's state.
final class RepoHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let core: ServerCore
    private var head: HTTPRequestHead?
    private var uploadBody: [UInt8]?
    private var uploadTooLarge = false
    private var busy = false
    private var draining = false

    init(core: ServerCore) { self.core = core }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            busy = true
            uploadBody = nil
            uploadTooLarge = false
            if h.method == .POST {
                let declared = h.headers.first(name: "content-length").flatMap { Int($0) } ?? 0
                if declared > core.config.maxUploadBytes { uploadTooLarge = true } else { uploadBody = [] }
            }
        case .body(var buf):
            guard uploadBody != nil, !uploadTooLarge else { return }
            if (uploadBody?.count ?? 0) + buf.readableBytes > core.config.maxUploadBytes {
                uploadTooLarge = true
                uploadBody = nil
            } else if let bytes = buf.readBytes(length: buf.readableBytes) {
                uploadBody?.append(contentsOf: bytes)
            }
        case .end:
            guard let h = head else { return }
            head = nil
            handle(context: context, request: h)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is DrainConnection {
            draining = true
            if !busy { context.close(promise: nil) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    // MARK: Routing

    private func handle(context: ChannelHandlerContext, request: HTTPRequestHead) {
        var log = AccessLogLine(request: request, remote: context.channel.remoteAddress)
        let path: String
        switch RequestPath(target: request.uri) {
        case .bad(let why):
            return send(context, request, &log, .badRequest, body: "400 bad request: \(why)\n")
        case .hidden:
            return send(context, request, &log, .notFound, body: "404 page not found\n")
        case .clean(let p):
            path = p
        }
        let isUpload = path == "api/charts"
        if path == "health" {
            return send(context, request, &log, .ok, body: #"{"healthy":true}"#, type: "application/json")
        }
        switch core.authorize(request.headers, write: isUpload || !(request.method == .GET || request.method == .HEAD)) {
        case .allowed(let user):
            log.user = user
        case .denied:
            var headers = HTTPHeaders()
            headers.add(name: "WWW-Authenticate", value: core.challenge)
            return send(context, request, &log, .unauthorized, headers: headers, body: "401 unauthorized\n")
        }
        if isUpload {
            guard core.config.enableUpload else { return send(context, request, &log, .notFound, body: "404 page not found\n") }
            guard request.method == .POST else { return methodNotAllowed(context, request, &log, allow: "POST") }
            return upload(context, request, &log)
        }
        guard request.method == .GET || request.method == .HEAD else {
            return methodNotAllowed(context, request, &log, allow: "GET, HEAD")
        }
        let snapshot = core.state.snapshot
        if path == "index.yaml" {
            let rendered = snapshot.renderedIndex(base: core.indexBase(request.headers))
            return sendEntity(context, request, &log, etag: rendered.etag, modified: snapshot.indexModified,
                              modifiedText: rendered.lastModified, type: "application/x-yaml", body: rendered.body,
                              gzipped: rendered.gzipped)
        }
        guard let file = snapshot.files[path] else {
            return send(context, request, &log, .notFound, body: "404 page not found\n")
        }
        serveFile(context, request, &log, file)
    }

    private func methodNotAllowed(_ context: ChannelHandlerContext, _ request: HTTPRequestHead,
                                  _ log: inout AccessLogLine, allow: String)
    {
        var headers = HTTPHeaders()
        headers.add(name: "Allow", value: allow)
        send(context, request, &log, .methodNotAllowed, headers: headers, body: "405 method not allowed\n")
    }

    // MARK: Files

    /// ChartMuseum's content types: archives `application/x-tar`, provenance `application/pgp-signature`.
    private static func contentType(_ kind: ScannedFile.Kind) -> String {
        kind == .archive ? "application/x-tar" : "application/pgp-signature"
    }

    private func serveFile(_ context: ChannelHandlerContext, _ request: HTTPRequestHead, _ log: inout AccessLogLine,
                           _ file: ScannedFile)
    {
        let type = Self.contentType(file.kind)
        if let hit = core.cache.lookup(path: file.absolutePath, etag: file.etag) {
            return sendEntity(context, request, &log, etag: hit.etag, modified: hit.mtimeSeconds,
                              modifiedText: hit.lastModified, type: type, body: hit.body, gzipped: hit.gzipped)
        }
        let cache = core.cache
        let compress = file.kind == .provenance
        let opened = core.threadPool.runIfActive(eventLoop: context.eventLoop) { () throws -> (OpenFile, FileCache.Entry?) in
            let f = try OpenFile(path: file.absolutePath)
            guard f.size <= cache.maxFileBytes else { return (f, nil) }
            let body = try f.read(offset: 0, count: f.size)
            let gz = compress ? Gzip.compress(Array(body.readableBytesView)).map { ByteBuffer(bytes: $0) } : nil
            let entry = FileCache.Entry(body: body, gzipped: gz, etag: f.etag, mtimeSeconds: f.mtimeSeconds,
                                        lastModified: HTTPDate.format(f.mtimeSeconds))
            cache.insert(path: file.absolutePath, entry: entry)
            return (f, entry)
        }
        let boundLog = log
        opened.assumeIsolated().whenComplete { result in
            var log = boundLog
            switch result {
            case .success((_, let entry?)):
                self.sendEntity(context, request, &log, etag: entry.etag, modified: entry.mtimeSeconds,
                                modifiedText: entry.lastModified, type: type, body: entry.body, gzipped: entry.gzipped)
            case .success((let f, nil)):
                self.stream(context, request, &log, f, type: type)
            case .failure:
                // Removed or replaced between the scan and the request.
                self.send(context, request, &log, .notFound, body: "404 page not found\n")
            }
        }
    }

    /// Sends a large file in chunks read on the thread pool, one chunk in flight at a time, so neither
    /// the event loop nor memory is held by the file's size.
    private func stream(_ context: ChannelHandlerContext, _ request: HTTPRequestHead, _ log: inout AccessLogLine,
                        _ file: OpenFile, type: String)
    {
        var headers = entityHeaders(etag: file.etag, modifiedText: HTTPDate.format(file.mtimeSeconds), type: type,
                                    gzip: false)
        if isNotModified(request.headers, etag: file.etag, modified: file.mtimeSeconds) {
            return finish(context, request, &log, .notModified, headers: headers, body: nil, length: 0)
        }
        headers.add(name: "Content-Length", value: String(file.size))
        writeHead(context, request, .ok, headers)
        if request.method == .HEAD {
            return writeEnd(context, request, &log, status: .ok, bytes: 0)
        }
        let chunk = 256 << 10
        let pool = core.threadPool
        let boundLog = log
        func next(_ offset: Int) {
            if offset >= file.size {
                var log = boundLog
                return writeEnd(context, request, &log, status: .ok, bytes: offset)
            }
            pool.runIfActive(eventLoop: context.eventLoop) { try file.read(offset: offset, count: min(chunk, file.size - offset)) }
                .assumeIsolated().whenComplete { result in
                    guard case .success(let buf) = result, buf.readableBytes > 0 else {
                        // The file shrank or failed mid-way: the promised length cannot be met.
                        context.close(promise: nil)
                        return
                    }
                    context.writeAndFlush(self.wrapOutboundOut(.body(.byteBuffer(buf)))).assumeIsolated().whenComplete {
                        if case .success = $0 { next(offset + buf.readableBytes) } else { context.close(promise: nil) }
                    }
                }
        }
        next(0)
    }

    // MARK: Upload

    private func upload(_ context: ChannelHandlerContext, _ request: HTTPRequestHead, _ log: inout AccessLogLine) {
        guard !uploadTooLarge, let body = uploadBody else {
            return send(context, request, &log, .payloadTooLarge,
                        body: #"{"error":"upload larger than \#(core.config.maxUploadBytes) bytes"}"#, type: "application/json")
        }
        uploadBody = nil
        let state = core.state
        let overwrite = core.config.allowOverwrite
        let contentType = request.headers.first(name: "content-type") ?? ""
        let boundLog = log
        core.threadPool.runIfActive(eventLoop: context.eventLoop) {
            ChartUpload.handle(body: body, contentType: contentType, state: state, allowOverwrite: overwrite)
        }.assumeIsolated().whenComplete { result in
            var log = boundLog
            let outcome = (try? result.get()) ?? ChartUpload.Outcome(status: 503, json: #"{"error":"server shutting down"}"#)
            self.send(context, request, &log, HTTPResponseStatus(statusCode: outcome.status), body: outcome.json,
                      type: "application/json")
        }
    }

    // MARK: Responses

    private func entityHeaders(etag: String, modifiedText: String, type: String, gzip: Bool) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.reserveCapacity(10)
        headers.add(name: "Content-Type", value: type)
        headers.add(name: "ETag", value: etag)
        headers.add(name: "Last-Modified", value: modifiedText)
        headers.add(name: "Accept-Ranges", value: "none")
        if gzip { headers.add(name: "Content-Encoding", value: "gzip") }
        return headers
    }

    /// A body held in memory, with validators and optional gzip variant.
    private func sendEntity(_ context: ChannelHandlerContext, _ request: HTTPRequestHead, _ log: inout AccessLogLine,
                            etag: String, modified: Int, modifiedText: String, type: String, body: ByteBuffer,
                            gzipped: ByteBuffer?)
    {
        let useGzip = gzipped != nil && Conditional.acceptsGzip(request.headers)
        let tag = useGzip ? Conditional.gzipTag(etag) : etag
        var headers = entityHeaders(etag: tag, modifiedText: modifiedText, type: type, gzip: useGzip)
        if gzipped != nil { headers.add(name: "Vary", value: "Accept-Encoding") }
        if isNotModified(request.headers, etag: etag, modified: modified) {
            headers.remove(name: "Content-Encoding")
            return finish(context, request, &log, .notModified, headers: headers, body: nil, length: 0)
        }
        let payload = useGzip ? (gzipped ?? body) : body
        finish(context, request, &log, .ok, headers: headers, body: payload, length: payload.readableBytes)
    }

    private func isNotModified(_ headers: HTTPHeaders, etag: String, modified: Int) -> Bool {
        Conditional.notModified(headers, etag: etag, modified: modified)
    }

    private func send(_ context: ChannelHandlerContext, _ request: HTTPRequestHead, _ log: inout AccessLogLine,
                      _ status: HTTPResponseStatus, headers: HTTPHeaders = HTTPHeaders(), body: String,
                      type: String = "text/plain; charset=utf-8")
    {
        var headers = headers
        headers.add(name: "Content-Type", value: type)
        let buf = context.channel.allocator.buffer(string: body)
        finish(context, request, &log, status, headers: headers, body: buf, length: buf.readableBytes)
    }

    /// Writes a complete response: head (with `Content-Length` unless 304), body unless HEAD, end.
    private func finish(_ context: ChannelHandlerContext, _ request: HTTPRequestHead, _ log: inout AccessLogLine,
                        _ status: HTTPResponseStatus, headers: HTTPHeaders, body: ByteBuffer?, length: Int)
    {
        var headers = headers
        if status != .notModified { headers.add(name: "Content-Length", value: String(length)) }
        writeHead(context, request, status, headers)
        var sent = 0
        if request.method != .HEAD, let body, status != .notModified {
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            sent = body.readableBytes
        }
        writeEnd(context, request, &log, status: status, bytes: sent)
    }

    private func writeHead(_ context: ChannelHandlerContext, _ request: HTTPRequestHead, _ status: HTTPResponseStatus,
                           _ headers: HTTPHeaders)
    {
        var headers = headers
        headers.add(name: "Date", value: core.dateHeader())
        headers.add(name: "Server", value: "helmctl")
        let keepAlive = request.isKeepAlive && !draining
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))),
                      promise: nil)
    }

    private func writeEnd(_ context: ChannelHandlerContext, _ request: HTTPRequestHead, _ log: inout AccessLogLine,
                          status: HTTPResponseStatus, bytes: Int)
    {
        let keepAlive = request.isKeepAlive && !draining
        busy = false
        log.status = Int(status.code)
        log.bytes = bytes
        core.config.log(log.text(time: core.logTime()))
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive || draining {
            done.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }
}
