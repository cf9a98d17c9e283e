@testable import ChartEngine
import Foundation
import StructuredData
import Testing
import TestSupport

/// `dependency update|build|list` against a test repository, and Chart.lock digests checked
/// against the real Helm.
struct DependencyManagerTests {
    /// Recorded with Helm v4.2.3 (`helm dependency update` through helm-python-sdk 0.2.2) for this
    /// Chart.yaml: tags with HTML characters and import-values are part of the hashed JSON.
    @Test func lockDigestMatchesHelm() {
        var a = ChartDependency(name: "alpha", version: "~1.0", repository: "http://127.0.0.1:18765")
        a.alias = "a1"
        a.tags = ["x", "<y>"]
        var l = ChartDependency(name: "local", version: ">=0.1", repository: "file://../local")
        l.importValues = [.map(["child": .string("a"), "parent": .string("b")]), .string("c")]
        let digest = DependencyManager.hashReq([a, l], [
            .init(name: "alpha", repository: "http://127.0.0.1:18765", version: "1.0.0"),
            .init(name: "local", repository: "file://../local", version: "0.5.0"),
        ])
        #expect(digest == "sha256:e67b68b6b9ace87e2f9aab3b5397c4f573ee7c57744e1e8e3792d3e1d70b9820")
    }

    /// A repository with `alpha` 1.0.0/1.1.0/2.0.0, a configured repo `r` for it, a `file://`
    /// sibling chart and a parent chart using all three kinds of reference.
    static func setup() throws -> (RepoFixtures.Home, RepoServer, String) {
        let home = try RepoFixtures.home()
        try RepoFixtures.publish(home, name: "alpha", versions: ["1.0.0", "1.1.0", "2.0.0"])
        let server = try RepoServer(root: home.srv)
        try RepoActions.add(RepositoryEntry(name: "r", url: server.url), forceUpdate: false, paths: home.paths) { _ in }
        try RepoFixtures.chart(in: home.dir, name: "sibling", version: "0.5.0")
        try RepoFixtures.chart(in: home.dir, name: "parent", version: "0.1.0", extra: """
            dependencies:
            - name: alpha
              version: "~1.0"
              repository: "@r"
              alias: first
            - name: sibling
              version: ">=0.1"
              repository: file://../sibling

            """)
        return (home, server, home.dir + "/parent")
    }

