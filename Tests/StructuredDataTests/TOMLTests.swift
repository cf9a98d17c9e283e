import StructuredData
import Testing

@Suite struct TOMLTests {
    @Test func encodeBasics() throws {
        #expect(try TOML.encode(["f": 1.0, "i": .int(1)]) == "f = 1.0\ni = 1\n")
        let v: Value = ["t": ["x": .int(1), "u": ["y": .int(2)]], "a": "s", "arr": [["k": .int(1)], ["k": .int(2)]]]
        #expect(try TOML.encode(v) == "a = \"s\"\n\n[[arr]]\n  k = 1\n\n[[arr]]\n  k = 2\n\n[t]\n  x = 1\n  [t.u]\n    y = 2\n")
    }

    @Test func encodeErrors() {
        #expect(errorMessage { try TOML.encode(["a": [.int(1), nil]]) } == "toml: cannot encode array with nil element")
        #expect(errorMessage { try TOML.encode(nil) } == "reflect: call of reflect.Value.Type on zero Value")
    }

    @Test func decodeBasics() throws {
        let v = try TOML.decode("a = 1\nb = 1.5\n[t]\nc = 'x'\nd = 1979-05-27\n[[arr]]\nk = 0x1F\n")
        #expect(v == ["a": .int(1), "b": 1.5, "t": ["c": "x", "d": "1979-05-27T00:00:00Z"], "arr": [["k": .int(31)]]])
        #expect(errorMessage { try TOML.decode("a = 1\na = 2") }
            == "toml: line 2 (last key \"a\"): Key 'a' has already been defined.")
    }
}
