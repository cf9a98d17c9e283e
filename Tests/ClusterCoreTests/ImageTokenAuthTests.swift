import Foundation
import NIOConcurrencyHelpers
import Testing
@testable import ClusterCore

/// A tiny registry front on 127.0.0.1 for what Debian's docker-registry cannot do without a token
/// server: the anonymous bearer-token flow (401 + `WWW-Authenticate: Bearer realm,service,scope`,
/// token from the realm, retry) and a manifest whose `Docker-Content-Digest` does not match it.
final class TokenRegistry: @unchecked Sendable {
    let listener: Int32
    let port: Int
    let token = "test-token-123"
    let routes: [String: (type: String, body: [UInt8], digestHeader: String?)]
    let seen = NIOLockedValueBox<[String]>([])
    private var thread: Thread?

    init(routes: [String: (type: String, body: [UInt8], digestHeader: String?)]) throws {
        self.routes = routes
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let fd = listener
        let ok = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard ok, listen(fd, 16) == 0 else { throw RuntimeError("cannot listen") }
        port = Int(UInt16(bigEndian: addr.sin_port))
        let t = Thread { [self] in self.serve() }
        thread = t
        t.start()
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func serve() {
        while true {
            let c = accept(listener, nil, nil)
            if c < 0 { return }
            handle(c)
            close(c)
        }
    }

    private func handle(_ c: Int32) {
        var request: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while !(request.count >= 4 && Array(request.suffix(4)) == Array("\r\n\r\n".utf8)) && request.count < 65536 {
            let n = read(c, &buf, buf.count)
            if n <= 0 { return }
            request += buf[0..<n]
        }
        let text = String(decoding: request, as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        let target = lines.first?.split(separator: " ").dropFirst().first.map(String.init) ?? ""
        let authorization = lines.first { $0.lowercased().hasPrefix("authorization:") }.map { String($0.dropFirst(14)).trimmingCharacters(in: .whitespaces) }
        seen.withLockedValue { $0.append(target) }
        var status = "404 Not Found"
        var headers: [String] = []
        var body: [UInt8] = []
        if target.hasPrefix("/token?") {
            status = "200 OK"
            body = Array(#"{"token":"\#(token)"}"#.utf8)
        } else if authorization != "Bearer " + token {
            status = "401 Unauthorized"
            headers.append(#"WWW-Authenticate: Bearer realm="http://127.0.0.1:\#(port)/token",service="fake-registry",scope="repository:test/app:pull""#)
            body = Array(#"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}"#.utf8)
        } else if let route = routes[target] {
            status = "200 OK"
            headers.append("Content-Type: " + route.type)
            if let d = route.digestHeader { headers.append("Docker-Content-Digest: " + d) }
            body = route.body
        }
        let head = "HTTP/1.1 \(status)\r\n" + (headers + ["Content-Length: \(body.count)", "Connection: close"]).joined(separator: "\r\n") + "\r\n\r\n"
        var out = Array(head.utf8) + body
        while !out.isEmpty {
            let n = write(c, out, out.count)
            if n <= 0 { return }
            out.removeFirst(n)
        }
    }
}

@Suite("image pulls with bearer tokens")
struct ImageTokenAuthTests {
    @Test("anonymous token flow: 401 challenge, token from the realm with service and scope, retry; a lying Docker-Content-Digest is refused")
    func tokenFlow() async throws {
        let image = try ImageRegistryTests.appImage("token")
        var routes: [String: (type: String, body: [UInt8], digestHeader: String?)] = [
            "/v2/test/app/manifests/1": (image.manifestType, image.manifest, image.digest),
            "/v2/test/app/manifests/lying": (image.manifestType, image.manifest, "sha256:" + String(repeating: "0", count: 64)),
        ]
        for blob in image.layers + [image.config] { routes["/v2/test/app/blobs/" + sha256(blob)] = ("application/octet-stream", blob, nil) }
        let registry = try TokenRegistry(routes: routes)
        defer { registry.stop() }
        try await withImageStore { store, _ in
            let pulled = try store.pull("127.0.0.1:\(registry.port)/test/app:1")
            #expect(pulled.digest == image.digest)
            let tokenRequests = registry.seen.withLockedValue { $0 }.filter { $0.hasPrefix("/token?") }
            #expect(tokenRequests == ["/token?service=fake-registry&scope=repository%3Atest%2Fapp%3Apull"])
            #expect {
                try store.pull("127.0.0.1:\(registry.port)/test/app:lying")
            } throws: { ($0 as? RuntimeError)?.description.contains("manifest digest mismatch") == true }
            #expect {
                try store.pull("127.0.0.1:\(registry.port)/test/missing:1")
            } throws: { ($0 as? RuntimeError)?.description.contains("not found") == true }
        }
    }
}
