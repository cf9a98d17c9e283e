import Foundation
import Testing
import StructuredData
@testable import ChartEngine
@testable import KubeClient

#if canImport(Glibc)
    import Glibc
#endif

/// How requests share connections: small batches queue on one connection, bigger ones spread over
/// more; a read sent ahead is answered once and taken by the identical request that follows.
@Suite(.serialized) struct ConnectionReuseTests {
    @Test(arguments: [(0, 1), (1, 1), (4, 1), (5, 2), (8, 2), (9, 3), (32, 8), (51, 8)])
    func connectionsPerBatch(count: Int, connections: Int) {
        #expect(ConnectionPool.connections(forBatchOf: count) == connections)
    }

    @Test func aSmallBatchQueuesOnOneConnection() throws {
        let server = try KeepAliveServer()
        let c = try KubeClient(config: KubeConfig(server: "http://127.0.0.1:\(server.port)", namespace: "a"))
        let paths = (0..<4).map { "/api/v1/namespaces/a/configmaps/c\($0)" }
        let results = c.requestAll(paths.map { KubeRequest("GET", $0) })
        #expect(results.map { (try? $0.get())?["path"]?.stringValue } == paths)
        #expect(server.connections == 1)
        // The connection stays open for the next request.
        _ = try c.requestJSON("GET", "/version")
        #expect(server.connections == 1)
        #expect(server.recorded.count == 5)
    }

    @Test func aBiggerBatchSpreadsOverMoreConnections() throws {
        let server = try KeepAliveServer(answerAfterMilliseconds: 20)
        let c = try KubeClient(config: KubeConfig(server: "http://127.0.0.1:\(server.port)", namespace: "a"))
        let paths = (0..<12).map { "/api/v1/namespaces/a/configmaps/c\($0)" }
        let results = c.requestAll(paths.map { KubeRequest("GET", $0) })
        #expect(results.map { (try? $0.get())?["path"]?.stringValue } == paths)
        #expect(server.connections > 1 && server.connections <= 3)
    }

    @Test func aReadSentAheadIsTakenByTheSameRequestLater() throws {
        let server = try KeepAliveServer()
        let c = try KubeClient(config: KubeConfig(server: "http://127.0.0.1:\(server.port)", namespace: "a"))
        c.sendAhead(KubeRequest("GET", "/api/v1/namespaces/a/secrets", query: [("labelSelector", "name=web,owner=helm")]))
        let results = c.requestAll([
            KubeRequest("GET", "/api/v1/namespaces/a/secrets", query: [("labelSelector", "name=web,owner=helm")]),
            KubeRequest("GET", "/api/v1/namespaces/a/configmaps/x"),
        ])
        #expect(results.map { (try? $0.get())?["path"]?.stringValue } == [
            "/api/v1/namespaces/a/secrets?labelSelector=name%3Dweb%2Cowner%3Dhelm", "/api/v1/namespaces/a/configmaps/x",
        ])
        #expect(server.recorded == [
            "GET /api/v1/namespaces/a/secrets?labelSelector=name%3Dweb%2Cowner%3Dhelm",
            "GET /api/v1/namespaces/a/configmaps/x",
        ])
        #expect(server.connections == 1)
        // Taken once: asking again goes to the server.
        _ = try c.requestJSON("GET", "/api/v1/namespaces/a/secrets", query: [("labelSelector", "name=web,owner=helm")])
        #expect(server.recorded.count == 3)
    }

    @Test func otherReadsLeaveTheReadAheadWaitingButAWriteDropsIt() throws {
        let server = try KeepAliveServer()
        let c = try KubeClient(config: KubeConfig(server: "http://127.0.0.1:\(server.port)", namespace: "a"))
        c.sendAhead(KubeRequest("GET", "/h"))
        _ = try c.requestJSON("GET", "/other")
        _ = try c.requestJSON("GET", "/h")
        #expect(server.recorded == ["GET /h", "GET /other"])
        c.sendAhead(KubeRequest("GET", "/h"))
        _ = try c.requestJSON("POST", "/w", body: ["kind": "ConfigMap"])
        _ = try c.requestJSON("GET", "/h")
        #expect(server.recorded == ["GET /h", "GET /other", "GET /h", "POST /w", "GET /h"])
    }

    @Test func theReleaseHistoryIsReadAheadOnce() throws {
        let server = try KeepAliveServer()
        let c = try KubeClient(config: KubeConfig(server: "http://127.0.0.1:\(server.port)", namespace: "a"))
        let store = ReleaseStore(driver: KubeReleaseDriver(client: c, kind: .secret, namespace: "a"))
        store.readHistoryAhead("web")
        #expect(try store.history("web").isEmpty)
        #expect(server.recorded == ["GET /api/v1/namespaces/a/secrets?labelSelector=name%3Dweb%2Cowner%3Dhelm"])
    }

    @Test func aClientDroppedBeforeTheAnswerDoesNotWaitForIt() throws {
        // The server accepts the connection but never answers (a stalled cluster).
        let server = try KeepAliveServer(answers: false)
        var c: KubeClient? = try KubeClient(config: KubeConfig(server: "http://127.0.0.1:\(server.port)", namespace: "a"))
        c?.sendAhead(KubeRequest("GET", "/h"))
        let start = Date()
        c = nil
        #expect(Date().timeIntervalSince(start) < 10)
    }
}

