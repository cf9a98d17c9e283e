import ChartEngine
import Foundation
import StructuredData
import Templating
import Testing

/// `helm template` end to end through the library: load, values, render, sort, print.
struct TemplateActionTests {
    static func load(_ name: String) throws -> Chart {
        try ChartLoader.load(directory: Fixtures.repoRoot + "/charts/" + name)
    }

    static func run(_ chart: Chart, values: [String: Value] = [:], _ options: TemplateOptions = TemplateOptions())
        throws -> String
    {
        var o = options
        o.render.clock = Fixtures.options.clock
        o.render.random = Fixtures.options.random
        return try TemplateAction.run(chart: chart, values: values, options: o)
    }

    /// Compares with a golden file; `UPDATE_GOLDEN=1` rewrites it and fails on purpose.
    static func checkGolden(_ actual: String, _ file: String) throws {
        let path = Fixtures.repoRoot + "/Tests/ChartEngineTests/Fixtures/goldens/" + file
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try actual.write(toFile: path, atomically: true, encoding: .utf8)
            Issue.record("golden \(file) regenerated; rerun without UPDATE_GOLDEN")
            return
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        #expect(actual == expected)
    }

    @Test func webappDefault() throws {
        try Self.checkGolden(try Self.run(try Self.load("webapp")), "webapp.default.yaml")
    }

    @Test func umbrellaWithCRDs() throws {
        var o = TemplateOptions(includeCRDs: true)
        o.render.releaseName = "rel"
        o.render.namespace = "apps"
        try Self.checkGolden(try Self.run(try Self.load("umbrella"), o), "umbrella.crds.yaml")
    }

    @Test func webappWithValueFlags() throws {
        let dir = try Fixtures.directory(["over.yaml": "service:\n  type: NodePort\ningress:\n  enabled: true\n"])
        let values = try ValueOptions(valueFiles: [dir + "/over.yaml"], values: ["replicaCount=3,autoscaling.enabled=false"],
                                      stringValues: ["image.tag=2.0"]).merged()
        let out = try Self.run(try Self.load("webapp"), values: values)
        #expect(out.contains("  replicas: 3\n"))
        #expect(out.contains("  type: NodePort\n"))
        #expect(out.contains("image: \"nginx:2.0\""))
        #expect(out.contains("# Source: webapp/templates/ingress.yaml\napiVersion: networking.k8s.io/v1\nkind: Ingress\n"))
        // Kind order: ServiceAccount, Service, Deployment, Ingress, then hooks.
        let kinds = out.split(separator: "\n").filter { $0.hasPrefix("kind: ") }
        #expect(kinds == ["kind: ServiceAccount", "kind: Service", "kind: Deployment", "kind: Ingress", "kind: Pod"])
    }

    @Test func hooksAndTestsCanBeLeftOut() throws {
        let chart = try Self.load("webapp")
        #expect(!(try Self.run(chart, TemplateOptions(skipTests: true))).contains("test-connection"))
        #expect(!(try Self.run(chart, TemplateOptions(disableHooks: true))).contains("test-connection"))
        let umbrella = try Self.load("umbrella")
        let noHooks = try Self.run(umbrella, TemplateOptions(disableHooks: true))
        #expect(!noHooks.contains("migrate"))
        #expect(noHooks.hasSuffix("value: \"info\"\n"))
    }

