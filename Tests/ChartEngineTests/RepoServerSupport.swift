@testable import ChartEngine
import Foundation

/// A throwaway chart repository: a Python HTTP(S) server on 127.0.0.1 (port chosen by the kernel)
/// serving a temporary directory, with optional basic auth and a few hostile routes. Stopped by pid.
final class RepoServer: @unchecked Sendable {
    let root: String
    let port: Int
    let scheme: String
    private let process: Process

    var url: String { "\(scheme)://127.0.0.1:\(port)" }

    /// The server script. Hostile routes: `/status/N/...` answers N, `/redirect-other/PATH` redirects
    /// to the same server under the name `localhost` (another host for credential rules),
    /// `/huge/...` streams 8 MiB, `/loop/...` redirects to itself.
    static let script = #"""
import base64, http.server, os, ssl, sys
root, auth, cert, key = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
class H(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **k): super().__init__(*a, directory=root, **k)
    def log_message(self, *a): pass
    def do_GET(self):
        p = self.path
        if auth:
            want = "Basic " + base64.b64encode(auth.encode()).decode()
            if self.headers.get("Authorization") != want:
                self.send_response(401, "Unauthorized"); self.send_header("Content-Length", "0"); self.end_headers(); return
        if p.startswith("/status/"):
            code = int(p.split("/")[2]); self.send_response(code); self.send_header("Content-Length", "0"); self.end_headers(); return
        if p.startswith("/redirect-other/"):
            self.send_response(302); self.send_header("Location", "%s://localhost:%d/%s" % (scheme, port, p[len("/redirect-other/"):]))
            self.send_header("Content-Length", "0"); self.end_headers(); return
        if p.startswith("/loop/"):
            self.send_response(302); self.send_header("Location", p); self.send_header("Content-Length", "0"); self.end_headers(); return
        if p.startswith("/huge/"):
            self.send_response(200); self.send_header("Content-Length", str(8 << 20)); self.end_headers()
            chunk = b"a: b\n" * 13107
            try:
                for _ in range(128): self.wfile.write(chunk)
            except Exception: pass
            return
        return super().do_GET()
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
scheme = "http"
if cert:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(cert, key)
    s.socket = ctx.wrap_socket(s.socket, server_side=True); scheme = "https"
port = s.server_address[1]
print(port, flush=True)
s.serve_forever()
"""#

    init(root: String, auth: String = "", cert: String = "", key: String = "") throws {
        self.root = root
        let scriptPath = root + "/../server-\(UUID().uuidString).py"
        try Self.script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        p.arguments = [scriptPath, root, auth, cert, key]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        process = p
        // The first line is the port; reading blocks until the server is listening.
        var line = Data()
        while true {
            let b = out.fileHandleForReading.readData(ofLength: 1)
            if b.isEmpty || b == Data([0x0A]) { break }
            line.append(b)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            p.terminate()
            throw ServerError.noPort
        }
        self.port = port
        scheme = cert.isEmpty ? "http" : "https"
    }

    enum ServerError: Error { case noPort }

    func stop() {
        // SIGKILL: the child inherits the spawning thread's signal mask, in which dispatch worker
        // threads block SIGTERM.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { if process.isRunning { stop() } }
}

/// Charts, repositories and Helm locations for repository tests.
enum RepoFixtures {
    /// A temporary Helm home: config, cache and a `srv` directory the server publishes.
    struct Home {
        let dir: String
        var paths: HelmPaths { HelmPaths(repositoryConfig: dir + "/config/repositories.yaml", repositoryCache: dir + "/cache") }
        var srv: String { dir + "/srv" }
    }

    static func home() throws -> Home {
        let dir = try ArchiveFixtures.tempDir()
        try FileManager.default.createDirectory(atPath: dir + "/srv", withIntermediateDirectories: true)
        return Home(dir: dir)
    }

    /// Writes a chart directory `dir/name` and returns its path.
    @discardableResult
    static func chart(in dir: String, name: String, version: String, description: String = "A test chart",
                      extra: String = "") throws -> String {
        let path = dir + "/" + name
        try FileManager.default.createDirectory(atPath: path + "/templates", withIntermediateDirectories: true)
        try "apiVersion: v2\nname: \(name)\nversion: \(version)\ndescription: \(description)\nappVersion: \"1.0\"\n\(extra)"
            .write(toFile: path + "/Chart.yaml", atomically: true, encoding: .utf8)
        try "replicas: 1\n".write(toFile: path + "/values.yaml", atomically: true, encoding: .utf8)
        try "kind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-\(name)\n"
            .write(toFile: path + "/templates/cm.yaml", atomically: true, encoding: .utf8)
        return path
    }

    /// Packages `name` at each version into `home.srv` and indexes it (no base URL: relative URLs).
    static func publish(_ home: Home, name: String, versions: [String], description: String = "A test chart") throws {
        let work = home.dir + "/work-\(name)"
        try? FileManager.default.removeItem(atPath: work)
        for v in versions {
            let path = try chart(in: work, name: name, version: v, description: description)
            _ = try ChartPackager.package(directory: path, destination: home.srv)
            try FileManager.default.removeItem(atPath: path)
        }
        _ = try RepoIndexAction.run(directory: home.srv)
    }

    /// A throwaway CA and a server certificate for 127.0.0.1 made with the openssl CLI.
    static func certificates(in dir: String) throws -> (ca: String, cert: String, key: String) {
        let script = """
        set -e
        cd '\(dir)'
        openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=test-ca 2>/dev/null
        openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj /CN=127.0.0.1 2>/dev/null
        printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > ext.cnf
        openssl x509 -req -in srv.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out srv.crt -days 2 -extfile ext.cnf 2>/dev/null
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", script]
        try p.run()
        p.waitUntilExit()
        return (dir + "/ca.crt", dir + "/srv.crt", dir + "/srv.key")
    }

    /// The ChartEngineError message of `body`, or nil.
    static func error(_ body: () throws -> Void) -> String? { Fixtures.errorMessage(body) }
}