/// A plain-HTTP server on 127.0.0.1 that keeps connections open (a thread each), answers every
/// request with `{"path": <request target>}` (after a simulated server latency, or never) and counts
/// the connections it accepted.
final class KeepAliveServer: @unchecked Sendable {
    let port: Int
    private let fd: Int32
    private let lock = NSLock()
    private let delay: Int
    private let answers: Bool
    private var accepted = 0
    private var requests: [String] = []

    init(answerAfterMilliseconds delay: Int = 0, answers: Bool = true) throws {
        self.delay = delay
        self.answers = answers
        let listener = try LoopbackListener.open(backlog: 64)
        fd = listener.fd
        port = listener.port
        Thread.detachNewThread { [self] in
            while true {
                let c = accept(fd, nil, nil)
                if c < 0 { return }
                lock.lock()
                accepted += 1
                lock.unlock()
                Thread.detachNewThread { [self] in serve(c) }
            }
        }
    }

    deinit {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }

    var connections: Int { lock.lock(); defer { lock.unlock() }; return accepted }
    /// `METHOD target` of every request, in arrival order.
    var recorded: [String] { lock.lock(); defer { lock.unlock() }; return requests }

    private func serve(_ c: Int32) {
        defer { close(c) }
        var data: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            // Answer every complete request buffered so far.
            while let end = Self.headEnd(data) {
                let head = String(decoding: data[..<end], as: UTF8.self)
                var length = 0
                for line in head.lowercased().split(separator: "\r\n") where line.hasPrefix("content-length:") {
                    length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
                }
                guard data.count >= end + 4 + length else { break }
                data.removeFirst(end + 4 + length)
                let parts = (head.split(separator: "\r\n").first ?? "").split(separator: " ")
                guard parts.count >= 2 else { return }
                lock.lock()
                requests.append("\(parts[0]) \(parts[1])")
                lock.unlock()
                // A stalled server reads on until the client hangs up.
                if !answers { continue }
                // The server's processing time, so a batch finds its first connection busy.
                if delay > 0 { usleep(useconds_t(delay * 1000)) }
                let body = JSON.encode(["path": .string(String(parts[1]))])
                let resp = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
                let ok = resp.withCString { send(c, $0, strlen($0), Int32(MSG_NOSIGNAL)) } > 0
                if !ok { return }
            }
            let n = read(c, &buf, buf.count)
            if n <= 0 { return }
            data += buf[0..<n]
        }
    }

    private static func headEnd(_ d: [UInt8]) -> Int? {
        guard d.count >= 4 else { return nil }
        for i in 0...(d.count - 4) where d[i] == 13 && d[i + 1] == 10 && d[i + 2] == 13 && d[i + 3] == 10 { return i }
        return nil
    }
}
