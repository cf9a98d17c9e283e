import Foundation
import NIOCore
import NIOHTTP1
import NIOWebSocket
import Testing
@testable import ClusterCore

/// RFC 6455 messages as the exec server assembles them, without a network.
@Suite("exec: WebSocket message assembly")
struct ExecWebSocketAssemblyTests {
    static let key = WebSocketMaskingKey([1, 2, 3, 4])

    static func frame(_ opcode: WebSocketOpcode, _ bytes: [UInt8], fin: Bool = true, masked: Bool = true, rsv1: Bool = false) -> WebSocketFrame {
        var data = ByteBuffer(bytes: bytes)
        // Frames arrive masked; the decoder keeps the mask key and the masked bytes.
        if masked, let key { data.webSocketMask(key) }
        return WebSocketFrame(fin: fin, rsv1: rsv1, opcode: opcode, maskKey: masked ? key : nil, data: data)
    }

    @Test("masked data frames unmask; fragments join across continuation frames, with control frames between")
    func fragmentation() {
        var a = WebSocketMessageAssembler(maxMessageBytes: 100)
        #expect(a.add(Self.frame(.binary, [0, 104, 105])) == .message([0, 104, 105]))
        #expect(a.add(Self.frame(.binary, [0, 1], fin: false)) == .none)
        #expect(a.add(Self.frame(.ping, [9, 9])) == .ping([9, 9]))
        #expect(a.add(Self.frame(.continuation, [2], fin: false)) == .none)
        #expect(a.add(Self.frame(.pong, [])) == .none)
        #expect(a.add(Self.frame(.continuation, [3, 4])) == .message([0, 1, 2, 3, 4]))
        #expect(a.add(Self.frame(.text, Array("x".utf8))) == .message([120]))
    }

    @Test("close frames echo the client's code (1000 without one)")
    func close() {
        var a = WebSocketMessageAssembler(maxMessageBytes: 100)
        #expect(a.add(Self.frame(.connectionClose, [0x03, 0xE9])) == .close(.goingAway))
        #expect(a.add(Self.frame(.connectionClose, [])) == .close(.normalClosure))
    }

    @Test("what a client must not send closes with RFC 6455's code", arguments: [
        ("unmasked", [Self.frame(.binary, [0, 1], masked: false)], WebSocketErrorCode.protocolError),
        ("reserved bit", [Self.frame(.binary, [0, 1], rsv1: true)], .protocolError),
        ("reserved opcode", [Self.frame(WebSocketOpcode(encodedWebSocketOpcode: 3)!, [1])], .protocolError),
        ("continuation first", [Self.frame(.continuation, [1])], .protocolError),
        ("new message mid-fragment", [Self.frame(.binary, [1], fin: false), Self.frame(.binary, [2])], .protocolError),
        ("fragmented ping", [Self.frame(.ping, [1], fin: false)], .protocolError),
        ("long ping", [Self.frame(.ping, [UInt8](repeating: 1, count: 126))], .protocolError),
        ("message too large", [Self.frame(.binary, [UInt8](repeating: 1, count: 101))], .messageTooLarge),
        ("fragments too large", [Self.frame(.binary, [UInt8](repeating: 1, count: 60), fin: false),
                                 Self.frame(.continuation, [UInt8](repeating: 1, count: 60))], .messageTooLarge),
    ])
    func hostile(name: String, frames: [WebSocketFrame], code: WebSocketErrorCode) {
        var a = WebSocketMessageAssembler(maxMessageBytes: 100)
        var last = WebSocketMessageAssembler.Step.none
        for f in frames { last = a.add(f) }
        #expect(last == .close(code), "\(name)")
    }

    @Test("sub-protocol choice: v5 or v4 in the client's order, across headers; nothing else")
    func subprotocols() {
        func choose(_ values: [String]) -> String? {
            var h = HTTPHeaders()
            for v in values { h.add(name: "Sec-WebSocket-Protocol", value: v) }
            return PodStreamSession.chooseProtocol(h)
        }
        #expect(choose(["v5.channel.k8s.io"]) == "v5.channel.k8s.io")
        #expect(choose(["v4.channel.k8s.io, v5.channel.k8s.io"]) == "v4.channel.k8s.io")
        #expect(choose(["base64.channel.k8s.io", "v4.channel.k8s.io"]) == "v4.channel.k8s.io")
        #expect(choose(["channel.k8s.io"]) == nil)
        #expect(choose([]) == nil)
    }

    @Test("the Status on channel 3: Success, or NonZeroExitCode with the code as an ExitCode cause")
    func status() throws {
        #expect(String(decoding: PodStreamSession.successStatus, as: UTF8.self) == #"{"metadata":{},"status":"Success"}"#)
        let failure = try JSONSerialization.jsonObject(with: Data(PodStreamSession.exitStatus(3, command: ["sh", "-c", "exit 3"]))) as? [String: Any]
        #expect(failure?["status"] as? String == "Failure")
        #expect(failure?["reason"] as? String == "NonZeroExitCode")
        let causes = (failure?["details"] as? [String: Any])?["causes"] as? [[String: Any]]
        #expect(causes?.first?["reason"] as? String == "ExitCode")
        #expect(causes?.first?["message"] as? String == "3")
    }
}