    @Test func updateWritesLockAndCharts() throws {
        let (home, server, parent) = try Self.setup()
        defer { server.stop() }
        var out = ""
        var m = DependencyManager(chartPath: parent, paths: home.paths) { out += $0 }
        m.clock = { "2026-01-02T03:04:05.5Z" }
        try m.update()
        #expect(out == """
            Hang tight while we grab the latest from your chart repositories...
            ...Successfully got an update from the "r" chart repository
            Update Complete. ⎈Happy Helming!⎈
            Saving 2 charts
            Downloading alpha from repo \(server.url)
            Deleting outdated charts

            """)
        let lock = try String(contentsOfFile: parent + "/Chart.lock", encoding: .utf8)
        let req = [ChartDependency(name: "alpha", version: "~1.0", repository: server.url, alias: "first"),
                   ChartDependency(name: "sibling", version: ">=0.1", repository: "file://../sibling")]
        // Masterminds: ~1.0 is >=1.0.0 <1.1.0.
        let digest = DependencyManager.hashReq(req, [.init(name: "alpha", repository: server.url, version: "1.0.0"),
                                                     .init(name: "sibling", repository: "file://../sibling", version: "0.5.0")])
        #expect(lock == """
            dependencies:
            - name: alpha
              repository: \(server.url)
              version: 1.0.0
            - name: sibling
              repository: file://../sibling
              version: 0.5.0
            digest: \(digest)
            generated: "2026-01-02T03:04:05.5Z"

            """)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: parent + "/charts"))
            == ["alpha-1.0.0.tgz", "sibling-0.5.0.tgz"])
        #expect(try DependencyList.run(chartPath: parent) == """
            NAME   \tVERSION\tREPOSITORY       \tSTATUS
            alpha  \t~1.0   \t@r               \tok    
            sibling\t>=0.1  \tfile://../sibling\tok    


            """)

        // build re-creates charts/ from the lock; an unchanged lock is not rewritten.
        try FileManager.default.removeItem(atPath: parent + "/charts")
        out = ""
        m.clock = { "2027-01-01T00:00:00Z" }
        try m.build()
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: parent + "/charts"))
            == ["alpha-1.0.0.tgz", "sibling-0.5.0.tgz"])
        try m.update()
        #expect(try String(contentsOfFile: parent + "/Chart.lock", encoding: .utf8) == lock)

        // An edited Chart.yaml makes the lock stale for build.
        let chartYAML = parent + "/Chart.yaml"
        try (try String(contentsOfFile: chartYAML, encoding: .utf8)).replacingOccurrences(of: "~1.0", with: "^2")
            .write(toFile: chartYAML, atomically: true, encoding: .utf8)
        #expect(RepoFixtures.error { try m.build() }
            == "the lock file (Chart.lock) is out of sync with the dependencies file (Chart.yaml). Please update the dependencies")
        try m.update()
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: parent + "/charts"))
            == ["alpha-2.0.0.tgz", "sibling-0.5.0.tgz"])
    }

    @Test func listReportsHelmsStatuses() throws {
        let (home, server, parent) = try Self.setup()
        defer { server.stop() }
        let charts = parent + "/charts"
        try FileManager.default.createDirectory(atPath: charts, withIntermediateDirectories: true)
        // alpha: archive of a version outside the constraint; sibling: unpacked directory; stray file.
        _ = try ChartPackager.package(directory: try RepoFixtures.chart(in: home.dir + "/w", name: "alpha", version: "3.0.0"),
                                      destination: charts)
        try RepoFixtures.chart(in: charts, name: "sibling", version: "0.6.0")
        try RepoFixtures.chart(in: charts, name: "stray", version: "1.0.0")
        #expect(try DependencyList.run(chartPath: parent) == """
            NAME   \tVERSION\tREPOSITORY       \tSTATUS       
            alpha  \t~1.0   \t@r               \twrong version
            sibling\t>=0.1  \tfile://../sibling\tunpacked     

            WARNING: "\(charts)/stray" is not in Chart.yaml.

            """)
        let bare = try RepoFixtures.chart(in: home.dir + "/bare", name: "bare", version: "1.0.0")
        #expect(try DependencyList.run(chartPath: bare) == "WARNING: no dependencies at \(bare)/charts\n")
    }

    @Test func unknownRepositoriesAreReported() throws {
        let home = try RepoFixtures.home()
        let parent = try RepoFixtures.chart(in: home.dir, name: "p", version: "1.0.0", extra: """
            dependencies:
            - name: x
              version: 1.0.0
              repository: stable

            """)
        let m = DependencyManager(chartPath: parent, paths: home.paths) { _ in }
        #expect(RepoFixtures.error { try m.update() } == """
            no repository definition for stable. Please add them via 'helm repo add'
            Note that repositories must be URLs or aliases. For example, to refer to the "example"
            repository, use "https://charts.example.com/" or "@example" instead of
            "example". Don't forget to add the repo, too ('helm repo add').
            """)
        let archive = home.dir + "/a.tgz"
        try "x".write(toFile: archive, atomically: true, encoding: .utf8)
        #expect(RepoFixtures.error { try DependencyManager(chartPath: archive, paths: home.paths) { _ in }.update() }
            == "only unpacked charts can be updated")
    }

    // MARK: Interoperability with the real Helm (skipped when the oracle venv is absent)

    static let python: String? = {
        for p in [Fixtures.repoRoot + "/.venv/bin/python", "/tmp/hv-repo/bin/python"]
        where FileManager.default.isExecutableFile(atPath: p) {
            return p
        }
        return nil
    }()

    /// Runs a Python snippet with the Helm SDK; returns its standard output.
    static func helm(_ code: String, env: [String: String]) async throws -> String {
        try await offCooperativePool { try helmBlocking(code, env: env) }
    }

    static func helmBlocking(_ code: String, env: [String: String]) throws -> String {
        try TestSupport.runChild(python ?? "/bin/false", ["-c", code],
                                 environment: ProcessInfo.processInfo.environment.merging(env) { $1 }, discardingStderr: true).stdoutText
    }

    @Test(.enabled(if: python != nil)) func helmAgreesOnLocksStatusesAndDownloads() async throws {
        let (home, server, _) = try Self.setup()
        defer { server.stop() }
        // Helm's SDK reads repositories from its own settings, so the parent refers by URL here.
        for name in ["ours", "theirs"] {
            try RepoFixtures.chart(in: home.dir + "/" + name, name: "parent", version: "0.1.0", extra: """
                dependencies:
                - name: alpha
                  version: ">=1.0.0 <2"
                  repository: \(server.url)
                  tags: [a, "<b>"]
                - name: sibling
                  version: ">=0.1"
                  repository: file://../../sibling

                """)
        }
        let ours = home.dir + "/ours/parent", theirs = home.dir + "/theirs/parent"
        try DependencyManager(chartPath: ours, paths: home.paths) { _ in }.update()
        let env = ["HELM_CONFIG_HOME": home.dir + "/helm-config", "HELM_CACHE_HOME": home.dir + "/helm-cache",
                   "HELM_DATA_HOME": home.dir + "/helm-data"]
        let result = try await Self.helm("""
            import json, helm_python
            from helm_python import _native
            _native.call_status("helm_dependency_update", \(JSON.encode(.string(theirs))), "{}")
            print(json.dumps(helm_python.dependency_list(\(JSON.encode(.string(ours))))))
            """, env: env)
        func lockFields(_ path: String) throws -> Value? {
            guard case .map(var m) = try YAML.decode(String(contentsOfFile: path + "/Chart.lock", encoding: .utf8)) else { return nil }
            m["generated"] = nil
            return .map(m)
        }
        #expect(try lockFields(ours) == lockFields(theirs))
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: ours + "/charts"))
            == Set(try FileManager.default.contentsOfDirectory(atPath: theirs + "/charts")))
        // The downloaded archive is byte-identical to what Helm downloaded.
        #expect(try ArchiveFixtures.read(ours + "/charts/alpha-1.1.0.tgz") == ArchiveFixtures.read(theirs + "/charts/alpha-1.1.0.tgz"))
        let statuses = try JSON.decode(result.trimmingCharacters(in: .whitespacesAndNewlines))
        let ourTable = try DependencyList.run(chartPath: ours)
        guard case .list(let rows) = statuses else { Issue.record("no Helm result: \(result)"); return }
        #expect(rows.count == 2)
        for case .map(let row) in rows {
            let name = row["name"]?.stringValue ?? "?"
            let status = row["status"]?.stringValue ?? "?"
            #expect(ourTable.split(separator: "\n").contains { $0.hasPrefix(name) && $0.trimmingCharacters(in: .whitespaces).hasSuffix(status) },
                    "\(name): Helm says \(status)")
        }
        // Helm loads the chart helmctl assembled.
        let loaded = try await Self.helm("""
            import helm_python
            c = helm_python.Chart.load(\(JSON.encode(.string(ours))))
            print(sorted(d["name"] if isinstance(d, dict) else str(d) for d in c.dependencies))
            """, env: env)
        #expect(loaded.contains("alpha") && loaded.contains("sibling"), "\(loaded)")
    }
}
