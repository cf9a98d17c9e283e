import ChartEngine
import Foundation
import StructuredData
import Testing

/// `helm lint` over the fixture charts in Fixtures/lint/charts, each case's expected output in
/// Fixtures/lint/expected (written by the real Helm v4.2.3 through Fixtures/lint/oracle.py).
struct LintTests {
    static let dir = Fixtures.repoRoot + "/Tests/ChartEngineTests/Fixtures/lint"

    struct Case: CustomStringConvertible, Sendable {
        var name: String
        var arguments: [String]
        var description: String { name }
    }

    /// One case per chart folder (no flags), then the extra cases of cases.txt.
    static let cases: [Case] = {
        let folders = ((try? FileManager.default.contentsOfDirectory(atPath: dir + "/charts")) ?? []).sorted()
        let own = folders.map { Case(name: $0, arguments: [$0]) }
        guard let text = try? String(contentsOfFile: dir + "/cases.txt", encoding: .utf8) else { return own }
        return own + text.split(separator: "\n").compactMap { line in
            if line.hasPrefix("#") { return nil }
            let parts = line.split(separator: "|", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { return nil }
            return Case(name: parts[0], arguments: parts[1].split(separator: " ").map(String.init))
        }
    }()

    /// Runs a case as `helmctl lint` would: stdout, then `Error: …` when a chart failed.
    static func run(_ c: Case) throws -> String {
        var paths: [String] = []
        var options = LintOptions()
        var sets: [String] = []
        for a in c.arguments {
            if a == "--strict" { options.strict = true }
            else if a == "--quiet" { options.quiet = true }
            else if a == "--with-subcharts" { options.withSubcharts = true }
            else if a == "--skip-schema-validation" { options.skipSchemaValidation = true }
            else if a.hasPrefix("--set=") { sets.append(String(a.dropFirst("--set=".count))) }
            else if a.hasPrefix("--namespace=") { options.namespace = String(a.dropFirst("--namespace=".count)) }
            else if a.hasPrefix("--kube-version=") {
                options.kubeVersion = try KubeVersion.parse(String(a.dropFirst("--kube-version=".count)))
            } else { paths.append(dir + "/charts/" + a) }
        }
        options.values = try ValueOptions(values: sets).merged()
        let (out, failure) = LintAction.run(paths: paths, options: options)
        return (out + (failure.map { "Error: \($0)\n" } ?? "")).replacingOccurrences(of: dir, with: "<FIXTURES>")
    }

    @Test func everyCaseHasExpectedOutput() throws {
        #expect(Self.cases.count >= 66)
        #expect(Set(Self.cases.map(\.name)).count == Self.cases.count, "case names must be unique")
        let expected = try FileManager.default.contentsOfDirectory(atPath: Self.dir + "/expected")
        #expect(Set(expected) == Set(Self.cases.map { $0.name + ".txt" }))
    }

    @Test(arguments: cases)
    func matchesHelm(_ c: Case) throws {
        let actual = try Self.run(c)
        let path = Self.dir + "/expected/" + c.name + ".txt"
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try actual.write(toFile: path, atomically: true, encoding: .utf8)
            Issue.record("golden \(c.name) regenerated; rerun without UPDATE_GOLDEN")
            return
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        #expect(actual == expected)
    }

    @Test func scaffoldOnlyLacksAnIcon() throws {
        let tmp = try CreateTests.temporaryDirectory()
        var out = ""
        let chart = try CreateAction.create(name: "fresh", in: tmp, output: &out)
        let result = LintAction.lint(path: chart, options: LintOptions(strict: true))
        #expect(result.messages == [LintMessage(.info, "Chart.yaml", "icon is recommended")])
        #expect(result.errors.isEmpty && result.totalChartsLinted == 1)
        // Every optional template enabled still lints clean at the newest Kubernetes version.
        var options = LintOptions(strict: true, kubeVersion: try KubeVersion.parse("v1.99.0"))
        options.values = try ValueOptions(values: ["ingress.enabled=true", "autoscaling.enabled=true",
                                                   "httpRoute.enabled=true"]).merged()
        #expect(LintAction.lint(path: chart, options: options).errors.isEmpty)
    }

    @Test func archivesAreLintedUnpacked() throws {
        let tmp = try CreateTests.temporaryDirectory()
        let packed = try ChartPackager.archive(directory: Self.dir + "/charts/badyaml")
        let archive = tmp + "/" + packed.fileName
        try Data(packed.bytes).write(to: URL(fileURLWithPath: archive))
        let result = LintAction.lint(path: archive, options: LintOptions())
        #expect(result.totalChartsLinted == 1)
        #expect(result.errors == ["unable to parse YAML: error converting YAML to JSON: yaml: line 6: did not find expected ',' or ']'"])
        let broken = tmp + "/broken-1.0.0.tgz"
        try Data("not gzip".utf8).write(to: URL(fileURLWithPath: broken))
        let bad = LintAction.lint(path: broken, options: LintOptions())
        #expect(bad.totalChartsLinted == 0)
        #expect(bad.errors == ["unable to extract tarball: unexpected EOF"])
        #expect(LintAction.lint(path: tmp + "/missing.tgz", options: LintOptions()).errors
            == ["unable to open tarball: open \(tmp)/missing.tgz: no such file or directory"])
        // chartutil.Expand needs the chart's name.
        let src = try Fixtures.directory(["nameless/Chart.yaml": "apiVersion: v2\nversion: 1.0.0\n"])
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
        tar.arguments = ["czf", tmp + "/nameless-1.0.0.tgz", "-C", src, "nameless"]
        try tar.run()
        tar.waitUntilExit()
        #expect(LintAction.lint(path: tmp + "/nameless-1.0.0.tgz", options: LintOptions()).errors
            == ["unable to extract tarball: chart name not specified"])
    }

    @Test(arguments: [
        ("v1", "apiVersion: v1\nkind: Service\nmetadata:\n  name: ok\n", nil),
        ("scalar", "just text\n", "unable to parse YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type rules.k8sYamlStruct"),
        ("separator", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n--- x\n", "unable to parse YAML: invalid Yaml document separator: x"),
        ("kind-list", "apiVersion: v1\nkind: [a]\n", "unable to parse YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go struct field k8sYamlStruct.Kind of type string"),
    ] as [(String, String, String?)])
    func manifestDecoding(_ name: String, _ manifest: String, _ expected: String?) throws {
        let tmp = try Fixtures.directory([
            "c/Chart.yaml": "apiVersion: v2\nname: c\nversion: 0.1.0\nicon: http://x.io\n",
            "c/values.yaml": "",
            "c/templates/t.yaml": manifest,
        ])
        let result = LintAction.lint(path: tmp + "/c", options: LintOptions())
        #expect(result.errors.first == expected, "\(name)")
    }

    /// Chart.yaml e-mail and URL checks (govalidator's), each verdict recorded from the real Helm.
    @Test(arguments: [
        ("email", "a@b", false),
        ("email", "a@b.c1", false),
        ("email", "first.last@sub.example.co.uk", true),
        ("email", "a@example.com.", true),
        ("email", "a..b@example.com", false),
        ("email", "a b@example.com", false),
        ("email", "\"quoted\"@example.com", false),
        ("email", "a@-example.com", false),
        ("email", "a@exa_mple.com", true),
        ("email", "ü@example.com", true),
        ("email", "a@example.c", true),
        ("icon", "/relative", false),
        ("icon", "http://ex ample.com/i.png", false),
        ("icon", "javascript:alert(1)", true),
        ("icon", "http://", true),
        ("icon", "data:image/png;base64,xx", true),
        ("icon", "http://a b", false),
        ("icon", "file:///x", true),
        ("icon", "http://[::1]/x", true),
        ("icon", "http://a:b/c", false),
        ("icon", "x:y", true),
        ("url", "http://", false),
        ("url", "example", false),
        ("url", "localhost:8080", true),
        ("url", "http://localhost", true),
        ("url", "https://example.com/a b", false),
        ("url", "ftp://x.org", true),
        ("url", "mailto:a@b.com", true),
        ("url", "//example.com", false),
        ("url", "example.com:99999", true),
        ("url", "http://256.1.1.1", false),
        ("url", "http://user:pass@example.com/p?q#f", true),
        ("url", "http://ex ample.com", false),
        ("url", "http://-a.com", false),
        ("url", "a.b", false),
        ("url", "http://a.b.", true),
        ("url", "https://例え.jp", true),
        ("url", "http://x_y.com", true),
        ("url", "https://example.com:8443/x", true)
    ] as [(String, String, Bool)])
    func chartfileURLsAndEmails(_ field: String, _ text: String, _ valid: Bool) throws {
        let quoted = "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
        let extra = field == "icon" ? "icon: \(quoted)\n"
            : "icon: http://x.io\nmaintainers:\n  - name: m\n    \(field): \(quoted)\n"
        let tmp = try Fixtures.directory(["c/Chart.yaml": "apiVersion: v2\nname: c\nversion: 1.0.0\n" + extra])
        let problems = LintAction.lint(path: tmp + "/c", options: LintOptions()).messages
            .filter { $0.path == "Chart.yaml" }.map(\.message)
        let expected: [String] = valid ? []
            : field == "icon" ? ["invalid icon URL '\(text)'"]
            : ["invalid \(field) '\(text)' for maintainer 'm'"]
        #expect(problems == expected)
    }

    @Test func nullMaintainer() throws {
        let tmp = try Fixtures.directory([
            "c/Chart.yaml": "apiVersion: v2\nname: c\nversion: 1.0.0\nicon: http://x.io\nmaintainers:\n  - null\n  - name: x\n",
        ])
        #expect(LintAction.lint(path: tmp + "/c", options: LintOptions()).errors == ["a maintainer entry is empty"])
    }
}
