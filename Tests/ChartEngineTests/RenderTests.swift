import ChartEngine
import StructuredData
import Templating
import Testing

/// Rendering through real templates: built-in objects, Helm's functions and error wording.
struct RenderTests {
    @Test func builtInObjects() throws {
        let out = try Fixtures.renderOne(
            "{{ .Release.Name }} {{ .Release.Namespace }} {{ .Release.Revision }} {{ .Release.IsInstall }} "
                + "{{ .Release.IsUpgrade }} {{ .Release.Service }}|{{ .Chart.Name }} {{ .Chart.Version }} "
                + "{{ .Chart.IsRoot }} {{ .Chart.Nope }}|{{ .Template.Name }} {{ .Template.BasePath }}|"
                + "{{ .Capabilities.KubeVersion }} {{ .Capabilities.KubeVersion.Major }}.{{ .Capabilities.KubeVersion.Minor }} "
                + "{{ .Capabilities.APIVersions.Has \"apps/v1\" }} {{ .Capabilities.APIVersions.Has \"apps/v9\" }} "
                + "{{ .Capabilities.HelmVersion.Version }}")
        #expect(out == "release-name default 1 true false Helm|mychart 0.1.0 true |mychart/templates/t.yaml "
            + "mychart/templates|v1.36.0 1.36 true false v4.2.3")
    }

    @Test func valuesAreFloat64FromFilesAndInt64FromSet() throws {
        let out = try Fixtures.renderOne("{{ .Values.big }} {{ typeOf .Values.big }} {{ .Values.n }} {{ typeOf .Values.n }}",
                                         values: "big: 1000000\n", user: try Strvals.parse("n=1000000"))
        #expect(out == "1e+06 float64 1000000 int64")
    }

    @Test func noValueIsRemoved() throws {
        #expect(try Fixtures.renderOne("a{{ .Values.missing }}b literal <no value> text") == "ab literal  text")
    }

    @Test func requiredFailAndInclude() throws {
        let c = try Fixtures.simple([
            "_helpers.tpl": #"{{- define "greet" -}}hi {{ .name }}{{- end -}}"#,
            "t.yaml": #"{{ include "greet" (dict "name" "bob") | upper }} {{ required "need x" .Values.x }}"#,
        ], values: "x: ok\n")
        #expect(try Fixtures.render(c)["mychart/templates/t.yaml"] == "HI BOB ok")
        #expect(try Fixtures.render(c).keys.sorted() == ["mychart/templates/t.yaml"])
    }

    @Test func tplSeesDefinesAndValues() throws {
        let out = try Fixtures.renderOne(#"{{ tpl .Values.t . }}"#, values: "t: \"{{ .Values.name }}-{{ .Release.Name }}\"\nname: nm\n")
        #expect(out == "nm-release-name")
    }

    @Test func lookupIsEmptyOffline() throws {
        #expect(try Fixtures.renderOne(#"{{ lookup "v1" "Pod" "ns" "x" | len }}"#) == "0")
    }

    struct ErrorCase: CustomTestStringConvertible, Sendable {
        var name: String
        var template: String
        var values: String = ""
        var message: String
        var testDescription: String { name }
    }

    static let errors: [ErrorCase] = [
        ErrorCase(name: "parse error", template: "{{ .Values.x ", message: "parse error at (mychart/templates/t.yaml:1): unclosed action"),
        ErrorCase(name: "undefined function", template: "{{ nope 1 }}",
                  message: "parse error at (mychart/templates/t.yaml:1): function \"nope\" not defined"),
        ErrorCase(name: "fail", template: "x\n{{ fail \"boom\" }}",
                  message: "execution error at (mychart/templates/t.yaml:2:3): boom"),
        ErrorCase(name: "required", template: "{{ required \"need x\" .Values.x }}",
                  message: "execution error at (mychart/templates/t.yaml:1:3): need x"),
        ErrorCase(name: "required empty string", template: "{{ required \"need x\" .Values.x }}", values: "x: \"\"\n",
                  message: "execution error at (mychart/templates/t.yaml:1:3): need x"),
        ErrorCase(name: "nil pointer is multi-line",
                  template: "a: 1\nb: {{ .Values.a.b.c }}",
                  message: "mychart/templates/t.yaml:2:13\n  executing \"mychart/templates/t.yaml\" at <.Values.a.b.c>:\n    nil pointer evaluating interface {}.b"),
        ErrorCase(name: "function error stays as Go printed it",
                  template: "{{ eq .Values.small 12 }}", values: "small: 1\n",
                  message: "template: mychart/templates/t.yaml:1:3: executing \"mychart/templates/t.yaml\" at <eq .Values.small 12>: error calling eq: incompatible types for comparison: float64 and int"),
    ]

    @Test(arguments: errors)
    func errorWording(_ c: ErrorCase) {
        let msg = Fixtures.errorMessage { _ = try Fixtures.renderOne(c.template, values: c.values) }
        #expect(msg == c.message)
    }

    @Test func failInsideIncludeReportsTheOutermostLocation() throws {
        let c = try Fixtures.simple([
            "_h.tpl": #"{{ define "inner" }}{{ fail "inner" }}{{ end }}"#,
            "t.yaml": #"{{ include "inner" . }}"#,
        ])
        #expect(Fixtures.errorMessage { _ = try Fixtures.render(c) } == "execution error at (mychart/templates/t.yaml:1:3): inner")
    }

    @Test func includeRecursionIsLimited() throws {
        let c = try Fixtures.simple([
            "_r.tpl": #"{{ define "r" }}{{ include "r" . }}{{ end }}"#,
            "t.yaml": #"{{ include "r" . }}"#,
        ])
        let msg = Fixtures.errorMessage { _ = try Fixtures.render(c) } ?? ""
        #expect(msg.contains("rendering template has a nested reference name: r: unable to execute template"))
    }

    @Test func parseOrderDecidesDuplicateDefines() throws {
        #expect(Renderer.parseOrder(["c/templates/_b.tpl", "c/templates/_a.tpl", "c/charts/s/templates/_c.tpl"])
            == ["c/charts/s/templates/_c.tpl", "c/templates/_b.tpl", "c/templates/_a.tpl"])
        let c = try Fixtures.simple([
            "_a.tpl": #"{{ define "x" }}from a{{ end }}"#,
            "_b.tpl": #"{{ define "x" }}from b{{ end }}"#,
            "z.yaml": #"{{ define "x" }}from z{{ end }}{{ include "x" . }}"#,
        ])
        #expect(try Fixtures.render(c)["mychart/templates/z.yaml"] == "from a")
    }

    @Test func subchartScopingAndLibraryCharts() throws {
        let c = try Fixtures.chart([
            "Chart.yaml": Fixtures.chartYAML("parent", extra: "dependencies:\n- name: sub\n  condition: sub.enabled\n- name: disabled\n  condition: disabled.enabled\n- name: lib\n"),
            "values.yaml": "global:\n  g: G\nsub:\n  enabled: true\n  v: fromParent\ndisabled:\n  enabled: false\n",
            "templates/p.yaml": #"{{ .Values.sub.v }} {{ .Values.sub.own }} {{ .Subcharts.sub.Values.own }} {{ include "lib.hello" . }}"#,
            "charts/sub/Chart.yaml": Fixtures.chartYAML("sub"),
            "charts/sub/values.yaml": "own: subDefault\nv: subDefault\n",
            "charts/sub/templates/s.yaml": "{{ .Values.v }} {{ .Values.global.g }} {{ .Chart.IsRoot }} {{ .Template.BasePath }}",
            "charts/disabled/Chart.yaml": Fixtures.chartYAML("disabled"),
            "charts/disabled/templates/o.yaml": "never",
            "charts/lib/Chart.yaml": Fixtures.chartYAML("lib", extra: "type: library\n"),
            "charts/lib/templates/_h.tpl": #"{{ define "lib.hello" }}hello from lib{{ end }}"#,
            "charts/lib/templates/ignored.yaml": "library charts render no templates",
        ])
        let out = try Fixtures.render(c)
        #expect(out.keys.sorted() == ["parent/charts/sub/templates/s.yaml", "parent/templates/p.yaml"])
        #expect(out["parent/templates/p.yaml"] == "fromParent subDefault subDefault hello from lib")
        #expect(out["parent/charts/sub/templates/s.yaml"] == "fromParent G false parent/charts/sub/templates")
    }

    @Test func aliasRenamesTheSubchart() throws {
        let c = try Fixtures.chart([
            "Chart.yaml": Fixtures.chartYAML("parent", extra: "dependencies:\n- name: sub\n  version: ^0.1.0\n  alias: renamed\n"),
            "values.yaml": "renamed:\n  v: aliased\n",
            "charts/sub/Chart.yaml": Fixtures.chartYAML("sub"),
            "charts/sub/templates/s.yaml": "{{ .Chart.Name }} {{ .Values.v }}",
        ])
        #expect(try Fixtures.render(c) == ["parent/charts/renamed/templates/s.yaml": "renamed aliased"])
    }

    @Test func aliasNeedsACompatibleVersion() throws {
        // Helm matches a declaration to a subchart only when the version range admits it (an empty
        // range never does); an unmatched subchart is kept under its own name.
        let c = try Fixtures.chart([
            "Chart.yaml": Fixtures.chartYAML("parent", extra: "dependencies:\n- name: sub\n  version: ~2.0.0\n  alias: renamed\n"),
            "charts/sub/Chart.yaml": Fixtures.chartYAML("sub"),
            "charts/sub/templates/s.yaml": "{{ .Chart.Name }}",
        ])
        #expect(try Fixtures.render(c) == ["parent/charts/sub/templates/s.yaml": "sub"])
    }

    @Test func kubeVersionConstraintIsChecked() throws {
        let c = try Fixtures.chart(["Chart.yaml": Fixtures.chartYAML("k", extra: "kubeVersion: \">=1.40.0\"\n"),
                                    "templates/a.yaml": "a: 1"])
        #expect(Fixtures.errorMessage { _ = try TemplateAction.run(chart: c, values: [:], options: TemplateOptions()) }
            == "chart requires kubeVersion: >=1.40.0 which is incompatible with Kubernetes v1.36.0\n\nUse --debug flag to render out invalid YAML")
        var o = TemplateOptions()
        o.render.kubeVersion = "1.41.2"
        #expect(try TemplateAction.run(chart: c, values: [:], options: o) == "---\n# Source: k/templates/a.yaml\na: 1\n")
    }
}

