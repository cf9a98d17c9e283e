@testable import ChartEngine
import Foundation
import Testing

/// `helm repo index`: layout compared with the index Helm v4.2.3 wrote over the same archives
/// (Fixtures/archive/index-expected.{yaml,json}, timestamps and digests replaced by placeholders
/// because Helm's deflate bytes — and so the digests — differ from zlib's).
struct RepoIndexTests {
    /// A repository: pkgchart 1.2.3 and 1.2.3-beta.1 at the top, 0.9.0 in `old/`, and a junk `.tgz`.
    static func repository() throws -> String {
        let chart = try ArchiveFixtures.stampedFixtureChart()
        let repo = try ArchiveFixtures.tempDir()
        _ = try ChartPackager.package(directory: chart, destination: repo)
        _ = try ChartPackager.package(directory: chart, destination: repo, options: .init(version: "1.2.3-beta.1"))
        _ = try ChartPackager.package(directory: chart, destination: repo + "/old", options: .init(version: "0.9.0"))
        try ArchiveFixtures.write(Array("junk\n".utf8), to: repo + "/junk.tgz")
        return repo
    }

    static func placeholders(_ text: String) -> String {
        var s = text.replacingOccurrences(of: #""\d{4}-\d\d-\d\dT[0-9:.]+(Z|[+-]\d\d:\d\d)""#, with: "\"TIME\"",
                                          options: .regularExpression)
        s = s.replacingOccurrences(of: "[0-9a-f]{64}", with: "DIGEST", options: .regularExpression)
        return s
    }

    static func expected(_ name: String) throws -> String {
        String(decoding: try ArchiveFixtures.read(ArchiveFixtures.fixture(name)), as: UTF8.self)
    }

    @Test func yamlMatchesHelm() throws {
        let repo = try Self.repository()
        _ = try RepoIndexAction.run(directory: repo, url: "https://charts.example.com/x/")
        let text = String(decoding: try ArchiveFixtures.read(repo + "/index.yaml"), as: UTF8.self)
        #expect(Self.placeholders(text) == (try Self.expected("index-expected.yaml")))
    }

    @Test func jsonMatchesHelm() throws {
        let repo = try Self.repository()
        _ = try RepoIndexAction.run(directory: repo, json: true)
        // Helm writes the JSON form into index.yaml.
        let text = String(decoding: try ArchiveFixtures.read(repo + "/index.yaml"), as: UTF8.self)
        #expect(Self.placeholders(text) == (try Self.expected("index-expected.json")))
    }

    @Test func digestsAreSHA256OfTheArchives() throws {
        let repo = try Self.repository()
        let index = try RepoIndexAction.run(directory: repo)
        let entries = index.entries["pkgchart"] ?? []
        #expect(entries.map(\.metadata.version) == ["1.2.3", "1.2.3-beta.1", "0.9.0"])
        #expect(entries.map(\.urls) == [["pkgchart-1.2.3.tgz"], ["pkgchart-1.2.3-beta.1.tgz"], ["old/pkgchart-0.9.0.tgz"]])
        for e in entries {
            let bytes = try ArchiveFixtures.read(repo + "/" + e.urls[0])
            #expect(e.digest == SHA256.hex(bytes))
        }
        #expect(index.entries.keys.sorted() == ["pkgchart"])
    }

    @Test func mergeKeepsEntriesTheDirectoryLacks() throws {
        let repo = try Self.repository()
        let old = try TemporaryDirectories.make("merge") + "/index.yaml"
        try ArchiveFixtures.write(Array("""
            apiVersion: v1
            entries:
              gone:
              - name: gone
                version: 0.0.1
                urls: [gone-0.0.1.tgz]
                created: "2020-01-01T00:00:00.5+01:00"
                digest: abc
              pkgchart:
              - name: pkgchart
                version: 1.2.3
                urls: [elsewhere.tgz]
              - name: pkgchart
                version: 0.5.0
                urls: [pkgchart-0.5.0.tgz]
              broken:
              - name: broken
                version: notsemver
            generated: "2020-01-01T00:00:00Z"

            """.utf8), to: old)
        var warnings: [String] = []
        let index = try RepoIndexAction.run(directory: repo, merge: old, clock: { "2026-01-01T00:00:00Z" },
                                            warn: { warnings.append($0) })
        #expect(index.entries["pkgchart"]?.map(\.metadata.version) == ["1.2.3", "1.2.3-beta.1", "0.9.0", "0.5.0"])
        #expect(index.entries["pkgchart"]?.first?.urls == ["pkgchart-1.2.3.tgz"])
        #expect(index.entries["gone"]?.first?.created == "2020-01-01T00:00:00.5+01:00")
        #expect(index.entries["gone"]?.first?.metadata.apiVersion == "v1")
        #expect(index.entries["broken"] == nil)
        #expect(warnings == ["skipping loading invalid entry for chart \"broken\" \"notsemver\" from \(old): validation: chart.metadata.version \"notsemver\" is invalid"])
    }

