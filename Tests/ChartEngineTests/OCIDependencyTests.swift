@testable import ChartEngine
import Foundation
import Testing

/// `dependency update|build` with `oci://` repositories, against a real `docker-registry`.
@Suite(.serialized) struct OCIDependencyTests {
    @Test(.enabled(if: TestRegistry.available, "docker-registry is not installed"))
    func dependencyUpdateLocksAndDownloadsFromARegistry() throws {
        let binary = RepositoryCLITests.binary
        try #require(FileManager.default.isExecutableFile(atPath: binary), "build helmctl first")
        let registry = try TestRegistry()
        defer { registry.stop() }
        let home = try RepoFixtures.home()
        defer { try? FileManager.default.removeItem(atPath: home.dir) }
        for version in ["0.3.0", "0.3.2", "1.0.0"] {
            let path = try OCITests.archive(in: home.dir, name: "web", version: version)
            let pushed = try RepositoryCLITests.run(["push", path, "oci://\(registry.host)/apps", "--plain-http"], home: home)
            #expect(pushed.status == 0, "\(pushed)")
        }
        let parent = try RepoFixtures.chart(in: home.dir + "/parent", name: "parent", version: "1.0.0", extra: """
            dependencies:
            - name: web
              version: ~0.3.0
              repository: oci://\(registry.host)/apps

            """)
        let updated = try RepositoryCLITests.run(["dependency", "update", parent, "--plain-http"], home: home)
        #expect(updated.status == 0, "\(updated)")
        #expect(FileManager.default.fileExists(atPath: parent + "/charts/web-0.3.2.tgz"), "\(updated)")
        let lock = try String(contentsOfFile: parent + "/Chart.lock", encoding: .utf8)
        #expect(lock.contains("version: 0.3.2") && lock.contains("repository: oci://\(registry.host)/apps"), "\(lock)")
        // build from the lock file fetches the same archive again.
        try FileManager.default.removeItem(atPath: parent + "/charts")
        let built = try RepositoryCLITests.run(["dependency", "build", parent, "--plain-http"], home: home)
        #expect(built.status == 0 && FileManager.default.fileExists(atPath: parent + "/charts/web-0.3.2.tgz"), "\(built)")
        // No version the constraint allows: Helm's message.
        let none = try RepoFixtures.chart(in: home.dir + "/none", name: "none", version: "1.0.0", extra: """
            dependencies:
            - name: web
              version: ^2.0.0
              repository: oci://\(registry.host)/apps

            """)
        let failed = try RepositoryCLITests.run(["dependency", "update", none, "--plain-http"], home: home)
        #expect(failed.status == 1 && failed.stderr.contains("can't get a valid version for 1 subchart(s)"), "\(failed)")
    }
}
