/// What the API server knows about one served resource in one group-version: the names kubectl resolves,
/// the verbs it may try and the subresources behind it. Built-in kinds come from ``ResourceCatalog/builtIn``;
/// custom resources are added from CustomResourceDefinition objects.

/// One subresource (`status`, `scale`, `log`, `exec`, ...) of a resource.
public struct SubresourceInfo: Sendable, Hashable {
    /// The path segment after the object name, e.g. `status`.
    public var name: String
    /// The kind the subresource reads and writes (`Scale`, `PodExecOptions`, the parent's kind for `status`).
    public var kind: String
    /// The kind's group when it differs from the parent's group-version (`autoscaling` for `scale`), else `""`.
    /// Real discovery leaves group and version empty for same-group-version kinds, and so do we.
    public var group: String
    /// The kind's version when it differs from the parent's group-version (`v1`), else `""`.
    public var version: String
    /// Discovery verbs, sorted (`get`, `patch`, `update` for `status`).
    public var verbs: [String]

    public init(name: String, kind: String, group: String = "", version: String = "", verbs: [String]) {
        self.name = name
        self.kind = kind
        self.group = group
        self.version = version
        self.verbs = verbs
    }
}

/// One column of a custom resource version's `additionalPrinterColumns`.
public struct PrinterColumn: Sendable, Hashable {
    public var name: String
    /// `string`, `integer`, `number`, `boolean` or `date`.
    public var type: String
    public var format: String
    public var description: String
    public var priority: Int
    /// A simple JSONPath such as `.spec.replicas` or `.status.conditions[?(@.type=="Ready")].status`.
    public var jsonPath: String

    public init(name: String, type: String, format: String = "", description: String = "", priority: Int = 0,
                jsonPath: String)
    {
        self.name = name
        self.type = type
        self.format = format
        self.description = description
        self.priority = priority
        self.jsonPath = jsonPath
    }
}

/// A served resource in one group-version.
public struct ResourceInfo: Sendable, Hashable {
    /// API group; `""` for the core group.
    public var group: String
    public var version: String
    public var kind: String
    public var listKind: String
    /// The resource (URL) name, e.g. `deployments`.
    public var plural: String
    public var singular: String
    public var namespaced: Bool
    public var shortNames: [String]
    public var categories: [String]
    /// Discovery verbs, sorted as the real API server lists them.
    public var verbs: [String]
    public var subresources: [SubresourceInfo]
    /// True for resources registered from a CustomResourceDefinition.
    public var isCustomResource: Bool
    /// The version's `additionalPrinterColumns` (custom resources only; empty means the default `Age` column).
    public var printerColumns: [PrinterColumn]

    public init(group: String, version: String, kind: String, listKind: String? = nil, plural: String,
                singular: String? = nil, namespaced: Bool, shortNames: [String] = [], categories: [String] = [],
                verbs: [String] = ResourceInfo.standardVerbs, subresources: [SubresourceInfo] = [],
                isCustomResource: Bool = false, printerColumns: [PrinterColumn] = [])
    {
        self.group = group
        self.version = version
        self.kind = kind
        self.listKind = listKind ?? kind + "List"
        self.plural = plural
        self.singular = singular ?? kind.lowercased()
        self.namespaced = namespaced
        self.shortNames = shortNames
        self.categories = categories
        self.verbs = verbs
        self.subresources = subresources
        self.isCustomResource = isCustomResource
        self.printerColumns = printerColumns
    }

    /// The eight verbs of an ordinary stored resource, in discovery order.
    public static let standardVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]

    /// `v1` for the core group, else `group/version`.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    public var groupVersionKind: GroupVersionKind { GroupVersionKind(group: group, version: version, kind: kind) }

    /// `deployments.apps`, or `pods` for the core group: how Status messages name the resource.
    public var groupResource: String { group.isEmpty ? plural : "\(plural).\(group)" }

    /// The URL prefix of this group-version: `/api/v1` or `/apis/apps/v1`.
    public var groupVersionPath: String { group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)" }

    /// The subresource named `name`, if served.
    public func subresource(_ name: String) -> SubresourceInfo? { subresources.first { $0.name == name } }

    /// True when `verb` is in ``verbs``.
    public func supports(_ verb: String) -> Bool { verbs.contains(verb) }
}