    @Test func missingMergeFileIsCreatedEmpty() throws {
        let repo = try Self.repository()
        let target = repo + "/fresh.yaml"
        _ = try RepoIndexAction.run(directory: repo, merge: target, clock: { "2026-01-01T00:00:00Z" })
        let text = String(decoding: try ArchiveFixtures.read(target), as: UTF8.self)
        #expect(text == "apiVersion: v1\nentries: {}\ngenerated: \"2026-01-01T00:00:00Z\"\n")
    }

    struct BadIndex: CustomTestStringConvertible, Sendable {
        var name: String
        var text: String
        var message: String
        var testDescription: String { name }
    }

    static let badIndexes: [BadIndex] = [
        BadIndex(name: "empty", text: "", message: "empty index.yaml file"),
        BadIndex(name: "no apiVersion", text: "entries: {}\n", message: "no API version specified"),
        BadIndex(name: "unknown top-level field", text: "apiVersion: v1\nbogus: 1\n",
                 message: "error unmarshaling JSON: while decoding JSON: json: unknown field \"bogus\""),
        BadIndex(name: "unknown entry field", text: "apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n    evil: x\n",
                 message: "error unmarshaling JSON: while decoding JSON: json: unknown field \"evil\""),
        BadIndex(name: "not a map", text: "- 1\n",
                 message: "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type repo.IndexFile"),
        BadIndex(name: "malformed YAML", text: "apiVersion: [\n",
                 message: "error converting YAML to JSON: yaml: line 1: did not find expected node content"),
        BadIndex(name: "entries not a map", text: "apiVersion: v1\nentries: [1]\n",
                 message: "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go struct field IndexFile.entries of type map[string]repo.ChartVersions"),
        BadIndex(name: "keywords not a list", text: "apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n    keywords: {a: 1}\n",
                 message: "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go struct field ChartVersion.entries.Metadata.keywords of type []string"),
        BadIndex(name: "urls not a list", text: "apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n    urls: x\n",
                 message: "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go struct field ChartVersion.entries.urls of type []string"),
        BadIndex(name: "name not a string", text: "apiVersion: v1\nentries:\n  a:\n  - name: [a]\n    version: 1.0.0\n",
                 message: "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go struct field ChartVersion.entries.Metadata.name of type string"),
    ]

    @Test(arguments: badIndexes)
    func malformedIndexesAreRefused(_ c: BadIndex) {
        #expect(ArchiveFixtures.error { _ = try RepoIndex.parse(Array(c.text.utf8), source: "x") } == c.message)
    }

    @Test func mergeFailureIsWrapped() throws {
        let repo = try Self.repository()
        try ArchiveFixtures.write(Array("entries: {}\n".utf8), to: repo + "/bad.yaml")
        #expect(ArchiveFixtures.error { _ = try RepoIndexAction.run(directory: repo, merge: repo + "/bad.yaml") }
            == "merge failed: error loading \(repo)/bad.yaml: no API version specified")
    }

    @Test(arguments: [
        ("1.0.0", "1.0.0-rc.1", true), ("1.10.0", "1.9.0", true), ("1.0.0-rc.10", "1.0.0-rc.9", true),
        ("1.0.0-beta", "1.0.0-alpha.1", true), ("1.0.0-alpha.1", "1.0.0-alpha", true), ("v2", "1.99.99", true),
        ("1.0.0+b2", "1.0.0+b1", false),
    ])
    func semverPrecedence(_ newer: String, _ older: String, _ strictlyNewer: Bool) throws {
        let a = try #require(SemVer(newer)), b = try #require(SemVer(older))
        #expect((b < a) == strictlyNewer)
        #expect(!(a < b))
    }

    @Test(arguments: [
        ("", "sub", "sub"), ("https://h/c/", "", "https://h/c"), ("https://h", "x.tgz", "https://h/x.tgz"),
        ("https://h/c", "a/../x.tgz", "https://h/c/x.tgz"),
    ])
    func urlJoin(_ base: String, _ element: String, _ expected: String) {
        #expect(URLJoin.join(base, element) == expected)
    }

    @Test func timeFormatting() {
        #expect(RepoTime.format(seconds: 1_700_000_000, nanoseconds: 120_000_000, offset: 0) == "2023-11-14T22:13:20.12Z")
        #expect(RepoTime.format(seconds: 0, nanoseconds: 0, offset: -6 * 3600) == "1969-12-31T18:00:00-06:00")
    }
}
