import ClusterAPI
import StructuredData

/// Unknown-field detection for `fieldValidation` on built-in kinds: walks an object along the generated
/// schema table and names every key the kind does not declare, as Kubernetes' strict JSON decoder does
/// (`spec.template.spec.containers[0].bogus`). Custom resources and kinds without a table entry report
/// nothing (their structural schema is not checked here).
enum StrictFields {
    /// Objects nest far less deeply than this; deeper input is not walked further (hostile bodies).
    static let maxDepth = 64

    /// Message-typed fields Go embeds with `json:",inline"`: their fields appear in the parent's JSON
    /// and the field's own name is not a JSON key. (The schema table may also expand these itself.)
    static let inlineFields: Set<String> = [
        "handler", "volumeSource", "persistentVolumeSource", "localObjectReference", "ephemeralContainerCommon",
        "ingressRuleValue",
    ]

    /// Types whose JSON form is not their message shape (strings, numbers, embedded JSON): not walked.
    static let opaqueMessages: Set<String> = [
        WellKnownMessage.time, WellKnownMessage.microTime, WellKnownMessage.duration, WellKnownMessage.quantity,
        WellKnownMessage.intOrString, WellKnownMessage.rawExtension, WellKnownMessage.fieldsV1,
        WellKnownMessage.unknown, WellKnownMessage.json, WellKnownMessage.jsonSchemaProps,
        WellKnownMessage.jsonSchemaPropsOrArray, WellKnownMessage.jsonSchemaPropsOrBool,
        WellKnownMessage.jsonSchemaPropsOrStringArray,
    ]

    /// The paths of undeclared fields, sorted; empty when every field is known or the kind has no schema.
    static func unknown(in object: Value, gvk: GroupVersionKind, schemas: SchemaSet = BuiltinSchemas.all) -> [String] {
        guard let root = schemas.root(for: gvk), case .map(let fields) = object else { return [] }
        var found: [String] = []
        var rest = fields
        // TypeMeta is not part of the protobuf messages.
        rest["apiVersion"] = nil
        rest["kind"] = nil
        walk(rest, root, path: "", schemas, &found, depth: 0)
        return found.sorted()
    }

    private static func walk(_ fields: [String: Value], _ message: MessageSchema, path: String, _ schemas: SchemaSet,
                             _ found: inout [String], depth: Int)
    {
        guard depth < maxDepth else { return }
        for (key, value) in fields {
            let here = path.isEmpty ? key : path + "." + key
            guard let field = lookup(key, in: message, schemas, depth: 0) else {
                found.append(here)
                continue
            }
            check(value, field.type, repeated: field.repeated, path: here, schemas, &found, depth: depth + 1)
        }
    }

    private static func check(_ value: Value, _ type: FieldType, repeated: Bool, path: String, _ schemas: SchemaSet,
                              _ found: inout [String], depth: Int)
    {
        guard depth < maxDepth else { return }
        if repeated {
            // A wrongly-typed value is the validator's business, not an unknown field.
            guard case .list(let items) = value else { return }
            for (i, item) in items.enumerated() {
                check(item, type, repeated: false, path: "\(path)[\(i)]", schemas, &found, depth: depth + 1)
            }
            return
        }
        switch type {
        case .message(let name):
            guard !opaqueMessages.contains(name), let sub = schemas.message(name), case .map(let m) = value else { return }
            walk(m, sub, path: path, schemas, &found, depth: depth + 1)
        case .map(_, let valueType):
            guard case .map(let m) = value else { return }
            for (key, item) in m {
                check(item, valueType, repeated: false, path: path + "." + key, schemas, &found, depth: depth + 1)
            }
        default:
            return
        }
    }

    /// The field a JSON key names, looking through inline structs; nil when undeclared.
    private static func lookup(_ key: String, in message: MessageSchema, _ schemas: SchemaSet, depth: Int) -> FieldSchema? {
        if let f = message.field(named: key), !isInline(f) { return f }
        guard depth < 4 else { return nil }
        for f in message.fields where isInline(f) {
            if case .message(let name) = f.type, let sub = schemas.message(name),
               let found = lookup(key, in: sub, schemas, depth: depth + 1)
            {
                return found
            }
        }
        return nil
    }

    private static func isInline(_ field: FieldSchema) -> Bool {
        guard inlineFields.contains(field.name), case .message = field.type else { return false }
        return true
    }
}
