import ClusterStore
import Foundation
import NIOHTTP1
import Testing
@testable import ClusterCore

/// A real API server on a 127.0.0.1 port with a kubelet on runc behind it (for exec over sockets).
struct ExecServerFixture {
    let server: APIServer
    let kubelet: KubeletFixture
    var port: Int { server.port }

    static func with(_ body: (ExecServerFixture) async throws -> Void) async throws {
        try await RuntimeFixture.with { runtime in
            let store = MemoryStore()
            let config = APIServerConfiguration(host: "127.0.0.1", port: 0, tls: nil, tokens: ["good-token": "tester"], allowAnonymous: true, store: store)
            let server = try await APIServer.bind(config)
            let serverTask = Task { try await server.run() }
            let kubelet = Kubelet(server: server, runtime: runtime.runtime,
                                  configuration: .init(syncInterval: .milliseconds(100), initialBackoff: 1))
            let task = Task { try await kubelet.run() }
            let fixture = ExecServerFixture(server: server, kubelet: KubeletFixture(
                api: TestAPI(handler: server.handler, store: store), runtime: runtime, kubelet: kubelet, task: task))
            try await runThenCleanUp({ try await body(fixture) }, cleanup: {
                task.cancel()
                _ = await task.result
                serverTask.cancel()
                _ = await serverTask.result
            })
        }
    }

    /// Starts a busybox pod that sleeps and waits until it runs.
    func runningPod(_ name: String, command: [String] = ["sleep", "3600"], stdin: Bool = false, restartPolicy: String = "Always") async -> Bool {
        // Bound in the pod itself: the API server's own scheduler runs here and would race a binding.
        var json = kubelet.podJSON(name, command: command, restartPolicy: restartPolicy).replacingOccurrences(of: #""spec":{"#, with: #""spec":{"nodeName":"\#(KubeletFixture.node)","#)
        if stdin { json = json.replacingOccurrences(of: #""command":"#, with: #""stdin":true,"stdinOnce":true,"command":"#) }
        let created = await kubelet.api.call(.POST, "/api/v1/namespaces/default/pods", json: json)
        #expect(created.code == 201, "\(created.text)")
        return await kubelet.podUntil(name, KubeletFixture.phase("Running"))
    }
}

/// Runs blocking work (sockets, processes) on a Dispatch thread, off the cooperative pool the
/// server under test needs.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { cont in
        DispatchQueue.global().async {
            do { cont.resume(returning: try body()) } catch { cont.resume(throwing: error) }
        }
    }
}

struct TestSocketError: Error, CustomStringConvertible {
    var description: String
}

/// A hand-written blocking WebSocket client, so tests control every bit of every frame.
final class RawWebSocketClient: @unchecked Sendable {
    struct Frame: Equatable {
        var fin: Bool
        var opcode: UInt8
        var payload: [UInt8]
        var channel: UInt8? { payload.first }
        var text: String { String(decoding: payload.dropFirst(), as: UTF8.self) }
        /// The close code of a close frame.
        var closeCode: Int? { opcode == 8 && payload.count >= 2 ? Int(payload[0]) << 8 | Int(payload[1]) : nil }
    }

