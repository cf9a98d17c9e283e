import StructuredData
import Templating
import Testing

/// Helm's serialization functions through real templates; expected outputs rendered by Helm v4.2.3
/// (helm-python-sdk 0.2.2) with the same values.yaml.
@Suite struct SerializationFunctionTests {
    static let valuesYAML = "m: {b: [1, 2], a: {x: 1.5, big: 1000000}, s: \"yes\", e: {}, l: [], t: \"a\\tb\\nc\"}\ns: \"line1\\nline2\"\n"

    static let cases: [(String, String)] = [
        ("{{ toYaml .Values.m }}", "a:\n  big: 1000000\n  x: 1.5\nb:\n- 1\n- 2\ne: {}\nl: []\ns: \"yes\"\nt: \"a\\tb\\nc\""),
        ("{{ toYamlPretty .Values.m }}", "a:\n  big: 1e+06\n  x: 1.5\nb:\n  - 1\n  - 2\ne: {}\nl: []\ns: \"yes\"\nt: |-\n  a\tb\n  c"),
        ("{{ toJson .Values.m }}", "{\"a\":{\"big\":1000000,\"x\":1.5},\"b\":[1,2],\"e\":{},\"l\":[],\"s\":\"yes\",\"t\":\"a\\tb\\nc\"}"),
        ("{{ toPrettyJson .Values.m }}", "{\n  \"a\": {\n    \"big\": 1000000,\n    \"x\": 1.5\n  },\n  \"b\": [\n    1,\n    2\n  ],\n  \"e\": {},\n  \"l\": [],\n  \"s\": \"yes\",\n  \"t\": \"a\\tb\\nc\"\n}"),
        ("{{ toRawJson (dict \"a\" \"<&>\") }}", "{\"a\":\"<&>\"}"),
        ("{{ toToml .Values.m }}", "b = [1.0, 2.0]\nl = []\ns = \"yes\"\nt = \"a\\tb\\nc\"\n\n[a]\n  big = 1e+06\n  x = 1.5\n\n[e]\n"),
        ("{{ toYaml .Values.s }}", "|-\n  line1\n  line2"),
        ("{{ mustToYaml .Values.m }}", "a:\n  big: 1000000\n  x: 1.5\nb:\n- 1\n- 2\ne: {}\nl: []\ns: \"yes\"\nt: \"a\\tb\\nc\""),
        ("{{ mustToJson .Values.m }}", "{\"a\":{\"big\":1000000,\"x\":1.5},\"b\":[1,2],\"e\":{},\"l\":[],\"s\":\"yes\",\"t\":\"a\\tb\\nc\"}"),
        ("{{ mustToPrettyJson (list 1 \"a\") }}", "[\n  1,\n  \"a\"\n]"),
        ("{{ mustToRawJson (list \"<\") }}", "[\"<\"]"),
        ("{{ mustToToml (dict \"a\" 1) }}", "a = 1\n"),
        ("{{ fromYaml \"a: 1\\nb: [x]\" | toJson }}", "{\"a\":1,\"b\":[\"x\"]}"),
        ("{{ (fromYaml \"a: 1\").a | typeOf }}", "float64"),
        ("{{ fromYaml \"- 1\" | toJson }}", "{\"Error\":\"error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}\"}"),
        ("{{ fromYaml \"a: [\" }}", "map[Error:error converting YAML to JSON: yaml: line 1: did not find expected node content]"),
        ("{{ fromYamlArray \"- 1\\n- a\" | toJson }}", "[1,\"a\"]"),
        ("{{ fromYamlArray \"a: 1\" }}", "[error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}]"),
        ("{{ fromYamlArray \"[\" }}", "[error converting YAML to JSON: yaml: line 1: did not find expected node content]"),
        ("{{ fromJson \"{\\\"a\\\":1}\" | toJson }}", "{\"a\":1}"),
        ("{{ fromJson \"x\" }}", "map[Error:invalid character 'x' looking for beginning of value]"),
        ("{{ fromJson \"[1]\" }}", "map[Error:json: cannot unmarshal array into Go value of type map[string]interface {}]"),
        ("{{ fromJsonArray \"[1]\" | toJson }}", "[1]"),
        ("{{ fromJsonArray \"{}\" }}", "[json: cannot unmarshal object into Go value of type []interface {}]"),
        ("{{ fromJsonArray \"[\" }}", "[unexpected end of JSON input]"),
        ("{{ mustFromJson \"[1,2]\" | toJson }}", "[1,2]"),
        ("{{ mustFromJson \"{\\\"a\\\": 1}\" | typeOf }}", "map[string]interface {}"),
        ("{{ fromToml \"a = 1\" | toJson }}", "{\"a\":1}"),
        ("{{ (fromToml \"a = 1\").a | typeOf }}", "int64"),
        ("{{ fromToml \"a = \" }}", "map[Error:toml: line 1 (last key \"a\"): unexpected EOF; expected value]"),
        ("{{ toToml (dict \"f\" 1.0 \"i\" 1) }}", "f = 1.0\ni = 1\n"),
        ("{{ toToml \"s\" }}", "\"s\""),
        ("{{ toToml (dict \"a\" (list 1 nil)) }}", "toml: cannot encode array with nil element"),
        ("{{ toYaml nil }}|{{ toJson nil }}|{{ toYaml (list) }}|{{ toYaml (dict) }}|{{ toYamlPretty nil }}", "null|null|[]|{}|null"),
        ("{{ toYaml 1000000.0 }}|{{ toYamlPretty 1000000.0 }}|{{ toJson 1000000.0 }}|{{ toJson 1e-7 }}", "1000000|1e+06|1000000|1e-7"),
        ("{{ toJson (list 1 2.5 \"a\" true nil) }}", "[1,2.5,\"a\",true,null]"),
        ("{{ toYaml (int64 5) }}|{{ toYaml 5 }}|{{ toJson (int 7) }}", "5|5|7"),
        ("{{ .Values.m | toYaml | indent 2 }}", "  a:\n    big: 1000000\n    x: 1.5\n  b:\n  - 1\n  - 2\n  e: {}\n  l: []\n  s: \"yes\"\n  t: \"a\\tb\\nc\""),
        ("{{ fromYaml \"\" | toJson }}|{{ fromYamlArray \"\" | toJson }}", "{}|[]"),
        ("{{ toYaml (dict \"k\" (list (dict \"a\" 1 \"b\" (list \"x\")))) }}", "k:\n- a: 1\n  b:\n  - x"),
        ("{{ toYamlPretty (dict \"k\" (list (dict \"a\" 1 \"b\" (list \"x\")))) }}", "k:\n  - a: 1\n    b:\n      - x"),
        ("{{ toYaml (list \"yes\" \"on\" \"12:30\" \"\" \"- x\" \"a: b\") }}", "- \"yes\"\n- \"on\"\n- \"12:30\"\n- \"\"\n- '- x'\n- 'a: b'"),
        ("{{ toJson (dict \"b\" 1 \"a\" (dict \"d\" 2 \"c\" 3)) }}", "{\"a\":{\"c\":3,\"d\":2},\"b\":1}"),
        ("{{ (fromYaml \"on: 1\\ny: 2\").true }}", "2"),
        ("{{ fromYaml \"a: 1\\n---\\nb: 2\" | toJson }}", "{\"a\":1}"),
        ("{{ toYaml (fromJson \"{\\\"x\\\": 1.0, \\\"y\\\": 0.5}\") }}", "x: 1\n\"y\": 0.5"),
        ("{{ toJson (fromYaml \"x: 1e3\") }}", "{\"x\":1000}"),
        ("{{ toYaml .Values.m.t }}|{{ toYamlPretty .Values.m.t }}", "\"a\\tb\\nc\"||-\n  a\tb\n  c"),
    ]

    @Test(arguments: cases)
    func rendersLikeHelm(template: String, expected: String) throws {
        let values = try YAML.decode(Self.valuesYAML)
        #expect(try render(template, values: values) == expected)
    }
}
