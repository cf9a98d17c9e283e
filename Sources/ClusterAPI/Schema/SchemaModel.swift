/// The shape of Kubernetes' built-in types as their upstream `generated.proto` files describe them:
/// field names (which are the JSON names), protobuf field numbers and types, and the list/patch
/// metadata from the `+patchStrategy`, `+patchMergeKey`, `+listType`, `+listMapKey` markers.
/// One table serves protobuf decoding, strict field validation, strategic merge patch and apply.

/// A protobuf field type.
public indirect enum FieldType: Sendable, Hashable {
    case string, bytes, bool
    case int32, int64, uint32, uint64, sint32, sint64, fixed32, fixed64, sfixed32, sfixed64
    case float, double
    /// A message, by fully-qualified proto name (`k8s.io.api.core.v1.Container`).
    case message(String)
    /// A `map<K, V>` field (keys are strings in every Kubernetes type).
    case map(key: FieldType, value: FieldType)
}

/// One field of a message.
public struct FieldSchema: Sendable, Hashable {
    /// The JSON (and proto) field name.
    public let name: String
    public let number: Int
    public let type: FieldType
    public let repeated: Bool
    /// `+patchStrategy` (`merge`, `retainKeys`, `merge,retainKeys`, `replace`), nil when absent.
    public let patchStrategy: String?
    /// `+patchMergeKey`, nil when absent.
    public let patchMergeKey: String?
    /// `+listType` (`atomic`, `set`, `map`), nil when absent.
    public let listType: String?
    /// `+listMapKey` values, in order.
    public let listMapKeys: [String]
    /// `+mapType` (`atomic`, `granular`) on a map field, nil when absent.
    public let mapType: String?
    /// `+structType` (`atomic`, `granular`) on this field, overriding the message's own marker; nil when absent.
    public let structType: String?
    /// The Go field is a pointer (`*int32`, `*bool`, `*string`): an explicit zero value is meaningful
    /// (`replicas: 0`, `suspend: false`) and must be kept. Set only for singular scalar fields.
    public let pointer: Bool
    /// The Go JSON tag has `omitempty`: a zero scalar of a non-pointer field is not part of the JSON form.
    /// False for fields Go always prints (`port`, `containerPort`, PodDisruptionBudget status counters).
    public let omitEmpty: Bool
    /// A Go embedded struct with `json:",inline"` (`Probe.handler`, `Volume.volumeSource`,
    /// `SecretKeySelector.localObjectReference`): in JSON its message's fields appear directly in the parent.
    /// ``MessageSchema/field(named:)`` and ``MessageSchema/jsonFields`` already look through it.
    public let inline: Bool

    public init(name: String, number: Int, type: FieldType, repeated: Bool = false, patchStrategy: String? = nil,
                patchMergeKey: String? = nil, listType: String? = nil, listMapKeys: [String] = [],
                mapType: String? = nil, structType: String? = nil, pointer: Bool = false, omitEmpty: Bool = true,
                inline: Bool = false)
    {
        self.name = name
        self.number = number
        self.type = type
        self.repeated = repeated
        self.patchStrategy = patchStrategy
        self.patchMergeKey = patchMergeKey
        self.listType = listType
        self.listMapKeys = listMapKeys
        self.mapType = mapType
        self.structType = structType
        self.pointer = pointer
        self.omitEmpty = omitEmpty
        self.inline = inline
    }
}

/// One message type.
public struct MessageSchema: Sendable, Hashable {
    /// Fully-qualified proto name, e.g. `k8s.io.api.apps.v1.Deployment`.
    public let name: String
    /// `+structType` on the message (`atomic` for `LocalObjectReference`, `LabelSelector`, ...), nil when absent.
    public let structType: String?
    /// The protobuf view: the fields as the .proto declares them (inline fields included as one field).
    public let fields: [FieldSchema]
    /// The JSON view: `fields` with every ``FieldSchema/inline`` field replaced by its message's JSON fields.
    /// Equal to `fields` unless the message embeds an inline struct; ``SchemaSet`` fills it in.
    public let jsonFields: [FieldSchema]
    private let byName: [String: Int]
    private let byNumber: [Int: Int]

    public init(name: String, structType: String? = nil, fields: [FieldSchema], jsonFields: [FieldSchema]? = nil) {
        self.name = name
        self.structType = structType
        self.fields = fields
        let json = jsonFields ?? fields
        self.jsonFields = json
        var n: [String: Int] = [:]
        var k: [Int: Int] = [:]
        for (i, f) in json.enumerated() { n[f.name] = i }
        for (i, f) in fields.enumerated() { k[f.number] = i }
        byName = n
        byNumber = k
    }

