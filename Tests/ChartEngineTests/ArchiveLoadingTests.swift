@testable import ChartEngine
import Foundation
import Testing

/// Loading charts from `.tgz` archives: Helm's path rules, limits, subchart archives, bad gzip.
struct ArchiveLoadingTests {
    typealias E = ArchiveFixtures.Entry

    static let chartYAML = "apiVersion: v2\nname: demo\nversion: 0.1.0\n"

    @Test func goodArchiveLoadsLikeItsDirectory() throws {
        let dir = try ArchiveFixtures.stampedFixtureChart()
        let out = try ArchiveFixtures.tempDir()
        let path = try ChartPackager.package(directory: dir, destination: out)
        let fromArchive = try ChartLoader.load(directory: path)
        let fromDir = try ChartLoader.load(directory: dir)
        #expect(fromArchive.metadata == fromDir.metadata)
        #expect(fromArchive.values == fromDir.values)
        #expect(fromArchive.rawValues == fromDir.rawValues)
        #expect(fromArchive.templates == fromDir.templates)
        #expect(fromArchive.crds == fromDir.crds)
        #expect(fromArchive.files.map(\.name) == fromDir.files.map(\.name))
        #expect(fromArchive.dependencies.map(\.name) == ["sub"])
        #expect(fromArchive.dependencies.first?.dependencies.map(\.name) == ["inner"])
        #expect(fromArchive.files.contains { $0.name == "files/ünïcødé.txt" })
    }

    @Test func directoryEntriesBOMAndWindowsSeparators() throws {
        let tgz = ArchiveFixtures.tgz([
            E(name: "demo/", kind: .directory),
            .file("demo/Chart.yaml", Self.chartYAML),
            .file("demo\\templates\\a.yaml", "kind: A\n"),
            E(name: "demo/values.yaml", data: [0xEF, 0xBB, 0xBF] + Array("a: 1\n".utf8)),
        ])
        let c = try ChartArchive.load(bytes: tgz)
        #expect(c.templates.map(\.name) == ["templates/a.yaml"])
        #expect(c.rawValues == "a: 1\n")
    }

    @Test func helmignoreIsNotAppliedToArchives() throws {
        let tgz = ArchiveFixtures.tgz([
            .file("demo/Chart.yaml", Self.chartYAML),
            .file("demo/.helmignore", "*.txt\n"),
            .file("demo/notes.txt", "kept\n"),
        ])
        let c = try ChartArchive.load(bytes: tgz)
        #expect(c.files.map(\.name).sorted() == [".helmignore", "notes.txt"])
    }

    @Test func subchartsAsArchivesAndDirectories() throws {
        let inner = ArchiveFixtures.tgz([.file("packed/Chart.yaml", "apiVersion: v2\nname: packed\nversion: 1.0.0\n")])
        let tgz = ArchiveFixtures.tgz([
            .file("demo/Chart.yaml", Self.chartYAML),
            E(name: "demo/charts/packed-1.0.0.tgz", data: inner),
            .file("demo/charts/plain/Chart.yaml", "apiVersion: v2\nname: plain\nversion: 2.0.0\n"),
            .file("demo/charts/_skipped/Chart.yaml", "not: loaded\n"),
        ])
        let c = try ChartArchive.load(bytes: tgz)
        #expect(c.dependencies.map(\.name) == ["packed", "plain"])
        #expect(c.dependencies.map(\.fullPath) == ["demo/charts/packed", "demo/charts/plain"])

        // The same archive as a subchart of a chart directory.
        let dir = try ArchiveFixtures.tempDir()
        try FileManager.default.createDirectory(atPath: dir + "/charts", withIntermediateDirectories: true)
        try ArchiveFixtures.write(Array(Self.chartYAML.utf8), to: dir + "/Chart.yaml")
        try ArchiveFixtures.write(inner, to: dir + "/charts/packed-1.0.0.tgz")
        #expect(try ChartLoader.load(directory: dir).dependencies.map(\.name) == ["packed"])
    }

