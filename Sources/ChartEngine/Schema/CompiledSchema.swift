import Templating

/// One compiled schema object; subschemas and `$ref` targets are indices into ``CompiledSchema/nodes``
/// (references may form cycles, indices keep ownership a tree).
final class SchemaNode {
    enum Additional {
        case allowed(Bool)
        case schema(Int)
    }

    enum Dependency {
        case required([String])
        case schema(Int)
    }

    /// Absolute location (`file:///values.schema.json#/properties/port`), used in cycle messages.
    let location: String
    let draft: Int
    var boolValue: Bool?

    var types: [String]?
    var constValue: SchemaJSON?
    var hasConst = false
    var enumValues: [SchemaJSON]?
    var format: String?
    var ref: Int?
    var refURL: String?
    /// `$dynamicRef` (2020-12) or `$recursiveRef` (2019-09): resolved statically, re-targeted at
    /// validation time through the dynamic scope.
    var dynamicRef: Int?
    var dynamicRefURL: String?
    var dynamicRefKeyword = "$dynamicRef"
    /// The anchor name of a `$dynamicRef: "#name"`.
    var dynamicRefAnchor: String?
    /// The URL of the schema resource this node belongs to (its `$id` scope).
    var resourceURL = ""
    var dynamicAnchor: String?
    var recursiveAnchor = false

    var properties: [String: Int] = [:]
    var patternProperties: [(source: String, regexp: GoRegexp, schema: Int)] = []
    var additionalProperties: Additional?
    var required: [String] = []
    var minProperties: Int?
    var maxProperties: Int?
    var propertyNames: Int?
    var dependencies: [String: Dependency] = [:]
    var dependentRequired: [String: [String]] = [:]
    var dependentSchemas: [String: Int] = [:]
    var unevaluatedProperties: Int?

    var items: Int?
    var itemsArray: [Int]?
    var prefixItems: [Int] = []
    var additionalItems: Additional?
    var minItems: Int?
    var maxItems: Int?
    var uniqueItems = false
    var contains: Int?
    var minContains: Int?
    var maxContains: Int?
    var unevaluatedItems: Int?

    var minLength: Int?
    var maxLength: Int?
    var pattern: (source: String, regexp: GoRegexp)?

    var minimum: SchemaNumber?
    var maximum: SchemaNumber?
    var exclusiveMinimum: SchemaNumber?
    var exclusiveMaximum: SchemaNumber?
    var multipleOf: SchemaNumber?

    var allOf: [Int] = []
    var anyOf: [Int] = []
    var oneOf: [Int] = []
    var not: Int?
    var ifSchema: Int?
    var thenSchema: Int?
    var elseSchema: Int?

    init(location: String, draft: Int) {
        self.location = location
        self.draft = draft
    }
}

/// A `values.schema.json` compiled as santhosh-tekuri/jsonschema v6 compiles it for Helm: the
/// resource is `file:///values.schema.json`, the dialect comes from `$schema` (Draft 2020-12 when
/// absent), `$ref`s resolve within the document, to `file:` documents, and `urn:` references that
/// nothing resolves become the permissive schema `true` (Helm's urnLoader).
struct CompiledSchema {
    static let rootURL = "file:///values.schema.json"

    var nodes: [SchemaNode] = []
    var root = 0
    /// Per resource URL: `$dynamicAnchor` name → node.
    var dynamicAnchors: [String: [String: Int]] = [:]
    /// Per resource URL: the resource's root node (for `$recursiveRef`).
    var resourceRoots: [String: Int] = [:]

    /// Reads a `file:` reference's document; nil when it cannot be read (the error text is returned).
    typealias FileLoader = (String) -> Result<String, SchemaCompileError>
}
