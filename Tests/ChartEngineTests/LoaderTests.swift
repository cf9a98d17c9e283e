import ChartEngine
import StructuredData
import Testing

/// Chart loading: Chart.yaml validation, values parsing, subcharts, .helmignore.
struct LoaderTests {
    struct ErrorCase: CustomTestStringConvertible, Sendable {
        var name: String
        var files: [String: String]
        var message: String
        var testDescription: String { name }
    }

    static let errors: [ErrorCase] = [
        ErrorCase(name: "missing Chart.yaml", files: ["values.yaml": "a: 1\n"], message: "Chart.yaml file is missing"),
        ErrorCase(name: "missing name", files: ["Chart.yaml": "apiVersion: v2\nversion: 1.0.0\n"],
                  message: "validation: chart.metadata.name is required"),
        ErrorCase(name: "missing version", files: ["Chart.yaml": "apiVersion: v2\nname: x\n"],
                  message: "validation: chart.metadata.version is required"),
        ErrorCase(name: "bad version", files: ["Chart.yaml": "apiVersion: v2\nname: x\nversion: one\n"],
                  message: "validation: chart.metadata.version \"one\" is invalid"),
        ErrorCase(name: "name with a slash", files: ["Chart.yaml": "apiVersion: v2\nname: a/b\nversion: 1.0.0\n"],
                  message: "validation: chart.metadata.name \"a/b\" is invalid"),
        ErrorCase(name: "bad type", files: ["Chart.yaml": Fixtures.chartYAML("x", extra: "type: plugin\n")],
                  message: "validation: chart.metadata.type must be application or library"),
        ErrorCase(name: "keywords not a list",
                  files: ["Chart.yaml": Fixtures.chartYAML("x", extra: "keywords: {a: 1}\n")],
                  message: "cannot load Chart.yaml: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go struct field Metadata.keywords of type []string"),
        ErrorCase(name: "malformed Chart.yaml", files: ["Chart.yaml": "name: [x\n"],
                  message: "cannot load Chart.yaml: error converting YAML to JSON: yaml: line 1: did not find expected ',' or ']'"),
        ErrorCase(name: "malformed values", files: ["Chart.yaml": Fixtures.chartYAML("x"), "values.yaml": "a: b: c\n"],
                  message: "cannot load values.yaml: cannot unmarshal yaml document: error converting YAML to JSON: yaml: mapping values are not allowed in this context"),
        ErrorCase(name: "values not a map", files: ["Chart.yaml": Fixtures.chartYAML("x"), "values.yaml": "- 1\n"],
                  message: "cannot load values.yaml: cannot unmarshal yaml document: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}"),
        ErrorCase(name: "duplicate dependency alias",
                  files: ["Chart.yaml": Fixtures.chartYAML("x", extra: "dependencies:\n- name: a\n  alias: b\n- name: b\n")],
                  message: "validation: more than one dependency with name or alias \"b\""),
        ErrorCase(name: "broken subchart",
                  files: ["Chart.yaml": Fixtures.chartYAML("x"), "charts/sub/values.yaml": "a: 1\n"],
                  message: "error unpacking subchart sub in x: Chart.yaml file is missing"),
    ]

    @Test(arguments: errors)
    func loadErrors(_ c: ErrorCase) {
        #expect(Fixtures.errorMessage { _ = try Fixtures.chart(c.files) } == c.message)
    }

    @Test func metadataScalarsBecomeStrings() throws {
        let c = try Fixtures.chart(["Chart.yaml": "apiVersion: v2\nname: off\nversion: 1.10\nappVersion: 2\n"])
        #expect(c.metadata.name == "false")
        #expect(c.metadata.version == "1.1")
        #expect(c.metadata.appVersion == "2")
    }

