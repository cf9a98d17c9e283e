public import StructuredData

/// Strict field validation (`fieldValidation=Strict`) against the schema table: which fields of an object
/// the kind's schema does not know.
public enum SchemaValidation {
    /// Kubernetes-style paths (`.spec.template.spec.containers[0].foo`) of fields not in the schema of `gvk`,
    /// in a stable order. `apiVersion` and `kind` are allowed at the top level. Map-typed fields
    /// (`labels`, `data`, resource lists), `RawExtension`, `FieldsV1`, `JSON` and `JSONSchemaProps` content
    /// are free-form; `IntOrString`, `Quantity`, `Time`, `MicroTime` and `Duration` accept scalars. Values of
    /// the wrong shape (a string where an object belongs) are not reported here: that is a type error,
    /// not an unknown field. Returns `[]` when the table has no schema for `gvk`.
    public static func unknownFields(in object: Value, gvk: GroupVersionKind,
                                     schemas: SchemaSet = BuiltinSchemas.all) -> [String]
    {
        guard let root = schemas.root(for: gvk), case .map(let fields) = object else { return [] }
        var out: [String] = []
        var walker = Walker(schemas: schemas)
        walker.object(fields, root, path: "", top: true, into: &out)
        return out
    }

    private struct Walker {
        let schemas: SchemaSet
        static let freeForm: Set<String> = [
            WellKnownMessage.rawExtension, WellKnownMessage.fieldsV1, WellKnownMessage.json,
            WellKnownMessage.jsonSchemaProps, WellKnownMessage.jsonSchemaPropsOrArray,
            WellKnownMessage.jsonSchemaPropsOrBool, WellKnownMessage.jsonSchemaPropsOrStringArray,
            WellKnownMessage.time, WellKnownMessage.microTime, WellKnownMessage.duration,
            WellKnownMessage.quantity, WellKnownMessage.intOrString, WellKnownMessage.unknown,
        ]
        /// Objects deeper than this are not inspected (hostile input cannot exhaust the stack).
        static let maxDepth = 100
        var depth = 0

        mutating func object(_ fields: [String: Value], _ schema: MessageSchema, path: String, top: Bool,
                             into out: inout [String])
        {
            guard depth < Self.maxDepth else { return }
            depth += 1
            defer { depth -= 1 }
            for key in fields.keys.sorted() {
                let fieldPath = path + "." + key
                guard let field = schema.field(named: key) else {
                    if !(top && (key == "apiVersion" || key == "kind")) { out.append(fieldPath) }
                    continue
                }
                guard let value = fields[key] else { continue }
                if field.repeated {
                    guard case .list(let items) = value else { continue }
                    for (i, item) in items.enumerated() {
                        element(item, field.type, path: fieldPath + "[\(i)]", into: &out)
                    }
                } else {
                    element(value, field.type, path: fieldPath, into: &out)
                }
            }
        }

        mutating func element(_ value: Value, _ type: FieldType, path: String, into out: inout [String]) {
            switch type {
            case .message(let name):
                guard !Self.freeForm.contains(name), let sub = schemas.message(name),
                      case .map(let fields) = value
                else { return }
                object(fields, sub, path: path, top: false, into: &out)
            case .map(_, let valueType):
                guard case .message = valueType, case .map(let entries) = value else { return }
                for key in entries.keys.sorted() {
                    if let entry = entries[key] { element(entry, valueType, path: path + "[\(key)]", into: &out) }
                }
            default:
                return
            }
        }
    }
}
