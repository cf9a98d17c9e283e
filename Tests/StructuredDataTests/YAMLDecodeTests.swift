import StructuredData
import Testing

@Suite struct YAMLDecodeTests {
    @Test(arguments: [
        // YAML 1.1 booleans as keys collapse onto "true"/"false"; the last one wins.
        ("on: 1\nyes: 2\ny: 3\n", ["true": 3.0] as Value),
        ("n: a\nNo: b\nOFF: c\n", ["false": "c"]),
        ("l: [x, y, n, yes, no, on, off, True, FALSE, tRue]\n",
         ["l": ["x", true, false, true, false, true, false, true, false, "tRue"]]),
        ("a: ~\nb: null\nc: Null\nd: NULL\ne:\nf: nUll\n",
         ["a": nil, "b": nil, "c": nil, "d": nil, "e": nil, "f": "nUll"]),
        ("1: a\n1.5: b\n0.1: c\ntrue: d\n-1: g\n0x10: h\n", ["1": "a", "1.5": "b", "0.1": "c", "true": "d", "-1": "g", "16": "h"]),
        ("k: [0x1F, 0o17, 017, 0b101, 1_000, +1, .5, 1e3, 12:30, 2024-01-01, 1:20:30]\n",
         ["k": [31.0, 15.0, 15.0, 5.0, 1000.0, 1.0, 0.5, 1000.0, "12:30", "2024-01-01", "1:20:30"]]),
        ("\u{FEFF}a: 1\n", ["a": 1.0]),
        ("a: !!str 123\nb: !!binary aGVsbG8=\nc: ! 12\n", ["a": "123", "b": "hello", "c": "12"]),
    ] as [(String, Value)])
    func values(document: String, expected: Value) throws {
        #expect(try YAML.decode(document) == expected)
    }

    @Test func integersStayIntegersWithoutFloatMode() throws {
        #expect(try YAML.decode("a: 12\nb: 1.5\n", numbersAsFloat: false) == ["a": .int(12), "b": .float(1.5)])
        #expect(try YAML.decode("a: 12\n") == ["a": .float(12)])
    }

    @Test func mergeKeys() throws {
        let doc = "base: &b {x: 1, p: 2}\nm:\n  <<: *b\n  p: 3\nl:\n  <<: [{x: 1}, {x: 2, z: 2}]\n"
        let v = try YAML.decode(doc)
        #expect(v["m"] == ["x": 1.0, "p": 3.0])
        #expect(v["l"] == ["x": 1.0, "z": 2.0])
        #expect(errorMessage { try YAML.decode("m:\n  <<: 1\n") } == "yaml: map merge requires map or sequence of maps as the value")
    }

    @Test func multipleDocuments() throws {
        #expect(try YAML.decodeAll("a: 1\n---\nb: 2\n---\n") == [["a": 1.0], ["b": 2.0], nil])
        #expect(try YAML.decode("a: 1\n---\nb: 2\n") == ["a": 1.0])
        #expect(try YAML.decodeAll("") == [])
        #expect(try YAML.decode("# only a comment\n") == nil)
    }

    @Test(arguments: [
        ("a: 1\nb\n", "yaml: line 3: could not find expected ':'"),
        ("a: [1, 2\n", "yaml: line 1: did not find expected ',' or ']'"),
        ("a:\n  b: 1\n c: 2\n", "yaml: line 2: did not find expected key"),
        ("a: b: c\n", "yaml: mapping values are not allowed in this context"),
        ("\ta: 1\n", "yaml: found character that cannot start any token"),
        ("b: *nope\n", "yaml: unknown anchor 'nope' referenced"),
        ("a: &a\n  b: *a\n", "yaml: anchor 'a' value contains itself"),
        ("a: !!int abc\n", "yaml: cannot decode !!str `abc` as a !!int"),
        ("a: .nan\n", "json: unsupported value: NaN"),
        ("~: x\n", "unsupported map key of type: %!s(<nil>), key: <nil>, value: \"x\""),
    ])
    func errors(document: String, message: String) {
        #expect(errorMessage { try YAML.decode(document) } == message)
    }

    @Test func invalidUTF8Fails() {
        #expect(errorMessage { try YAML.decode([UInt8]("a: ".utf8) + [0xFF, 0xFE, 0x0A]) } == "yaml: invalid leading UTF-8 octet")
        #expect(errorMessage { try YAML.decode([UInt8]("a: x".utf8) + [0xC3, 0x28, 0x0A]) } == "yaml: invalid trailing UTF-8 octet")
        #expect(errorMessage { try YAML.decode("a: 'x\u{0}y'\n") } == "yaml: control characters are not allowed")
    }