    @Test func apiVersionDefaultsToV1() throws {
        let c = try Fixtures.chart(["Chart.yaml": "name: x\nversion: 1.0.0\n"])
        #expect(c.metadata.apiVersion == "v1")
        // Helm v4.2.3 loads any other apiVersion without complaint (checked with the real library).
        #expect(try Fixtures.chart(["Chart.yaml": "apiVersion: v9\nname: x\nversion: 1.0.0\n"]).metadata.apiVersion == "v9")
    }

    @Test func valuesAreFloatsAndMultiDocumentsMerge() throws {
        let c = try Fixtures.chart(["Chart.yaml": Fixtures.chartYAML("x"),
                                    "values.yaml": "a: 1\nm: {x: 1}\n---\nb: true\nm: {z: 2}\n"])
        #expect(Value.map(c.values) == ["a": 1.0, "b": true, "m": ["x": 1.0, "z": 2.0]])
    }

    @Test func semverForms() throws {
        for v in ["1.0.0", "v1.2.3", "1.2", "1", "1.0.0-beta.1+build.5", "0.1.0-rc-1"] {
            #expect(throws: Never.self) { _ = try Fixtures.chart(["Chart.yaml": Fixtures.chartYAML("x", version: v)]) }
        }
        for v in ["1.0.0-01", "1.2.3.4", "x1.0", "1.0.0+"] {
            #expect(throws: ChartEngineError.self) {
                _ = try Fixtures.chart(["Chart.yaml": Fixtures.chartYAML("x", version: v)])
            }
        }
    }

    @Test func directoryLoadHonoursHelmignoreAndStripsBOM() throws {
        let dir = try Fixtures.directory([
            "Chart.yaml": "\u{FEFF}" + Fixtures.chartYAML("demo"),
            ".helmignore": "# comment\n*.bak\nsecret/\n/top.txt\n",
            "values.yaml": "\u{FEFF}a: 1\n",
            "templates/cm.yaml": "x",
            "templates/.hidden.yaml": "ignored by the built-in rule",
            "templates/old.bak": "ignored",
            "secret/key.txt": "ignored dir",
            "top.txt": "anchored",
            "sub/top.txt": "kept",
            "charts/child/Chart.yaml": Fixtures.chartYAML("child", version: "0.2.0"),
            "charts/child/templates/a.yaml": "y",
            "charts/_skipped/Chart.yaml": "not a chart",
        ])
        let c = try ChartLoader.load(directory: dir)
        #expect(c.name == "demo")
        #expect(Value.map(c.values) == ["a": 1.0])
        #expect(c.templates.map(\.name) == ["templates/cm.yaml"])
        #expect(c.files.map(\.name).sorted() == [".helmignore", "sub/top.txt"])
        #expect(c.dependencies.map(\.name) == ["child"])
        #expect(c.dependencies.first?.fullPath == "demo/charts/child")
    }

    @Test func helmignoreRules() throws {
        let rules = try HelmIgnore(parsing: "*.txt\n!keep.txt\n")
        // A negated rule that does not match ignores the path ("ignore all but keep.txt").
        #expect(rules.ignores("a/other.yaml", isDirectory: false))
        #expect(rules.ignores("notes.txt", isDirectory: false))
        // Rules apply in order: "*.txt" already ignores keep.txt before the negation is reached.
        #expect(rules.ignores("keep.txt", isDirectory: false))
        let allBut = try HelmIgnore(parsing: "!keep.txt\n")
        #expect(!allBut.ignores("keep.txt", isDirectory: false))
        #expect(allBut.ignores("templates", isDirectory: true))
        #expect(throws: ChartEngineError.self) { _ = try HelmIgnore(parsing: "**/x\n") }
        let dirOnly = try HelmIgnore(parsing: "build/\n")
        #expect(dirOnly.ignores("build", isDirectory: true))
        #expect(!dirOnly.ignores("build", isDirectory: false))
    }

    @Test func missingDirectory() {
        #expect(Fixtures.errorMessage { _ = try ChartLoader.load(directory: "/nonexistent/chart") }
            == "path \"/nonexistent/chart\" not found")
    }
}