extension RenderTests {
    @Test func chartObjectIsAMapOfMetadataFields() throws {
        let c = try Fixtures.chart([
            "Chart.yaml": Fixtures.chartYAML("meta", extra: "keywords: [a, b]\nmaintainers:\n- name: Ann\n  email: a@x\nannotations:\n  k: v\ndependencies:\n- name: dep\n  version: \"*\"\n  tags: [t]\n"),
            "charts/dep/Chart.yaml": Fixtures.chartYAML("dep"),
            "templates/t.yaml": "{{ .Chart.Keywords }} {{ typeOf .Chart.Keywords }} {{ (index .Chart.Maintainers 0).Email }} "
                + "{{ .Chart.Annotations }} {{ typeOf .Chart.Annotations }} {{ .Chart.Sources }} {{ .Chart.Deprecated }} "
                + "{{ (index .Chart.Dependencies 0).Name }} {{ (index .Chart.Dependencies 0).Enabled }} {{ .Chart.Type }}|",
        ])
        #expect(try Fixtures.render(c)["meta/templates/t.yaml"]
            == "[a b] []interface {} a@x map[k:v] map[string]string [] false dep true |")
    }
}

extension RenderTests {
    static let functionErrors: [ErrorCase] = [
        ErrorCase(name: "include of an unknown template",
                  template: #"{{ include "nope" . }}"#,
                  message: "mychart/templates/t.yaml:1:3\n  executing \"mychart/templates/t.yaml\" at <include \"nope\" .>:\n    error calling include:\ntemplate: no template \"nope\" associated with template \"gotpl\""),
        ErrorCase(name: "tpl parse error",
                  template: #"{{ tpl "{{ nope }}" . }}"#,
                  message: "template: mychart/templates/t.yaml:1:3: executing \"mychart/templates/t.yaml\" at <tpl \"{{ nope }}\" .>: error calling tpl: cannot parse template \"{{ nope }}\": template: gotpl:1: function \"nope\" not defined"),
        ErrorCase(name: "fail inside tpl",
                  template: #"{{ tpl "{{ fail \"deep\" }}" . }}"#,
                  message: "execution error at (mychart/templates/t.yaml:1:3): deep"),
    ]

