import ChartEngine
import Foundation
import StructuredData
import Testing

/// `helm create`: the scaffold written byte for byte as Helm v4.2.3 writes it, name checks, existing
/// files, starters, and the scaffold's render.
struct CreateTests {
    static let dir = Fixtures.repoRoot + "/Tests/ChartEngineTests/Fixtures/create/"
    static var updating: Bool { ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" }

    /// Every regular file under `root`, relative path → bytes.
    static func tree(_ root: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let e = FileManager.default.enumerator(atPath: root)
        while let rel = e?.nextObject() as? String {
            var isDir: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: root + "/" + rel, isDirectory: &isDir)
            if !isDir.boolValue { out[rel] = FileManager.default.contents(atPath: root + "/" + rel) }
        }
        return out
    }

    static func temporaryDirectory() throws -> String {
        try TemporaryDirectories.make("create-tests")
    }

    /// Compares the files `actual` with the folder `expected`; `UPDATE_GOLDEN=1` rewrites it.
    static func checkTree(_ actual: String, _ expected: String, skipping: Set<String> = []) throws {
        if updating {
            try? FileManager.default.removeItem(atPath: expected)
            try FileManager.default.copyItem(atPath: actual, toPath: expected)
            for s in skipping { try? FileManager.default.removeItem(atPath: expected + "/" + s) }
            Issue.record("golden \(expected) regenerated; rerun without UPDATE_GOLDEN")
            return
        }
        let got = try tree(actual).filter { !skipping.contains($0.key) }
        let want = try tree(expected)
        #expect(got.keys.sorted() == want.keys.sorted())
        for (k, v) in want {
            #expect(got[k] == v, "file \(k) differs")
        }
    }

