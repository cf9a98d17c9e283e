@testable import ChartEngine
import Foundation
import Testing

/// libcurl, libarchive, libcrypto, libcrypt and libsqlite3 are loaded only by commands that use them
/// (CDynamicLoad), observed through the dynamic loader's own trace (LD_DEBUG=files) of the built
/// `helmctl` binary. Release commands talk to the API server through SwiftNIO and never load libcurl;
/// chart-repository commands do; a template calling a digest or bcrypt loads libcrypto or libcrypt.
struct LazyLibraryLoadingTests {
    static let binary = RepositoryCLITests.binary

    /// The binary's run with the dynamic loader's trace of the files it maps (on stderr).
    static func run(_ args: [String], cwd: String) throws -> (status: Int32, stdout: String, trace: String) {
        var env = ProcessInfo.processInfo.environment
        env["LD_DEBUG"] = "files"
        let r = try RepositoryCLITests.run(args, environment: env, cwd: cwd)
        return (r.status, r.stdout, r.stderr)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary)))
    func renderingALocalChartLoadsNeitherLibrary() throws {
        let r = try Self.run(["template", "demo", Fixtures.repoRoot + "/charts/hello"], cwd: NSTemporaryDirectory())
        #expect(r.status == 0)
        #expect(r.stdout.contains("# Source: hello/templates/"))
        #expect(!r.trace.contains("libcurl"))
        #expect(!r.trace.contains("libarchive"))
        #expect(!r.trace.contains("libgnutls"))
        // hello calls sha256sum, so libcrypto loads while its templates are parsed; libcrypt (bcrypt)
        // and libsqlite3 (the bundled cluster's store) do not.
        #expect(!r.trace.contains("libcrypt.so"))
        #expect(!r.trace.contains("libsqlite3"))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary)))
    func aChartWithoutDigestFunctionsNeverLoadsLibcrypto() throws {
        let dir = NSTemporaryDirectory() + "lazy-nocrypto-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/templates", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "apiVersion: v2\nname: plain\nversion: 0.1.0\n".write(toFile: dir + "/Chart.yaml", atomically: true, encoding: .utf8)
        try "a: {{ \"abc\" | upper | quote }}\nb: {{ adler32sum \"abc\" }}\n"
            .write(toFile: dir + "/templates/cm.yaml", atomically: true, encoding: .utf8)
        let r = try Self.run(["template", "demo", dir], cwd: dir)
        #expect(r.status == 0, "\(r.trace.suffix(400))")
        #expect(r.stdout.contains("a: \"ABC\"\nb: 38600999"))
        #expect(!r.trace.contains("libcrypto"))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary)))
    func digestAndBcryptFunctionsLoadTheirLibrariesOnFirstUse() throws {
        let dir = NSTemporaryDirectory() + "lazy-crypto-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/templates", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "apiVersion: v2\nname: digests\nversion: 0.1.0\n".write(toFile: dir + "/Chart.yaml", atomically: true, encoding: .utf8)
        let template = """
            sha256: {{ "abc" | sha256sum }}
            sha1: {{ "abc" | sha1sum }}
            bcrypt: {{ bcrypt "secret" | hasPrefix "$2a$10$" }}
            """
        try template.write(toFile: dir + "/templates/cm.yaml", atomically: true, encoding: .utf8)
        let r = try Self.run(["template", "demo", dir], cwd: dir)
        #expect(r.status == 0, "\(r.trace.suffix(400))")
        #expect(r.stdout.contains("sha256: ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
        #expect(r.stdout.contains("sha1: a9993e364706816aba3e25717850c26c9cd0d89d"))
        #expect(r.stdout.contains("bcrypt: true"))
        #expect(r.trace.contains("file=libcrypto.so.3"))
        #expect(r.trace.contains("file=libcrypt.so.1"))
        #expect(!r.trace.contains("libsqlite3"))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary)))
    func anArchiveLoadsLibarchiveOnFirstUseAndStillRenders() throws {
        let dir = NSTemporaryDirectory() + "lazy-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let packed = try Self.run(["package", Fixtures.repoRoot + "/charts/hello"], cwd: dir)
        #expect(packed.status == 0)
        let archive = try #require(try FileManager.default.contentsOfDirectory(atPath: dir).first { $0.hasSuffix(".tgz") })
        let r = try Self.run(["template", "demo", archive], cwd: dir)
        #expect(r.status == 0)
        #expect(r.stdout.contains("# Source: hello/templates/"))
        #expect(r.trace.contains("file=libarchive.so.13"))
        #expect(!r.trace.contains("libcurl"))
        #expect(!packed.trace.contains("libcrypto"))
        #expect(!packed.trace.contains("libsqlite3"))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary)))
    func aChartRepositoryCommandLoadsLibcurlAndReportsItsError() throws {
        let r = try Self.run(["pull", "http://127.0.0.1:1/chart-1.0.0.tgz"], cwd: NSTemporaryDirectory())
        #expect(r.status == 1)
        #expect(r.trace.contains("file=libcurl.so.4"))
        #expect(r.trace.contains("Error: Get \"http://127.0.0.1:1/chart-1.0.0.tgz\": Failed to connect to 127.0.0.1 port 1"))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary)), arguments: [
        ["install", "x", Fixtures.repoRoot + "/charts/hello"], ["upgrade", "x", Fixtures.repoRoot + "/charts/hello"],
        ["uninstall", "x"], ["list"], ["status", "x"], ["history", "x"], ["get", "manifest", "x"],
        ["rollback", "x", "1"], ["test", "x"],
    ])
    func releaseCommandsDoNotLoadLibcurl(args: [String]) throws {
        let dir = NSTemporaryDirectory() + "lazy-kube-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Nothing listens on port 1: the command fails on its first request, after its retries.
        let kubeconfig = dir + "/kubeconfig"
        try """
            apiVersion: v1
            kind: Config
            clusters: [{name: c, cluster: {server: "http://127.0.0.1:1"}}]
            contexts: [{name: c, context: {cluster: c, user: u}}]
            users: [{name: u, user: {token: t}}]
            current-context: c
            """.write(toFile: kubeconfig, atomically: true, encoding: .utf8)
        let r = try Self.run(args + ["--kubeconfig", kubeconfig], cwd: dir)
        #expect(r.status == 1, "\(args)")
        #expect(r.trace.contains("Kubernetes cluster unreachable"), "\(args)")
        #expect(!r.trace.contains("libcurl"), "\(args)")
        #expect(!r.trace.contains("libgnutls"), "\(args)")
        #expect(!r.trace.contains("libsqlite3"), "\(args)")
        if !["install", "upgrade"].contains(args[0]) {  // these render hello, which calls sha256sum
            #expect(!r.trace.contains("libcrypto"), "\(args)")
        }
    }

    /// A subcommand parsed on its own (the start-up fast path) must not change help output.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary)))
    func subcommandHelpKeepsTheFullCommandPath() throws {
        let r = try Self.run(["template", "--help"], cwd: NSTemporaryDirectory())
        #expect(r.status == 0)
        #expect(r.stdout.contains("Usage:\n  helmctl template [NAME] CHART [flags]"))
    }
}
