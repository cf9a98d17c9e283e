import Foundation
import Testing
@testable import KubeClient

#if canImport(Glibc)
    import Glibc
#endif

/// TLS through NIOSSL against `openssl s_server`: the kubeconfig's CA is checked (a server signed by
/// another CA is refused with a clear error), and insecure-skip-tls-verify skips the check.
@Suite(.serialized) struct TLSTransportTests {
    static let haveOpenSSL = FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")

    @Test(.enabled(if: haveOpenSSL)) func theRightCAIsTrusted() throws {
        let tls = try TLSServer()
        defer { tls.stop() }
        let c = try KubeClient(config: KubeConfig(server: "https://127.0.0.1:\(tls.port)", certificateAuthority: tls.certificate))
        c.retryAttempts = 1
        let page = try c.request("GET", "/")
        #expect(String(decoding: page, as: UTF8.self).contains("s_server"))
    }

    @Test(.enabled(if: haveOpenSSL)) func aServerOfAnotherCAIsRefused() throws {
        let tls = try TLSServer()
        defer { tls.stop() }
        let other = try TLSServer.makeCertificate(in: tls.dir, name: "other")
        let c = try KubeClient(config: KubeConfig(server: "https://127.0.0.1:\(tls.port)", certificateAuthority: other))
        c.retryAttempts = 1
        do {
            _ = try c.request("GET", "/")
            Issue.record("no error")
        } catch {
            #expect(error.message.hasPrefix("Kubernetes cluster unreachable: GET \"https://127.0.0.1:\(tls.port)/\": SSL certificate problem: unable to get local issuer certificate"), "\(error.message)")
        }
    }

    @Test(.enabled(if: haveOpenSSL)) func insecureSkipsTheCheck() throws {
        let tls = try TLSServer()
        defer { tls.stop() }
        let other = try TLSServer.makeCertificate(in: tls.dir, name: "other")
        let c = try KubeClient(config: KubeConfig(server: "https://127.0.0.1:\(tls.port)", certificateAuthority: other,
                                                  insecureSkipTLSVerify: true))
        c.retryAttempts = 1
        #expect(!(try c.request("GET", "/")).isEmpty)
    }

    @Test func aBrokenCAIsAClearError() throws {
        let c = try KubeClient(config: KubeConfig(server: "https://127.0.0.1:1", certificateAuthority: Array("not a pem".utf8)))
        c.retryAttempts = 1
        #expect { try c.request("GET", "/") } throws: { e in
            (e as? KubeError)?.message.hasPrefix("Kubernetes cluster unreachable: unable to load TLS credentials") == true
        }
    }
}

/// `openssl s_server -www` on 127.0.0.1 with a fresh self-signed certificate for 127.0.0.1.
final class TLSServer {
    let dir: String
    let port: Int
    let certificate: [UInt8]
    private let process: Process

    static func makeCertificate(in dir: String, name: String) throws -> [UInt8] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        p.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                       "-keyout", "\(dir)/\(name).key", "-out", "\(dir)/\(name).crt", "-days", "1",
                       "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return Array(try Data(contentsOf: URL(fileURLWithPath: "\(dir)/\(name).crt")))
    }

    init() throws {
        dir = NSTemporaryDirectory() + "kube-tls-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        certificate = try TLSServer.makeCertificate(in: dir, name: "server")
        // A port free a moment ago (s_server has no "any port" mode that reports the port).
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, len) == 0 && getsockname(s, $0, &len) == 0 }
        }
        port = Int(UInt16(bigEndian: addr.sin_port))
        close(s)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", "\(dir)/server.crt",
                             "-key", "\(dir)/server.key", "-www"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = Pipe()
        try process.run()
        // s_server's "ACCEPT" sits in its stdio buffer: wait until the port takes connections instead
        // (a readiness check, bounded at about 10 s).
        for _ in 0..<1000 where process.isRunning {
            let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var a = sockaddr_in()
            a.sin_family = sa_family_t(AF_INET)
            a.sin_addr.s_addr = inet_addr("127.0.0.1")
            a.sin_port = in_port_t(UInt16(port).bigEndian)
            let ok = withUnsafePointer(to: &a) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(probe, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
            close(probe)
            if ok { break }
            usleep(10_000)
        }
    }

    func stop() {
        // SIGKILL: a child of the test runner may inherit a blocked SIGTERM.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: dir)
    }
}