    @Test func showOnly() throws {
        let chart = try Self.load("webapp")
        let out = try Self.run(chart, TemplateOptions(showOnly: ["templates/service.yaml"]))
        #expect(out.hasPrefix("---\n# Source: webapp/templates/service.yaml\napiVersion: v1\nkind: Service\n"))
        #expect(out.components(separatedBy: "# Source:").count == 2)
        let globbed = try Self.run(chart, TemplateOptions(showOnly: ["templates/s*.yaml"]))
        #expect(globbed.components(separatedBy: "# Source:").count == 3)
        #expect(Fixtures.errorMessage { _ = try Self.run(chart, TemplateOptions(showOnly: ["templates/nope.yaml"])) }
            == "could not find template templates/nope.yaml in chart")
    }

    @Test func outputDirWritesFiles() throws {
        let dir = try Fixtures.directory([:])
        let out = try Self.run(try Self.load("webapp"), TemplateOptions(outputDir: dir))
        #expect(out.hasPrefix("wrote \(dir)/webapp/templates/serviceaccount.yaml\n"))
        let svc = try String(contentsOfFile: dir + "/webapp/templates/service.yaml", encoding: .utf8)
        #expect(svc.hasPrefix("---\n# Source: webapp/templates/service.yaml\napiVersion: v1\n"))
        #expect(FileManager.default.fileExists(atPath: dir + "/webapp/templates/tests/test-connection.yaml"))
    }

    @Test func renderErrorsGetTheDebugHint() throws {
        let chart = try Fixtures.simple(["t.yaml": "{{ fail \"stop\" }}"])
        #expect(Fixtures.errorMessage { _ = try Self.run(chart) }
            == "execution error at (mychart/templates/t.yaml:1:3): stop\n\nUse --debug flag to render out invalid YAML")
        let bad = try Fixtures.simple(["t.yaml": "a: b: c"])
        #expect(Fixtures.errorMessage { _ = try Self.run(bad) }
            == "YAML parse error on mychart/templates/t.yaml: error converting YAML to JSON: yaml: mapping values are not allowed in this context\n\nUse --debug flag to render out invalid YAML")
    }

    @Test func notesAndEmptyFilesAreNotPrinted() throws {
        let chart = try Fixtures.simple(["NOTES.txt": "notes", "empty.yaml": "  \n", "c.yaml": "# just a comment\n"])
        #expect(try Self.run(chart) == "---\n# Source: mychart/templates/c.yaml\n# just a comment\n")
        let release = try TemplateAction.renderResources(chart: chart, values: [:], options: TemplateOptions())
        #expect(release.notes == "notes")
    }

    @Test func valueOptionPrecedence() throws {
        let dir = try Fixtures.directory(["a.yaml": "x: fromFile\nv: fromFile\nz: fromFile\nw: fromFile\n",
                                          "content.txt": "file content"])
        let values = try ValueOptions(valueFiles: [dir + "/a.yaml"], jsonValues: ["v=\"fromJSON\""],
                                      values: ["z=fromSet,n=12"], stringValues: ["w=fromString", "s=12"],
                                      fileValues: ["f=\(dir)/content.txt"], literalValues: ["l=a,b"]).merged()
        #expect(Value.map(values) == ["x": "fromFile", "v": "fromJSON", "z": "fromSet", "w": "fromString",
                                      "n": .int(12), "s": "12", "f": "file content", "l": "a,b"])
        #expect(Fixtures.errorMessage { _ = try ValueOptions(valueFiles: ["/nonexistent.yaml"]).merged() }
            == "open /nonexistent.yaml: no such file or directory")
        #expect(Fixtures.errorMessage { _ = try ValueOptions(values: ["a"]).merged() }
            == "failed parsing --set data: key \"a\" has no value")
        #expect(Fixtures.errorMessage { _ = try ValueOptions(jsonValues: ["{bad"]).merged() }
            == "failed parsing --set-json data JSON: {bad")
    }
}

extension TemplateActionTests {
    @Test(arguments: ["ok", "a-b.c-1", "x1"])
    func validReleaseNames(_ name: String) {
        #expect(throws: Never.self) { try ReleaseName.validate(name) }
    }

    @Test(arguments: ["Bad", "-a", "a-", "a..b", "a_b", String(repeating: "a", count: 54)])
    func invalidReleaseNames(_ name: String) {
        #expect(Fixtures.errorMessage { try ReleaseName.validate(name) }
            == "release name \"\(name)\": invalid release name, must match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer than 53")
    }
}

extension TemplateActionTests {
    @Test func onlyApplicationChartsWithTheirDependenciesInstall() throws {
        let library = try Fixtures.chart(["Chart.yaml": Fixtures.chartYAML("lib", extra: "type: library\n")])
        #expect(Fixtures.errorMessage { _ = try Self.run(library) } == "library charts are not installable")
        let missing = try Fixtures.chart(["Chart.yaml": Fixtures.chartYAML("p", extra: "dependencies:\n- name: a\n- name: b\n"),
                                          "charts/a/Chart.yaml": Fixtures.chartYAML("a")])
        #expect(Fixtures.errorMessage { _ = try Self.run(missing) }
            == "an error occurred while checking for chart dependencies. You may need to run 'helm dependency build' to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: b")
    }

    @Test func chartLocation() throws {
        #expect(Fixtures.errorMessage { _ = try ChartLocator.locate("./nope") } == "path \"./nope\" not found")
        #expect(Fixtures.errorMessage { _ = try ChartLocator.locate("stable/nope") } == "repo stable not found")
        #expect(Fixtures.errorMessage { _ = try ChartLocator.locate("nope") }
            == "non-absolute URLs should be in form of repo_name/path_to_chart, got: nope")
        #expect(try ChartLocator.locate(Fixtures.repoRoot + "/charts/webapp") == Fixtures.repoRoot + "/charts/webapp")
    }
}

extension TemplateActionTests {
    /// Results recorded from Helm v4.2.3's `--set-file` parser (helm-python-sdk `parse_set_file`).
    @Test func setFileReadsEveryValue() throws {
        let dir = try Fixtures.directory(["sf.txt": "hello\n"])
        let f = dir + "/sf.txt"
        #expect(Value.map(try ValueOptions(fileValues: ["a={\(f),\(f)}"]).merged()) == ["a": ["hello\n", "hello\n"]])
        #expect(Value.map(try ValueOptions(fileValues: ["a.b[1]=\(f)"]).merged()) == ["a": ["b": [nil, "hello\n"]]])
        #expect(Fixtures.errorMessage { _ = try ValueOptions(fileValues: ["a=\(dir)/missing.txt"]).merged() }
            == "failed parsing --set-file data: open \(dir)/missing.txt: no such file or directory")
    }
}
