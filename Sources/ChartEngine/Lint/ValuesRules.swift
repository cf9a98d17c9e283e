import StructuredData

/// Helm's `rules.ValuesWithOverrides`: `values.yaml` must parse (JSON Schema validation of the values
/// is not implemented yet).
enum ValuesRules {
    static let file = "values.yaml"

    static func run(_ linter: inout Linter) {
        let path = linter.path(file)
        if FileSystem.kind(of: path) == .missing {
            linter.rule(.info, file, "file does not exist")
            return
        }
        linter.rule(.error, file, parseProblem(path))
    }

    /// `common.ReadValuesFile`: one YAML document that is a map (or empty).
    static func parseProblem(_ path: String) -> String? {
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.read(path)
        } catch {
            return "unable to parse YAML: " + error.message
        }
        let docs: [Value]
        do {
            docs = try YAML.decodeAll(bytes)
        } catch {
            return "unable to parse YAML: error converting YAML to JSON: \(error)"
        }
        switch docs.first ?? .null {
        case .null, .map: return nil
        case let other:
            return "unable to parse YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
                + "\(MetadataDecoding.jsonType(other)) into Go value of type common.Values"
        }
    }
}