    let fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestSocketError(description: "socket failed") }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            close(fd)
            throw TestSocketError(description: "connect failed")
        }
        var tv = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
    }

    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = recv(fd, &chunk, chunk.count, 0)
        guard n > 0 else { return false }
        buffer += chunk[0..<n]
        return true
    }

    private func take(_ count: Int) -> [UInt8]? {
        while buffer.count < count { if !fill() { return nil } }
        defer { buffer.removeFirst(count) }
        return Array(buffer[0..<count])
    }

    /// Sends the upgrade request; returns the status code, headers (lowercased names) and any body.
    func handshake(path: String, protocols: [String], token: String = "good-token", upgrade: Bool = true) throws -> (Int, [String: String]) {
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n"
        if upgrade {
            request += "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        }
        if !protocols.isEmpty { request += "Sec-WebSocket-Protocol: \(protocols.joined(separator: ", "))\r\n" }
        send(Array((request + "\r\n").utf8))
        while findHeaderEnd() == nil {
            guard fill() else { throw TestSocketError(description: "connection closed during handshake: \(String(decoding: buffer, as: UTF8.self))") }
        }
        let end = findHeaderEnd()!
        let head = String(decoding: buffer[0..<end], as: UTF8.self)
        buffer.removeFirst(end + 4)
        let lines = head.components(separatedBy: "\r\n")
        let code = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return (code, headers)
    }

    /// The response body after a non-101 handshake (Content-Length bytes).
    func body(_ headers: [String: String]) -> String {
        let length = Int(headers["content-length"] ?? "") ?? 0
        return String(decoding: take(length) ?? [], as: UTF8.self)
    }

    private func findHeaderEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for i in 0...(buffer.count - 4) where buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 {
            return i
        }
        return nil
    }

    /// One frame as a client sends it (masked unless told otherwise); `declaredLength` lies about the size.
    static func frame(opcode: UInt8, _ payload: [UInt8], fin: Bool = true, mask: Bool = true, rsv: UInt8 = 0,
                      declaredLength: UInt64? = nil) -> [UInt8]
    {
        var out: [UInt8] = [(fin ? 0x80 : 0) | (rsv << 4) | opcode]
        let length = declaredLength ?? UInt64(payload.count)
        let maskBit: UInt8 = mask ? 0x80 : 0
        if length < 126 {
            out.append(maskBit | UInt8(length))
        } else if length <= 0xFFFF {
            out.append(maskBit | 126)
            out += [UInt8(length >> 8), UInt8(length & 0xFF)]
        } else {
            out.append(maskBit | 127)
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8((length >> UInt64(shift)) & 0xFF)) }
        }
        if mask {
            let key: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]
            out += key
            out += payload.enumerated().map { $0.element ^ key[$0.offset % 4] }
        } else {
            out += payload
        }
        return out
    }

    func sendFrame(opcode: UInt8, _ payload: [UInt8], fin: Bool = true, mask: Bool = true, rsv: UInt8 = 0) {
        send(Self.frame(opcode: opcode, payload, fin: fin, mask: mask, rsv: rsv))
    }

    /// A channel message (binary, first byte the channel).
    func sendChannel(_ channel: UInt8, _ text: String) { sendFrame(opcode: 2, [channel] + Array(text.utf8)) }

    /// The next frame from the server (servers never mask); nil when the connection ended.
    func readFrame() -> Frame? {
        guard let head = take(2) else { return nil }
        var length = UInt64(head[1] & 0x7F)
        if length == 126 {
            guard let ext = take(2) else { return nil }
            length = UInt64(ext[0]) << 8 | UInt64(ext[1])
        } else if length == 127 {
            guard let ext = take(8) else { return nil }
            length = ext.reduce(0) { $0 << 8 | UInt64($1) }
        }
        guard length < 1 << 24, let payload = take(Int(length)) else { return nil }
        return Frame(fin: head[0] & 0x80 != 0, opcode: head[0] & 0x0F, payload: payload)
    }

    /// Frames until the server's close frame (included) or the end of the connection.
    func readUntilClose() -> [Frame] {
        var frames: [Frame] = []
        while let f = readFrame() {
            frames.append(f)
            if f.opcode == 8 { break }
        }
        return frames
    }

    /// Whether the server closed the TCP connection (EOF) within the receive timeout.
    func closedByServer() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &chunk, chunk.count, 0)
            if n == 0 { return true }
            if n < 0 { return false }
        }
    }
}

extension [RawWebSocketClient.Frame] {
    /// Everything received on `channel`, joined.
    func text(_ channel: UInt8) -> String {
        filter { $0.opcode == 2 && $0.channel == channel }.map(\.text).joined()
    }

    /// The Status on channel 3, decoded.
    var status: [String: Any]? {
        guard let f = first(where: { $0.opcode == 2 && $0.channel == 3 }) else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(f.payload.dropFirst())) as? [String: Any]
    }
}
