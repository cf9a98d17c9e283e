import StructuredData
import Templating
import Testing

/// Renders `text` as a one-file template set with `values` under `.Values`.
func render(_ text: String, values: Value = .map([:])) throws -> String {
    let set = try TemplateSet.parse([TemplateSource(name: "t", text: text)], functions: .standard)
    let data = TemplateValue.map(["Values": TemplateValue(values)])
    return try set.execute("t", data: data, options: ExecutionOptions(clock: FixedClock(TemplateTime(seconds: 0)),
                                                                       random: RandomSource(seed: 1)))
}

func renderError(_ text: String, values: Value = .map([:])) -> String {
    do {
        let out = try render(text, values: values)
        return "no error; output: \(out)"
    } catch {
        return "\(error)"
    }
}

@Suite struct LanguageTests {
    static let values: Value = [
        "s": "str", "n": 3.0, "big": 1_000_000.0, "list": [1.0, "a", true], "m": ["b": 2.0, "a": 1.0, "10": "x"],
        "nul": nil, "empty": "", "t": true,
    ]

    @Test(arguments: [
        ("a  {{- 1 -}}  b\n  {{- /* comment */ -}}\n c", "a1bc"),
        ("a\n{{- /* c */}}\nb\n{{/* c */ -}}\nc", "a\nb\nc"),
        ("{{-3}}", "-3"),
        ("{{ 1_000 }} {{ 0b101 }} {{ 0o17 }} {{ 017 }} {{ 0x1F }} {{ 0x1p-2 }} {{ 'a' }}", "1000 5 15 15 31 0.25 97"),
        (#"{{ "a\tb\u00e9\x41" }}{{ `raw\n` }}"#, "a\tbéAraw\\n"),
        ("{{ 1.0 }} {{ 1e3 }} {{ 1 }}", "1 1000 1"),
        (#"{{ "a" | printf "%s-%s" "b" }}"#, "b-a"),
        ("{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}", "2"),
        (#"{{ $x := "outer" }}{{ with "in" }}{{ $x := "shadow" }}{{ $x }}{{ end }}{{ $x }}"#, "shadowouter"),
        ("{{ $x := 1 }}{{ $x := 2 }}{{ $x }}", "2"),
        (#"{{ and 1 "" 2 }}|{{ and 1 2 }}|{{ or 0 "x" 1 }}"#, "|2|x"),
        ("{{ and .Values.missing .Values.missing.x }}", "<no value>"),
        (#"{{ range $i := .Values.list }}{{ $i }}{{ end }}"#, "1atrue"),
        ("{{ range $k, $v := .Values.m }}{{ $k }}={{ $v }};{{ end }}", "10=x;a=1;b=2;"),
        ("{{ range 3 }}{{ . }}{{ end }}", "012"),
        ("{{ range 0 }}x{{ else }}empty{{ end }}", "empty"),
        ("{{ range .Values.nope }}x{{ else }}none{{ end }}", "none"),
        ("{{ range $i, $e := .Values.list }}{{ if eq $i 1 }}{{ continue }}{{ end }}{{ $e }}{{ end }}", "1true"),
        ("{{ range .Values.list }}{{ . }}{{ break }}{{ end }}", "1"),
        (#"{{ with "" }}A{{ else with 0 }}B{{ else }}C{{ end }}"#, "C"),
        ("{{ if .Values.empty }}a{{ else if .Values.t }}b{{ else }}c{{ end }}", "b"),
        (#"{{ define "x" }}[{{ . }}]{{ end }}{{ template "x" }}{{ template "x" 5 }}"#, "[<no value>][5]"),
        (#"{{ block "b" 1 }}B{{ . }}{{ end }}"#, "B1"),
        ("{{ .Values.big }} {{ .Values.n }} {{ .Values.list }} {{ .Values.m }}", "1e+06 3 [1 a true] map[10:x a:1 b:2]"),
        ("{{ .Values.missing }}|{{ .Values.nul }}", "<no value>|<no value>"),
        (#"{{ print 1 2 "a" "b" 3 }}|{{ println 1 2 }}"#, "1 2ab3|1 2\n"),
        (#"{{ html "<a&b>" }} {{ js "a'b<" }} {{ urlquery "a b&c" }}"#, "&lt;a&amp;b&gt; a\\'b\\u003C a+b%26c"),
        (#"{{ printf "%d %s %v %q" 3 "x" .Values.n "q" }}"#, #"3 x 3 "q""#),
        (#"{{ printf "%d" .Values.n }}|{{ printf "%s" 1 }}|{{ printf "%v" }}|{{ printf "%d" 1 2 }}"#,
         "%!d(float64=3)|%!s(int=1)|%!v(MISSING)|1%!(EXTRA int=2)"),
        (#"{{ printf "%s" .Values.missing }}"#, "%!s(<nil>)"),
        (#"{{ printf "%5.2f|%-4d|%04d|%x|%X|%o|%b|%e|%g" 3.14159 7 42 255 255 8 5 1234.5678 0.0001 }}"#,
         " 3.14|7   |0042|ff|FF|10|101|1.234568e+03|0.0001"),
        (#"{{ eq .Values.missing nil }} {{ eq "a" "b" "a" }} {{ ne 1 2 }} {{ lt 1 2 }} {{ ge "b" "a" }}"#,
         "true true true true true"),
        ("{{ len \"é\" }} {{ len .Values.list }} {{ index .Values.list 1 }} {{ index .Values \"missing\" }}",
         "2 3 a <no value>"),
        ("{{ not 0 }} {{ not 1 }}", "true false"),
        ("{{ $ := 1 }}{{ $ }}", "1"),
    ])
    func renders(template: String, expected: String) throws {
        #expect(try render(template, values: Self.values) == expected)
    }

    @Test(arguments: [
        ("{{ .Values.m.a-b }}", "template: t:1: bad character U+002D '-'"),
        ("{{ nil }}", "template: t:1:3: executing \"t\" at <nil>: nil is not a command"),
        ("{{ $undefined }}", "template: t:1: undefined variable \"$undefined\""),
        ("{{ .Values.missing.sub }}", "template: t:1:10: executing \"t\" at <.Values.missing.sub>: nil pointer evaluating interface {}.sub"),
        ("{{ .Values.s.foo }}", "template: t:1:10: executing \"t\" at <.Values.s.foo>: can't evaluate field foo in type interface {}"),
        ("{{ eq .Values.n 12 }}", "template: t:1:3: executing \"t\" at <eq .Values.n 12>: error calling eq: incompatible types for comparison: float64 and int"),
        ("{{ len .Values.missing }}", "template: t:1:3: executing \"t\" at <len .Values.missing>: error calling len: len of nil pointer"),
        ("{{ index .Values.missing \"a\" }}", "template: t:1:3: executing \"t\" at <index .Values.missing \"a\">: error calling index: index of untyped nil"),
        ("{{ range \"abc\" }}{{ end }}", "template: t:1:9: executing \"t\" at <\"abc\">: range can't iterate over abc"),
        ("{{ range $i, $e := 3 }}{{ end }}", "template: t:1:19: executing \"t\" at <3>: can't use 3 to iterate over more than one variable"),
        ("{{ break }}", "template: t:1: {{break}} outside {{range}}"),
        ("{{ and }}", "template: t:1:3: executing \"t\" at <and>: wrong number of args for and: want at least 1 got 0"),
        ("{{ template \"nope\" }}", "template: t:1:12: executing \"t\" at <{{template \"nope\"}}>: template \"nope\" not defined"),
        ("{{ foo }}", "template: t:1: function \"foo\" not defined"),
        ("{{ if }}", "template: t:1: missing value for if"),
        ("{{ end }}", "template: t:1: unexpected {{end}}"),
        ("{{ if 1 }}", "template: t:1: unexpected EOF"),
        ("{{ \"abc }}", "template: t:1: unterminated quoted string"),
        ("{{ .x ", "template: t:1: unclosed action"),
        ("{{ lt true false }}", "template: t:1:3: executing \"t\" at <lt true false>: error calling lt: invalid type for comparison"),
        ("{{ eq 1 1.0 }}", "template: t:1:3: executing \"t\" at <eq 1 1.0>: error calling eq: incompatible types for comparison: int and float64"),
        ("{{ define \"a\" }}x{{ end }}{{ define \"a\" }}y{{ end }}", "template: t:1: template: multiple definition of template \"a\""),
    ])
    func errors(template: String, expected: String) {
        #expect(renderError(template, values: Self.values) == expected)
    }
}
