/// Options of `helm uninstall`.
public struct UninstallOptions {
    public var releaseName: String
    public var keepHistory = false
    public var noHooks = false
    public var dryRun = false
    public var ignoreNotFound = false
    public var description = ""
    /// `--cascade`: background, foreground or orphan.
    public var cascade = "background"

    public init(releaseName: String) { self.releaseName = releaseName }
}

/// What `helm uninstall` reports.
public struct UninstallResult {
    public var release: Release?
    /// `helm.sh/resource-policy: keep` resources left in place (`KIND/NAME`).
    public var kept: [String]
}

/// `helm uninstall`: pre-delete hooks, delete the manifest's objects in uninstall order (keeping
/// `helm.sh/resource-policy: keep`), post-delete hooks, then delete or keep the records.
public enum UninstallAction {
    public static func run(_ ctx: ReleaseContext, options o: UninstallOptions) throws -> UninstallResult {
        try ReleaseName.validate(o.releaseName)
        let history = try ctx.store.history(o.releaseName)
        guard var r = history.last else {
            if o.ignoreNotFound { return UninstallResult(release: nil, kept: []) }
            throw ChartEngineError(.io, "uninstall: Release not loaded: \(o.releaseName): release: not found")
        }
        if o.dryRun { return UninstallResult(release: r, kept: []) }
        if r.info.status == .uninstalled {
            if !o.keepHistory {
                try ctx.store.driver.delete(name: o.releaseName, versions: history.map(\.version))
                return UninstallResult(release: r, kept: [])
            }
            throw ChartEngineError(.io, "the release named \"\(o.releaseName)\" is already deleted")
        }
        r.info.status = .uninstalling
        r.info.deleted = ReleaseTime.now()
        try ctx.store.update(r)
        if !o.noHooks { try ctx.runHooks(&r.hooks, event: "pre-delete", release: r.name, namespace: r.namespace) }
        let objs = try ctx.objects(r.manifest, namespace: r.namespace)
        let policy = ["foreground": "Foreground", "orphan": "Orphan"][o.cascade] ?? "Background"
        let waiter = try ctx.deletionWaiter(objs.filter { !$0.keep }, release: r.name)
        let kept = try ctx.delete(objs, propagation: policy)
        try waiter?.wait(timeoutSeconds: ctx.timeoutSeconds)
        if !o.noHooks { try ctx.runHooks(&r.hooks, event: "post-delete", release: r.name, namespace: r.namespace) }
        r.info.status = .uninstalled
        r.info.description = o.description.isEmpty ? "Uninstallation complete" : o.description
        if o.keepHistory {
            try ctx.store.update(r)
        } else {
            try ctx.store.driver.delete(name: o.releaseName, versions: history.map(\.version))
        }
        return UninstallResult(release: r, kept: kept)
    }
}
