@testable import ChartEngine
import Foundation

/// A real OCI registry for the tests: Debian's `docker-registry` on 127.0.0.1 with filesystem storage
/// in a temporary directory; stopped by pid, data removed.
final class TestRegistry: @unchecked Sendable {
    static let binary = "/usr/bin/docker-registry"
    static var available: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    let dir: String
    let port: Int
    private let process: Process
    var host: String { "127.0.0.1:\(port)" }

    init() throws {
        dir = try ArchiveFixtures.tempDir()
        var lastError: (any Error)? = nil
        // A port the kernel just handed out may be taken again before the registry binds it: retry.
        for _ in 0..<5 {
            let port = try Self.freePort()
            let config = dir + "/config.yml"
            try """
                version: 0.1
                log:
                  level: info
                storage:
                  filesystem:
                    rootdirectory: \(dir)/data
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:\(port)

                """.write(toFile: config, atomically: true, encoding: .utf8)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: Self.binary)
            p.arguments = ["serve", config]
            let err = Pipe()
            p.standardError = err
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            // The registry logs `listening on 127.0.0.1:PORT` once it accepts connections; reading its
            // log line by line waits for that without sleeping.
            var text = Data()
            var ready = false
            while true {
                let b = err.fileHandleForReading.readData(ofLength: 1)
                if b.isEmpty { break }
                text.append(b)
                if b == Data([0x0A]) {
                    let s = String(decoding: text, as: UTF8.self)
                    if s.contains("listening on") { ready = true; break }
                    if s.contains("level=fatal") || s.contains("address already in use") { break }
                }
            }
            if ready {
                self.port = port
                process = p
                // Keep draining the log so the registry never blocks on a full pipe.
                let handle = err.fileHandleForReading
                Thread.detachNewThread { while !handle.readData(ofLength: 65536).isEmpty {} }
                return
            }
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            lastError = RegistryError.startFailed(String(decoding: text, as: UTF8.self))
        }
        try? FileManager.default.removeItem(atPath: dir)
        throw lastError ?? RegistryError.startFailed("")
    }

    enum RegistryError: Error { case startFailed(String) }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { ptr in
            ptr.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                bind(fd, sa, len) == 0 && getsockname(fd, sa, &len) == 0
            }
        }
        guard ok else { throw RegistryError.startFailed("no free port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// The stored blob file for a digest (to corrupt content behind the registry's back).
    func blobPath(_ digest: String) -> String {
        let hex = String(digest.dropFirst(7))
        return "\(dir)/data/docker/registry/v2/blobs/sha256/\(hex.prefix(2))/\(hex)/data"
    }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: dir)
    }

    deinit { stop() }
}

/// A hostile "registry": a Python HTTP server answering every path from a table
/// `{path: [status, content type, body]}` (the path with its query string wins over the bare path);
/// anything else is 404. `auth` (required `Authorization`, challenge with `{port}` filled in) guards
/// `/v2/…`; `protected` maps other paths to the `Authorization` they require (a Basic challenge otherwise).
final class FakeRegistry: @unchecked Sendable {
    let port: Int
    private let process: Process
    var host: String { "127.0.0.1:\(port)" }

    static let script = #"""
        import http.server, json, sys
        spec = json.load(open(sys.argv[1]))
        routes, auth, protected = spec["routes"], spec["auth"], spec["protected"]
        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a): pass
            def do_GET(self):
                path = self.path.split("?")[0]
                need = None
                if auth and path.startswith("/v2/"): need = auth
                if self.path in protected or path in protected:
                    need = [protected.get(self.path, protected.get(path)), 'Basic realm="token"']
                if need and self.headers.get("Authorization") != need[0]:
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", need[1].replace("{port}", str(self.server.server_address[1])))
                    self.send_header("Content-Length", "0"); self.end_headers(); return
                r = routes.get(self.path, routes.get(path))
                if r is None:
                    self.send_response(404); self.send_header("Content-Length", "0"); self.end_headers(); return
                body = r[2].encode("latin-1")
                self.send_response(r[0]); self.send_header("Content-Type", r[1])
                self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
            do_HEAD = do_GET
        s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        print(s.server_address[1], flush=True)
        s.serve_forever()
        """#

    init(routes: [String: (Int, String, String)], dir: String, auth: (String, String)? = nil,
         protected: [String: String] = [:]) throws {
        let routesPath = dir + "/routes.json"
        let table = routes.mapValues { [$0.0, $0.1, $0.2] as [Any] }
        let spec: [String: Any] = ["routes": table, "auth": auth.map { [$0.0, $0.1] } ?? NSNull(), "protected": protected]
        try JSONSerialization.data(withJSONObject: spec).write(to: URL(fileURLWithPath: routesPath))
        let scriptPath = dir + "/fake_registry.py"
        try Self.script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        p.arguments = [scriptPath, routesPath]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        process = p
        var line = Data()
        while true {
            let b = out.fileHandleForReading.readData(ofLength: 1)
            if b.isEmpty || b == Data([0x0A]) { break }
            line.append(b)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            kill(p.processIdentifier, SIGKILL)
            throw TestRegistry.RegistryError.startFailed("fake registry")
        }
        self.port = port
    }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}
