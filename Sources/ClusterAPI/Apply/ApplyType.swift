import StructuredData

/// How apply treats one node of an object, derived from the schema one level at a time (messages
/// are looked up by name when descended into, so recursive types cost nothing up front).
enum ApplyType {
    /// No schema (CRDs, unknown fields, `RawExtension`): maps are granular and every key is owned
    /// itself, lists are atomic, scalars are leaves — structured-merge-diff's deduced type.
    case deduced
    /// A scalar or an opaque value (`Time`, `Quantity`, `IntOrString`): one leaf.
    case scalar
    /// A struct: its fields are tracked one by one, but a field is never owned by itself, only
    /// through its leaves.
    case message(MessageSchema)
    /// A `map<string, V>` field: every entry is owned itself.
    case map(element: ElementType)
    /// A repeated field.
    case list(ListKind, element: ElementType)
    /// The root of an object without a schema: like a CRD's, its top-level fields are struct
    /// fields (not owned themselves), `metadata` is `ObjectMeta`, the rest is deduced.
    case untypedRoot
    /// A struct of unknown fields (`metadata` when `ObjectMeta` is not in the schema set): fields
    /// are not owned themselves, their contents are deduced.
    case untypedStruct

    /// A list element's or map value's type, kept unresolved until a value is walked.
    indirect enum ElementType {
        case field(FieldType)
        case deduced
    }
}

/// The three list semantics of server-side apply.
enum ListKind: Equatable {
    /// Replaced as a whole and owned as one leaf.
    case atomic
    /// Items are scalars owned one by one (`v:"a"`).
    case set
    /// Items are objects identified by the named key fields (`k:{"name":"web"}`).
    case associative(keys: [String])
}

/// Resolves schema types for the apply walkers.
struct ApplyTypes {
    let schemas: SchemaSet

    /// The type of a struct field, deduced when the message does not declare it.
    func child(of message: MessageSchema, field name: String) -> (ApplyType, isStructField: Bool) {
        guard let f = message.field(named: name) else { return (.deduced, false) }
        return (type(of: f), true)
    }

    /// The child type under an untyped root.
    func untypedRootChild(_ name: String) -> ApplyType {
        guard name == "metadata" else { return .deduced }
        return schemas.message(objectMetaMessage).map { .message($0) } ?? .untypedStruct
    }

    func type(of f: FieldSchema) -> ApplyType {
        guard f.repeated else {
            // `+structType` / `+mapType` on the field override the message's own marker.
            if f.structType == "atomic" || f.mapType == "atomic" { return .scalar }
            if f.structType == "granular", case .message(let name) = f.type, let m = schemas.message(name) {
                return .message(m)
            }
            return resolve(.field(f.type))
        }
        return .list(listKind(of: f), element: .field(f.type))
    }

    func resolve(_ e: ApplyType.ElementType) -> ApplyType {
        guard case .field(let t) = e else { return .deduced }
        switch t {
        case .message(let name):
            switch name {
            case WellKnownMessage.time, WellKnownMessage.microTime, WellKnownMessage.duration,
                WellKnownMessage.quantity, WellKnownMessage.intOrString:
                return .scalar
            case WellKnownMessage.rawExtension, WellKnownMessage.fieldsV1:
                return .deduced
            default:
                guard let m = schemas.message(name) else { return .deduced }
                // `+structType=atomic` messages (LabelSelector, object references) are one leaf.
                return m.structType == "atomic" ? .scalar : .message(m)
            }
        case .map(_, let value):
            return .map(element: .field(value))
        default:
            return .scalar
        }
    }

    /// `+listType` decides; without it, `+patchStrategy=merge` with a `+patchMergeKey` makes an
    /// associative list (how Kubernetes converts its older markers), merge on scalars makes a set,
    /// anything else is atomic.
    private func listKind(of f: FieldSchema) -> ListKind {
        switch f.listType {
        case "map":
            if !f.listMapKeys.isEmpty { return .associative(keys: f.listMapKeys) }
            if let k = f.patchMergeKey { return .associative(keys: [k]) }
            return .atomic
        case "set": return .set
        case "atomic": return .atomic
        default: break
        }
        let merge = f.patchStrategy?.split(separator: ",").contains("merge") ?? false
        guard merge else { return .atomic }
        if let k = f.patchMergeKey, !k.isEmpty { return .associative(keys: [k]) }
        if case .message = f.type { return .atomic }
        return .set
    }
}

let objectMetaMessage = "k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta"

/// Defaults Kubernetes declares for list-map key fields, used when an item omits the key field
/// (`ports: [{containerPort: 80}]` is the item `{"containerPort":80,"protocol":"TCP"}` — the server
/// defaults `protocol`, so the applied and live items must match).
let listMapKeyDefaults: [String: StructuredData.Value] = ["protocol": "TCP"]
