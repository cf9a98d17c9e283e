import Foundation
import Testing
import StructuredData
@testable import KubeClient

#if canImport(Glibc)
    import Glibc
#endif

/// The SwiftNIO transport against servers that answer badly: every broken answer is a clear
/// `Kubernetes cluster unreachable` error, never a crash or a hang.
@Suite(.serialized) struct HTTPTransportTests {
    func client(_ port: Int) throws -> KubeClient {
        let c = try KubeClient(config: KubeConfig(server: "http://127.0.0.1:\(port)", namespace: "a"))
        c.retryAttempts = 1
        return c
    }

    static let hostile: [(String, [UInt8], String)] = [
        ("garbage status line", Array("FOO BAR BAZ\r\n\r\n".utf8), "invalid HTTP response"),
        ("truncated chunked body",
         Array("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n20\r\n{\"kind\":".utf8),
         "connection closed before the response was complete"),
        ("closed mid-body", Array("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"kind\":\"Co".utf8),
         "connection closed before the response was complete"),
        ("oversized headers",
         Array(("HTTP/1.1 200 OK\r\nX-Big: " + String(repeating: "a", count: 200_000) + "\r\nContent-Length: 2\r\n\r\n{}").utf8),
         "invalid HTTP response"),
        ("bad chunk size", Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n".utf8),
         "invalid HTTP response"),
        ("closed before answering", [], "connection closed by the server"),
    ]

    @Test(arguments: hostile)
    func aBrokenAnswerIsAClearError(name: String, answer: [UInt8], expected: String) throws {
        let server = try RawHTTPServer(answers: [answer])
        let c = try client(server.port)
        do {
            _ = try c.requestJSON("GET", "/version")
            Issue.record("\(name): no error")
        } catch {
            #expect(error.message.hasPrefix("Kubernetes cluster unreachable: GET \"http://127.0.0.1:\(server.port)/version\": "), "\(name)")
            #expect(error.message.contains(expected), "\(name): \(error.message)")
        }
    }

    @Test func aRefusedConnectionNamesHostAndPort() throws {
        let c = try client(1)
        do {
            _ = try c.requestJSON("GET", "/version")
            Issue.record("no error")
        } catch {
            #expect(error.message.hasPrefix("Kubernetes cluster unreachable: GET \"http://127.0.0.1:1/version\": Failed to connect to 127.0.0.1 port 1 after "))
            #expect(error.message.hasSuffix(" ms: Couldn't connect to server"))
        }
    }

    @Test func aKeptAliveConnectionTheServerClosedIsReplacedTransparently() throws {
        let ok = Array("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"kind\":1}\n".utf8)
        // Each connection answers once and then closes without saying so.
        let server = try RawHTTPServer(answers: [ok, ok])
        let c = try client(server.port)
        #expect(try c.requestJSON("GET", "/a")["kind"] == .int(1))
        server.waitForClosedConnections(1)
        #expect(try c.requestJSON("POST", "/b", body: ["x": 1])["kind"] == .int(1))
        #expect(server.recorded == ["GET /a", "POST /b"])
    }

    @Test func bytesPastAnAnswerRetireTheConnection() throws {
        let junk = Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n{\"x\":\"b\"}".utf8)
        let good = Array("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n{\"x\":\"g\"}".utf8)
        let server = try RawHTTPServer(answers: [junk, good], keepOpen: true)
        let c = try client(server.port)
        #expect(try c.requestJSON("GET", "/a") == .map([:]))
        // The stale second answer on the first connection is never taken for this request's.
        #expect(try c.requestJSON("GET", "/b")["x"] == "g")
        #expect(server.recorded == ["GET /a", "GET /b"])
    }

    @Test func headersBodyAndBearerTokenGoOnTheWire() throws {
        let ok = Array("HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}".utf8)
        let server = try RawHTTPServer(answers: [ok])
        let c = try KubeClient(config: KubeConfig(server: "http://127.0.0.1:\(server.port)", namespace: "a", token: "s3cret"))
        _ = try c.requestJSON("PATCH", "/api/v1/x", query: [("fieldManager", "helmctl")], body: ["k": "v"],
                              contentType: "application/apply-patch+yaml")
        let head = try #require(server.heads.first).lowercased()
        #expect(head.hasPrefix("patch /api/v1/x?fieldmanager=helmctl http/1.1\r\n"))
        #expect(head.contains("\r\nhost: 127.0.0.1:\(server.port)"))
        #expect(head.contains("\r\nauthorization: bearer s3cret"))
        #expect(head.contains("\r\ncontent-type: application/apply-patch+yaml"))
        #expect(head.contains("\r\ncontent-length: 9"))
        #expect(server.bodies == [#"{"k":"v"}"#])
    }

