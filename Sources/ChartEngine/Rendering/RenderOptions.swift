public import Templating

/// Release facts and environment for one render (Helm's `ReleaseOptions` + capabilities + the
/// injected clock and randomness).
public struct RenderOptions: Sendable {
    public var releaseName: String
    public var namespace: String
    public var revision: Int
    public var isInstall: Bool
    public var isUpgrade: Bool
    /// `--kube-version` (default `v1.36.0`, Helm v4.2.3's offline value).
    public var kubeVersion: String
    /// `--api-versions`: appended to the default group/versions.
    public var apiVersions: [String]
    public var clock: any TemplateClock
    public var random: RandomSource
    /// `--skip-schema-validation`: do not check values against the charts' `values.schema.json`.
    public var skipSchemaValidation: Bool
    /// Helm's `Engine.LintMode`: `required` and `fail` do not fail (set by `helm lint`).
    public var lintMode = false

    public init(releaseName: String = "release-name", namespace: String = "default", revision: Int = 1,
                isInstall: Bool = true, isUpgrade: Bool = false, kubeVersion: String = "v1.36.0",
                apiVersions: [String] = [], clock: any TemplateClock = SystemClock(),
                random: RandomSource = RandomSource(), skipSchemaValidation: Bool = false)
    {
        self.releaseName = releaseName
        self.namespace = namespace
        self.revision = revision
        self.isInstall = isInstall
        self.isUpgrade = isUpgrade
        self.kubeVersion = kubeVersion
        self.apiVersions = apiVersions
        self.clock = clock
        self.random = random
        self.skipSchemaValidation = skipSchemaValidation
    }

    /// The capabilities these options describe.
    public func capabilities() throws -> Capabilities {
        let kv = kubeVersion == KubeVersion.default.version ? KubeVersion.default : try KubeVersion.parse(kubeVersion)
        return Capabilities(kubeVersion: kv, apiVersions: Capabilities.defaultAPIVersions + apiVersions)
    }
}
