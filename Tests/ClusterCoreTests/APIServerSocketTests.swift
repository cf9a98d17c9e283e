import Foundation
import Testing
import ClusterStore
import StructuredData
@testable import ClusterCore

/// The server over real sockets: TLS with client certificates and bearer tokens, the body limit,
/// and a slow watcher cut off without stalling others.
@Suite(.serialized) struct APIServerSocketTests {
    func withServer(tls: Bool, watchBuffer: Int = 10_000, _ body: (APIServer, ClusterPKI?) async throws -> Void) async throws {
        let pki = tls ? try ClusterPKI.generate() : nil
        var config = APIServerConfiguration(
            host: "127.0.0.1", port: 0,
            tls: pki.map { .init(certificateChainPEM: $0.serverCertificate, privateKeyPEM: $0.serverKey, clientCAPEM: $0.caCertificate) },
            tokens: ["good-token": "tester"], store: MemoryStore())
        config.watchBuffer = watchBuffer
        let server = try await APIServer.bind(config)
        let task = Task { try await server.run() }
        defer { task.cancel() }
        try await body(server, pki)
    }

    /// Runs curl off the cooperative pool (the server under test needs those threads); returns (HTTP code, body).
    func curl(_ args: [String], raw: Bool = false) async throws -> (Int, String) {
        try await withCheckedThrowingContinuation { cont in
            DispatchQueue.global().async {
                do { cont.resume(returning: try blockingCurl(args, raw: raw)) } catch { cont.resume(throwing: error) }
            }
        }
    }

    func blockingCurl(_ args: [String], raw: Bool = false) throws -> (Int, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        p.arguments = raw ? ["-s"] + args : ["-s", "-o", "/dev/stdout", "-w", "\n%{http_code}"] + args
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    @Test func tlsClientCertificatesAndTokens() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("helmctl-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await withServer(tls: true) { server, pki in
            guard let pki else { return }
            for (name, text) in [("ca.crt", pki.caCertificate), ("admin.crt", pki.adminCertificate), ("admin.key", pki.adminKey)] {
                try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
            }
            let url = "https://127.0.0.1:\(server.port)"
            let ns = url + "/api/v1/namespaces"
            #expect(try await curl(["--cacert", dir + "/ca.crt", "--cert", dir + "/admin.crt", "--key", dir + "/admin.key", ns]).0 == 200)
            #expect(try await curl(["--cacert", dir + "/ca.crt", "-H", "Authorization: Bearer good-token", ns]).0 == 200)
            #expect(try await curl(["--cacert", dir + "/ca.crt", ns]).0 == 401)
            #expect(try await curl(["--cacert", dir + "/ca.crt", "-H", "Authorization: Bearer bad-token", ns]).0 == 401)
            #expect(try await curl(["--cacert", dir + "/ca.crt", url + "/readyz"]).0 == 200)
            // One connection (the client certificate is read once for it): a token, when sent, still decides.
            let cert = ["--cacert", dir + "/ca.crt", "--cert", dir + "/admin.crt", "--key", dir + "/admin.key", "-o", "/dev/null",
                        "-w", "%{http_code} %{num_connects}\\n"]
            let sequence = try await curl(cert + ["-H", "Authorization: Bearer bad-token", ns, "--next"] + cert + [ns, "--next"]
                + cert + ["-H", "Authorization: Bearer bad-token", ns, "--next"] + cert + ["-H", "Authorization: Bearer good-token", ns,
                                                                                      "--next"] + cert + [ns], raw: true)
            #expect(sequence.1.split(separator: "\n") == ["401 1", "200 0", "401 0", "200 0", "200 0"])
            // The serving certificate is valid for 127.0.0.1 (curl verifies it against the CA).
            let version = try await curl(["--cacert", dir + "/ca.crt", url + "/version"])
            #expect(version.1.contains(#""minor": "32""#))
        }
    }

    @Test func bodiesOverThreeMebibytesAreRefused() async throws {
        try await withServer(tls: false) { server, _ in
            let big = FileManager.default.temporaryDirectory.appendingPathComponent("big-\(UUID().uuidString).json").path
            defer { try? FileManager.default.removeItem(atPath: big) }
            let payload = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big"},"data":{"x":""# + String(repeating: "a", count: 4 << 20) + #""}}"#
            try payload.write(toFile: big, atomically: true, encoding: .utf8)
            let url = "http://127.0.0.1:\(server.port)/api/v1/namespaces/default/configmaps"
            let r = try await curl(["-H", "Authorization: Bearer good-token", "-H", "Content-Type: application/json", "--data-binary", "@" + big, url])
            #expect(r.0 == 413)
            #expect(r.1.contains("RequestEntityTooLarge"))
            #expect(try await curl(["-H", "Authorization: Bearer good-token", url]).0 == 200)
        }
    }

    /// Opens a watch on a plain socket and counts ADDED events until `until` (or 30 s of silence).
    static func countAdded(port: Int, until: Int) -> Int {
        let fd = connectTo(port: port)
        defer { close(fd) }
        let request = "GET /api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer good-token\r\n\r\n"
        _ = request.withCString { send(fd, $0, strlen($0), 0) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let marker = Array(#""type":"ADDED""#.utf8)
        var pending: [UInt8] = []
        var count = 0
        var buf = [UInt8](repeating: 0, count: 65536)
        while count < until {
            let n = recv(fd, &buf, buf.count, 0)
            if n <= 0 { break }
            pending += buf[0..<n]
            // Count markers in complete data, keep a tail shorter than the marker.
            var i = 0
            while i + marker.count <= pending.count {
                if pending[i] == marker[0] && Array(pending[i..<(i + marker.count)]) == marker { count += 1; i += marker.count } else { i += 1 }
            }
            pending = Array(pending.suffix(marker.count - 1))
        }
        return count
    }

    static func connectTo(port: Int) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        return fd
    }

    @Test func slowWatcherIsCutOffOthersContinue() async throws {
        try await withServer(tls: false, watchBuffer: 20) { server, _ in
            // A watcher that never reads, with a tiny receive buffer.
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var small: Int32 = 4096
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(server.port).bigEndian)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            #expect(connected == 0)
            let request = "GET /api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer good-token\r\n\r\n"
            _ = request.withCString { send(fd, $0, strlen($0), 0) }
            let base = "http://127.0.0.1:\(server.port)/api/v1/namespaces/default/configmaps"
            // A healthy watcher that reads everything, until it has seen the 120 objects.
            let port = server.port
            let healthy = Task {
                await withCheckedContinuation { cont in
                    DispatchQueue.global().async { cont.resume(returning: Self.countAdded(port: port, until: 120)) }
                }
            }
            let filler = String(repeating: "z", count: 64 << 10)
            for i in 0..<120 {
                _ = try await curl(["-H", "Authorization: Bearer good-token", "-H", "Content-Type: application/json",
                              "-d", #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c\#(i)"},"data":{"f":"\#(filler)"}}"#, base])
            }
            // The slow connection was closed by the server: draining it ends with EOF.
            var buf = [UInt8](repeating: 0, count: 65536)
            var total = 0
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            while true {
                let n = recv(fd, &buf, buf.count, 0)
                if n <= 0 {
                    #expect(n == 0, "the slow watcher's connection should be closed, not time out")
                    break
                }
                total += n
            }
            #expect(total < 120 * (64 << 10), "the slow watcher must not have received every event")
            #expect(await healthy.value == 120)
        }
    }
}
