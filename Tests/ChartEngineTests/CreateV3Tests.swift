@testable import ChartEngine
import Foundation
import Testing

/// `helm create --chart-api-version`: v3 behind Helm v4.2.3's `HELM_EXPERIMENTAL_CHART_V3` gate,
/// its scaffold (internal/chart/v3/util/create.go), and the refusals with Helm's texts.
struct CreateV3Tests {
    static let gate = "this feature has been marked as experimental and is not enabled by default. "
        + "Please set HELM_EXPERIMENTAL_CHART_V3=1 in your environment to use this feature"

    @Test func v3ScaffoldMatchesHelmsV3Files() throws {
        let tmp = try CreateTests.temporaryDirectory()
        var out = ""
        try CreateAction.run(name: tmp + "/mychart", chartAPIVersion: "v3", chartV3Enabled: true, output: &out)
        #expect(out == "Creating \(tmp)/mychart\n")
        let got = try CreateTests.tree(tmp + "/mychart")
        // Chart.yaml and values.yaml differ from the v2 scaffold; every other file is the same.
        var want = try CreateTests.tree(CreateTests.dir + "mychart")
        for (k, v) in try CreateTests.tree(CreateTests.dir + "mychart-v3") { want[k] = v }
        #expect(got.keys.sorted() == want.keys.sorted())
        for (k, v) in want { #expect(got[k] == v, "v3 scaffold file \(k) differs") }
        var isDir: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: tmp + "/mychart/charts", isDirectory: &isDir) && isDir.boolValue)
        let chart = try ChartLoader.load(directory: tmp + "/mychart")
        #expect(chart.metadata.apiVersion == "v3" && chart.metadata.name == "mychart")
    }

    @Test func everyV3ValuesEditApplies() {
        // The v3 values are edits of the v2 text: each must find its target exactly once.
        for (old, new) in Scaffold.v3ValueEdits {
            #expect(Scaffold.values.components(separatedBy: old).count == 2, "edit target not unique: \(old)")
            #expect(Scaffold.v3Values.contains(new))
        }
        #expect(Scaffold.v3Chartfile.hasPrefix("apiVersion: v3\nname: <CHARTNAME>\n"))
    }

    @Test(arguments: [
        ("v3", false, gate),
        ("v4", true, "unsupported chart API version: v4 (supported: v2, v3)"),
        ("V3", true, "unsupported chart API version: V3 (supported: v2, v3)"),
        (" v2", false, "unsupported chart API version:  v2 (supported: v2, v3)"),
        ("v2\nv3", false, "unsupported chart API version: v2\nv3 (supported: v2, v3)"),
    ])
    func refusedVersions(_ version: String, _ gateOpen: Bool, _ message: String) throws {
        let tmp = try CreateTests.temporaryDirectory()
        var out = ""
        #expect(Fixtures.errorMessage {
            try CreateAction.run(name: tmp + "/c", chartAPIVersion: version, chartV3Enabled: gateOpen, output: &out)
        } == message)
        // Helm prints `Creating NAME` before it looks at the version, and writes nothing.
        #expect(out == "Creating \(tmp)/c\n")
        #expect(!FileManager.default.fileExists(atPath: tmp + "/c"))
    }

    @Test(arguments: ["", "v2"])
    func emptyOrV2IsTheV2Scaffold(_ version: String) throws {
        let tmp = try CreateTests.temporaryDirectory()
        var out = ""
        try CreateAction.run(name: tmp + "/c", chartAPIVersion: version, output: &out)
        #expect(try String(contentsOfFile: tmp + "/c/Chart.yaml", encoding: .utf8).hasPrefix("apiVersion: v2\n"))
    }

    @Test func v3StarterWritesAV3Chartfile() throws {
        let tmp = try CreateTests.temporaryDirectory()
        var out = ""
        try CreateAction.run(name: tmp + "/fromstarter", starter: CreateTests.dir + "starter", chartAPIVersion: "v3",
                             chartV3Enabled: true, output: &out)
        let chartYAML = try String(contentsOfFile: tmp + "/fromstarter/Chart.yaml", encoding: .utf8)
        let v2 = try String(contentsOfFile: CreateTests.dir + "fromstarter/Chart.yaml", encoding: .utf8)
        #expect(chartYAML == v2.replacingOccurrences(of: "apiVersion: v2\n", with: "apiVersion: v3\n"))
        #expect(chartYAML.contains("apiVersion: v3\n"))
    }
}
