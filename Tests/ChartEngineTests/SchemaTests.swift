@testable import ChartEngine
import Foundation
import StructuredData
import Testing

/// Keyword-by-keyword checks of the schema validator with values as helmctl builds them (including
/// `--set`'s int64 numbers, which the Helm goldens cannot express), plus hostile schemas. The
/// expected texts follow santhosh-tekuri/jsonschema v6's wording, as confirmed by the Helm goldens.
struct SchemaKeywordCase: Sendable, CustomStringConvertible {
    var keyword: String
    var schema: String
    var values: [String: Value]
    /// nil: valid.
    var expected: String?
    var description: String { keyword }
}

@Suite struct SchemaTests {
    static let keywordCases: [SchemaKeywordCase] = [
        .init(keyword: "type integer accepts int64", schema: #"{"properties":{"p":{"type":"integer"}}}"#,
              values: ["p": .int(8080)], expected: nil),
        .init(keyword: "type integer accepts 8080.0", schema: #"{"properties":{"p":{"type":"integer"}}}"#,
              values: ["p": .float(8080)], expected: nil),
        .init(keyword: "type integer rejects 1.5", schema: #"{"properties":{"p":{"type":"integer"}}}"#,
              values: ["p": .float(1.5)], expected: "- at '/p': got number, want integer\n"),
        .init(keyword: "type list order", schema: #"{"type":["object","null","string"]}"#,
              values: [:], expected: nil),
        .init(keyword: "minimum int64", schema: #"{"properties":{"p":{"minimum":1}}}"#,
              values: ["p": .int(0)], expected: "- at '/p': minimum: got 0, want 1\n"),
        .init(keyword: "maximum grouping", schema: #"{"properties":{"p":{"maximum":1000}}}"#,
              values: ["p": .int(123456)], expected: "- at '/p': maximum: got 123,456, want 1,000\n"),
        .init(keyword: "exclusiveMinimum equal", schema: #"{"properties":{"p":{"exclusiveMinimum":5}}}"#,
              values: ["p": .int(5)], expected: "- at '/p': exclusiveMinimum: got 5, want 5\n"),
        .init(keyword: "exclusive draft4 boolean", schema: #"{"$schema":"http://json-schema.org/draft-04/schema#","properties":{"p":{"maximum":5,"exclusiveMaximum":true}}}"#,
              values: ["p": .int(5)], expected: "- at '/p': exclusiveMaximum: got 5, want 5\n"),
        .init(keyword: "multipleOf exact decimal", schema: #"{"properties":{"p":{"multipleOf":0.01}}}"#,
              values: ["p": .float(0.07)], expected: nil),
        .init(keyword: "multipleOf int64", schema: #"{"properties":{"p":{"multipleOf":7}}}"#,
              values: ["p": .int(9_223_372_036_854_775_807)], expected: nil),
        .init(keyword: "multipleOf failure", schema: #"{"properties":{"p":{"multipleOf":3}}}"#,
              values: ["p": .int(10)], expected: "- at '/p': multipleOf: got 10, want 3\n"),
        .init(keyword: "enum numbers by value", schema: #"{"properties":{"p":{"enum":[1.0, "x"]}}}"#,
              values: ["p": .int(1)], expected: nil),
        .init(keyword: "enum failure", schema: #"{"properties":{"p":{"enum":[1.0, "x", null]}}}"#,
              values: ["p": .int(2)], expected: "- at '/p': value must be one of 1.0, 'x', <nil>\n"),
        .init(keyword: "const object", schema: #"{"properties":{"p":{"const":{"a":[1]}}}}"#,
              values: ["p": .map(["a": .list([.int(1)])])], expected: nil),
        .init(keyword: "required", schema: #"{"required":["a","b"]}"#,
              values: ["a": .null], expected: "- at '': missing property 'b'\n"),
        .init(keyword: "additionalProperties sorted", schema: #"{"additionalProperties":false}"#,
              values: ["b": .int(1), "a": .int(2)], expected: "- at '': additional properties 'a', 'b' not allowed\n"),
        .init(keyword: "patternProperties RE2", schema: #"{"patternProperties":{"^x-\\w+$":{"type":"string"}},"additionalProperties":false}"#,
              values: ["x-a": .string("ok")], expected: nil),
        .init(keyword: "minLength runes", schema: #"{"properties":{"p":{"minLength":3,"maxLength":3}}}"#,
              values: ["p": .string("日本語")], expected: nil),
        .init(keyword: "pattern unanchored", schema: #"{"properties":{"p":{"pattern":"b"}}}"#,
              values: ["p": .string("abc")], expected: nil),
        .init(keyword: "pattern quote", schema: #"{"properties":{"p":{"pattern":"^a$"}}}"#,
              values: ["p": .string("it's")], expected: "- at '/p': 'it\\'s' does not match pattern '^a$'\n"),
        .init(keyword: "uniqueItems int vs float", schema: #"{"properties":{"p":{"uniqueItems":true}}}"#,
              values: ["p": .list([.int(1), .float(1)])], expected: "- at '/p': items at 0 and 1 are equal\n"),
        .init(keyword: "contains min/max", schema: #"{"properties":{"p":{"contains":{"type":"string"},"maxContains":1}}}"#,
              values: ["p": .list([.string("a"), .string("b")])],
              expected: "- at '/p': max 1 items required to match contains schema, but matched 2 items at 0 1\n"),
        .init(keyword: "dependentRequired", schema: #"{"dependentRequired":{"tls":["cert","key"]}}"#,
              values: ["tls": .bool(true), "cert": .string("c")],
              expected: "- at '': properties 'key' required, if 'tls' exists\n"),
        .init(keyword: "if/then", schema: #"{"if":{"properties":{"enabled":{"const":true}}},"then":{"required":["host"]}}"#,
              values: ["enabled": .bool(true)], expected: "- at '': missing property 'host'\n"),
        .init(keyword: "if/else not taken", schema: #"{"if":{"properties":{"enabled":{"const":true}}},"then":{"required":["host"]}}"#,
              values: ["enabled": .bool(false)], expected: nil),
        .init(keyword: "format annotation in 2020-12", schema: #"{"properties":{"p":{"format":"email"}}}"#,
              values: ["p": .string("nope")], expected: nil),
        .init(keyword: "format asserted in draft 7", schema: #"{"$schema":"http://json-schema.org/draft-07/schema#","properties":{"p":{"format":"ipv4"}}}"#,
              values: ["p": .string("1.2.3.999")], expected: "- at '/p': '1.2.3.999' is not valid ipv4: decimal must be between 0 and 255\n"),
        .init(keyword: "urn ref permissive", schema: #"{"properties":{"p":{"$ref":"urn:x:y"}}}"#,
              values: ["p": .int(1)], expected: nil),
        .init(keyword: "unevaluatedProperties", schema: #"{"allOf":[{"properties":{"a":true}}],"unevaluatedProperties":false}"#,
              values: ["a": .int(1), "b": .int(2)], expected: "- at '/b': false schema\n"),
        .init(keyword: "min/maxProperties", schema: #"{"maxProperties":1}"#,
              values: ["a": .int(1), "b": .int(2)], expected: "- at '': maxProperties: got 2, want 1\n"),
    ]

