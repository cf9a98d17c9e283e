import ChartEngine
import StructuredData
import Testing

/// Cases from Helm's `pkg/strvals/parser_test.go` (`TestParseSet`, `TestParseSetString`, …).
struct StrvalsTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var input: String
        var expected: Value?  // nil = error expected
        var testDescription: String { input }
    }

    static let typed: [Case] = [
        Case(input: "name1=value1", expected: ["name1": "value1"]),
        Case(input: "name1=value1,name2=value2", expected: ["name1": "value1", "name2": "value2"]),
        Case(input: "name1=value1,name2=value2,", expected: ["name1": "value1", "name2": "value2"]),
        Case(input: "name1=value1,,,,name2=value2,", expected: nil),
        Case(input: "name1=,name2=value2", expected: ["name1": "", "name2": "value2"]),
        Case(input: "leading_zeros=00009", expected: ["leading_zeros": "00009"]),
        Case(input: "zero_int=0", expected: ["zero_int": .int(0)]),
        Case(input: "long_int=1234567890", expected: ["long_int": .int(1_234_567_890)]),
        Case(input: "negative=-5", expected: ["negative": .int(-5)]),
        Case(input: "float=1.5", expected: ["float": "1.5"]),
        Case(input: "exp=1e3", expected: ["exp": "1e3"]),
        Case(input: "boolean=true", expected: ["boolean": true]),
        Case(input: "upper=TRUE,f=False", expected: ["upper": true, "f": false]),
        Case(input: "is_null=null", expected: ["is_null": nil]),
        Case(input: "quoted=\"q\"", expected: ["quoted": "\"q\""]),
        Case(input: "name1,name2=", expected: nil),
        Case(input: "name1,name2=value2", expected: nil),
        Case(input: "name1,name2=value2\\", expected: nil),
        Case(input: "name1,name2", expected: nil),
        Case(input: "name1=one\\,two,name2=three\\,four", expected: ["name1": "one,two", "name2": "three,four"]),
        Case(input: "name1=one\\=two,name2=three\\=four", expected: ["name1": "one=two", "name2": "three=four"]),
        Case(input: "name1=one two three,name2=three two one",
             expected: ["name1": "one two three", "name2": "three two one"]),
        Case(input: "outer.inner=value", expected: ["outer": ["inner": "value"]]),
        Case(input: "outer.middle.inner=value", expected: ["outer": ["middle": ["inner": "value"]]]),
        Case(input: "outer.inner1=value,outer.inner2=value2",
             expected: ["outer": ["inner1": "value", "inner2": "value2"]]),
        Case(input: "outer.inner1=value,outer.middle.inner=value",
             expected: ["outer": ["inner1": "value", "middle": ["inner": "value"]]]),
        Case(input: "name1.name2", expected: nil),
        Case(input: "name1.name2,name1.name3", expected: nil),
        Case(input: "name1.name2=", expected: ["name1": ["name2": ""]]),
        Case(input: "name1.=name2", expected: nil),
        Case(input: "name1.,name2", expected: nil),
        Case(input: "name1={value1,value2}", expected: ["name1": ["value1", "value2"]]),
        Case(input: "name1={value1,value2},name2={value1,value2}",
             expected: ["name1": ["value1", "value2"], "name2": ["value1", "value2"]]),
        Case(input: "name1={1021,902}", expected: ["name1": [.int(1021), .int(902)]]),
        Case(input: "name1.name2={value1,value2}", expected: ["name1": ["name2": ["value1", "value2"]]]),
        Case(input: "name1={1021,902", expected: nil),
        Case(input: "list[0]=foo", expected: ["list": ["foo"]]),
        Case(input: "list[0].foo=bar", expected: ["list": [["foo": "bar"]]]),
        Case(input: "list[0].foo=bar,list[0].hello=world", expected: ["list": [["foo": "bar", "hello": "world"]]]),
        Case(input: "list[0]=foo,list[1]=bar", expected: ["list": ["foo", "bar"]]),
        Case(input: "list[0]=foo,list[1]=bar,", expected: ["list": ["foo", "bar"]]),
        Case(input: "list[0]=foo,list[3]=bar", expected: ["list": ["foo", nil, nil, "bar"]]),
        Case(input: "illegal[0]name.foo=bar", expected: nil),
        Case(input: "noval[0]", expected: ["noval": []]),
        Case(input: "noval[0]=", expected: ["noval": [""]]),
        Case(input: "nested[0][0]=1", expected: ["nested": [[.int(1)]]]),
        Case(input: "nested[1][1]=1", expected: ["nested": [nil, [nil, .int(1)]]]),
        Case(input: "name1.name2[0].foo=bar,name1.name2[1].foo=bar",
             expected: ["name1": ["name2": [["foo": "bar"], ["foo": "bar"]]]]),
        Case(input: "name1.name2[1].foo=bar,name1.name2[0].foo=bar",
             expected: ["name1": ["name2": [["foo": "bar"], ["foo": "bar"]]]]),
        Case(input: "name1.name2[1].foo=bar", expected: ["name1": ["name2": [nil, ["foo": "bar"]]]]),
        Case(input: "list[-30].hello=world", expected: nil),
        Case(input: "list[65537]=x", expected: nil),
        Case(input: "list[a]=x", expected: nil),
        Case(input: "a.b=1,a=2", expected: ["a": .int(2)]),
        Case(input: "a=1,a.b=2", expected: nil),
        Case(input: "", expected: [:]),
    ]

    @Test(arguments: typed)
    func parseSet(_ c: Case) throws {
        var data: [String: Value] = [:]
        if let expected = c.expected {
            try Strvals.parse(c.input, into: &data)
            #expect(Value.map(data) == expected)
        } else {
            #expect(throws: ChartEngineError.self) { try Strvals.parse(c.input, into: &data) }
        }
    }

    static let strings: [Case] = [
        Case(input: "long_int_string=1234567890", expected: ["long_int_string": "1234567890"]),
        Case(input: "boolean=true", expected: ["boolean": "true"]),
        Case(input: "is_null=null", expected: ["is_null": "null"]),
        Case(input: "zero=0", expected: ["zero": "0"]),
        Case(input: "name1={1021,902}", expected: ["name1": ["1021", "902"]]),
        Case(input: "list[0]=true", expected: ["list": ["true"]]),
    ]

    @Test(arguments: strings)
    func parseSetString(_ c: Case) throws {
        var data: [String: Value] = [:]
        try Strvals.parseString(c.input, into: &data)
        #expect(Value.map(data) == c.expected)
    }

    static let literals: [Case] = [
        Case(input: "name=value,with,commas", expected: ["name": "value,with,commas"]),
        Case(input: "name1.name2=val=ue", expected: ["name1": ["name2": "val=ue"]]),
        Case(input: "list[1]=a\\b", expected: ["list": [nil, "a\\b"]]),
        Case(input: "name={not,a,list}", expected: ["name": "{not,a,list}"]),
        Case(input: "n=true", expected: ["n": "true"]),
        Case(input: "noval", expected: nil),
    ]

    @Test(arguments: literals)
    func parseSetLiteral(_ c: Case) throws {
        var data: [String: Value] = [:]
        if let expected = c.expected {
            try Strvals.parseLiteral(c.input, into: &data)
            #expect(Value.map(data) == expected)
        } else {
            #expect(throws: ChartEngineError.self) { try Strvals.parseLiteral(c.input, into: &data) }
        }
    }

    static let json: [Case] = [
        Case(input: "outer.inner1=\"1\",outer.inner3={\"aa\":\"1\",\"bb\":2,\"cc\":[1,2,3]},outer.inner4={\"aa\":\"2\"}",
             expected: ["outer": ["inner1": "1", "inner3": ["aa": "1", "bb": 2.0, "cc": [1.0, 2.0, 3.0]],
                                  "inner4": ["aa": "2"]]]),
        Case(input: "a=null", expected: ["a": nil]),
        Case(input: "a=,b=1", expected: ["a": nil, "b": 1.0]),
        Case(input: "list[0]={\"x\":true}", expected: ["list": [["x": true]]]),
    ]

    @Test(arguments: json)
    func parseSetJSON(_ c: Case) throws {
        var data: [String: Value] = [:]
        try Strvals.parseJSON(c.input, into: &data)
        #expect(Value.map(data) == c.expected)
    }

    @Test func errorMessages() {
        var d: [String: Value] = [:]
        #expect(Fixtures.errorMessage { try Strvals.parse("name1,name2", into: &d) }
            == "key \"name1\" has no value (cannot end with ,)")
        #expect(Fixtures.errorMessage { try Strvals.parse("a.b", into: &d) } == "key \"b\" has no value")
        // A trailing '.' ends the input inside a key map: Helm accepts it and sets nothing.
        #expect(Fixtures.errorMessage { try Strvals.parse("a.", into: &d) } == nil)
        #expect(Fixtures.errorMessage { try Strvals.parse("list[-30].hello=world", into: &d) }
            == "negative -30 index not allowed")
        #expect(Fixtures.errorMessage { try Strvals.parse("list[65537]=x", into: &d) }
            == "index of 65537 is greater than maximum supported index of 65536")
        #expect(Fixtures.errorMessage { try Strvals.parse("x={a,b", into: &d) } == "list must terminate with '}'")
        let deep = (0...31).map { "k\($0)" }.joined(separator: ".") + "=v"
        #expect(Fixtures.errorMessage { try Strvals.parse(deep, into: &d) }
            == "value name nested level is greater than maximum supported nested level of 30")
    }

    @Test func setMergesIntoExistingValues() throws {
        var d: [String: Value] = ["a": ["keep": 1.0, "b": "old"]]
        try Strvals.parse("a.b=new,c[1]=x", into: &d)
        #expect(Value.map(d) == ["a": ["keep": 1.0, "b": "new"], "c": [nil, "x"]])
    }
}
