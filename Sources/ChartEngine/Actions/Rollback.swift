/// Options of `helm rollback`.
public struct RollbackOptions {
    public var releaseName: String
    /// 0 = the previous revision.
    public var version = 0
    public var noHooks = false
    public var dryRun = false
    public var historyMax = 10
    /// `--server-side=auto|true|false`; nil keeps the context's choice (a rollback after a failed upgrade).
    public var serverSide: String?

    public init(releaseName: String) { self.releaseName = releaseName }
}

/// `helm rollback`: a new revision with the target revision's chart, config and manifest.
public enum RollbackAction {
    public static func run(_ ctx0: ReleaseContext, options o: RollbackOptions) throws -> Release {
        var ctx = ctx0
        try ReleaseName.validate(o.releaseName)
        let history = try ctx.store.history(o.releaseName)
        guard let last = history.last else { throw ChartEngineError(.io, "release: not found") }
        var target = o.version
        if target == 0 { target = last.version - 1 }
        guard target > 0, let previous = history.first(where: { $0.version == target }) else {
            if o.version == 0 && last.version <= 1 {
                throw ChartEngineError(.io, "release has no previous revision to roll back to")
            }
            throw ChartEngineError(.io, "release has no \(target) version")
        }
        let current = base(history) ?? last
        // `auto` follows the revision rolled back to, as Helm v4.
        if let flag = o.serverSide {
            ctx.serverSide = try ServerSideFlag.resolve(flag, previousApplyMethod: previous.applyMethod)
        }
        var r = Release(name: o.releaseName, namespace: last.namespace, version: last.version + 1)
        r.chart = previous.chart
        r.config = previous.config
        r.manifest = previous.manifest
        r.hooks = previous.hooks
        r.labels = previous.labels
        r.applyMethod = ctx.applyMethod
        r.info.firstDeployed = previous.info.firstDeployed
        r.info.lastDeployed = ReleaseTime.now()
        r.info.notes = previous.info.notes
        r.info.status = .pendingRollback
        r.info.description = "Rollback to \(target)"
        if o.dryRun { return r }
        let ns = last.namespace
        let newObjs = try ctx.objects(r.manifest, namespace: ns)
        let oldObjs = (try? ctx.objects(current.manifest, namespace: ns)) ?? []
        try ctx.store.create(r)
        do {
            if !o.noHooks { try ctx.runHooks(&r.hooks, event: "pre-rollback", release: r.name, namespace: ns) }
            try ctx.apply(newObjs, release: r.name, namespace: ns, checkOwners: false,
                          originals: ReleaseContext.originals(oldObjs))
            let keep = Set(newObjs.map(\.identity))
            ctx.deleteDropped(oldObjs.filter { !keep.contains($0.identity) })
            try ctx.waitReady(newObjs, release: r.name)
            if !o.noHooks { try ctx.runHooks(&r.hooks, event: "post-rollback", release: r.name, namespace: ns) }
        } catch {
            r.info.status = .failed
            r.info.description = "Rollback \"\(r.name)\" failed: \(ReleaseContext.message(error))"
            try? ctx.store.update(r)
            throw error
        }
        for var prev in history where prev.info.status == .deployed || prev.info.status.isPending {
            prev.info.status = prev.info.status == .deployed ? .superseded : .failed
            try ctx.store.update(prev)
        }
        r.info.status = .deployed
        try ctx.store.update(r)
        try ctx.store.prune(r.name, max: o.historyMax)
        return r
    }

    /// The revision whose objects a rollback replaces: the last deployed one, else the newest.
    static func base(_ history: [Release]) -> Release? {
        history.last { $0.info.status == .deployed } ?? history.last
    }
}
