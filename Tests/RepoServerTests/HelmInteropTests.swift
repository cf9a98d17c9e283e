import Foundation
import RepoServer
import Testing
import TestSupport

/// The real Helm (v4.2.3's Go library through PyPI `helm-python-sdk` 0.2.2, installed by
/// `scripts/setup.sh --with-oracle` into `.venv/`) pulling from `helmctl serve`.
enum HelmOracle {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static let python: String? = {
        let candidates = [ProcessInfo.processInfo.environment["HELM_PYTHON"], repoRoot + "/.venv/bin/python"]
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Runs a Python snippet; returns (exit status, stdout + stderr).
    static func run(_ script: String) async throws -> (Int32, String) {
        try await offCooperativePool { try runBlocking(script) }
    }

    static func runBlocking(_ script: String) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python ?? "/usr/bin/false")
        p.arguments = ["-c", script]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

@Suite("The real Helm pulls from helmctl serve", .enabled(if: HelmOracle.python != nil, "needs .venv with helm-python-sdk (scripts/setup.sh --with-oracle)"))
struct HelmInteropTests {
    @Test func helmPullsWithBasicAuth() async throws {
        let repo = try TempRepo()
        try repo.addChart("alpha", "0.1.0")
        let rel = try repo.addChart("alpha", "0.2.0")
        try repo.addChart("beta", "1.0.0", subdir: "team")
        let dest = repo.root + "/pulled"
        try FileManager.default.createDirectory(atPath: dest + "/nope", withIntermediateDirectories: true)
        try await withServer(repo, configure: { $0.auth = .basic(user: "helm", password: "pw") }) { server, sink async throws in
            let script = """
                import helm_python.registry as r
                base = "http://127.0.0.1:\(server.port)"
                r.pull("alpha", repo_url=base, destination="\(dest)", username="helm", password="pw")
                r.pull("beta", repo_url=base, version="1.0.0", destination="\(dest)", username="helm", password="pw")
                try:
                    r.pull("alpha", repo_url=base, destination="\(dest)/nope", username="helm", password="bad")
                    print("UNEXPECTED: pulled with a bad password")
                except Exception as e:
                    print("refused:", e)
                """
            let (status, output) = try await HelmOracle.run(script)
            #expect(status == 0, "\(output)")
            #expect(!output.contains("UNEXPECTED"))
            #expect(output.contains("refused:"))
            // Helm picked the newest version and got the exact bytes.
            #expect(FileManager.default.contents(atPath: dest + "/alpha-0.2.0.tgz").map { Array($0) } == repo.read(rel))
            #expect(FileManager.default.contents(atPath: dest + "/beta-1.0.0.tgz").map { Array($0) } == repo.read("team/beta-1.0.0.tgz"))
            #expect(sink.lines.contains { $0.contains("\"GET /team/beta-1.0.0.tgz HTTP/1.1\" 200 ") && $0.hasSuffix("\"Helm/4.2\"") })
        }
    }

    @Test func helmDependencyUpdateResolvesFromTheServer() async throws {
        let repo = try TempRepo()
        try repo.addChart("lib", "1.0.0")
        let lib = try repo.addChart("lib", "1.1.0")
        let app = repo.root + "/app"
        try FileManager.default.createDirectory(atPath: app, withIntermediateDirectories: true)
        try await withServer(repo) { server, _ async throws in
            try """
                apiVersion: v2
                name: app
                version: 0.1.0
                dependencies:
                - name: lib
                  version: ~1.0.0 || ^1.1.0
                  repository: http://127.0.0.1:\(server.port)
                """.write(toFile: app + "/Chart.yaml", atomically: true, encoding: .utf8)
            let (status, output) = try await HelmOracle.run("import helm_python.registry as r\nr.dependency_update(\"\(app)\")")
            #expect(status == 0, "\(output)")
            #expect(FileManager.default.contents(atPath: app + "/charts/lib-1.1.0.tgz").map { Array($0) } == repo.read(lib))
            let lock = (try? String(contentsOfFile: app + "/Chart.lock", encoding: .utf8)) ?? ""
            #expect(lock.contains("version: 1.1.0"))
        }
    }
}
