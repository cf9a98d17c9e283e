@testable import ChartEngine
import Foundation
import Testing
import TestSupport

/// The repository commands through the built `helmctl` binary: messages, exit codes and the
/// `HELM_*` locations (skipped when the binary has not been built).
struct RepositoryCLITests {
    static let binary = Fixtures.repoRoot + "/.build/debug/helmctl"

    struct Result: Equatable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ args: [String], home: RepoFixtures.Home, cwd: String? = nil) throws -> Result {
        var env = ProcessInfo.processInfo.environment
        env["HELM_CONFIG_HOME"] = home.dir + "/cfg"
        env["HELM_CACHE_HOME"] = home.dir + "/cache-home"
        env["HELM_DATA_HOME"] = home.dir + "/data"
        env["HELM_REPOSITORY_CONFIG"] = nil
        env["HELM_REPOSITORY_CACHE"] = nil
        return try run(args, environment: env, cwd: cwd)
    }

    /// Runs the built binary with exactly `environment`, collecting its output and exit status.
    static func run(_ args: [String], environment: [String: String], cwd: String? = nil) throws -> Result {
        let r = try TestSupport.runChild(binary, args, environment: environment, cwd: cwd)
        return Result(status: r.status, stdout: r.stdoutText, stderr: r.stderrText)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary)))
    func commandsPrintHelmsMessagesAndExitCodes() throws {
        let home = try RepoFixtures.home()
        try RepoFixtures.publish(home, name: "alpha", versions: ["1.0.0", "1.1.0"])
        let server = try RepoServer(root: home.srv)
        defer { server.stop() }
        #expect(try Self.run(["repo", "list"], home: home) == Result(status: 1, stdout: "", stderr: "Error: no repositories to show\n"))
        #expect(try Self.run(["repo", "add", "x"], home: home).stderr
            == "Error: \"helmctl repo add\" requires 2 arguments\n\nUsage:  helmctl repo add [NAME] [URL] [flags]\n")
        #expect(try Self.run(["repo", "add", "r", server.url], home: home)
            == Result(status: 0, stdout: "\"r\" has been added to your repositories\n", stderr: ""))
        // Helm's default locations under HELM_CONFIG_HOME and HELM_CACHE_HOME.
        #expect(FileManager.default.fileExists(atPath: home.dir + "/cfg/repositories.yaml"))
        #expect(FileManager.default.fileExists(atPath: home.dir + "/cache-home/repository/r-index.yaml"))
        #expect(try Self.run(["search", "repo", "alpha", "-o", "json"], home: home).stdout
            == #"[{"name":"r/alpha","version":"1.1.0","app_version":"1.0","description":"A test chart"}]"# + "\n")
        #expect(try Self.run(["repo", "ls", "-o", "xml"], home: home).stderr
            == "Error: invalid argument \"xml\" for \"-o, --output\" flag: invalid format type\n")
        let work = home.dir + "/work"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        #expect(try Self.run(["pull", "r/alpha", "--version", "1.0.0", "--untar"], home: home, cwd: work).status == 0)
        #expect(FileManager.default.fileExists(atPath: work + "/alpha/Chart.yaml"))
        let rendered = try Self.run(["template", "rel", "r/alpha"], home: home)
        #expect(rendered.status == 0 && rendered.stdout.contains("name: rel-alpha"), "\(rendered.stderr)")
        let shown = try Self.run(["show", "chart", "--repo", server.url, "alpha", "--version", "1.0.0"], home: home)
        #expect(shown.stdout.contains("version: 1.0.0\n"))
        #expect(try Self.run(["dep", "ls", work + "/alpha"], home: home).stdout
            == "WARNING: no dependencies at \(work)/alpha/charts\n")
        #expect(try Self.run(["repo", "rm", "r"], home: home).stdout == "\"r\" has been removed from your repositories\n")
    }
}
