public import StructuredData

/// Typed decoding as the API server does it before anything else: a value of the wrong JSON type
/// for its field (an object where a string belongs, a string where an int belongs) is a 400, worded
/// as Go's `encoding/json` words it through Kubernetes' decoder.
public enum SchemaTypeCheck {
    /// The first type error in `object` (fields in sorted order), or nil. nil also when the kind
    /// has no schema (custom resources are checked by their own OpenAPI schema, not here).
    public static func firstError(in object: Value, gvk: GroupVersionKind, schemas: SchemaSet = BuiltinSchemas.all) -> String? {
        guard let root = schemas.root(for: gvk), case .map(let fields) = object else { return nil }
        var checker = Checker(schemas: schemas)
        return checker.object(fields, root, goPath: root.name.split(separator: ".").last.map(String.init) ?? gvk.kind, top: true)
    }

    private struct Checker {
        let schemas: SchemaSet
        static let maxDepth = 100
        var depth = 0

        static let anything: Set<String> = [
            WellKnownMessage.rawExtension, WellKnownMessage.fieldsV1, WellKnownMessage.json,
            WellKnownMessage.jsonSchemaProps, WellKnownMessage.jsonSchemaPropsOrArray,
            WellKnownMessage.jsonSchemaPropsOrBool, WellKnownMessage.jsonSchemaPropsOrStringArray, WellKnownMessage.unknown,
        ]

        mutating func object(_ fields: [String: Value], _ schema: MessageSchema, goPath: String, top: Bool) -> String? {
            guard depth < Self.maxDepth else { return nil }
            depth += 1
            defer { depth -= 1 }
            for key in fields.keys.sorted() {
                guard let value = fields[key], let field = schema.field(named: key) else { continue }
                if case .null = value { continue }
                let path = goPath + "." + key
                if field.repeated {
                    guard case .list(let items) = value else { return Self.mismatch(value, path, "[]" + Self.goType(field.type)) }
                    for item in items {
                        if case .null = item { continue }
                        if let e = element(item, field.type, path: path) { return e }
                    }
                } else if let e = element(value, field.type, path: path) {
                    return e
                }
            }
            return nil
        }

        mutating func element(_ value: Value, _ type: FieldType, path: String) -> String? {
            switch type {
            case .string:
                if case .string = value { return nil }
            case .bytes:
                if case .string = value { return nil }
            case .bool:
                if case .bool = value { return nil }
            case .int32, .int64, .uint32, .uint64, .sint32, .sint64, .fixed32, .fixed64, .sfixed32, .sfixed64:
                if case .int = value { return nil }
                if case .float(let d) = value, d.rounded() == d { return nil }
            case .float, .double:
                if case .int = value { return nil }
                if case .float = value { return nil }
            case .map(_, let valueType):
                guard case .map(let entries) = value else { break }
                for key in entries.keys.sorted() {
                    guard let v = entries[key] else { continue }
                    if case .null = v { continue }
                    if let e = element(v, valueType, path: path) { return e }
                }
                return nil
            case .message(let name):
                switch name {
                case WellKnownMessage.time, WellKnownMessage.microTime, WellKnownMessage.duration:
                    if case .string = value { return nil }
                case WellKnownMessage.quantity:
                    switch value {
                    case .string, .int, .float: return nil
                    default: break
                    }
                case WellKnownMessage.intOrString:
                    switch value {
                    case .string, .int: return nil
                    case .float(let d) where d.rounded() == d: return nil
                    default: break
                    }
                default:
                    if Self.anything.contains(name) { return nil }
                    guard case .map(let fields) = value else { break }
                    guard let sub = schemas.message(name) else { return nil }
                    return object(fields, sub, goPath: path, top: false)
                }
            }
            return Self.mismatch(value, path, Self.goType(type))
        }

        static func mismatch(_ value: Value, _ path: String, _ goType: String) -> String {
            "json: cannot unmarshal \(jsonType(value)) into Go struct field \(path) of type \(goType)"
        }

        static func jsonType(_ v: Value) -> String {
            switch v {
            case .null: return "null"
            case .bool: return "bool"
            case .int, .float: return "number"
            case .string: return "string"
            case .list: return "array"
            case .map: return "object"
            }
        }

        static func goType(_ t: FieldType) -> String {
            switch t {
            case .string: return "string"
            case .bytes: return "[]uint8"
            case .bool: return "bool"
            case .int32, .sint32, .sfixed32: return "int32"
            case .int64, .sint64, .sfixed64: return "int64"
            case .uint32, .fixed32: return "uint32"
            case .uint64, .fixed64: return "uint64"
            case .float: return "float32"
            case .double: return "float64"
            case .map(_, let v): return "map[string]" + goType(v)
            case .message(let name):
                switch name {
                case WellKnownMessage.time, WellKnownMessage.microTime: return "v1.Time"
                case WellKnownMessage.quantity: return "resource.Quantity"
                case WellKnownMessage.intOrString: return "intstr.IntOrString"
                default: return "v1." + (name.split(separator: ".").last.map(String.init) ?? name)
                }
            }
        }
    }
}
