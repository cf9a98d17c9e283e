import StructuredData
import Templating
import Testing

/// Serialization functions on inputs a values file cannot produce (bytes, NaN); expectations from
/// Helm v4.2.3 renders and Go's documented errors.
@Suite struct SerializationEdgeTests {
    /// `[]byte` (`.Files.GetBytes`): base64 through JSON, a list of numbers for go-yaml v3 and TOML
    /// (Helm v4.2.3 renders of a file holding "hi\n\xff").
    @Test func bytesFollowEachEncoder() {
        let bytes = TemplateValue.bytes([104, 105, 10, 255])
        #expect(Harness.text("toYaml", [bytes]) == "aGkK/w==")
        #expect(Harness.text("toJson", [bytes]) == "\"aGkK/w==\"")
        #expect(Harness.text("toYamlPretty", [bytes]) == "- 104\n- 105\n- 10\n- 255")
        #expect(Harness.text("toToml", [.map(["b": bytes])]) == "b = [104, 105, 10, 255]\n")
        #expect(Harness.text("toYamlPretty", [.map(["b": .list([bytes])])])
            == "b:\n  - - 104\n    - 105\n    - 10\n    - 255")
    }

    @Test func mustVariantsReportErrors() {
        #expect(Harness.text("mustToJson", [.float(.nan)]) == "ERR: json: unsupported value: NaN")
        #expect(Harness.text("toJson", [.float(.nan)]) == "")
        #expect(Harness.text("mustToYaml", [.float(.nan)]) == "ERR: error marshaling into JSON: json: unsupported value: NaN")
        #expect(Harness.text("toYaml", [.float(.nan)]) == "")
        #expect(Harness.text("toRawJson", [.float(.nan)]) == "ERR: json: unsupported value: NaN")
        #expect(Harness.text("mustFromJson", [.string("x")]) == "ERR: invalid character 'x' looking for beginning of value")
        #expect(Harness.text("mustToToml", [.map(["a": .list([.null])])]) == "ERR: toml: cannot encode array with nil element")
    }
}
