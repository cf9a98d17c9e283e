import ChartEngine
import Foundation
import RepoServer
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A temporary repository directory with helpers to add charts (packaged by ChartEngine, as
/// `helmctl package` does).
final class TempRepo: @unchecked Sendable {
    let root: String
    let dir: String

    init() throws {
        root = NSTemporaryDirectory() + "helmctl-serve-" + UUID().uuidString
        dir = root + "/repo"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// Packages a minimal chart into the repository (or a subdirectory); returns the relative path.
    @discardableResult
    func addChart(_ name: String, _ version: String, subdir: String? = nil, padding: Int = 0) throws -> String {
        let src = root + "/src-\(name)-\(version)"
        try FileManager.default.createDirectory(atPath: src + "/templates", withIntermediateDirectories: true)
        try "apiVersion: v2\nname: \(name)\nversion: \(version)\ndescription: test chart \(name)\n"
            .write(toFile: src + "/Chart.yaml", atomically: true, encoding: .utf8)
        try "replicas: 1\n".write(toFile: src + "/values.yaml", atomically: true, encoding: .utf8)
        try "kind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n"
            .write(toFile: src + "/templates/cm.yaml", atomically: true, encoding: .utf8)
        if padding > 0 {
            // Random bytes do not compress, so the archive grows by about `padding`.
            var g = SystemRandomNumberGenerator()
            var bytes = [UInt8](repeating: 0, count: (padding + 7) / 8 * 8)
            bytes.withUnsafeMutableBytes { raw in
                for i in stride(from: 0, to: raw.count, by: 8) { raw.storeBytes(of: g.next(), toByteOffset: i, as: UInt64.self) }
            }
            try Data(bytes.prefix(padding)).write(to: URL(fileURLWithPath: src + "/blob.bin"))
        }
        let destination = subdir.map { dir + "/" + $0 } ?? dir
        let path = try ChartPackager.package(directory: src, destination: destination)
        return String(path.dropFirst(dir.count + 1))
    }

    /// The bytes of a packaged chart, without putting it in the repository.
    func chartBytes(_ name: String, _ version: String) throws -> [UInt8] {
        let src = root + "/up-\(name)-\(version)"
        try FileManager.default.createDirectory(atPath: src, withIntermediateDirectories: true)
        try "apiVersion: v2\nname: \(name)\nversion: \(version)\n".write(toFile: src + "/Chart.yaml", atomically: true,
                                                                        encoding: .utf8)
        return try ChartPackager.archive(directory: src).bytes
    }

    func write(_ rel: String, _ text: String) throws {
        try text.write(toFile: dir + "/" + rel, atomically: true, encoding: .utf8)
    }

    func read(_ rel: String) -> [UInt8]? {
        FileManager.default.contents(atPath: dir + "/" + rel).map { Array($0) }
    }
}

/// Collects the server's log lines.
final class LogSink: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []
    var lines: [String] { lock.withLock { storage } }
    func append(_ s: String) { lock.withLock { storage.append(s) } }
}

/// An HTTP response as read off the socket.
struct RawResponse {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A deliberately dumb HTTP/1.1 client over a blocking socket: it sends exactly the bytes it is given
/// (no path normalisation, unlike URLSession), so hostile request targets reach the server as written.
final class RawClient {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var tv = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if r != 0 {
            close(fd)
            throw ClientError.connect(errno)
        }
    }

    deinit { close(fd) }

    enum ClientError: Error { case connect(Int32), closed, malformed }

    func send(_ bytes: [UInt8]) {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            off += n
        }
    }

    private var pending: [UInt8] = []

    private func fill() -> Bool {
        var buf = [UInt8](repeating: 0, count: 65536)
        let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { return false }
        pending.append(contentsOf: buf[0..<n])
        return true
    }

    /// True when the server closed the connection (reads EOF with nothing pending).
    func isClosedByPeer() -> Bool { pending.isEmpty && !fill() }

    /// Reads one response; `head` says it was a HEAD request (no body follows despite Content-Length).
    func readResponse(head: Bool = false) throws -> RawResponse {
        let sep: [UInt8] = [13, 10, 13, 10]
        var end: Int?
        while end == nil {
            end = pending.indices.dropLast(3).first { pending[$0..<$0 + 4].elementsEqual(sep) }
            if end == nil && !fill() { throw ClientError.closed }
        }
        guard let headerEnd = end else { throw ClientError.malformed }
        let headText = String(decoding: pending[0..<headerEnd], as: UTF8.self)
        pending.removeFirst(headerEnd + 4)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw ClientError.malformed }
        let headers = lines.compactMap { line -> (String, String)? in
            guard let c = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<c]), line[line.index(after: c)...].trimmingCharacters(in: .whitespaces))
        }
        var response = RawResponse(status: status, headers: headers, body: [])
        if head || status == 304 { return response }
        let length = Int(response.header("Content-Length") ?? "") ?? 0
        while pending.count < length {
            if !fill() { throw ClientError.closed }
        }
        response.body = Array(pending[0..<length])
        pending.removeFirst(length)
        return response
    }

    /// Sends one request and reads its response.
    func request(_ method: String = "GET", _ target: String, headers: [String: String] = [:], body: [UInt8] = [],
                 host: String? = "127.0.0.1") throws -> RawResponse
    {
        var text = "\(method) \(target) HTTP/1.1\r\n"
        if let host { text += "Host: \(host)\r\n" }
        for (k, v) in headers.sorted(by: { $0.key < $1.key }) { text += "\(k): \(v)\r\n" }
        if !body.isEmpty || method == "POST" { text += "Content-Length: \(body.count)\r\n" }
        text += "\r\n"
        send(Array(text.utf8) + body)
        return try readResponse(head: method == "HEAD")
    }
}

/// Starts a server on an ephemeral port for one test and shuts it down afterwards.
func withServer<T>(_ repo: TempRepo, configure: (inout RepoServerConfiguration) -> Void = { _ in },
                   _ body: (RepoHTTPServer, LogSink) async throws -> T) async throws -> T
{
    let sink = LogSink()
    var config = RepoServerConfiguration(repoDirectory: repo.dir, host: "127.0.0.1", port: 0,
                                         log: { sink.append($0) })
    configure(&config)
    let server = try await RepoHTTPServer.start(config)
    do {
        let result = try await body(server, sink)
        await server.shutdown()
        return result
    } catch {
        await server.shutdown()
        throw error
    }
}

/// One request on a fresh connection.
func fetch(_ server: RepoHTTPServer, _ method: String, _ target: String, headers: [String: String] = [:],
           body: [UInt8] = [], host: String? = "127.0.0.1") throws -> RawResponse
{
    try RawClient(port: server.port).request(method, target, headers: headers, body: body, host: host)
}

/// One GET on a fresh connection.
func fetch(_ server: RepoHTTPServer, _ target: String, headers: [String: String] = [:],
           host: String? = "127.0.0.1") throws -> RawResponse
{
    try fetch(server, "GET", target, headers: headers, host: host)
}

/// gunzip through the system's gzip, as an independent decoder.
func gunzip(_ bytes: [UInt8]) throws -> [UInt8] {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/gzip")
    p.arguments = ["-dc"]
    let input = Pipe(), output = Pipe()
    p.standardInput = input
    p.standardOutput = output
    try p.run()
    let writer = Thread { input.fileHandleForWriting.write(Data(bytes)); try? input.fileHandleForWriting.close() }
    writer.start()
    let out = output.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Array(out)
}
