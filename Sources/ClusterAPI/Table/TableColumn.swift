public import StructuredData

/// What a Table row carries as `object` (the `includeObject` query parameter).
public enum IncludeObject: String, Sendable, Hashable {
    case none = "None"
    /// The default: `PartialObjectMetadata` with the object's metadata.
    case metadata = "Metadata"
    case object = "Object"

    /// Parses the query parameter value; empty means the default.
    public init?(parameter: String) {
        switch parameter {
        case "": self = .metadata
        case "None": self = .none
        case "Metadata": self = .metadata
        case "Object": self = .object
        default: return nil
        }
    }
}

/// One `columnDefinitions` entry of a `meta.k8s.io/v1 Table`.
public struct TableColumn: Sendable, Hashable {
    public var name: String
    /// `string`, `integer`, `number`, `boolean` or `date`.
    public var type: String
    /// `name` for the Name column, else usually empty.
    public var format: String
    public var description: String
    /// 0 for default columns, 1 for those only `-o wide` shows.
    public var priority: Int

    public init(name: String, type: String, format: String = "", description: String, priority: Int = 0) {
        self.name = name
        self.type = type
        self.format = format
        self.description = description
        self.priority = priority
    }

    /// The JSON form; every field is present, as in the real API.
    public var value: Value {
        ["name": .string(name), "type": .string(type), "format": .string(format),
         "description": .string(description), "priority": .int(Int64(priority))]
    }
}

/// The swagger descriptions the printers reuse for their columns.
enum ColumnDoc {
    static let name =
        "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
    static let creationTimestamp =
        "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"
    static let containers = "Names of each container in the template."
    static let images = "Images referenced by each container in the template."
    static let selector =
        "A label query over pods that should match the replica count. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"
}

extension TableColumn {
    static let name = TableColumn(name: "Name", type: "string", format: "name", description: ColumnDoc.name)
    static let age = TableColumn(name: "Age", type: "string", description: ColumnDoc.creationTimestamp)
    static let createdAt = TableColumn(name: "Created At", type: "date", description: ColumnDoc.creationTimestamp)
    static let containers = TableColumn(name: "Containers", type: "string", description: ColumnDoc.containers,
                                        priority: 1)
    static let images = TableColumn(name: "Images", type: "string", description: ColumnDoc.images, priority: 1)
    static let selector = TableColumn(name: "Selector", type: "string", description: ColumnDoc.selector, priority: 1)

    static func string(_ name: String, _ description: String, wide: Bool = false) -> TableColumn {
        TableColumn(name: name, type: "string", description: description, priority: wide ? 1 : 0)
    }

    static func integer(_ name: String, _ description: String, wide: Bool = false) -> TableColumn {
        TableColumn(name: name, type: "integer", description: description, priority: wide ? 1 : 0)
    }
}
