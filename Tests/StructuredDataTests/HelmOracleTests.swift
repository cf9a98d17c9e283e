import StructuredData
import Testing

/// Codec outputs checked against the real Helm v4.2.3 (see HelmOracleCases.swift).
@Suite struct HelmOracleTests {
    static func trimmed(_ s: String) -> String { s.hasSuffix("\n") ? String(s.dropLast()) : s }

    @Test(arguments: helmEncodeCases)
    func encode(function: String, values: String, expected: String) throws {
        let v = try YAML.decode(values)["v"] ?? .null
        let got: String
        switch function {
        case "toYaml": got = Self.trimmed(try YAML.encodeChecked(v))
        case "toYamlPretty": got = Self.trimmed(YAML.encodePretty(v))
        default: got = JSON.encode(v)
        }
        #expect(got == expected, "\(function) of \(values)")
    }

    @Test(arguments: helmYAMLDecodeCases)
    func decodeYAML(document: String, kind: String, expected: String) {
        do {
            let v = try YAML.decode(document)
            switch kind {
            case "json": #expect(JSON.encode(v.isNull ? .map([:]) : v) == expected)
            case "notMap": #expect(v.mapValue == nil && !v.isNull)
            default: Issue.record("expected error \(expected), got \(v)")
            }
        } catch {
            #expect(kind == "error")
            #expect(error.message == expected)
        }
    }

    @Test(arguments: helmJSONDecodeCases)
    func decodeJSON(document: String, kind: String, expected: String) {
        do {
            let v = try JSON.decode(document)
            #expect(kind == "json")
            #expect(JSON.encode(v) == expected)
        } catch {
            #expect(kind == "error")
            #expect(error.message == expected)
        }
    }

    @Test(arguments: helmToTomlCases)
    func toToml(values: String, expected: String) throws {
        let v = try YAML.decode(values)["v"] ?? .null
        do {
            #expect(try TOML.encode(v) == expected)
        } catch {
            #expect(error.message == expected)
        }
    }

    @Test(arguments: helmFromTomlCases)
    func fromToml(document: String, expected: String) {
        do {
            #expect(JSON.encode(try TOML.decode(document)) == expected)
        } catch {
            #expect(JSON.encode(["Error": .string(error.message)]) == expected)
        }
    }
}
