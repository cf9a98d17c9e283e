import ChartEngine
import Foundation
import StructuredData
import Testing

/// Cases whose expected results were recorded from the real Helm v4.2.3 library (see
/// Fixtures/oracle/README.md): loading, coalescing, dependencies, rendering and error wording.
struct OracleTests {
    static let dir = Fixtures.repoRoot + "/Tests/ChartEngineTests/Fixtures/oracle/"

    static func load(_ file: String) -> [String: Value] {
        guard let data = FileManager.default.contents(atPath: dir + file),
              case .map(let m)? = try? JSON.decode(String(decoding: data, as: UTF8.self))
        else { return [:] }
        return m
    }

    static let cases = load("cases.json")
    static let expected = load("expected.json")

    @Test func fixturesArePresent() {
        #expect(Self.cases.count == 45)
        #expect(Set(Self.cases.keys) == Set(Self.expected.keys))
    }

    static func strings(_ v: Value?) -> [String: String]? {
        guard case .map(let m)? = v else { return nil }
        return m.compactMapValues(\.stringValue)
    }

    @Test(arguments: cases.keys.sorted())
    func matchesHelm(_ name: String) throws {
        let spec = try #require(Self.cases[name])
        let want = try #require(Self.expected[name])
        let files = (Self.strings(spec["files"]) ?? [:]).sorted { $0.key < $1.key }
            .map { ChartFile(name: $0.key, text: $0.value) }
        var values: [String: Value] = [:]
        if case .map(let m)? = spec["values"]?.helmNumbers { values = m }
        let chart: Chart
        do {
            chart = try ChartLoader.load(files: files)
        } catch let e as ChartEngineError {
            #expect(e.message == want["loaderr"]?.stringValue)
            return
        }
        #expect(want["loaderr"] == nil)
        do {
            let out = try Renderer.render(chart: chart, values: values, options: Fixtures.options)
            #expect(out == Self.strings(want["ok"]))
        } catch let e as ChartEngineError {
            #expect(e.message == want["err"]?.stringValue)
        }
    }
}
