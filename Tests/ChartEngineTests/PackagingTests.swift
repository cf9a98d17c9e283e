@testable import ChartEngine
import Foundation
import Testing

/// `helm package`: Helm v4's reproducible archive layout, compared with archives Helm v4.2.3 wrote
/// (helm-python-sdk 0.2.2) for the `Fixtures/archive/pkgchart` chart with every mtime 1700000000.6.
struct PackagingTests {
    /// SHA-256 and size of the tar stream inside Helm's `pkgchart-1.2.3.tgz` for the stamped fixture
    /// (Chart.yaml re-serialised, Chart.lock stamped with its `generated` time, values.yaml raw,
    /// schema, templates, files incl. a >100-byte path (ustar prefix) and a non-ASCII one (PAX), the
    /// `sub` directory subchart and its nested `inner-0.1.0.tgz` written unpacked).
    static let helmTarSHA256 = "ffa6dcbb36140c89deca7a50557944d6e47f84267171fe87411b451e315ee84f"
    static let helmTarSize = 19456

    @Test func tarStreamIsByteIdenticalToHelms() throws {
        let dir = try ArchiveFixtures.stampedFixtureChart()
        let (name, bytes) = try ChartPackager.archive(directory: dir)
        #expect(name == "pkgchart-1.2.3.tgz")
        let tar = ArchiveFixtures.gunzip(bytes)
        #expect(tar.count == Self.helmTarSize)
        #expect(SHA256.hex(tar) == Self.helmTarSHA256)
    }

    @Test func gzipHeaderIsHelms() throws {
        let dir = try ArchiveFixtures.stampedFixtureChart()
        let bytes = try ChartPackager.archive(directory: dir).bytes
        // ID, CM=8, FLG=FEXTRA|FCOMMENT, MTIME=0, XFL=0, OS=255, XLEN=41, extra, "Helm\0".
        let expected: [UInt8] = [0x1F, 0x8B, 0x08, 0x14, 0, 0, 0, 0, 0, 0xFF, 41, 0]
            + Array("+aHR0cHM6Ly95b3V0dS5iZS96OVV6MWljandyTQo=".utf8) + Array("Helm".utf8) + [0]
        #expect(Array(bytes.prefix(expected.count)) == expected)
    }

