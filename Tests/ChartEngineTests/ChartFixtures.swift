import ChartEngine
import Foundation
import StructuredData
import Templating

/// Builds charts in memory from file tables and renders them with fixed options.
enum Fixtures {
    /// The repository root (for the sample charts in charts/).
    static let repoRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static func chartYAML(_ name: String, version: String = "0.1.0", extra: String = "") -> String {
        "apiVersion: v2\nname: \(name)\nversion: \(version)\n" + extra
    }

    /// A chart from `path → text` (names relative to the chart root).
    static func chart(_ files: [String: String]) throws -> Chart {
        try ChartLoader.load(files: files.sorted { $0.key < $1.key }.map { ChartFile(name: $0.key, text: $0.value) })
    }

    /// A chart named `mychart` with the given templates and values.yaml text.
    static func simple(_ templates: [String: String], values: String = "", extraFiles: [String: String] = [:]) throws
        -> Chart
    {
        var files: [String: String] = ["Chart.yaml": chartYAML("mychart")]
        if !values.isEmpty { files["values.yaml"] = values }
        for (k, v) in templates { files["templates/" + k] = v }
        for (k, v) in extraFiles { files[k] = v }
        return try chart(files)
    }

    static let options = RenderOptions(clock: FixedClock(TemplateTime(seconds: 1_700_000_000)),
                                       random: RandomSource(seed: 1))

    static func render(_ chart: Chart, values: [String: Value] = [:]) throws -> [String: String] {
        try Renderer.render(chart: chart, values: values, options: options)
    }

    /// Renders one template `t.yaml` and returns its output.
    static func renderOne(_ text: String, values: String = "", user: [String: Value] = [:]) throws -> String {
        let c = try simple(["t.yaml": text], values: values)
        return try render(c, values: user)["mychart/templates/t.yaml"] ?? "<missing>"
    }

    /// The message of the ChartEngineError `body` throws, or nil.
    static func errorMessage(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let e as ChartEngineError {
            return e.message
        } catch {
            return "unexpected error type: \(error)"
        }
    }

    /// A temporary directory holding `files`.
    static func directory(_ files: [String: String]) throws -> String {
        let dir = URL(fileURLWithPath: try TemporaryDirectories.make("chartengine-tests"))
        for (name, text) in files {
            let url = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return dir.path
    }
}
