import ChartEngine
import Foundation
import StructuredData
import Testing

/// Chart archives (`.tgz`), with expectations recorded from Helm v4.2.3 (helm-python-sdk 0.2.2).
struct ArchiveTests {
    static let archives = Fixtures.repoRoot + "/Tests/ChartEngineTests/Fixtures/archives/"

    @Test func loadsAnArchiveDirectly() throws {
        let c = try ChartLoader.load(directory: Self.archives + "sub-0.1.0.tgz")
        #expect(c.name == "sub")
        #expect(c.templates.map(\.name) == ["templates/cm.yaml"])
        #expect(c.files.map(\.name) == ["files/x.txt"])
        // The BOM of values.yaml is stripped.
        #expect(Value.map(c.values) == ["greeting": "from archive"])
    }

    @Test func archivedSubchartRenders() throws {
        let dir = try Fixtures.directory(["Chart.yaml": Fixtures.chartYAML("parent", version: "1.0.0"),
                                          "values.yaml": "global:\n  p: P\n"])
        try FileManager.default.createDirectory(atPath: dir + "/charts", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.archives + "sub-0.1.0.tgz", toPath: dir + "/charts/sub-0.1.0.tgz")
        let out = try Renderer.render(chart: try ChartLoader.load(directory: dir), values: [:], options: Fixtures.options)
        #expect(out == ["parent/charts/sub/templates/cm.yaml": "kind: ConfigMap\ndata:\n  g: from archive\n  parent: P\n"])
    }

    @Test(arguments: [
        ("traversal.tgz", "chart illegally references parent directory"),
        ("rootchart.tgz", "chart illegally contains content outside the base directory: \"Chart.yaml\""),
    ])
    func unsafeArchivesAreRefused(_ file: String, _ message: String) {
        #expect(Fixtures.errorMessage { _ = try ChartLoader.load(directory: Self.archives + file) } == message)
    }

    @Test func nonArchivesAreRecognised() throws {
        let dir = try Fixtures.directory(["notgz.tgz": "hello: world\n", "values.yaml": "hello: world\n"])
        #expect(Fixtures.errorMessage { _ = try ChartLoader.load(directory: dir + "/notgz.tgz") }
            == "file '\(dir)/notgz.tgz' does not appear to be a gzipped archive; got 'application/octet-stream'")
        #expect(Fixtures.errorMessage { _ = try ChartLoader.load(directory: dir + "/values.yaml") }
            == "file '\(dir)/values.yaml' seems to be a YAML file, but expected a gzipped archive")
    }
}