    @Test(arguments: keywordCases)
    func keyword(_ c: SchemaKeywordCase) {
        #expect(ValuesSchema.validate(schema: c.schema, values: c.values) == c.expected)
    }

    @Test(arguments: [
        (0.0, "0"), (1.5, "1.5"), (-1234.5678, "-1,234.5678"), (999_999, "999,999"), (1_000_000, "1×10⁰⁶"),
        (1_234_567, "1.234567×10⁰⁶"), (0.0001, "0.0001"), (0.00001, "1×10⁻⁰⁵"), (1e21, "1×10²¹"), (-2.5e-7, "-2.5×10⁻⁰⁷"),
    ])
    func englishFloat(_ d: Double, _ text: String) {
        #expect(EnglishNumber.float(d) == text)
    }

    @Test func englishInt() {
        #expect(EnglishNumber.int(0) == "0")
        #expect(EnglishNumber.int(2000) == "2,000")
        #expect(EnglishNumber.int(-1_234_567) == "-1,234,567")
    }

    @Test(arguments: [("1.50", "0.01", true), ("1.5", "0.2", false), ("1e3", "7", false), ("1e30", "1e-5", true),
                      ("0", "3", true), ("12345678901234567890", "10", true), ("0.3", "0.1", true)])
    func decimalMultiple(_ v: String, _ m: String, _ expected: Bool) throws {
        let a = try #require(SchemaNumber(literal: v))
        let b = try #require(SchemaNumber(literal: m))
        #expect(a.isMultiple(of: b) == expected)
    }

    @Test func decimalCompare() throws {
        let a = try #require(SchemaNumber(literal: "1.50"))
        #expect(a == SchemaNumber(double: 1.5))
        #expect(a.compare(SchemaNumber(int: 2)) < 0)
        #expect(try #require(SchemaNumber(literal: "-1e2")).compare(SchemaNumber(int: -100)) == 0)
        #expect(a.goValueText == "1.50")
    }

    // MARK: Hostile input