    @Test func scaffoldIsHelmsByteForByte() throws {
        let tmp = try Self.temporaryDirectory()
        var out = ""
        let made = try CreateAction.create(name: "mychart", in: tmp, output: &out)
        #expect(out == "")
        #expect(made.hasSuffix("/mychart"))
        var isDir: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: made + "/charts", isDirectory: &isDir) && isDir.boolValue)
        // mychart/ was written by the real Helm, never regenerated from helmctl.
        let got = try Self.tree(made)
        let want = try Self.tree(Self.dir + "mychart")
        #expect(got.keys.sorted() == want.keys.sorted())
        for (k, v) in want { #expect(got[k] == v, "scaffold file \(k) differs from Helm's") }
        let attrs = try FileManager.default.attributesOfItem(atPath: made + "/values.yaml")
        #expect((attrs[.posixPermissions] as? Int) == 0o644)
    }

    @Test func repositorySampleChartIsTheScaffold() throws {
        // charts/webapp is `helm create webapp` output, kept for the render goldens.
        let tmp = try Self.temporaryDirectory()
        var out = ""
        let made = try CreateAction.create(name: "webapp", in: tmp, output: &out)
        let got = try Self.tree(made)
        let want = try Self.tree(Fixtures.repoRoot + "/charts/webapp").filter { $0.key != "charts/.gitkeep" }
        #expect(got == want)
    }

    @Test func scaffoldRendersAsHelmRendersIt() throws {
        let data = try #require(FileManager.default.contents(atPath: Self.dir + "mychart.render.json"))
        guard case .map(let m) = try JSON.decode(String(decoding: data, as: UTF8.self)) else {
            Issue.record("render fixture is not a map")
            return
        }
        let want = m.compactMapValues(\.stringValue)
        let tmp = try Self.temporaryDirectory()
        var out = ""
        let made = try CreateAction.create(name: "mychart", in: tmp, output: &out)
        let chart = try ChartLoader.load(directory: made)
        let got = try Renderer.render(chart: chart, values: [:], options: Fixtures.options)
        #expect(got.keys.sorted() == want.keys.sorted())
        for (k, v) in want { #expect(got[k] == v, "render of \(k) differs from Helm's") }
    }

    @Test(arguments: [
        ("", "chart name must be between 1 and 250 characters"),
        (String(repeating: "x", count: 251), "chart name must be between 1 and 250 characters"),
        ("a b", "chart name must match the regular expression \"^[a-zA-Z0-9._-]+$\""),
        ("a$b", "chart name must match the regular expression \"^[a-zA-Z0-9._-]+$\""),
        ("ü", "chart name must match the regular expression \"^[a-zA-Z0-9._-]+$\""),
    ])
    func invalidNames(_ name: String, _ message: String) {
        #expect(Fixtures.errorMessage { try CreateAction.validateName(name) } == message)
    }

    @Test(arguments: ["a", "Good.Name_1-x", String(repeating: "x", count: 250)])
    func validNames(_ name: String) {
        #expect(Fixtures.errorMessage { try CreateAction.validateName(name) } == nil)
    }

    @Test func existingFilesAreOverwrittenWithWarnings() throws {
        let tmp = try Self.temporaryDirectory()
        var out = ""
        try CreateAction.run(name: tmp + "/again", output: &out)
        #expect(out == "Creating \(tmp)/again\n")
        try Data("changed".utf8).write(to: URL(fileURLWithPath: tmp + "/again/values.yaml"))
        out = ""
        try CreateAction.run(name: tmp + "/again", output: &out)
        let lines = out.split(separator: "\n")
        #expect(lines.first == "Creating \(tmp)/again")
        #expect(lines.count == 13)
        #expect(lines.contains("WARNING: File \"\(tmp)/again/values.yaml\" already exists. Overwriting."))
        #expect(lines[1] == "WARNING: File \"\(tmp)/again/Chart.yaml\" already exists. Overwriting.")
        let values = try String(contentsOfFile: tmp + "/again/values.yaml", encoding: .utf8)
        #expect(values.hasPrefix("# Default values for again.\n"))
    }

    @Test func refusals() throws {
        let tmp = try Self.temporaryDirectory()
        try Data("x".utf8).write(to: URL(fileURLWithPath: tmp + "/plain"))
        var out = ""
        #expect(Fixtures.errorMessage { try CreateAction.run(name: tmp + "/plain", output: &out) }
            == "file \(tmp)/plain already exists and is not a directory")
        #expect(Fixtures.errorMessage { try CreateAction.run(name: tmp + "/missing/x", output: &out) }
            == "stat \(tmp)/missing: no such file or directory")
        #expect(Fixtures.errorMessage { try CreateAction.run(name: tmp + "/plain/x", output: &out) }
            == "no such directory \(tmp)/plain")
        #expect(out == "Creating \(tmp)/plain\nCreating \(tmp)/missing/x\nCreating \(tmp)/plain/x\n")
    }

    @Test func starterIsRenamedAndCopied() throws {
        let tmp = try Self.temporaryDirectory()
        var out = ""
        try CreateAction.run(name: tmp + "/fromstarter", starter: Self.dir + "starter", output: &out)
        #expect(out == "Creating \(tmp)/fromstarter\n")
        try Self.checkTree(tmp + "/fromstarter", Self.dir + "fromstarter", skipping: ["charts/dep-0.2.0.tgz"])
        let dep = try ChartLoader.load(directory: tmp + "/fromstarter/charts/dep-0.2.0.tgz")
        #expect(dep.metadata.name == "dep" && dep.metadata.version == "0.2.0")
        // Only the top chart's templates and values are transformed.
        #expect(dep.templates.first?.text == "# <CHARTNAME>\n")
    }

    @Test func starterByNameUnderTheStartersDirectory() throws {
        let tmp = try Self.temporaryDirectory()
        var out = ""
        try CreateAction.run(name: tmp + "/named", starter: "starter", starterDirectory: Self.dir, output: &out)
        let cm = try String(contentsOfFile: tmp + "/named/templates/cm.yaml", encoding: .utf8)
        #expect(cm.contains("include \"named.name\""))
        #expect(Fixtures.errorMessage {
            try CreateAction.run(name: tmp + "/x", starter: "nope", starterDirectory: tmp, output: &out)
        } == "could not load \(tmp)/nope: path \"\(tmp)/nope\" not found")
    }
}
