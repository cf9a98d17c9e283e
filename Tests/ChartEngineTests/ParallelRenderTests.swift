@testable import ChartEngine
import StructuredData
import Templating
import Testing

/// Rendering on two threads must give exactly what Helm's one-file-after-another loop gives.
struct ParallelRenderTests {
    /// A parent chart with `n` files and a subchart with `m`; every file prints what order could
    /// change: its `.Template`, the subchart context's `.Template` as the sequential loop leaves it,
    /// the whole `.Subcharts` map, and an include of a helper with `$`.
    static func chart(files n: Int, subFiles m: Int, extraPartial: String? = nil) throws -> Chart {
        var files: [String: String] = [
            "Chart.yaml": Fixtures.chartYAML("parent"),
            "values.yaml": "greeting: hi\nsub:\n  x: 1\n",
            "templates/_helpers.tpl": #"{{- define "who" -}}{{ .Template.Name }}@{{ .Chart.Name }}{{- end -}}"#,
            "charts/sub/Chart.yaml": Fixtures.chartYAML("sub"),
            "charts/sub/values.yaml": "x: 0\n",
        ]
        if let extraPartial { files["templates/_extra.tpl"] = extraPartial }
        for i in 0..<n {
            files["templates/t\(i).yaml"] = """
                kind: ConfigMap
                metadata:
                  name: t\(i)
                data:
                  me: {{ .Template.Name | quote }}
                  base: {{ .Template.BasePath | quote }}
                  sub: {{ with .Subcharts.sub.Template }}{{ .Name | quote }}{{ else }}none{{ end }}
                  who: {{ include "who" $ | quote }}
                  subs: {{ toJson .Subcharts.sub.Template | quote }}
                  v: {{ .Values.greeting }}{{ .Values.sub.x }}
                """
        }
        for i in 0..<m {
            files["charts/sub/templates/s\(i).yaml"] = "kind: Secret\nname: {{ .Template.Name }} {{ .Values.x }}\n"
        }
        return try Fixtures.chart(files)
    }

    @Test(arguments: [(40, 20), (40, 0), (17, 3), (5, 30)])
    func parallelOutputEqualsSequential(_ sizes: (Int, Int)) throws {
        let parallel = try Fixtures.render(Self.chart(files: sizes.0, subFiles: sizes.1))
        // A comment naming `set` makes the renderer take the sequential path; comments print nothing.
        let sequential = try Fixtures.render(Self.chart(files: sizes.0, subFiles: sizes.1,
                                                        extraPartial: "{{/* set */}}"))
        #expect(parallel.count == sizes.0 + sizes.1)
        #expect(parallel == sequential)
        // The subchart's files run first (deeper paths first), so every parent file sees the last one.
        if sizes.1 > 0 {
            let lastSub = (0..<sizes.1).map { "parent/charts/sub/templates/s\($0).yaml" }.sorted().first!
            #expect(parallel["parent/templates/t0.yaml"]?.contains("sub: \"\(lastSub)\"") == true)
        }
    }

    @Test func firstFailureInExecutionOrderIsReported() throws {
        func chart(_ extra: String?) throws -> Chart {
            var templates: [String: String] = [:]
            for i in 0..<30 { templates["t\(i).yaml"] = "a: \(i)" }
            templates["t7.yaml"] = #"{{ fail "seven" }}"#
            templates["t25.yaml"] = #"{{ fail "twenty-five" }}"#
            if let extra { templates["_x.tpl"] = extra }
            return try Fixtures.simple(templates)
        }
        let parallel = Fixtures.errorMessage { _ = try Fixtures.render(chart(nil)) }
        let sequential = Fixtures.errorMessage { _ = try Fixtures.render(chart("{{/* merge */}}")) }
        #expect(parallel != nil)
        #expect(parallel == sequential)
        // Files execute in reverse byte order at equal depth: t9 … t7 … t25 … t0.
        #expect(parallel?.contains("seven") == true)
    }

    @Test func mutationsAcrossFilesKeepSequentialOrder() throws {
        // `set` on shared values: later files see earlier files' changes, as in Helm.
        var templates: [String: String] = [:]
        for i in 0..<20 { templates["t\(i).yaml"] = "{{ .Values.last }}|{{ $_ := set .Values \"last\" \"t\(i)\" }}" }
        let out = try Fixtures.render(Fixtures.simple(templates))
        // Execution order: t9, t8, …, t2, t19, …, t10, t1, t0.
        #expect(out["mychart/templates/t9.yaml"] == "|")
        #expect(out["mychart/templates/t8.yaml"] == "t9|")
        #expect(out["mychart/templates/t19.yaml"] == "t2|")
        #expect(out["mychart/templates/t0.yaml"] == "t1|")
    }

    struct WordCase: Sendable, CustomTestStringConvertible {
        var text: String
        var sensitive: Bool
        var testDescription: String { text }
    }

    static let words: [WordCase] = [
        WordCase(text: #"{{ $_ := set $ "a" 1 }}"#, sensitive: true),
        WordCase(text: "{{ unset .Values \"a\" }}", sensitive: true),
        WordCase(text: "{{ merge (dict) .Values }}", sensitive: true),
        WordCase(text: "{{ mustMergeOverwrite (dict) .Values }}", sensitive: true),
        WordCase(text: "{{ tpl .Values.t . }}", sensitive: true),
        WordCase(text: "{{ randAlphaNum 5 }}", sensitive: true),
        WordCase(text: "{{ genCA \"x\" 3 }}", sensitive: true),
        WordCase(text: "{{ uuidv4 }}", sensitive: true),
        WordCase(text: "{{ lookup \"v1\" \"Pod\" \"\" \"\" }}", sensitive: true),
        WordCase(text: "offset: {{ .Values.settings.reset }} charset", sensitive: false),
        WordCase(text: "{{ .Values.merged }} {{ template \"x\" . }} {{ include \"y\" . }}", sensitive: false),
        WordCase(text: "{{ toYaml .Values.random | nindent 2 }}", sensitive: false),
        WordCase(text: "", sensitive: false),
        WordCase(text: "set", sensitive: true),
        WordCase(text: "é set_x xset", sensitive: false),
    ]

    @Test(arguments: words)
    func orderSensitiveWords(_ c: WordCase) {
        #expect(ParallelRender.mentionsOrderSensitive(c.text) == c.sensitive)
    }
}
