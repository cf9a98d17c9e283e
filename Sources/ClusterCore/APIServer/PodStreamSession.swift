import NIOCore
import NIOHTTP1
import NIOWebSocket
import StructuredData

/// Serves one `pods/exec` or `pods/attach` over an upgraded WebSocket with Kubernetes' channel
/// protocol (`v5.channel.k8s.io`, `v4.channel.k8s.io`): every message is binary, its first byte the
/// channel — 0 stdin, 1 stdout, 2 stderr, 3 the final `Status`, 4 terminal resize
/// (`{"Width":w,"Height":h}`), and in v5 255 "close this channel" (stdin's end).
struct PodStreamSession: Sendable {
    /// Sub-protocols spoken, in our order of preference.
    static let protocols = ["v5.channel.k8s.io", "v4.channel.k8s.io"]
    /// The largest message (after joining fragments) a client may send.
    static let maxMessageBytes = 1 << 20

    /// What to run, or why nothing runs (sent as the channel-3 Status right after the upgrade).
    let plan: Result<PodStreamPlan, PodStreamRefusal>
    let subprotocol: String

    /// The first sub-protocol the client offers that we speak (`Sec-WebSocket-Protocol`, in any
    /// number of headers, comma-separated).
    static func chooseProtocol(_ headers: HTTPHeaders) -> String? {
        let offered = headers[canonicalForm: "sec-websocket-protocol"].map { String($0).trimmingSpaces }
        return offered.first { protocols.contains($0) }
    }

    /// Whether a request asks to become a WebSocket (the upgrade headers, not their validity).
    static func isUpgrade(_ head: HTTPRequestHead) -> Bool {
        head.headers[canonicalForm: "upgrade"].contains { $0.lowercased() == "websocket" }
    }

    func run(_ ws: NIOAsyncChannel<WebSocketFrame, WebSocketFrame>) async {
        try? await ws.executeThenClose { inbound, outbound in
            let plan: PodStreamPlan
            switch self.plan {
            case .success(let p):
                plan = p
            case .failure(let refusal):
                try? await outbound.write(Self.message(3, refusal.status))
                try? await outbound.write(Self.closeFrame(.normalClosure))
                return
            }
            let process: any ExecProcess
            do {
                process = try await plan.start()
            } catch {
                try? await outbound.write(Self.message(3, Self.startFailure(error)))
                try? await outbound.write(Self.closeFrame(.normalClosure))
                return
            }
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await forwardOutput(process, plan, to: outbound) }
                group.addTask { await readInput(inbound, process: process, plan, outbound: outbound) }
                // Either the process ended (status sent) or the client went away: end both sides.
                _ = await group.next()
                process.terminate()
                group.cancelAll()
            }
        }
    }

    /// What Kubernetes' API server sends when the kubelet could not start the command.
    static func startFailure(_ error: any Error) -> [UInt8] {
        failureStatus("Internal error occurred: error executing command in container: \(error)")
    }

    private func forwardOutput(_ process: any ExecProcess, _ plan: PodStreamPlan, to outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>) async {
        // Input (stdin, resizes) is already taken meanwhile: a size sent first applies from the start.
        do {
            try await process.started()
        } catch {
            try? await outbound.write(Self.message(3, Self.startFailure(error)))
            try? await outbound.write(Self.closeFrame(.normalClosure))
            return
        }
        for await chunk in process.output {
            switch chunk {
            case .stdout(let bytes):
                if plan.stdout || plan.tty { try? await outbound.write(Self.message(1, bytes)) }
            case .stderr(let bytes):
                // A terminal has one output stream.
                if plan.tty { try? await outbound.write(Self.message(1, bytes)) }
                else if plan.stderr { try? await outbound.write(Self.message(2, bytes)) }
            }
        }
        let code = await process.wait()
        let status = code == 0 ? Self.successStatus : Self.exitStatus(code, command: plan.command)
        try? await outbound.write(Self.message(3, status))
        try? await outbound.write(Self.closeFrame(.normalClosure))
    }

    private func readInput(_ inbound: NIOAsyncChannelInboundStream<WebSocketFrame>, process: any ExecProcess, _ plan: PodStreamPlan,
                           outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>) async
    {
        var assembler = WebSocketMessageAssembler(maxMessageBytes: Self.maxMessageBytes)
        do {
            for try await frame in inbound {
                switch assembler.add(frame) {
                case .none:
                    continue
                case .message(let bytes):
                    deliver(bytes, to: process, plan)
                case .ping(let data):
                    try await outbound.write(WebSocketFrame(fin: true, opcode: .pong, data: ByteBuffer(bytes: data)))
                case .close(let code):
                    try? await outbound.write(Self.closeFrame(code))
                    return
                }
            }
        } catch {
            // The connection went away.
        }
    }

    /// Acts on one client message.
    func deliver(_ bytes: [UInt8], to process: any ExecProcess, _ plan: PodStreamPlan) {
        guard let channel = bytes.first else { return }
        let payload = Array(bytes.dropFirst())
        switch channel {
        case 0:
            if plan.stdin && !payload.isEmpty { process.write(payload) }
        case 4:
            guard let size = try? JSON.decode(String(decoding: payload, as: UTF8.self)),
                  let width = Self.dimension(size["Width"]), let height = Self.dimension(size["Height"])
            else { return }
            process.resize(width: width, height: height)
        case 255 where subprotocol == "v5.channel.k8s.io":
            if payload.first == 0 { process.closeStdin() }
        default:
            break
        }
    }

    static func dimension(_ v: Value?) -> UInt16? {
        switch v {
        case .int(let i)?: return UInt16(exactly: i)
        case .float(let d)?: return d >= 0 && d <= 65535 && d == d.rounded() ? UInt16(d) : nil
        default: return nil
        }
    }

    static func message(_ channel: UInt8, _ bytes: [UInt8]) -> WebSocketFrame {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(bytes.count + 1)
        buffer.writeInteger(channel)
        buffer.writeBytes(bytes)
        return WebSocketFrame(fin: true, opcode: .binary, data: buffer)
    }

    static func closeFrame(_ code: WebSocketErrorCode) -> WebSocketFrame {
        var buffer = ByteBuffer()
        buffer.write(webSocketErrorCode: code)
        return WebSocketFrame(fin: true, opcode: .connectionClose, data: buffer)
    }

    static let successStatus = Array(#"{"metadata":{},"status":"Success"}"#.utf8)

    /// The Status a non-zero exit gives: kubectl reads the code from `details.causes[ExitCode]`.
    static func exitStatus(_ code: Int32, command: [String]) -> [UInt8] {
        let status: Value = .map([
            "metadata": .map([:]), "status": "Failure",
            "message": .string("command terminated with non-zero exit code: error executing command [\(command.joined(separator: " "))], exit code \(code)"),
            "reason": "NonZeroExitCode",
            "details": .map(["causes": .list([.map(["reason": "ExitCode", "message": .string(String(code))])])]),
        ])
        return Array(JSON.encode(status, escapeHTML: false).utf8)
    }

    static func failureStatus(_ message: String) -> [UInt8] {
        let status: Value = .map(["metadata": .map([:]), "status": "Failure", "message": .string(message),
                                  "reason": "InternalError", "code": 500])
        return Array(JSON.encode(status, escapeHTML: false).utf8)
    }
}

