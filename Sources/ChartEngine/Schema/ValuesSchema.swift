public import StructuredData
import Templating

/// Helm's `ValidateAgainstSchema` (pkg/chart/common/util/jsonschema.go): every chart's
/// `values.schema.json` against its own section of the coalesced values.
public enum ValuesSchema {
    /// Validates `values` (the coalesced values of the processed chart) and throws Helm's error:
    /// `values don't meet the specifications of the schema(s) in the following chart(s):\nCHART:\n- at …`.
    public static func validate(chart: Chart, values: [String: Value]) throws(ChartEngineError) {
        let report = self.report(chart: chart, values: values)
        if !report.isEmpty {
            throw ChartEngineError(.invalidValues,
                                   "values don't meet the specifications of the schema(s) in the following chart(s):\n" + report)
        }
    }

    /// The per-chart report (empty when everything validates): `NAME:\n` then the chart's errors,
    /// then each subchart's, depth first.
    static func report(chart: Chart, values: [String: Value]) -> String {
        var sb = ""
        if let schema = chart.schema {
            if let err = validate(schema: schema, values: values) {
                sb += chart.name + ":\n" + err
            }
        }
        for sub in chart.dependencies {
            guard let raw = values[sub.name], raw != .null else { continue }
            guard case .map(let m) = raw else {
                sb += "\(sub.name):\ninvalid type for values: expected object (map), got \(goTypeName(raw))\n"
                continue
            }
            sb += report(chart: sub, values: m)
        }
        return sb
    }

    /// One schema against one values map: nil when valid, else the text Helm puts under the chart
    /// name (validation errors end with a newline; schema problems do not, as in Helm).
    public static func validate(schema: String, values: [String: Value]) -> String? {
        // Validation recurses with the schema and values; run it where deep input cannot exhaust the stack.
        (try? LargeStack.run { validateOnCurrentStack(schema: schema, values: values) }) ?? nil
    }

    static func validateOnCurrentStack(schema: String, values: [String: Value]) -> String? {
        do {
            let compiled = try SchemaCompiler.compile(schema)
            var validator = SchemaValidator(compiled)
            let errors = try validator.validate(.map(values))
            if errors.isEmpty { return nil }
            return SchemaValidationError.display(errors) + "\n"
        } catch {
            return error.message
        }
    }

    /// `%T` of a decoded value.
    static func goTypeName(_ v: Value) -> String {
        switch v {
        case .null: return "<nil>"
        case .bool: return "bool"
        case .int: return "int64"
        case .float: return "float64"
        case .string: return "string"
        case .list: return "[]interface {}"
        case .map: return "map[string]interface {}"
        }
    }
}