    @Test(arguments: functionErrors)
    func functionErrorWording(_ c: ErrorCase) {
        let msg = Fixtures.errorMessage { _ = try Fixtures.renderOne(c.template, values: c.values) }
        #expect(msg == c.message)
    }
}

extension RenderTests {
    static func tagged(_ parentValues: String) throws -> Chart {
        try Fixtures.chart([
            "Chart.yaml": Fixtures.chartYAML("p", extra: """
                dependencies:
                - name: a
                  version: 0.1.0
                  tags: [front]
                - name: b
                  version: 0.1.0
                  tags: [front, back]
                  condition: b.enabled

                """),
            "values.yaml": parentValues,
            "charts/a/Chart.yaml": Fixtures.chartYAML("a"),
            "charts/a/templates/a.yaml": "a",
            "charts/b/Chart.yaml": Fixtures.chartYAML("b"),
            "charts/b/templates/b.yaml": "b",
        ])
    }

    struct TagCase: CustomTestStringConvertible, Sendable {
        var values: String
        var rendered: [String]
        var testDescription: String { values }
    }

    static let tagCases: [TagCase] = [
        TagCase(values: "", rendered: ["a", "b"]),
        TagCase(values: "tags:\n  front: false\n", rendered: []),
        TagCase(values: "tags:\n  front: false\n  back: true\n", rendered: ["b"]),
        // The condition is evaluated after the tags and wins.
        TagCase(values: "tags:\n  front: false\nb:\n  enabled: true\n", rendered: ["b"]),
        TagCase(values: "b:\n  enabled: false\n", rendered: ["a"]),
    ]

