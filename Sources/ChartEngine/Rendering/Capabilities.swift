public import Templating
import StructuredData

/// What Helm tells templates about the cluster (`.Capabilities`): Kubernetes version, API
/// group/versions and Helm's own build info.
public struct Capabilities: Sendable {
    public var kubeVersion: KubeVersion
    public var apiVersions: [String]
    public var helmVersion: HelmBuildInfo

    public init(kubeVersion: KubeVersion = .default, apiVersions: [String] = Capabilities.defaultAPIVersions,
                helmVersion: HelmBuildInfo = .current)
    {
        self.kubeVersion = kubeVersion
        self.apiVersions = apiVersions
        self.helmVersion = helmVersion
    }

    /// The 55 group/versions Helm v4.2.3 knows offline (client-go's scheme for k8s 1.36 plus
    /// apiextensions v1/v1beta1, which Helm registers; the set matches the conformance golden recorded
    /// from Helm). Helm builds the list by iterating a Go map, so its own order is random; this order
    /// is fixed.
    public static let defaultAPIVersions: [String] = [
        "v1",
        "admissionregistration.k8s.io/v1", "admissionregistration.k8s.io/v1alpha1",
        "admissionregistration.k8s.io/v1beta1",
        "internal.apiserver.k8s.io/v1alpha1",
        "apps/v1", "apps/v1beta1", "apps/v1beta2",
        "authentication.k8s.io/v1", "authentication.k8s.io/v1alpha1", "authentication.k8s.io/v1beta1",
        "authorization.k8s.io/v1", "authorization.k8s.io/v1beta1",
        "autoscaling/v1", "autoscaling/v2",
        "batch/v1", "batch/v1beta1",
        "certificates.k8s.io/v1", "certificates.k8s.io/v1alpha1", "certificates.k8s.io/v1beta1",
        "coordination.k8s.io/v1", "coordination.k8s.io/v1alpha2", "coordination.k8s.io/v1beta1",
        "discovery.k8s.io/v1", "discovery.k8s.io/v1beta1",
        "events.k8s.io/v1", "events.k8s.io/v1beta1",
        "extensions/v1beta1",
        "flowcontrol.apiserver.k8s.io/v1", "flowcontrol.apiserver.k8s.io/v1beta1",
        "flowcontrol.apiserver.k8s.io/v1beta2", "flowcontrol.apiserver.k8s.io/v1beta3",
        "networking.k8s.io/v1", "networking.k8s.io/v1beta1",
        "node.k8s.io/v1", "node.k8s.io/v1alpha1", "node.k8s.io/v1beta1",
        "policy/v1", "policy/v1beta1",
        "rbac.authorization.k8s.io/v1", "rbac.authorization.k8s.io/v1alpha1",
        "rbac.authorization.k8s.io/v1beta1",
        "resource.k8s.io/v1", "resource.k8s.io/v1alpha3", "resource.k8s.io/v1beta1", "resource.k8s.io/v1beta2",
        "scheduling.k8s.io/v1", "scheduling.k8s.io/v1alpha2", "scheduling.k8s.io/v1beta1",
        "storage.k8s.io/v1", "storage.k8s.io/v1alpha1", "storage.k8s.io/v1beta1",
        "storagemigration.k8s.io/v1beta1",
        "apiextensions.k8s.io/v1", "apiextensions.k8s.io/v1beta1",
    ]

    /// The host object templates see.
    public var templateValue: TemplateValue { .object(CapabilitiesObject(caps: self)) }
}

/// `.Capabilities.KubeVersion`.
public struct KubeVersion: Sendable, Equatable {
    /// As given (`v1.33.4-gke.1`), with a `v` prefix added when missing.
    public var version: String
    /// `vMAJOR.MINOR.PATCH`, what `String()` and constraint checks use.
    public var normalized: String
    public var major: String
    public var minor: String

    /// Helm v4.2.3's offline default: `v1.36.0` (client-go's minor).
    public static let `default` = KubeVersion(version: "v1.36.0", normalized: "v1.36.0", major: "1", minor: "36")

    public init(version: String, normalized: String, major: String, minor: String) {
        self.version = version
        self.normalized = normalized
        self.major = major
        self.minor = minor
    }

    /// Helm's `ParseKubeVersion` over k8s `ParseGeneric`: `[v]N.N[.N…]` and any suffix; the normalized
    /// form is `v` plus the numeric components (`1.30` → `v1.30`, `1.33.4-gke.1` → `v1.33.4`).
    public static func parse(_ text: String) throws -> KubeVersion {
        var s = Substring(text.trimmingGoSpace())
        if s.hasPrefix("v") { s = s.dropFirst() }
        let numeric = s.prefix { ($0.isASCII && $0.isNumber) || $0 == "." }
        let parts = numeric.split(separator: ".", omittingEmptySubsequences: false)
        guard !numeric.isEmpty, !numeric.hasSuffix("."), parts.allSatisfy({ !$0.isEmpty }) else {
            throw ChartEngineError(.usage, "could not parse \(quoteGo(text)) as version")
        }
        guard parts.count >= 2 else {
            throw ChartEngineError(.usage, "illegal version string \(quoteGo(text))")
        }
        var nums: [UInt64] = []
        for p in parts {
            guard let n = UInt64(p) else {
                throw ChartEngineError(.usage, "illegal version string \(quoteGo(text))")
            }
            nums.append(n)
        }
        let given = text.hasPrefix("v") ? text : "v" + text
        return KubeVersion(version: given, normalized: "v" + nums.map(String.init).joined(separator: "."),
                           major: String(nums[0]), minor: String(nums[1]))
    }
}