    @Test func aliasBombIsRefused() {
        var doc = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for (n, name) in ["b", "c", "d", "e", "f", "g", "h", "i"].enumerated() {
            let prev = n == 0 ? "a" : ["b", "c", "d", "e", "f", "g", "h"][n - 1]
            doc += "\(name): &\(name) [" + Array(repeating: "*\(prev)", count: 10).joined(separator: ", ") + "]\n"
        }
        #expect(errorMessage { try YAML.decode(doc) } == "yaml: document contains excessive aliasing")
    }

    @Test func hugeAliasBombStopsWithoutOverflow() {
        // 40 levels of 10× expansion (10^40 nodes): counting must saturate, not trap.
        var doc = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n"
        for n in 1...40 {
            doc += "l\(n): &l\(n) [" + Array(repeating: "*l\(n - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        #expect(errorMessage { try YAML.decode(doc) } == "yaml: document contains excessive aliasing")
        #expect(errorMessage { try YAML.decode(doc + "bad: [\n") }
            == "yaml: line 42: did not find expected node content")  // as Helm v4.2.3
    }

    @Test func modestAliasingIsFine() throws {
        let v = try YAML.decode("a: &x hello\nb: *x\nc: [*x, *x]\n")
        #expect(v == ["a": "hello", "b": "hello", "c": ["hello", "hello"]])
    }

    @Test func deepNestingFailsCleanly() throws {
        let deep = String(repeating: "[", count: 10_001) + String(repeating: "]", count: 10_001)
        #expect(errorMessage { try YAML.decode(deep) } == "yaml: exceeded max depth of 10000")
        let huge = String(repeating: "[", count: 200_000)
        #expect(errorMessage { try YAML.decode(huge) } != nil)
        let ok = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let v = try YAML.decode(ok)
        // Deep values can be encoded without exhausting the stack.
        #expect(JSON.encode(v).utf8.count == 20_000)
        #expect(YAML.encode(v).hasPrefix("- - - "))
    }
}

/// The message of the error `body` throws, or nil when it succeeds.
func errorMessage(_ body: () throws -> Any) -> String? {
    do {
        _ = try body()
        return nil
    } catch let e as StructuredDataError {
        return e.message
    } catch {
        return "\(error)"
    }
}

/// Helm v4 `LoadValues` and sigs.k8s.io/yaml `Unmarshal` wrappers; expectations from Helm v4.2.3.
@Suite struct HelmValuesTests {
    static func load(_ s: String) -> String {
        do {
            return JSON.encode(.map(try YAML.loadValues(Array(s.utf8))))
        } catch {
            return "ERR: " + error.message
        }
    }

    @Test(arguments: [
        ("a: 1\nc: {x: 1}\n---\nb: 2\nc: {y: 2}\n", #"{"a":1,"b":2,"c":{"true":2,"x":1}}"#),
        ("a: 1\n---\n- x\n", "ERR: cannot unmarshal yaml document: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}"),
        ("s\n", "ERR: cannot unmarshal yaml document: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type map[string]interface {}"),
        // Each document is parsed alone: the line counts from the document's start.
        ("a: 1\n---\nb: [\n", "ERR: cannot unmarshal yaml document: error converting YAML to JSON: yaml: line 1: did not find expected node content"),
        ("---\n---\na: 1\n", #"{"a":1}"#),
        ("a: &x 1\n---\nb: *x\n", "ERR: cannot unmarshal yaml document: error converting YAML to JSON: yaml: unknown anchor 'x' referenced"),
        ("a: 1\n--- # comment\nb: 2", #"{"a":1,"b":2}"#),
        ("a: 1\n--- x\n", "ERR: error reading yaml document: invalid Yaml document separator: x"),
        ("", "{}"),
    ])
    func loadValues(input: String, expected: String) {
        #expect(Self.load(input) == expected)
    }

    @Test func unmarshalWrappers() {
        #expect(errorMessage { try YAML.unmarshalMap(Array("a: [".utf8)) }
            == "error converting YAML to JSON: yaml: line 1: did not find expected node content")
        #expect(errorMessage { try YAML.unmarshalList(Array("a: 1".utf8)) }
            == "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}")
        #expect(errorMessage { try JSON.unmarshalList("{}") } == "json: cannot unmarshal object into Go value of type []interface {}")
        #expect(errorMessage { try JSON.unmarshalMap("[1]") } == "json: cannot unmarshal array into Go value of type map[string]interface {}")
    }
}