    @Test(arguments: tagCases)
    func tagsAndConditions(_ c: TagCase) throws {
        let out = try Fixtures.render(try Self.tagged(c.values))
        #expect(out.values.sorted() == c.rendered)
    }

    @Test func importValues() throws {
        let c = try Fixtures.chart([
            "Chart.yaml": Fixtures.chartYAML("p", extra: """
                dependencies:
                - name: child
                  version: 0.1.0
                  import-values:
                  - data
                  - child: deep.inner
                    parent: copied

                """),
            "values.yaml": "own: 1\nshared: parentWins\n",
            "charts/child/Chart.yaml": Fixtures.chartYAML("child"),
            "charts/child/values.yaml": "exports:\n  data:\n    shared: childValue\n    exported: fromChild\ndeep:\n  inner:\n    k: v\n",
            "templates/t.yaml": "{{ .Values.exported }} {{ .Values.shared }} {{ .Values.copied.k }} {{ .Values.own }}",
        ])
        #expect(try Fixtures.render(c)["p/templates/t.yaml"] == "fromChild parentWins v 1")
    }

    @Test func valueOverloadAcceptsAMap() throws {
        let c = try Fixtures.simple(["t.yaml": "{{ .Values.x }}"])
        #expect(try Renderer.render(chart: c, values: Value.map(["x": "y"]), options: Fixtures.options)
            == ["mychart/templates/t.yaml": "y"])
    }
}

extension RenderTests {
    /// Levels follow each other unindented (Helm v4.2.3's output, see the conformance goldens).
    @Test func nestedIncludeErrorsListEveryLevel() throws {
        let c = try Fixtures.simple([
            "_h.tpl": "{{ define \"outer\" }}{{ include \"inner\" . }}{{ end }}{{ define \"inner\" }}{{ .useDefault.env }}{{ end }}",
            "t.yaml": "{{ include \"outer\" . }}",
        ])
        #expect(Fixtures.errorMessage { _ = try Fixtures.render(c) } == """
            mychart/templates/t.yaml:1:3
              executing "mychart/templates/t.yaml" at <include "outer" .>:
                error calling include:
            mychart/templates/_h.tpl:1:23
              executing "outer" at <include "inner" .>:
                error calling include:
            mychart/templates/_h.tpl:1:86
              executing "inner" at <.useDefault.env>:
                nil pointer evaluating interface {}.env
            """)
    }
}

extension RenderTests {
    @Test(arguments: [("1.30", "v1.30", "v1.30", "30"), ("v1.33.4-gke.1245000", "v1.33.4-gke.1245000", "v1.33.4", "33"),
                      ("1.29.0", "v1.29.0", "v1.29.0", "29")])
    func kubeVersionParsing(_ input: String, _ version: String, _ normalized: String, _ minor: String) throws {
        let kv = try KubeVersion.parse(input)
        #expect(kv.version == version)
        #expect(kv.normalized == normalized)
        #expect(kv.minor == minor)
    }

    @Test func kubeVersionRejectsGarbage() {
        #expect(Fixtures.errorMessage { _ = try KubeVersion.parse("abc") } == "could not parse \"abc\" as version")
        #expect(Fixtures.errorMessage { _ = try KubeVersion.parse("1") } == "illegal version string \"1\"")
    }
}

extension RenderTests {
    @Test func userNullForASubchartSectionFallsBackToDefaults() throws {
        let c = try Self.tagged("b:\n  enabled: true\n  x: 1\n")
        let user = try ValueOptions(values: ["b=null"]).merged()
        #expect(try Fixtures.render(c, values: user).values.sorted() == ["a", "b"])
    }
}
