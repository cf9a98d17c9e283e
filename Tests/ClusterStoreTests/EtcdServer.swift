import Foundation
import Glibc
import Testing

struct EtcdTestError: Error, CustomStringConvertible {
    let description: String
}

/// A real etcd (Debian `etcd-server`) on 127.0.0.1 with free ports and a temporary data dir, started
/// for one test and killed by pid at its end.
final class EtcdServer: @unchecked Sendable {
    static let binary = "/usr/bin/etcd"
    let endpoint: String
    private let process: Process
    private let dir: URL

    private init(endpoint: String, process: Process, dir: URL) {
        self.endpoint = endpoint
        self.process = process
        self.dir = dir
    }

    /// A free TCP port on 127.0.0.1 (bind to port 0, read it back, release it).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw EtcdTestError(description: "socket() failed") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0
            }
        }
        guard ok else { throw EtcdTestError(description: "cannot bind a free port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// Starts etcd and returns once it logs that it serves clients. Fails (never skips) when etcd is missing.
    /// A port picked free can be taken by someone else before etcd binds it (parallel tests open many
    /// connections from the same ephemeral range), so a start that fails is retried on fresh ports.
    static func start() async throws -> EtcdServer {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw EtcdTestError(description: "etcd is not installed (\(binary) missing): run `apt-get install etcd-server`")
        }
        var lastError: (any Error)?
        for _ in 0..<3 {
            do { return try await startOnce() } catch { lastError = error }
        }
        throw lastError!
    }

    private static func startOnce() async throws -> EtcdServer {
        let client = try freePort(), peer = try freePort()
        let dir = try Fixtures.tempDir()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = [
            "--name", "default", "--data-dir", dir.appendingPathComponent("data").path,
            "--listen-client-urls", "http://127.0.0.1:\(client)", "--advertise-client-urls", "http://127.0.0.1:\(client)",
            "--listen-peer-urls", "http://127.0.0.1:\(peer)", "--initial-advertise-peer-urls", "http://127.0.0.1:\(peer)",
            "--initial-cluster", "default=http://127.0.0.1:\(peer)", "--log-outputs", "stderr",
        ]
        let pipe = Pipe()
        p.standardError = pipe
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let server = EtcdServer(endpoint: "http://127.0.0.1:\(client)", process: p, dir: dir)
        // Readiness is a log line, read as it arrives (no polling); a dead process ends the pipe.
        let (ready, log): (Bool, String) = await withCheckedContinuation { c in
            Thread.detachNewThread {
                let fh = pipe.fileHandleForReading
                var text = ""
                var resumed = false
                while true {
                    let chunk = fh.availableData
                    if chunk.isEmpty { break }
                    if resumed { continue }
                    text += String(decoding: chunk, as: UTF8.self)
                    if text.contains("ready to serve client requests") {
                        resumed = true
                        c.resume(returning: (true, ""))
                    } else if text.count > 1_000_000 {
                        text = String(text.suffix(1000))
                    }
                }
                if !resumed { c.resume(returning: (false, String(text.suffix(2000)))) }
            }
        }
        guard ready else {
            server.stop()
            throw EtcdTestError(description: "etcd did not start (port clash or bad flags?); its log ends:\n\(log)")
        }
        return server
    }

    /// Kills the etcd process by pid and removes its data dir.
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: dir)
    }
}