    /// The field a JSON key names (looking through inline structs).
    public func field(named name: String) -> FieldSchema? { byName[name].map { jsonFields[$0] } }
    /// The field with a protobuf field number.
    public func field(number: Int) -> FieldSchema? { byNumber[number].map { fields[$0] } }
}

/// Group, version and kind. The core group is `""`.
public struct GroupVersionKind: Sendable, Hashable, CustomStringConvertible {
    public var group: String
    public var version: String
    public var kind: String

    public init(group: String, version: String, kind: String) {
        self.group = group
        self.version = version
        self.kind = kind
    }

    /// `v1` for the core group, else `group/version`.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// Parses `apiVersion` (`v1`, `apps/v1`) plus a kind.
    public init(apiVersion: String, kind: String) {
        if let slash = apiVersion.firstIndex(of: "/") {
            group = String(apiVersion[..<slash])
            version = String(apiVersion[apiVersion.index(after: slash)...])
        } else {
            group = ""
            version = apiVersion
        }
        self.kind = kind
    }

    public var description: String { "\(apiVersion), Kind=\(kind)" }
}

/// A set of message schemas and the root message of each kind.
public struct SchemaSet: Sendable {
    public let messages: [String: MessageSchema]
    public let kinds: [GroupVersionKind: String]

    /// Builds the set; messages with ``FieldSchema/inline`` fields get their JSON view expanded here.
    public init(messages: [String: MessageSchema], kinds: [GroupVersionKind: String]) {
        var expanded = messages
        for (name, message) in messages where message.fields.contains(where: \.inline) {
            var seen: Set<String> = [name]
            let json = Self.jsonFields(of: message, in: messages, seen: &seen)
            expanded[name] = MessageSchema(name: name, structType: message.structType, fields: message.fields,
                                           jsonFields: json)
        }
        self.messages = expanded
        self.kinds = kinds
    }

    private static func jsonFields(of message: MessageSchema, in messages: [String: MessageSchema],
                                   seen: inout Set<String>) -> [FieldSchema]
    {
        var out: [FieldSchema] = []
        for field in message.fields {
            guard field.inline, case .message(let inner) = field.type, let sub = messages[inner],
                  seen.insert(inner).inserted
            else {
                out.append(field)
                continue
            }
            out += jsonFields(of: sub, in: messages, seen: &seen)
        }
        return out
    }

    public func message(_ name: String) -> MessageSchema? { messages[name] }

    /// The root message of a kind, e.g. `apps/v1 Deployment` → `k8s.io.api.apps.v1.Deployment`.
    public func root(for gvk: GroupVersionKind) -> MessageSchema? { kinds[gvk].flatMap { messages[$0] } }
}

/// The proto names of the special apimachinery types whose JSON form is not their message shape.
public enum WellKnownMessage {
    public static let time = "k8s.io.apimachinery.pkg.apis.meta.v1.Time"
    public static let microTime = "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime"
    public static let duration = "k8s.io.apimachinery.pkg.apis.meta.v1.Duration"
    public static let quantity = "k8s.io.apimachinery.pkg.api.resource.Quantity"
    public static let intOrString = "k8s.io.apimachinery.pkg.util.intstr.IntOrString"
    public static let rawExtension = "k8s.io.apimachinery.pkg.runtime.RawExtension"
    public static let fieldsV1 = "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1"
    /// `runtime.Unknown`, the protobuf envelope (and nested unknown objects).
    public static let unknown = "k8s.io.apimachinery.pkg.runtime.Unknown"
    /// apiextensions `JSON` {raw}: any embedded JSON value (CRD `default`, `enum`, `example`).
    public static let json = "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSON"
    /// apiextensions `JSONSchemaProps`: an OpenAPI schema; free-form for strict field validation.
    public static let jsonSchemaProps = "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps"
    /// `JSONSchemaPropsOrArray` {schema, jSONSchemas}: a schema or a list of schemas in JSON.
    public static let jsonSchemaPropsOrArray =
        "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray"
    /// `JSONSchemaPropsOrBool` {allows, schema}: a schema or a bool in JSON.
    public static let jsonSchemaPropsOrBool =
        "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool"
    /// `JSONSchemaPropsOrStringArray` {schema, property}: a schema or a list of strings in JSON.
    public static let jsonSchemaPropsOrStringArray =
        "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray"
}