    @Test func brokenSubchartArchiveIsReportedWithItsName() throws {
        let tgz = ArchiveFixtures.tgz([
            .file("demo/Chart.yaml", Self.chartYAML),
            .file("demo/charts/bad-1.0.0.tgz", "not gzip at all"),
        ])
        let msg = ArchiveFixtures.error { _ = try ChartArchive.load(bytes: tgz) }
        #expect(msg?.hasPrefix("error unpacking subchart bad-1.0.0.tgz in demo: ") == true)
    }

    /// A chain of subchart archives, each inside the next (`levels` archives in all).
    static func nested(_ levels: Int) -> [UInt8] {
        var inner = ArchiveFixtures.tgz([.file("c0/Chart.yaml", "apiVersion: v2\nname: c0\nversion: 1.0.0\n")])
        for i in 1..<levels {
            inner = ArchiveFixtures.tgz([
                .file("c\(i)/Chart.yaml", "apiVersion: v2\nname: c\(i)\nversion: 1.0.0\n"),
                E(name: "c\(i)/charts/c\(i - 1)-1.0.0.tgz", data: inner),
            ])
        }
        return inner
    }

    @Test func deeplyNestedSubchartArchivesAreRefused() throws {
        // A .tgz can even contain itself; the loader must not follow such a chain for ever.
        #expect(ArchiveFixtures.error { _ = try ChartArchive.load(bytes: Self.nested(17)) }
            == "chart archives are nested more than 16 levels deep")
        var c = try ChartArchive.load(bytes: Self.nested(16))
        var depth = 1
        while let d = c.dependencies.first {
            c = d
            depth += 1
        }
        #expect(depth == 16)
        // Packaging a directory that vendors the chain stops as well.
        let dir = try ArchiveFixtures.tempDir()
        try FileManager.default.createDirectory(atPath: dir + "/charts", withIntermediateDirectories: true)
        try ArchiveFixtures.write(Array("apiVersion: v2\nname: top\nversion: 1.0.0\n".utf8), to: dir + "/Chart.yaml")
        try ArchiveFixtures.write(Self.nested(17), to: dir + "/charts/c16-1.0.0.tgz")
        #expect(ArchiveFixtures.error { _ = try ChartPackager.archive(directory: dir) }
            == "error unpacking subchart c16-1.0.0.tgz in top: chart archives are nested more than 16 levels deep")
    }

    @Test func duplicateEntriesAreKeptInOrder() throws {
        let tgz = ArchiveFixtures.tgz([
            .file("demo/Chart.yaml", Self.chartYAML),
            .file("demo/templates/a.yaml", "first\n"),
            .file("demo/templates/a.yaml", "second\n"),
        ])
        let c = try ChartArchive.load(bytes: tgz)
        #expect(c.templates.map(\.text) == ["first\n", "second\n"])
    }

    @Test func enormousNamesLoad() throws {
        let long = String(repeating: "n", count: 4000)
        let tgz = ArchiveFixtures.tgz([.file("demo/Chart.yaml", Self.chartYAML), .file("demo/files/" + long, "x")])
        #expect(try ChartArchive.load(bytes: tgz).files.map(\.name) == ["files/" + long])
    }

    struct Hostile: CustomTestStringConvertible, Sendable {
        var name: String
        var entries: @Sendable () -> [E]
        var message: String
        var testDescription: String { name }
    }

    static let hostile: [Hostile] = [
        Hostile(name: "absolute path", entries: { [.file("demo//etc/passwd", "x")] },
                message: "chart illegally contains absolute paths"),
        Hostile(name: "parent traversal", entries: { [.file("demo/../../etc/passwd", "x")] },
                message: "chart illegally references parent directory"),
        Hostile(name: "traversal after clean", entries: { [.file("demo/templates/../../x", "x")] },
                message: "chart illegally references parent directory"),
        Hostile(name: "name starting with two dots", entries: { [.file("demo/..x", "x")] },
                message: "chart illegally references parent directory"),
        Hostile(name: "file without base directory", entries: { [.file("lonely.yaml", "x")] },
                message: "chart illegally contains content outside the base directory: \"lonely.yaml\""),
        Hostile(name: "drive letter", entries: { [.file("demo/c:/windows/x", "x")] },
                message: "chart contains illegally named files"),
        Hostile(name: "backslash drive letter", entries: { [.file("demo\\C:\\x", "x")] },
                message: "chart contains illegally named files"),
        Hostile(name: "Chart.yaml as top directory", entries: { [.file("Chart.yaml/templates/x", "x")] },
                message: "chart yaml not in base directory"),
        Hostile(name: "symlink", entries: { [E(name: "demo/templates/link", kind: .symlink("/etc/passwd"))] },
                message: "cannot load irregular file demo/templates/link as it has file mode type bits set"),
        Hostile(name: "hard link", entries: {
            [.file("demo/Chart.yaml", chartYAML), E(name: "demo/x", kind: .hardlink("demo/Chart.yaml"))]
        }, message: "cannot load irregular file demo/x as it has file mode type bits set"),
        Hostile(name: "character device", entries: { [E(name: "demo/null", kind: .charDevice)] },
                message: "cannot load irregular file demo/null as it has file mode type bits set"),
        Hostile(name: "fifo", entries: { [E(name: "demo/pipe", kind: .fifo)] },
                message: "cannot load irregular file demo/pipe as it has file mode type bits set"),
        Hostile(name: "file over 5 MiB (gzip bomb)", entries: {
            [E(name: "demo/big", data: [UInt8](repeating: 0, count: 5 * 1024 * 1024 + 1))]
        }, message: "decompressed chart file \"demo/big\" is larger than the maximum file size 5242880"),
        Hostile(name: "only directories", entries: { [E(name: "demo/", kind: .directory)] },
                message: "no files in chart archive"),
    ]

    @Test(arguments: hostile)
    func hostileArchivesAreRefused(_ c: Hostile) {
        let tgz = ArchiveFixtures.tgz(c.entries())
        #expect(ArchiveFixtures.error { _ = try ChartArchive.load(bytes: tgz) } == c.message)
    }

    @Test func totalSizeLimitStopsDecompression() {
        let entries = (0..<4).map { E(name: "demo/f\($0)", data: [UInt8](repeating: 0x61, count: 3000)) }
        let tgz = ArchiveFixtures.tgz(entries)
        let msg = ArchiveFixtures.error { _ = try ArchiveReader.entries(of: tgz, maxChartSize: 10000) }
        #expect(msg == "decompressed chart is larger than the maximum size 10000")
        #expect((try? ArchiveReader.entries(of: tgz, maxChartSize: 12000))?.count == 4)
    }

    @Test func bombOfEmptyEntriesIsBounded() {
        // Empty files cost no budget in Helm; the tar stream itself is capped at twice the limit.
        let entries = (0..<100).map { E(name: "demo/e\($0)") }
        let tgz = ArchiveFixtures.tgz(entries)
        let msg = ArchiveFixtures.error { _ = try ArchiveReader.entries(of: tgz, maxChartSize: 10000) }
        #expect(msg == "decompressed chart is larger than the maximum size 10000")
    }

    @Test(arguments: [("a\"b", #""a\"b""#), ("tab\there", #""tab\there""#), ("ü", "\"ü\""), ("\u{1}", #""\x01""#)])
    func goQuote(_ raw: String, _ quoted: String) {
        #expect(GoPath.quote(raw) == quoted)
    }

    @Test func headerClaimingHugeSizeIsRefusedBeforeReading() {
        // 200 MiB claimed, nothing behind it: refused from the header alone.
        let tar = ArchiveFixtures.ustarHeader(name: "demo/huge", size: 200 * 1024 * 1024)
        let msg = ArchiveFixtures.error { _ = try ChartArchive.load(bytes: ArchiveFixtures.gzip(tar)) }
        #expect(msg == "decompressed chart is larger than the maximum size 104857600")
    }

    @Test func truncatedTarDataIsRefused() {
        var tar = ArchiveFixtures.ustarHeader(name: "demo/Chart.yaml", size: 4096)
        tar += [UInt8](repeating: 0x61, count: 100)
        let msg = ArchiveFixtures.error { _ = try ChartArchive.load(bytes: ArchiveFixtures.gzip(tar)) }
        #expect(msg == "unexpected EOF")
    }

    @Test func truncatedGzipIsRefused() {
        let good = ArchiveFixtures.tgz([.file("demo/Chart.yaml", Self.chartYAML),
                                        E(name: "demo/data", data: (0..<20000).map { UInt8(truncatingIfNeeded: $0 &* 7919) })])
        let cut = Array(good.prefix(good.count / 2))
        #expect(ArchiveFixtures.error { _ = try ChartArchive.load(bytes: cut) } == "unexpected EOF")
    }

    @Test func corruptGzipIsRefused() {
        var bad = ArchiveFixtures.tgz([.file("demo/Chart.yaml", Self.chartYAML),
                                       E(name: "demo/data", data: (0..<20000).map { UInt8(truncatingIfNeeded: $0 &* 31) })])
        for i in 30..<min(bad.count - 8, 200) { bad[i] ^= 0x5A }
        let msg = ArchiveFixtures.error { _ = try ChartArchive.load(bytes: bad) }
        #expect(msg != nil)
    }

    @Test(arguments: [0, 1024])
    func gzipOfNothingIsAnEmptyArchive(_ zeros: Int) {
        let gz = ArchiveFixtures.gzip([UInt8](repeating: 0, count: zeros))
        #expect(ArchiveFixtures.error { _ = try ChartArchive.load(bytes: gz) } == "no files in chart archive")
    }

    @Test func gzipOfSomethingThatIsNotTar() {
        let gz = ArchiveFixtures.gzip(Array(String(repeating: "hello world\n", count: 100).utf8))
        #expect(ArchiveFixtures.error { _ = try ChartArchive.load(bytes: gz) } == "archive/tar: invalid tar header")
    }

    @Test func nonArchiveFilesGetHelmsHints() throws {
        let dir = try ArchiveFixtures.tempDir()
        try ArchiveFixtures.write(Array("a: 1\n".utf8), to: dir + "/values.yaml")
        try ArchiveFixtures.write(Array("plain text\n".utf8), to: dir + "/short.tgz")
        try ArchiveFixtures.write(Array(String(repeating: "plain text\n", count: 60).utf8), to: dir + "/chart.tgz")
        try ArchiveFixtures.write([0, 1, 2, 3], to: dir + "/binary.tgz")
        #expect(ArchiveFixtures.error { _ = try ChartLoader.load(directory: dir + "/values.yaml") }
            == "file '\(dir)/values.yaml' seems to be a YAML file, but expected a gzipped archive")
        #expect(ArchiveFixtures.error { _ = try ChartLoader.load(directory: dir + "/chart.tgz") }
            == "file '\(dir)/chart.tgz' does not appear to be a gzipped archive; got 'text/plain; charset=utf-8'")
        // Helm sniffs a zero-filled 512-byte buffer, so short text files look binary.
        #expect(ArchiveFixtures.error { _ = try ChartLoader.load(directory: dir + "/short.tgz") }
            == "file '\(dir)/short.tgz' does not appear to be a gzipped archive; got 'application/octet-stream'")
        #expect(ArchiveFixtures.error { _ = try ChartLoader.load(directory: dir + "/binary.tgz") }
            == "file '\(dir)/binary.tgz' does not appear to be a gzipped archive; got 'application/octet-stream'")
    }

    @Test(arguments: [
        ("a/b", "b"), ("a/b/../c", "c"), ("a/./b//c/", "b/c"), ("a\\b\\c", "b/c"),
    ])
    func safeNamesStripTheTopDirectory(_ raw: String, _ expected: String) throws {
        #expect(try ArchiveReader.safeName(raw) == expected)
    }
}