/// Joins a client's frames into messages (RFC 6455 §5.4) and sorts out control frames; anything
/// a client must not send ends the connection with the close code RFC 6455 §7.4 names.
struct WebSocketMessageAssembler {
    enum Step: Equatable {
        case none
        case message([UInt8])
        case ping([UInt8])
        /// Close with this code (the client's own close, echoed, or our protocol complaint).
        case close(WebSocketErrorCode)
    }

    let maxMessageBytes: Int
    private var partial: [UInt8]?

    init(maxMessageBytes: Int) { self.maxMessageBytes = maxMessageBytes }

    mutating func add(_ frame: WebSocketFrame) -> Step {
        // Clients mask every frame; no extension was negotiated, so no reserved bit may be set.
        guard frame.maskKey != nil, !frame.rsv1, !frame.rsv2, !frame.rsv3 else { return .close(.protocolError) }
        var data = frame.unmaskedData
        let bytes = data.readBytes(length: data.readableBytes) ?? []
        switch frame.opcode {
        case .ping, .pong, .connectionClose:
            guard frame.fin, bytes.count <= 125 else { return .close(.protocolError) }
            if frame.opcode == .ping { return .ping(bytes) }
            if frame.opcode == .pong { return .none }
            if bytes.count >= 2 {
                return .close(WebSocketErrorCode(codeNumber: Int(bytes[0]) << 8 | Int(bytes[1])))
            }
            return .close(.normalClosure)
        case .text, .binary:
            guard partial == nil else { return .close(.protocolError) }
            guard bytes.count <= maxMessageBytes else { return .close(.messageTooLarge) }
            if frame.fin { return .message(bytes) }
            partial = bytes
            return .none
        case .continuation:
            guard var joined = partial else { return .close(.protocolError) }
            guard joined.count + bytes.count <= maxMessageBytes else { return .close(.messageTooLarge) }
            joined += bytes
            if frame.fin {
                partial = nil
                return .message(joined)
            }
            partial = joined
            return .none
        default:
            return .close(.protocolError)
        }
    }
}
