@testable import ChartEngine
import Foundation
import Testing

/// `helm show`: outputs compared with what Helm v4.2.3 printed for the `pkgchart` fixture
/// (Fixtures/archive/show-FORMAT.txt), for the directory and for its packaged archive.
struct ShowTests {
    static func expected(_ format: ShowAction.Format) throws -> String {
        String(decoding: try ArchiveFixtures.read(ArchiveFixtures.fixture("show-\(format.rawValue).txt")), as: UTF8.self)
    }

    @Test(arguments: ShowAction.Format.allCases)
    func directoryMatchesHelm(_ format: ShowAction.Format) throws {
        #expect(try ShowAction.run(path: ArchiveFixtures.fixture("pkgchart"), format: format) == Self.expected(format))
    }

    @Test(arguments: ShowAction.Format.allCases)
    func archiveMatchesHelm(_ format: ShowAction.Format) throws {
        let dir = try ArchiveFixtures.stampedFixtureChart()
        let path = try ChartPackager.package(directory: dir, destination: try ArchiveFixtures.tempDir())
        #expect(try ShowAction.run(path: path, format: format) == Self.expected(format))
    }

    @Test func partsThatAreAbsentPrintNothing() throws {
        let c = try Fixtures.chart(["Chart.yaml": "apiVersion: v2\nname: bare\nversion: 1.0.0\n"])
        #expect(ShowAction.show(c, format: .values) == "")
        #expect(ShowAction.show(c, format: .readme) == "")
        #expect(ShowAction.show(c, format: .crds) == "")
        #expect(ShowAction.show(c, format: .all) == "apiVersion: v2\nname: bare\nversion: 1.0.0\n\n")
    }

    @Test func emptyValuesFileStillPrintsItsSeparator() throws {
        let c = try Fixtures.chart(["Chart.yaml": "apiVersion: v2\nname: e\nversion: 1.0.0\n", "values.yaml": ""])
        #expect(ShowAction.show(c, format: .all) == "apiVersion: v2\nname: e\nversion: 1.0.0\n\n---\n\n")
    }

    @Test(arguments: ["README.md", "readme.txt", "ReadMe"])
    func readmeNamesAreCaseInsensitive(_ name: String) throws {
        let c = try Fixtures.chart(["Chart.yaml": "apiVersion: v2\nname: r\nversion: 1.0.0\n", name: "hi"])
        #expect(ShowAction.show(c, format: .readme) == "hi\n")
    }

    @Test func readmeInSubdirectoryIsNotTheReadme() throws {
        let c = try Fixtures.chart(["Chart.yaml": "apiVersion: v2\nname: r\nversion: 1.0.0\n", "docs/README.md": "no"])
        #expect(ShowAction.show(c, format: .readme) == "")
    }

    @Test func missingChart() {
        #expect(ArchiveFixtures.error { _ = try ShowAction.run(path: "/nonexistent/x", format: .all) }
            == "path \"/nonexistent/x\" not found")
    }
}
