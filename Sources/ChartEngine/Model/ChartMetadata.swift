public import StructuredData

/// `Chart.yaml` (Helm's `chart.Metadata`).
public struct ChartMetadata: Sendable, Equatable {
    public var apiVersion: String
    public var name: String
    public var version: String
    public var kubeVersion: String
    public var description: String
    public var type: String
    public var keywords: [String]
    public var home: String
    public var sources: [String]
    public var maintainers: [Maintainer]
    public var icon: String
    public var appVersion: String
    public var deprecated: Bool
    public var annotations: [String: String]
    public var condition: String
    public var tags: String
    public var dependencies: [ChartDependency]

    public init(apiVersion: String = "v2", name: String, version: String, kubeVersion: String = "",
                description: String = "", type: String = "", keywords: [String] = [], home: String = "",
                sources: [String] = [], maintainers: [Maintainer] = [], icon: String = "",
                appVersion: String = "", deprecated: Bool = false, annotations: [String: String] = [:],
                condition: String = "", tags: String = "", dependencies: [ChartDependency] = [])
    {
        self.apiVersion = apiVersion
        self.name = name
        self.version = version
        self.kubeVersion = kubeVersion
        self.description = description
        self.type = type
        self.keywords = keywords
        self.home = home
        self.sources = sources
        self.maintainers = maintainers
        self.icon = icon
        self.appVersion = appVersion
        self.deprecated = deprecated
        self.annotations = annotations
        self.condition = condition
        self.tags = tags
        self.dependencies = dependencies
    }

    /// A chart maintainer.
    public struct Maintainer: Sendable, Equatable {
        public var name: String
        public var email: String
        public var url: String
        public init(name: String = "", email: String = "", url: String = "") {
            self.name = name
            self.email = email
            self.url = url
        }
    }
}

/// One entry of `dependencies:` in `Chart.yaml` (or v1 `requirements.yaml`).
public struct ChartDependency: Sendable, Equatable {
    public var name: String
    public var version: String
    public var repository: String
    public var condition: String
    public var tags: [String]
    public var enabled: Bool
    /// `import-values` entries: a string `X`, or `{child, parent}` as a two-key map.
    public var importValues: [Value]
    public var alias: String

    public init(name: String, version: String = "", repository: String = "", condition: String = "",
                tags: [String] = [], enabled: Bool = false, importValues: [Value] = [], alias: String = "")
    {
        self.name = name
        self.version = version
        self.repository = repository
        self.condition = condition
        self.tags = tags
        self.enabled = enabled
        self.importValues = importValues
        self.alias = alias
    }
}
