import ChartEngine
import Foundation
import StructuredData
import Testing

/// A large top-level values.yaml is decoded on a second thread while the directory is walked: the
/// loaded chart and every error must be exactly those of the sequential load of the same files.
struct ValuesPrefetchTests {
    /// Values text over the prefetch threshold (16 KiB).
    static func bigValues(_ tail: String = "") -> String {
        var s = "components:\n"
        for i in 0..<600 { s += "  c\(i):\n    enabled: true\n    replicas: \(i % 5)\n" }
        return s + tail
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var files: [String: String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "large values", files: ["Chart.yaml": Fixtures.chartYAML("big"), "values.yaml": bigValues(),
                                           "templates/a.yaml": "x: {{ .Values.components.c7.replicas }}\n"]),
        Case(name: "large values with a BOM", files: ["Chart.yaml": Fixtures.chartYAML("big"),
                                                      "values.yaml": "\u{FEFF}" + bigValues()]),
        Case(name: "large values in two documents",
             files: ["Chart.yaml": Fixtures.chartYAML("big"), "values.yaml": bigValues("---\nextra: 1\n")]),
        Case(name: "large malformed values",
             files: ["Chart.yaml": Fixtures.chartYAML("big"), "values.yaml": bigValues("bad: a: b\n")]),
        Case(name: "large values that are not a map",
             files: ["Chart.yaml": Fixtures.chartYAML("big"), "values.yaml": "- " + bigValues()]),
        Case(name: "large values but Chart.yaml is broken (its error comes first)",
             files: ["Chart.yaml": "name: [x\n", "values.yaml": bigValues("bad: a: b\n")]),
        Case(name: "large values ignored by .helmignore",
             files: ["Chart.yaml": Fixtures.chartYAML("big"), "values.yaml": bigValues(), ".helmignore": "values.yaml\n"]),
        Case(name: "large values and an irregular walk error",
             files: ["Chart.yaml": Fixtures.chartYAML("big"), "values.yaml": bigValues(),
                     "templates/" + String(repeating: "d/", count: 70) + "x.yaml": "a: 1\n"]),
    ]

    /// The outcome of a load as comparable text: the values as JSON, the template names, or the error.
    static func outcome(_ load: () throws -> Chart) -> String {
        do {
            let c = try load()
            return JSON.encode(.map(c.values)) + "|" + c.templates.map(\.name).joined(separator: ",")
                + "|" + (c.rawValues ?? "<nil>")
        } catch let e as ChartEngineError {
            return "error: " + e.message
        } catch {
            return "unexpected: \(error)"
        }
    }

    @Test(arguments: cases)
    func directoryLoadMatchesSequentialLoad(_ c: Case) throws {
        let dir = try Fixtures.directory(c.files)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fromDirectory = Self.outcome { try ChartLoader.load(directory: dir) }
        // The sequential reference: the files the walk would find, loaded in order.
        let ignored = c.files[".helmignore"] == nil ? Set<String>() : ["values.yaml", ".helmignore"]
        let files = c.files.filter { !ignored.contains($0.key) && !$0.key.contains("/d/d/") }
            .sorted { $0.key < $1.key }
            .map { ChartFile(name: $0.key, text: $0.value.hasPrefix("\u{FEFF}") ? String($0.value.dropFirst()) : $0.value) }
        if c.name.contains("irregular") {
            #expect(fromDirectory.hasPrefix("error: directory nesting too deep at "))
        } else {
            #expect(fromDirectory == Self.outcome { try ChartLoader.load(files: files) })
        }
        // Loading twice gives the same (no state kept between loads).
        #expect(Self.outcome { try ChartLoader.load(directory: dir) } == fromDirectory)
    }

    @Test func prefetchedValuesAreTheDecodedValues() throws {
        let dir = try Fixtures.directory(["Chart.yaml": Fixtures.chartYAML("big"), "values.yaml": Self.bigValues()])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let c = try ChartLoader.load(directory: dir)
        guard case .map(let comps)? = c.values["components"], case .map(let c7)? = comps["c7"] else {
            Issue.record("components.c7 missing")
            return
        }
        #expect(comps.count == 600)
        #expect(c7["replicas"] == .float(2))
        #expect(c7["enabled"] == .bool(true))
    }
}

/// Hostile chart directories: a FIFO where values.yaml (or any file) should be is refused as an
/// irregular file at once — neither the early values read nor the walk waits for a writer.
struct FIFOInChartTests {
    @Test(.timeLimit(.minutes(1)), arguments: ["values.yaml", "templates/a.yaml"])
    func aFIFOIsRefusedWithoutBlocking(_ name: String) throws {
        let dir = try Fixtures.directory(["Chart.yaml": Fixtures.chartYAML("fifo"), "templates/b.yaml": "b: 1\n"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(mkfifo(dir + "/" + name, 0o600) == 0)
        let message = Fixtures.errorMessage { _ = try ChartLoader.load(directory: dir) }
        #expect(message == "cannot load irregular file \(dir)/\(name) as it has file mode type bits set")
        // `package` reads values.yaml early too (its values check).
        let out = try Fixtures.directory([:])
        defer { try? FileManager.default.removeItem(atPath: out) }
        #expect(Fixtures.errorMessage { _ = try ChartPackager.package(directory: dir, destination: out) } == message)
    }
}
