import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// A scripted plain-HTTP server on 127.0.0.1 for KubeClient tests: answers each connection with the
/// next (status, body) pair and records the request lines. One request per connection.
final class FakeAPIServer: @unchecked Sendable {
    let port: Int
    private let fd: Int32
    private let lock = NSLock()
    private var responses: [(Int, String)]
    private(set) var requests: [String] = []
    private(set) var bodies: [String] = []
    private(set) var heads: [String] = []

    init(responses: [(Int, String)]) throws {
        self.responses = responses
        let listener = try LoopbackListener.open()
        fd = listener.fd
        port = listener.port
        let count = responses.count
        Thread.detachNewThread { [self] in
            for _ in 0..<count { serveOne() }
        }
    }

    deinit { close(fd) }

    private func serveOne() {
        let c = accept(fd, nil, nil)
        guard c >= 0 else { return }
        defer { close(c) }
        var data: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(c, &buf, buf.count)
            if n <= 0 { break }
            data += buf[0..<n]
            let text = String(decoding: data, as: UTF8.self)
            guard let headEnd = text.range(of: "\r\n\r\n") else { continue }
            let head = text[..<headEnd.lowerBound].lowercased()
            var length = 0
            for line in head.split(separator: "\r\n") where line.hasPrefix("content-length:") {
                length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
            }
            let bodyStart = text.utf8.distance(from: text.utf8.startIndex, to: headEnd.upperBound)
            if data.count - bodyStart >= length {
                lock.lock()
                requests.append(String(text[..<headEnd.lowerBound].split(separator: "\r\n").first ?? ""))
                bodies.append(String(decoding: data[bodyStart...], as: UTF8.self))
                heads.append(String(text[..<headEnd.lowerBound]))
                let (status, body) = responses.isEmpty ? (500, "") : responses.removeFirst()
                lock.unlock()
                let resp = "HTTP/1.1 \(status) X\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
                _ = resp.withCString { write(c, $0, strlen($0)) }
                return
            }
        }
    }

    var recorded: [String] { lock.lock(); defer { lock.unlock() }; return requests }
    var recordedBodies: [String] { lock.lock(); defer { lock.unlock() }; return bodies }
    /// Request lines and headers of each request.
    var recordedHeads: [String] { lock.lock(); defer { lock.unlock() }; return heads }
}
