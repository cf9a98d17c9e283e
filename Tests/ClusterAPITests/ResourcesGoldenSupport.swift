import Foundation
import StructuredData
import Testing

/// Golden-file comparison for the Resources/Selectors/Table suites: fixtures live next to this file under
/// `Fixtures/`, `UPDATE_GOLDEN=1` rewrites them and fails on purpose so regenerated output is reviewed.
enum ResourcesGolden {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static var updating: Bool { ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" }

    static func url(_ relative: String) -> URL { fixtures.appendingPathComponent(relative) }

    static func read(_ relative: String) throws -> Value {
        let data = try Data(contentsOf: url(relative))
        return try JSON.decodeKeepingIntegers(Array(data))
    }

    /// Compares `actual` with the golden JSON file (pretty-printed, sorted keys).
    static func check(_ actual: Value, against relative: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let text = JSON.encode(actual, escapeHTML: false, indent: "  ") + "\n"
        if updating {
            try FileManager.default.createDirectory(at: url(relative).deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            try text.write(to: url(relative), atomically: true, encoding: .utf8)
            Issue.record("golden \(relative) regenerated; rerun without UPDATE_GOLDEN", sourceLocation: sourceLocation)
            return
        }
        let expected = try String(contentsOf: url(relative), encoding: .utf8)
        #expect(text == expected, "output differs from golden \(relative)", sourceLocation: sourceLocation)
    }

    /// Decodes a JSON literal written in a test.
    static func json(_ text: String) -> Value {
        (try? JSON.decodeKeepingIntegers(Array(text.utf8))) ?? .null
    }
}