    @Test func packagingIsReproducible() throws {
        let dir = try ArchiveFixtures.stampedFixtureChart()
        let a = try ChartPackager.archive(directory: dir).bytes
        let b = try ChartPackager.archive(directory: dir).bytes
        #expect(SHA256.hex(a) == SHA256.hex(b))
        // A changed mtime changes the archive.
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_600_000_000)],
                                              ofItemAtPath: dir + "/values.yaml")
        let c = try ChartPackager.archive(directory: dir).bytes
        #expect(SHA256.hex(a) != SHA256.hex(c))
    }

    @Test func entryLayout() throws {
        let dir = try ArchiveFixtures.stampedFixtureChart()
        let bytes = try ChartPackager.archive(directory: dir).bytes
        let entries = try ArchiveReader.entries(of: bytes)
        #expect(entries.map(\.name) == [
            "Chart.yaml", "Chart.lock", "values.yaml", "values.schema.json", "templates/_helpers.tpl",
            "templates/cm.yaml", ".helmignore", "README.md", "crds/a.yaml", "crds/b.yaml",
            "files/" + String(repeating: "d", count: 60) + "/" + String(repeating: "e", count: 60) + "/long-file-name.txt",
            "files/ünïcødé.txt", "charts/sub/Chart.yaml", "charts/sub/templates/_x.tpl",
            "charts/sub/charts/inner/Chart.yaml", "charts/sub/charts/inner/values.yaml",
            "charts/sub/charts/inner/crds/i.json",
        ])
        #expect(entries.first { $0.name == "Chart.lock" }?.modTime == FileTime(seconds: 1_612_317_906))
        #expect(entries.first { $0.name == "values.yaml" }?.modTime == FileTime(seconds: 1_700_000_001))
        #expect(!entries.contains { $0.name == "ignored.bak" })
    }

    @Test func versionAndAppVersionOverride() throws {
        let dir = try ArchiveFixtures.stampedFixtureChart()
        let out = try ArchiveFixtures.tempDir() + "/new/dest"
        let path = try ChartPackager.package(directory: dir, destination: out,
                                             options: .init(version: "2.0.0-rc.1", appVersion: "9.9"))
        #expect(path == out + "/pkgchart-2.0.0-rc.1.tgz")
        let c = try ChartLoader.load(directory: path)
        #expect(c.metadata.version == "2.0.0-rc.1")
        #expect(c.metadata.appVersion == "9.9")
    }

    @Test func chartYAMLIsReserialisedWithSortedKeys() {
        var md = ChartMetadata(name: "x", version: "1.0.0", description: "d", appVersion: "1.16")
        md.dependencies = [ChartDependency(name: "dep", version: "1.x")]
        #expect(ChartfileEncoding.chartYAML(md) == """
            apiVersion: v2
            appVersion: "1.16"
            dependencies:
            - name: dep
              repository: ""
              version: 1.x
            description: d
            name: x
            version: 1.0.0

            """)
    }

    @Test func libraryAndV1Charts() throws {
        let dir = try ArchiveFixtures.tempDir()
        try ArchiveFixtures.write(Array("apiVersion: v2\nname: lib\nversion: 1.0.0\ntype: library\n".utf8),
                                  to: dir + "/Chart.yaml")
        #expect(try ChartPackager.archive(directory: dir).fileName == "lib-1.0.0.tgz")

        // v1: dependencies stay in requirements.yaml, not in the re-serialised Chart.yaml.
        let v1 = try ArchiveFixtures.tempDir()
        try FileManager.default.createDirectory(atPath: v1 + "/charts/dep", withIntermediateDirectories: true)
        try ArchiveFixtures.write(Array("apiVersion: v1\nname: old\nversion: 1.0.0\n".utf8), to: v1 + "/Chart.yaml")
        try ArchiveFixtures.write(Array("dependencies:\n- name: dep\n  version: 1.0.0\n".utf8),
                                  to: v1 + "/requirements.yaml")
        try ArchiveFixtures.write(Array("apiVersion: v1\nname: dep\nversion: 1.0.0\n".utf8),
                                  to: v1 + "/charts/dep/Chart.yaml")
        let entries = try ArchiveReader.entries(of: try ChartPackager.archive(directory: v1).bytes)
        #expect(entries.map(\.name) == ["Chart.yaml", "requirements.yaml", "charts/dep/Chart.yaml"])
        #expect(entries.first.map { String(decoding: $0.data, as: UTF8.self) } == "apiVersion: v1\nname: old\nversion: 1.0.0\n")
    }

    struct Failure: CustomTestStringConvertible, Sendable {
        var name: String
        var files: [String: String]
        var options: ChartPackager.Options
        var message: String
        var testDescription: String { name }
    }

    static let failures: [Failure] = [
        Failure(name: "dependency missing from charts/",
                files: ["Chart.yaml": "apiVersion: v2\nname: x\nversion: 1.0.0\ndependencies:\n- name: a\n- name: b\n"],
                options: .init(), message: "found in Chart.yaml, but missing in charts/ directory: a, b"),
        Failure(name: "bad --version", files: ["Chart.yaml": "apiVersion: v2\nname: x\nversion: 1.0.0\n"],
                options: .init(version: "1.x"), message: "invalid semantic version"),
        Failure(name: "invalid schema JSON",
                files: ["Chart.yaml": "apiVersion: v2\nname: x\nversion: 1.0.0\n", "values.schema.json": "{nope"],
                options: .init(), message: "failed to save: invalid JSON in values.schema.json"),
        Failure(name: "broken Chart.lock",
                files: ["Chart.yaml": "apiVersion: v2\nname: x\nversion: 1.0.0\n", "Chart.lock": "a: [\n"],
                options: .init(),
                message: "cannot load Chart.lock: error converting YAML to JSON: yaml: line 1: did not find expected node content"),
        Failure(name: "Chart.lock time not a string",
                files: ["Chart.yaml": "apiVersion: v2\nname: x\nversion: 1.0.0\n", "Chart.lock": "generated: 5\n"],
                options: .init(),
                message: "cannot load Chart.lock: error unmarshaling JSON: while decoding JSON: Time.UnmarshalJSON: input is not a JSON string"),
    ]

    @Test(arguments: failures)
    func packagingFailures(_ f: Failure) throws {
        let dir = try ArchiveFixtures.tempDir()
        for (name, text) in f.files { try ArchiveFixtures.write(Array(text.utf8), to: dir + "/" + name) }
        #expect(ArchiveFixtures.error { _ = try ChartPackager.archive(directory: dir, options: f.options) } == f.message)
    }

    @Test func notAChartDirectory() throws {
        #expect(ArchiveFixtures.error { _ = try ChartPackager.archive(directory: "/nonexistent/chart") }
            == "unable to detect chart at /nonexistent/chart/Chart.yaml: open /nonexistent/chart/Chart.yaml: no such file or directory")
        let dir = try ArchiveFixtures.tempDir()
        try ArchiveFixtures.write([1], to: dir + "/file.tgz")
        #expect(ArchiveFixtures.error { _ = try ChartPackager.archive(directory: dir + "//file.tgz") }
            == "unable to detect chart at \(dir)/file.tgz/Chart.yaml: open \(dir)/file.tgz/Chart.yaml: not a directory")
    }

    /// Names Go's tar writer stores as plain ustar, split ustar (prefix + name) and PAX.
    @Test(arguments: [
        "top/a", "top/" + String(repeating: "p", count: 140) + "/" + String(repeating: "n", count: 90),
        "top/" + String(repeating: "x", count: 120), "top/ü.txt",
    ])
    func tarWriterNamesRoundTrip(_ name: String) throws {
        var w = TarWriter()
        try w.addFile(name: name, data: Array("data".utf8), modTime: 1_700_000_000)
        w.finish()
        #expect(w.bytes.count % 512 == 0)
        let entries = try ArchiveReader.entries(of: ArchiveFixtures.gzip(w.bytes))
        #expect(entries.map(\.name) == [String(name.dropFirst(4))])
        #expect(entries.first?.data == Array("data".utf8))
    }

    @Test(arguments: [
        ("2021-02-03T04:05:06.123456+02:00", Int64(1_612_317_906), Int32(123_456_000)),
        ("1970-01-01T00:00:00Z", 0, 0), ("2000-02-29T23:59:59.999999999Z", 951_868_799, 999_999_999),
    ])
    func rfc3339Parsing(_ text: String, _ seconds: Int64, _ nanos: Int32) {
        #expect(ChartfileEncoding.parseRFC3339(text) == FileTime(seconds: seconds, nanoseconds: nanos))
    }

    @Test func rfc3339Rejects() {
        #expect(ChartfileEncoding.parseRFC3339("yesterday") == nil)
        #expect(ChartfileEncoding.parseRFC3339("2021-13-01T00:00:00Z") == nil)
    }
}
