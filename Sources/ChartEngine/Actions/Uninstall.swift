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
    /// `helm.sh/resource-policy: keep` resources left in place (`[Kind] name`).
    public var kept: [String]
}

/// `helm uninstall`: pre-delete hooks, delete the manifest's objects in uninstall order (keeping
/// `helm.sh/resource-policy: keep`), post-delete hooks, then delete or keep the records.
///
/// As Helm v4 fails: a failing pre-delete hook leaves the record as it was; once it is marked
/// `uninstalling` every object is asked to go even when some deletions fail, and then the
/// operation stops with `failed to delete release: NAME` (the record stays `uninstalling`); a wait
/// that times out or a failing post-delete hook does not stop it: the release is still marked
/// uninstalled (its records purged unless `--keep-history`) and the errors reported together.
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
        r.info.description = "Deletion in progress (or silently failed)"
        if !o.noHooks { try ctx.runHooks(&r.hooks, event: "pre-delete", release: r.name, namespace: r.namespace) }
        // Helm goes on when this write fails (it only logs it).
        try? ctx.store.update(r)
        let failed = ChartEngineError(.io, "failed to delete release: \(o.releaseName)")
        guard let objs = try? ctx.objects(r.manifest, namespace: r.namespace) else { throw failed }
        let policy = ["foreground": "Foreground", "orphan": "Orphan"][o.cascade] ?? "Background"
        let waiter = try ctx.deletionWaiter(objs.filter { !$0.keep }, release: r.name)
        let deleted = ctx.deleteAll(objs, propagation: policy)
        if !deleted.failures.isEmpty { throw failed }
        var errors: [String] = []
        do { try waiter?.wait(timeoutSeconds: ctx.timeoutSeconds) } catch { errors.append("\(error)") }
        if !o.noHooks {
            do { try ctx.runHooks(&r.hooks, event: "post-delete", release: r.name, namespace: r.namespace) } catch {
                errors.append("\(error)")
            }
        }
        r.info.status = .uninstalled
        r.info.description = o.description.isEmpty ? "Uninstallation complete" : o.description
        if o.keepHistory {
            try? ctx.store.update(r)
        } else {
            do { try ctx.store.driver.delete(name: o.releaseName, versions: history.map(\.version)) } catch {
                errors.append("uninstall: Failed to purge the release: \(error)")
            }
        }
        if !errors.isEmpty {
            throw ChartEngineError(.io, "uninstallation completed with \(errors.count) error(s): " + errors.joined(separator: "; "))
        }
        return UninstallResult(release: r, kept: deleted.kept)
    }
}
