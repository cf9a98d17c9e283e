import StructuredData
import Testing

@Suite struct JSONTests {
    @Test func escaping() {
        #expect(JSON.encode(["a": "<&>"]) == #"{"a":"\u003c\u0026\u003e"}"#)
        #expect(JSON.encode(["a": "<&>"], escapeHTML: false) == #"{"a":"<&>"}"#)
        #expect(JSON.encode("\u{2028}\u{2029}", escapeHTML: false) == #""\u2028\u2029""#)
        #expect(JSON.encode("q\"\\\n\r\t\u{8}\u{C}\u{1}\u{7F}é") == #""q\"\\\n\r\t\b\f\u0001"# + "\u{7F}é\"")
    }

    @Test(arguments: [
        (1.0, "1"), (1e21, "1e+21"), (1e20, "100000000000000000000"), (1e-7, "1e-7"), (0.000001, "0.000001"),
        (123_456_789.0, "123456789"), (1.5, "1.5"), (-0.0, "-0"), (0.1, "0.1"), (1.5e-10, "1.5e-10"),
    ])
    func floats(value: Double, expected: String) {
        #expect(JSON.encode(.float(value)) == expected)
    }

    @Test func keysAreByteSortedAndIndentWorks() {
        let v: Value = ["b": [1, ["c": nil]], "a": true, "é": [], "Z": [:]]
        #expect(JSON.encode(v) == #"{"Z":{},"a":true,"b":[1,{"c":null}],"é":[]}"#)
        #expect(JSON.encode(["a": [1, [:]], "b": []], indent: "  ") == "{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": []\n}")
    }

    @Test func nonFiniteFloatsFail() {
        #expect(errorMessage { try JSON.encodeChecked(["a": .float(.nan)]) } == "json: unsupported value: NaN")
        #expect(errorMessage { try JSON.encodeChecked(.float(.infinity)) } == "json: unsupported value: +Inf")
        #expect(JSON.encode(.float(.nan)) == "")
    }

    @Test func decodeBasics() throws {
        #expect(try JSON.decode(#"{"a":1,"a":2,"b":[true,null,"x"]}"#) == ["a": 2.0, "b": [true, nil, "x"]])
        #expect(try JSON.decode(#""\ud83d\ude00 \ud800""#) == "\u{1F600} \u{FFFD}")
        #expect(try JSON.decode(" -0.5e1 ") == .float(-5))
    }

    @Test(arguments: [
        ("x", "invalid character 'x' looking for beginning of value"),
        ("", "unexpected end of JSON input"),
        ("{\"a\":1,}", "invalid character '}' looking for beginning of object key string"),
        ("tru", "invalid character ' ' in literal true (expecting 'e')"),
        ("1.", "invalid character ' ' after decimal point in numeric literal"),
        ("01", "invalid character '1' after top-level value"),
        ("\"a\nb\"", "invalid character '\\n' in string literal"),
        ("'x'", "invalid character '\\'' looking for beginning of value"),
        ("1e400", "json: cannot unmarshal number 1e400 into Go value of type float64"),
    ])
    func decodeErrors(document: String, message: String) {
        #expect(errorMessage { try JSON.decode(document) } == message)
    }

    @Test func deepNesting() throws {
        let tooDeep = String(repeating: "[", count: 10_001) + String(repeating: "]", count: 10_001)
        #expect(errorMessage { try JSON.decode(tooDeep) } == "invalid character '[' exceeded max depth")
        #expect(errorMessage { try JSON.decode(String(repeating: "{\"a\":", count: 500_000)) } != nil)
        let ok = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let v = try JSON.decode(ok)
        #expect(JSON.encode(v) == ok)
    }
}