/// `.Capabilities.HelmVersion` (Helm's `version.BuildInfo`).
public struct HelmBuildInfo: Sendable, Equatable {
    public var version: String
    public var gitCommit: String
    public var gitTreeState: String
    public var goVersion: String
    public var kubeClientVersion: String

    /// What helmctl reports: Helm v4.2.3's identity (commit 2204ce0f of the tag).
    public static let current = HelmBuildInfo(version: "v4.2.3", gitCommit: "2204ce0f", gitTreeState: "clean",
                                              goVersion: "go1.26.6", kubeClientVersion: "v1.36")

    public init(version: String, gitCommit: String, gitTreeState: String, goVersion: String,
                kubeClientVersion: String)
    {
        self.version = version
        self.gitCommit = gitCommit
        self.gitTreeState = gitTreeState
        self.goVersion = goVersion
        self.kubeClientVersion = kubeClientVersion
    }
}

/// A method `NAME(s string) T`: the executor counts and type-checks its argument as Go does.
func stringMethod(_ name: String, _ body: @escaping @Sendable (String) throws -> TemplateValue) -> TemplateMember {
    .function(TemplateFunction(name: name, params: [.string]) { args, _ in
        guard case .string(let s) = args[0] else { return .invalid }
        return try body(s)
    })
}

struct CapabilitiesObject: TemplateObject {
    let caps: Capabilities
    var goTypeName: String { "*common.Capabilities" }
    var formatted: String {
        "&{\(KubeVersionObject(kv: caps.kubeVersion).structText) \(VersionSetObject(versions: caps.apiVersions).formatted) "
            + "\(BuildInfoObject(info: caps.helmVersion).formatted)}"
    }
    func member(_ name: String) -> TemplateMember? {
        switch name {
        case "KubeVersion": .field(.object(KubeVersionObject(kv: caps.kubeVersion)))
        case "APIVersions": .field(.object(VersionSetObject(versions: caps.apiVersions)))
        case "HelmVersion": .field(.object(BuildInfoObject(info: caps.helmVersion)))
        default: nil
        }
    }
    var dataValue: Value {
        .map(["KubeVersion": KubeVersionObject(kv: caps.kubeVersion).dataValue,
              "APIVersions": .list(caps.apiVersions.map { .string($0) }),
              "HelmVersion": BuildInfoObject(info: caps.helmVersion).dataValue])
    }
}

struct KubeVersionObject: TemplateObject {
    let kv: KubeVersion
    var goTypeName: String { "common.KubeVersion" }
    var goKind: String { "struct" }
    /// Printed through its `String()` method (Go takes the field's address, so the pointer method applies).
    var formatted: String { kv.normalized }
    var structText: String { "{\(kv.version) \(kv.normalized) \(kv.major) \(kv.minor)}" }
    /// Functions receive the struct value, whose `%v` is field by field (no `String` method on a value).
    var valueFormatted: String { structText }
    func member(_ name: String) -> TemplateMember? {
        let kv = self.kv
        switch name {
        case "Version": return .field(.string(kv.version))
        case "Major": return .field(.string(kv.major))
        case "Minor": return .field(.string(kv.minor))
        case "GitVersion": return .method { _ in .string(kv.version) }
        case "String": return .method { _ in .string(kv.normalized) }
        default: return nil
        }
    }
    var dataValue: Value { .map(["Version": .string(kv.version), "Major": .string(kv.major), "Minor": .string(kv.minor)]) }
}

struct VersionSetObject: TemplateObject {
    let versions: [String]
    var goTypeName: String { "common.VersionSet" }
    var goKind: String { "slice" }
    var formatted: String { "[" + versions.joined(separator: " ") + "]" }
    var listView: [TemplateValue]? { versions.map { .string($0) } }
    func member(_ name: String) -> TemplateMember? {
        let versions = self.versions
        guard name == "Has" else { return nil }
        return stringMethod("Has") { .bool(versions.contains($0)) }
    }
    var dataValue: Value { .list(versions.map { .string($0) }) }
}

struct BuildInfoObject: TemplateObject {
    let info: HelmBuildInfo
    var goTypeName: String { "version.BuildInfo" }
    var goKind: String { "struct" }
    var formatted: String {
        "{\(info.version) \(info.gitCommit) \(info.gitTreeState) \(info.goVersion) \(info.kubeClientVersion)}"
    }
    func member(_ name: String) -> TemplateMember? {
        switch name {
        case "Version": .field(.string(info.version))
        case "GitCommit": .field(.string(info.gitCommit))
        case "GitTreeState": .field(.string(info.gitTreeState))
        case "GoVersion": .field(.string(info.goVersion))
        case "KubeClientVersion": .field(.string(info.kubeClientVersion))
        default: nil
        }
    }
    var dataValue: Value {
        .map(["version": .string(info.version), "git_commit": .string(info.gitCommit),
              "git_tree_state": .string(info.gitTreeState), "go_version": .string(info.goVersion),
              "kube_client_version": .string(info.kubeClientVersion)])
    }
}
