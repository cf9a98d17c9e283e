public import StructuredData

/// Options of `helm upgrade`.
public struct UpgradeOptions {
    public var releaseName: String
    public var namespace: String
    public var dryRun = "none"
    public var description = ""
    public var labels: [String: String] = [:]
    public var noHooks = false
    public var skipCRDs = false
    public var skipSchemaValidation = false
    public var reuseValues = false
    public var resetValues = false
    public var resetThenReuseValues = false
    /// `--cleanup-on-fail`: delete the objects this upgrade created when it fails.
    public var cleanupOnFail = false
    /// `--take-ownership`: adopt existing objects whatever release they belong to.
    public var takeOwnership = false
    /// `--history-max` (0 = unlimited).
    public var historyMax = 10

    public init(releaseName: String, namespace: String) {
        self.releaseName = releaseName
        self.namespace = namespace
    }
}

/// `helm upgrade`: a new revision `pending-upgrade` → `deployed`, the previous deployed one
/// `superseded`, objects dropped from the chart deleted.
public enum UpgradeAction {
    public static func run(_ ctx: ReleaseContext, chart: Chart, values: [String: Value], options o: UpgradeOptions)
        throws -> Release
    {
        try TemplateAction.checkInstallable(chart)
        try ReleaseName.validate(o.releaseName)
        let history = try ctx.store.history(o.releaseName)
        guard let last = history.last else { throw ChartEngineError(.io, "\"\(o.releaseName)\" has no deployed releases") }
        if last.info.status.isPending {
            throw ChartEngineError(.io, ReleaseContext.pendingMessage(last))
        }
        let current = try base(history, name: o.releaseName)
        let config = mergedValues(current: current, new: values, options: o)
        var render = RenderOptions(releaseName: o.releaseName, namespace: o.namespace, revision: last.version + 1,
                                   isInstall: false, isUpgrade: true)
        render.skipSchemaValidation = o.skipSchemaValidation
        if o.dryRun != "client" {
            let caps = try ctx.capabilities()
            render.kubeVersion = caps.kubeVersion
            render.apiVersions = caps.apiVersions
        }
        let rendered = try TemplateAction.renderResources(chart: chart, values: config,
                                                          options: TemplateOptions(render: render))
        var r = Release(name: o.releaseName, namespace: o.namespace, version: last.version + 1)
        r.chart = ReleaseChart.json(chart)
        r.config = config
        r.manifest = rendered.manifest
        r.hooks = ReleaseContext.hookRecords(rendered.hooks)
        r.labels = o.labels.isEmpty ? current.labels : o.labels
        r.applyMethod = ctx.applyMethod
        r.info.firstDeployed = current.info.firstDeployed
        r.info.lastDeployed = ReleaseTime.now()
        r.info.notes = rendered.notes
        r.info.status = .pendingUpgrade
        r.info.description = "Preparing upgrade"
        if o.dryRun != "none" {
            r.info.description = "Dry run complete"
            return r
        }
        let newObjs = try ctx.objects(r.manifest, namespace: o.namespace)
        let oldObjs = (try? ctx.objects(current.manifest, namespace: o.namespace)) ?? []
        let oldIDs = Set(oldObjs.map(\.identity))
        if !o.takeOwnership {
            try ctx.checkOwnership(newObjs.filter { !oldIDs.contains($0.identity) }, release: r.name,
                                   namespace: r.namespace, verb: "update")
        }
        try ctx.store.create(r)
        do {
            if !o.noHooks { try ctx.runHooks(&r.hooks, event: "pre-upgrade", release: r.name, namespace: r.namespace) }
            try ctx.apply(newObjs, release: r.name, namespace: r.namespace, checkOwners: false,
                          originals: ReleaseContext.originals(oldObjs))
            let keep = Set(newObjs.map(\.identity))
            ctx.deleteDropped(oldObjs.filter { !keep.contains($0.identity) })
            try ctx.waitReady(newObjs, release: r.name)
            if !o.noHooks { try ctx.runHooks(&r.hooks, event: "post-upgrade", release: r.name, namespace: r.namespace) }
        } catch {
            if o.cleanupOnFail { _ = ctx.deleteAll(newObjs.filter { !oldIDs.contains($0.identity) }, propagation: "Background") }
            r.info.status = .failed
            r.info.description = "Upgrade \"\(r.name)\" failed: \(ReleaseContext.message(error))"
            try? ctx.store.update(r)
            throw error
        }
        for var prev in history where prev.info.status == .deployed {
            prev.info.status = .superseded
            try ctx.store.update(prev)
        }
        r.info.status = .deployed
        r.info.description = o.description.isEmpty ? "Upgrade complete" : o.description
        try ctx.store.update(r)
        try ctx.store.prune(r.name, max: o.historyMax)
        return r
    }

    /// Helm's prepareUpgrade: the revision an upgrade starts from — the last deployed one, else a
    /// failed/superseded last one.
    static func base(_ history: [Release], name: String) throws -> Release {
        if let d = history.last(where: { $0.info.status == .deployed }) { return d }
        if let last = history.last, last.info.status == .failed || last.info.status == .superseded { return last }
        throw ChartEngineError(.io, "\"\(name)\" has no deployed releases")
    }

    /// Helm's `reuseValues`: `--reset-values` uses only the new values; `--reuse-values` merges the new
    /// ones over the previous config; `--reset-then-reuse-values` likewise on the new chart's defaults;
    /// with none of them and no new values, the previous config is kept.
    static func mergedValues(current: Release, new: [String: Value], options o: UpgradeOptions) -> [String: Value] {
        if o.resetValues { return new }
        if o.reuseValues || o.resetThenReuseValues { return ValuesFile.mergeMaps(current.config, new) }
        if new.isEmpty { return current.config }
        return new
    }
}
