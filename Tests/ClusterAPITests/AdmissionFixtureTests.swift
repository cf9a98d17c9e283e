import Foundation
import Testing
import ClusterAPI
import StructuredData

/// Fixture-driven admission tests. Each folder under `Fixtures/admission/defaults/` holds
/// `input.yaml` and `expected.yaml` (the object after `Admission.applyDefaults`); each folder under
/// `Fixtures/admission/validate/` holds `input.yaml`, optionally `old.yaml` (an update), and
/// `expected.txt`: one `<reason> <field>: <message>` line per cause (empty = valid). Inputs are
/// validated as given (not defaulted first) unless the folder has a `defaulted` marker file.
/// `UPDATE_GOLDEN=1` rewrites the expectations and fails on purpose, so new output is never
/// accepted silently.
enum AdmissionFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/admission")

    static func cases(_ area: String) -> [String] {
        let dir = root.appendingPathComponent(area)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted()
    }

    static func read(_ area: String, _ name: String, _ file: String) -> String? {
        try? String(contentsOf: root.appendingPathComponent("\(area)/\(name)/\(file)"), encoding: .utf8)
    }

    static func write(_ area: String, _ name: String, _ file: String, _ text: String) throws {
        try text.write(to: root.appendingPathComponent("\(area)/\(name)/\(file)"), atomically: true, encoding: .utf8)
    }

    static var updating: Bool { ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" }

    static func gvk(_ v: Value) -> GroupVersionKind {
        GroupVersionKind(apiVersion: v["apiVersion"]?.stringValue ?? "", kind: v["kind"]?.stringValue ?? "")
    }

    static func render(_ causes: [FieldCause]) -> String {
        causes.map { "\($0.reason) \($0.field): \($0.message)\n" }.joined()
    }
}

@Suite struct AdmissionFixtureTests {
    @Test func admissionFixturesExist() {
        #expect(AdmissionFixtures.cases("defaults").count >= 20)
        #expect(AdmissionFixtures.cases("validate").count >= 40)
    }

    @Test(arguments: AdmissionFixtures.cases("defaults"))
    func admissionDefaults(_ name: String) throws {
        let input = try YAML.decode(try #require(AdmissionFixtures.read("defaults", name, "input.yaml")), numbersAsFloat: false)
        let actual = Admission.applyDefaults(input, gvk: AdmissionFixtures.gvk(input))
        if AdmissionFixtures.updating {
            try AdmissionFixtures.write("defaults", name, "expected.yaml", YAML.encode(actual))
            Issue.record("UPDATE_GOLDEN=1: rewrote defaults/\(name)/expected.yaml; review it and rerun without UPDATE_GOLDEN")
            return
        }
        let expected = try YAML.decode(try #require(AdmissionFixtures.read("defaults", name, "expected.yaml")), numbersAsFloat: false)
        #expect(actual == expected, "defaults/\(name):\n\(YAML.encode(actual))")
        // Defaulting is idempotent: the stored object read back gets the same defaults again.
        #expect(Admission.applyDefaults(actual, gvk: AdmissionFixtures.gvk(input)) == actual)
    }

    @Test(arguments: AdmissionFixtures.cases("validate"))
    func admissionValidate(_ name: String) throws {
        var input = try YAML.decode(try #require(AdmissionFixtures.read("validate", name, "input.yaml")), numbersAsFloat: false)
        let gvk = AdmissionFixtures.gvk(input)
        var old = try AdmissionFixtures.read("validate", name, "old.yaml").map { try YAML.decode($0, numbersAsFloat: false) }
        if AdmissionFixtures.read("validate", name, "defaulted") != nil {
            input = Admission.applyDefaults(input, gvk: gvk)
            old = old.map { Admission.applyDefaults($0, gvk: gvk) }
        }
        let actual = AdmissionFixtures.render(Admission.validate(input, old: old, gvk: gvk))
        if AdmissionFixtures.updating {
            try AdmissionFixtures.write("validate", name, "expected.txt", actual)
            Issue.record("UPDATE_GOLDEN=1: rewrote validate/\(name)/expected.txt; review it and rerun without UPDATE_GOLDEN")
            return
        }
        let expected = try #require(AdmissionFixtures.read("validate", name, "expected.txt"))
        #expect(actual == expected, "validate/\(name)")
    }
}
