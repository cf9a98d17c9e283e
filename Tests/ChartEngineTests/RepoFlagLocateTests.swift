import Foundation
import Testing
import TestSupport

/// Helm v4's `LocateChart`: with `--repo` the chart always comes from the repository, even when a
/// local folder of the same name exists (helm/helm#7862, fixed for v4).
struct RepoFlagLocateTests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: RepositoryCLITests.binary)))
    func repoFlagIsNotShadowedByALocalFolder() async throws {
        let home = try RepoFixtures.home()
        try RepoFixtures.publish(home, name: "alpha", versions: ["1.0.0"])
        try RepoFixtures.chart(in: home.dir, name: "alpha", version: "9.9.9")
        let server = try RepoServer(root: home.srv)
        defer { server.stop() }
        func run(_ args: [String]) async throws -> RepositoryCLITests.Result {
            try await offCooperativePool { try RepositoryCLITests.run(args, home: home, cwd: home.dir) }
        }
        let remote = try await run(["show", "chart", "alpha", "--repo", server.url])
        #expect(remote.status == 0 && remote.stdout.contains("version: 1.0.0\n"), "\(remote)")
        let local = try await run(["show", "chart", "alpha"])
        #expect(local.status == 0 && local.stdout.contains("version: 9.9.9\n"), "\(local)")
        // A path-looking name with --repo is a chart name to look up, not a path.
        let pathLike = try await run(["show", "chart", "./alpha", "--repo", server.url])
        #expect(pathLike.status == 1 && pathLike.stderr.contains("./alpha"), "\(pathLike)")
        #expect(!pathLike.stderr.contains("path \"./alpha\" not found"), "\(pathLike)")
    }
}