    @Test(arguments: [
        ("https://10.0.0.1:6443", true, "10.0.0.1", 6443, "/"),
        ("http://[::1]:8080/api?x=1", false, "::1", 8080, "/api?x=1"),
        ("https://example.com/prefix/api", true, "example.com", 443, "/prefix/api"),
        ("http://h?q", false, "h", 80, "/?q"),
    ])
    func urlsSplitIntoEndpointAndTarget(url: String, tls: Bool, host: String, port: Int, target: String) throws {
        let (e, t) = try #require(Endpoint.parse(url))
        #expect(e == Endpoint(tls: tls, host: host, port: port))
        #expect(t == target)
    }

    @Test(arguments: ["ftp://x", "https://", "http://h:99999/", "http://h:x/", "http://[::1/"])
    func badURLsAreRejected(url: String) {
        #expect(Endpoint.parse(url) == nil)
    }

    @Test func aBadServerURLIsAnErrorNotACrash() throws {
        let c = try KubeClient(config: KubeConfig(server: "http://127.0.0.1:99999"))
        c.retryAttempts = 1
        #expect(throws: KubeError.self) { try c.requestJSON("GET", "/version") }
    }
}

/// A plain-HTTP server on 127.0.0.1 that answers the n-th connection's first request with the n-th
/// scripted bytes, as they are (malformed on purpose), then closes it.
final class RawHTTPServer: @unchecked Sendable {
    let port: Int
    private let fd: Int32
    private let lock = NSCondition()
    private var answers: [[UInt8]]
    private var requests: [String] = []
    private var headsSeen: [String] = []
    private var bodiesSeen: [String] = []
    private var closed = 0

    /// True: a connection stays open for further requests (each answered with the next script).
    private let keepOpen: Bool

    init(answers: [[UInt8]], keepOpen: Bool = false) throws {
        self.answers = answers
        self.keepOpen = keepOpen
        let listener = try LoopbackListener.open()
        fd = listener.fd
        port = listener.port
        let count = answers.count
        Thread.detachNewThread { [self] in
            for _ in 0..<count { serveOne() }
        }
    }

    deinit {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }

    var recorded: [String] { lock.lock(); defer { lock.unlock() }; return requests }
    var heads: [String] { lock.lock(); defer { lock.unlock() }; return headsSeen }
    var bodies: [String] { lock.lock(); defer { lock.unlock() }; return bodiesSeen }

    /// Blocks until `n` connections were answered and closed.
    func waitForClosedConnections(_ n: Int) {
        lock.lock()
        while closed < n { lock.wait() }
        lock.unlock()
    }

    private func serveOne() {
        let c = accept(fd, nil, nil)
        guard c >= 0 else { return }
        var data: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(c, &buf, buf.count)
            if n <= 0 { break }
            data += buf[0..<n]
            guard let end = (0..<max(0, data.count - 3)).first(where: { data[$0] == 13 && data[$0 + 1] == 10 && data[$0 + 2] == 13 && data[$0 + 3] == 10 }) else { continue }
            let head = String(decoding: data[..<end], as: UTF8.self)
            var length = 0
            for line in head.lowercased().split(separator: "\r\n") where line.hasPrefix("content-length:") {
                length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
            }
            guard data.count >= end + 4 + length else { continue }
            let parts = (head.split(separator: "\r\n").first ?? "").split(separator: " ")
            lock.lock()
            requests.append(parts.prefix(2).joined(separator: " "))
            headsSeen.append(head)
            bodiesSeen.append(String(decoding: data[(end + 4)..<(end + 4 + length)], as: UTF8.self))
            let answer = answers.isEmpty ? [] : answers.removeFirst()
            lock.unlock()
            var sent = 0
            while sent < answer.count {
                let w = answer[sent...].withUnsafeBytes { write(c, $0.baseAddress, $0.count) }
                if w <= 0 { break }
                sent += w
            }
            if !keepOpen { break }
            data.removeFirst(end + 4 + length)
        }
        close(c)
        lock.lock()
        closed += 1
        lock.broadcast()
        lock.unlock()
    }
}
