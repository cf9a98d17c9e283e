import KubeClient
public import StructuredData

/// Options of `helm install`.
public struct InstallOptions {
    public var releaseName: String
    public var namespace: String
    public var createNamespace = false
    /// `none`, `client` or `server`.
    public var dryRun = "none"
    public var description = ""
    public var labels: [String: String] = [:]
    public var skipCRDs = false
    public var noHooks = false
    public var skipSchemaValidation = false
    /// `--replace`: reuse the name of an uninstalled or failed release.
    public var replace = false
    /// `--take-ownership`: adopt existing objects whatever release they belong to.
    public var takeOwnership = false

    public init(releaseName: String, namespace: String) {
        self.releaseName = releaseName
        self.namespace = namespace
    }
}

/// `helm install`: render with the server's capabilities, create the CRDs, record `pending-install`,
/// run pre-install hooks, apply the manifest, run post-install hooks, record `deployed`.
public enum InstallAction {
    public static func run(_ ctx: ReleaseContext, chart: Chart, values: [String: Value], options o: InstallOptions)
        throws -> Release
    {
        try TemplateAction.checkInstallable(chart)
        try ReleaseName.validate(o.releaseName)
        // Without --replace a new release is revision 1 whatever its history, so the history lookup can
        // go to the server together with the ownership checks (one round trip fewer); charts with crds/
        // check the name first, as Helm does before creating CRDs.
        let driver = ctx.store.driver as? KubeReleaseDriver
        let combined = driver != nil && !o.replace && o.dryRun == "none" && (o.skipCRDs || TemplateAction.crdObjects(chart).isEmpty)
        var history: [Release] = []
        if !combined {
            history = (try? ctx.store.history(o.releaseName)) ?? []
            try checkNameAvailable(history, o)
        }
        let clientOnly = o.dryRun == "client"
        // Helm installs crds/ before it reads the server's capabilities, so the templates see the new
        // kinds; dry runs only render.
        if o.dryRun == "none" && !o.skipCRDs { try ctx.installCRDs(chart, namespace: o.namespace) }
        var render = RenderOptions(releaseName: o.releaseName, namespace: o.namespace, revision: 1,
                                   isInstall: true, isUpgrade: false)
        render.skipSchemaValidation = o.skipSchemaValidation
        if !clientOnly {
            let caps = try ctx.capabilities()
            render.kubeVersion = caps.kubeVersion
            render.apiVersions = caps.apiVersions
        }
        let rendered = try TemplateAction.renderResources(
            chart: chart, values: values, options: TemplateOptions(render: render))
        var r = Release(name: o.releaseName, namespace: o.namespace, version: (history.last?.version ?? 0) + 1)
        r.chart = ReleaseChart.json(chart)
        r.config = values
        r.manifest = rendered.manifest
        r.hooks = ReleaseContext.hookRecords(rendered.hooks)
        r.labels = o.labels
        r.applyMethod = ctx.applyMethod
        let now = ReleaseTime.now()
        r.info.firstDeployed = now
        r.info.lastDeployed = now
        r.info.notes = rendered.notes
        if o.dryRun != "none" {
            r.info.status = .pendingInstall
            r.info.description = "Dry run complete"
            return r
        }
        let objs = try ctx.objects(r.manifest, namespace: o.namespace)
        if let driver, combined {
            let owners = o.takeOwnership ? [] : objs
            let (h, ownership) = ctx.historyAndLiveObjects(driver, release: r.name, objs: owners)
            try checkNameAvailable((try? h.get()) ?? [], o)
            try ctx.checkOwnership(owners, lives: ownership, release: r.name, namespace: r.namespace, verb: "install")
            if o.createNamespace { try ensureNamespace(ctx, o.namespace) }
        } else {
            if o.createNamespace { try ensureNamespace(ctx, o.namespace) }
            if !o.takeOwnership { try ctx.checkOwnership(objs, release: r.name, namespace: r.namespace, verb: "install") }
        }
        r.info.status = .pendingInstall
        r.info.description = "Initial install underway"
        try ctx.store.create(r)
        do {
            if !o.noHooks { try ctx.runHooks(&r.hooks, event: "pre-install", release: r.name, namespace: r.namespace) }
            try ctx.apply(objs, release: r.name, namespace: r.namespace, checkOwners: false)
            try ctx.waitReady(objs, release: r.name)
            if !o.noHooks { try ctx.runHooks(&r.hooks, event: "post-install", release: r.name, namespace: r.namespace) }
        } catch {
            r.info.status = .failed
            r.info.description = "Release \"\(r.name)\" failed: \(ReleaseContext.message(error))"
            try? ctx.store.update(r)
            throw error
        }
        r.info.status = .deployed
        r.info.description = o.description.isEmpty ? "Install complete" : o.description
        try ctx.store.update(r)
        return r
    }

    /// Helm's `availableName`: a name with history can only be reused by `--replace` after an
    /// uninstall (with `--keep-history`) or a failure.
    static func checkNameAvailable(_ history: [Release], _ o: InstallOptions) throws {
        if let last = history.last, !(o.replace && (last.info.status == .uninstalled || last.info.status == .failed)) {
            throw ChartEngineError(.io, "cannot re-use a name that is still in use")
        }
    }

    /// `--create-namespace`: create the namespace when it is missing.
    static func ensureNamespace(_ ctx: ReleaseContext, _ ns: String) throws {
        let r = try ctx.client.resource(apiVersion: "v1", kind: "Namespace")
        if try ctx.client.getIfExists(r, namespace: nil, name: ns) != nil { return }
        let obj: Value = ["apiVersion": "v1", "kind": "Namespace",
                          "metadata": ["name": .string(ns), "labels": ["name": .string(ns)]]]
        _ = try ctx.client.createIfMissing(r, namespace: nil, obj)
    }
}

extension ReleaseContext {
    /// The text of any error the actions see.
    public static func message(_ error: any Error) -> String {
        if let e = error as? ChartEngineError { return e.message }
        if let e = error as? KubeError { return e.message }
        return "\(error)"
    }
}