    @Test(arguments: ["", "{", #"{"type": }"#, "{} x", "[", #"{"a":"\u12"}"#, "nul"])
    func malformedSchemaIsAClearError(_ text: String) {
        let out = ValuesSchema.validate(schema: text, values: [:])
        #expect(out != nil)
        #expect(out?.hasPrefix("- at") == false)
    }

    @Test func refCycleIsReportedNotLooped() {
        let out = ValuesSchema.validate(schema: ##"{"$defs":{"a":{"$ref":"#/$defs/b"},"b":{"$ref":"#/$defs/a"}},"$ref":"#/$defs/a"}"##,
                                        values: [:])
        #expect(out?.contains("causing reference cycle") == true)
    }

    @Test func selfReferenceThroughValuesTerminates() {
        // A recursive schema over recursive values: depth is bounded by the values.
        var v: Value = .map([:])
        for _ in 0..<200 { v = .map(["child": v]) }
        let out = ValuesSchema.validate(schema: ##"{"properties":{"child":{"$ref":"#"}},"additionalProperties":false}"##,
                                        values: v.mapValue ?? [:])
        #expect(out == nil)
    }

    @Test func deeplyNestedSchemaIsRefused() {
        let depth = 5000
        let text = String(repeating: #"{"not":"#, count: depth) + "{}" + String(repeating: "}", count: depth)
        #expect(ValuesSchema.validate(schema: text, values: [:]) == "schema document nesting exceeds 512 levels")
        // Within the document limit, evaluation depth is bounded too and reported, not crashed on.
        let nested = String(repeating: #"{"not":"#, count: 400) + "{}" + String(repeating: "}", count: 400)
        #expect(ValuesSchema.validate(schema: nested, values: [:]) != nil)
    }

    @Test func tooDeepJSONIsRefused() {
        let text = String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000)
        let out = ValuesSchema.validate(schema: #"{"const":"# + text + "}", values: [:])
        #expect(out?.contains("exceeded max depth") == true)
    }

    @Test func remoteRefFailsWithoutNetwork() {
        let out = ValuesSchema.validate(schema: #"{"$ref":"https://example.com/s.json"}"#, values: [:])
        #expect(out == #"failing loading "https://example.com/s.json": remote schema references are not supported (no network access)"#)
    }

    @Test func hugeExponentsDoNotHang() {
        let out = ValuesSchema.validate(schema: #"{"properties":{"p":{"multipleOf":1e-99999999,"maximum":1e99999999},"q":{"multipleOf":7}}}"#,
                                        values: ["p": .float(1.5), "q": .float(1e300)])
        #expect(out == "- at '/q': multipleOf: got 1×10³⁰⁰, want 7\n")
    }

    @Test func subchartSectionMustBeAMap() throws {
        let sub = try ChartLoader.load(files: [ChartFile(name: "Chart.yaml", text: "apiVersion: v2\nname: sub\nversion: 0.1.0\n"),
                                               ChartFile(name: "values.schema.json", text: "{}")])
        let parent = Chart(metadata: try ChartLoader.load(files: [ChartFile(name: "Chart.yaml", text: "apiVersion: v2\nname: p\nversion: 0.1.0\n")]).metadata,
                           dependencies: [sub])
        #expect(ValuesSchema.report(chart: parent, values: ["sub": .list([])])
            == "sub:\ninvalid type for values: expected object (map), got []interface {}\n")
        #expect(ValuesSchema.report(chart: parent, values: ["sub": .null]) == "")
    }

    @Test func fileReferenceIsLoadedByAbsolutePath() throws {
        // Helm's base URL is file:///values.schema.json, so a relative "other.json" means /other.json;
        // charts that share schema files use absolute file: URLs.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("schema-ref-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try #"{"$defs":{"port":{"type":"integer","minimum":1}}}"#.write(to: dir.appendingPathComponent("common.json"),
                                                                           atomically: true, encoding: .utf8)
        try #"{"type":"nope"}"#.write(to: dir.appendingPathComponent("bad.json"), atomically: true, encoding: .utf8)
        let good = #"{"properties":{"p":{"$ref":"file://\#(dir.path)/common.json#/$defs/port"}}}"#
        #expect(ValuesSchema.validate(schema: good, values: ["p": .int(0)]) == "- at '/p': minimum: got 0, want 1\n")
        #expect(ValuesSchema.validate(schema: good, values: ["p": .int(80)]) == nil)
        let bad = #"{"$ref":"file://\#(dir.path)/bad.json"}"#
        let out = ValuesSchema.validate(schema: bad, values: [:])
        #expect(out?.hasPrefix("\"file://\(dir.path)/bad.json#\" is not valid against metaschema") == true)
        let missing = ValuesSchema.validate(schema: #"{"$ref":"other.json"}"#, values: [:])
        #expect(missing == #"failing loading "file:///other.json": open /other.json: no such file or directory"#)
        let device = ValuesSchema.validate(schema: #"{"$ref":"file:///dev/zero"}"#, values: [:])
        #expect(device == #"failing loading "file:///dev/zero": read /dev/zero: not a regular file"#)
    }
}
