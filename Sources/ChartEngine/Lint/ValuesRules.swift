import StructuredData

/// Helm's `rules.ValuesWithOverrides`: `values.yaml` must parse and, with the user's values laid over
/// it, meet `values.schema.json` (the top chart's only; subcharts are checked by the template rule).
enum ValuesRules {
    static let file = "values.yaml"

    static func run(_ linter: inout Linter, options: LintOptions) {
        let path = linter.path(file)
        if FileSystem.kind(of: path) == .missing {
            linter.rule(.info, file, "file does not exist")
            return
        }
        switch parse(path) {
        case .failure(let message):
            linter.rule(.error, file, message)
        case .success(let values):
            linter.rule(.error, file, schemaProblem(linter.path("values.schema.json"), values: values, options: options))
        }
    }

    /// Helm coalesces the overrides over values.yaml as tables (not the full chart coalescing), then
    /// validates against the schema next to values.yaml when it is not empty.
    static func schemaProblem(_ schemaPath: String, values: [String: Value], options: LintOptions) -> String? {
        guard let bytes = try? FileSystem.read(schemaPath), !bytes.isEmpty, !options.skipSchemaValidation else {
            return nil
        }
        var coalescer = Coalescer()
        let merged = coalescer.coalesceTables(options.values, values)
        return ValuesSchema.validate(schema: String(decoding: bytes, as: UTF8.self), values: merged)
    }

    enum Parsed {
        case success([String: Value])
        case failure(String)
    }

    /// `common.ReadValuesFile`: the first YAML document (sigs.k8s.io/yaml reads no further) must be a
    /// map or empty.
    static func parse(_ path: String) -> Parsed {
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.read(path)
        } catch {
            return .failure("unable to parse YAML: " + error.message)
        }
        let first: Value
        do {
            first = try YAML.decode(YAMLDocumentReader.firstDocument(String(decoding: bytes, as: UTF8.self)))
        } catch {
            return .failure("unable to parse YAML: error converting YAML to JSON: \(error)")
        }
        switch first.helmNumbers {
        case .null: return .success([:])
        case .map(let m): return .success(m)
        case let other:
            return .failure("unable to parse YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
                + "\(MetadataDecoding.jsonType(other)) into Go value of type common.Values")
        }
    }
}
