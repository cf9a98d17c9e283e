/// What strategic merge patch knows about a value from the schema: the message it is, or the value
/// type of a `map<string, V>` field, or nothing (free-form JSON and fields the schema does not name).
enum PatchShape {
    case message(MessageSchema)
    case dictionary(FieldType)
    case free
}

/// The patch metadata of one field, as `+patchStrategy`/`+patchMergeKey` declare it.
struct PatchFieldMeta {
    /// The shape of the field's value, or of each element when the field is a list.
    var shape: PatchShape
    /// `patchStrategy` contains `merge`: lists merge (by `mergeKey` for lists of maps).
    var mergeList = false
    /// `patchStrategy` is `replace`: a map field is replaced rather than merged.
    var replaceMap = false
    var mergeKey: String?
    /// True when the schema names this field (a `$`-prefixed field such as JSONSchemaProps' `$ref` is
    /// then a field, not a directive).
    var known = false

    static let free = PatchFieldMeta(shape: .free)
}

extension PatchShape {
    /// The metadata of `key` inside a value of this shape.
    func meta(of key: String, schemas: SchemaSet) -> PatchFieldMeta {
        switch self {
        case .free:
            return .free
        case .dictionary(let valueType):
            return PatchFieldMeta(shape: Self.shape(of: valueType, schemas: schemas), known: true)
        case .message(let m):
            guard let f = m.field(named: key) else { return .free }
            var meta = PatchFieldMeta(shape: Self.shape(of: f.type, schemas: schemas), known: true)
            let strategies = (f.patchStrategy ?? "").split(separator: ",").map { $0.trimmingSpaces }
            meta.mergeList = strategies.contains("merge")
            meta.replaceMap = strategies.contains("replace")
            if let k = f.patchMergeKey, !k.isEmpty { meta.mergeKey = k }
            return meta
        }
    }

    static func shape(of type: FieldType, schemas: SchemaSet) -> PatchShape {
        switch type {
        case .message(let name):
            // Types whose JSON form is not their message shape (a timestamp, a quantity, embedded JSON)
            // are free-form here: nothing inside them is a field with patch metadata.
            if freeForm.contains(name) { return .free }
            if let m = schemas.message(name) { return .message(m) }
            return .free
        case .map(_, let value):
            return .dictionary(value)
        default:
            return .free
        }
    }

    static let freeForm: Set<String> = [
        WellKnownMessage.time, WellKnownMessage.microTime, WellKnownMessage.duration, WellKnownMessage.quantity,
        WellKnownMessage.intOrString, WellKnownMessage.rawExtension, WellKnownMessage.fieldsV1,
        WellKnownMessage.unknown, WellKnownMessage.json, WellKnownMessage.jsonSchemaPropsOrArray,
        WellKnownMessage.jsonSchemaPropsOrBool, WellKnownMessage.jsonSchemaPropsOrStringArray,
    ]

    /// True for a message: its keys are field names, so an unknown `$` key can only be a mistyped
    /// directive. Keys of `map<string, V>` fields and free-form JSON are user data and may be anything.
    var keysAreFields: Bool {
        if case .message = self { return true }
        return false
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
