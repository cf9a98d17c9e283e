import KubeClient
public import StructuredData

/// One object an upgrade or rollback would change, as YAML before and after.
public struct ResourceChange: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case added, removed, changed
    }

    public var kind: Kind
    /// helm-diff's object title: `NAMESPACE, NAME, KIND (GROUP-OR-VERSION)`.
    public var title: String
    /// The live object (empty when it would be created).
    public var old: String
    /// The object as the operation would store it (empty when it would be deleted).
    public var new: String

    public init(kind: Kind, title: String, old: String, new: String) {
        self.kind = kind
        self.title = title
        self.old = old
        self.new = new
    }

    /// The header line: `… has changed:`, `… has been added:` or `… has been removed:`.
    public var header: String {
        switch kind {
        case .added: return "\(title) has been added:"
        case .removed: return "\(title) has been removed:"
        case .changed: return "\(title) has changed:"
        }
    }

    /// The header and the unified diff of the YAML.
    public func rendered(context: Int, colour: Bool) -> String {
        let hunks = LineDiff.hunks(LineDiff.lines(old), LineDiff.lines(new), context: context)
        return LineDiff.Colour.yellow.paint(header, colour) + "\n" + LineDiff.render(hunks, colour: colour)
    }
}

/// `helmctl diff upgrade|rollback`: what the operation would change, object by object, compared on the
/// server (server-side apply dry runs) so defaults and other managers' fields do not show as changes.
/// Nothing is written.
public enum DiffAction {
    /// The changes `helmctl upgrade` with these arguments would make.
    public static func upgrade(_ ctx: ReleaseContext, chart: Chart, values: [String: Value], options: UpgradeOptions,
                               showSecrets: Bool = false) throws -> [ResourceChange]
    {
        let history = try ctx.store.history(options.releaseName)
        if history.isEmpty { throw ChartEngineError(.io, "release: not found") }
        let current = try UpgradeAction.base(history, name: options.releaseName)
        var o = options
        o.dryRun = "server"
        let target = try UpgradeAction.run(ctx, chart: chart, values: values, options: o)
        return try compare(ctx, current: current, target: target, showSecrets: showSecrets)
    }

    /// The changes `helmctl rollback` with these arguments would make.
    public static func rollback(_ ctx: ReleaseContext, options: RollbackOptions, showSecrets: Bool = false)
        throws -> [ResourceChange]
    {
        var o = options
        o.dryRun = true
        let target = try RollbackAction.run(ctx, options: o)
        guard let current = RollbackAction.base(try ctx.store.history(options.releaseName)) else {
            throw ChartEngineError(.io, "release: not found")
        }
        return try compare(ctx, current: current, target: target, showSecrets: showSecrets)
    }

    /// Live objects against dry-run applies of `target`'s objects, then `current`'s objects that
    /// `target` drops (and that are not kept by `helm.sh/resource-policy: keep`).
    static func compare(_ ctx: ReleaseContext, current: Release, target: Release, showSecrets: Bool) throws
        -> [ResourceChange]
    {
        let ns = target.namespace
        let newObjs = try ctx.objects(target.manifest, namespace: ns)
        let oldObjs = (try? ctx.objects(current.manifest, namespace: ns)) ?? []
        var out: [ResourceChange] = []
        for o in newObjs {
            let body = ReleaseContext.applyBody(o, release: target.name, namespace: ns)
            let live = try ctx.client.getIfExists(o.resource, namespace: o.namespace, name: o.name)
            let planned: Value
            do {
                planned = try dryRunApply(ctx.client, o, body)
            } catch {
                // A new object the server cannot dry-run (its namespace is missing, say) shows as rendered.
                guard live == nil else {
                    throw ChartEngineError(.io, "failed to diff \(o.kind) \"\(o.name)\": \(error.message)")
                }
                planned = body
            }
            if let c = change(o, live: live, planned: planned, showSecrets: showSecrets) { out.append(c) }
        }
        let keep = Set(newObjs.map(\.identity))
        for o in oldObjs where !keep.contains(o.identity) && !o.keep {
            guard let live = try ctx.client.getIfExists(o.resource, namespace: o.namespace, name: o.name) else {
                continue
            }
            if let c = change(o, live: live, planned: nil, showSecrets: showSecrets) { out.append(c) }
        }
        return out
    }

    /// `PATCH ?dryRun=All&force=true` with the apply body: the object as the server would store it.
    static func dryRunApply(_ client: KubeClient, _ o: ReleaseObject, _ body: Value) throws(KubeError) -> Value {
        let q = [("fieldManager", client.fieldManager), ("force", "true"), ("dryRun", "All")]
        return try client.requestJSON("PATCH", client.path(o.resource, namespace: o.namespace, name: o.name),
                                      query: q, body: body, contentType: "application/apply-patch+yaml")
    }

    /// The change between a live object and the planned one (nil = create / delete), or nil when equal
    /// once server bookkeeping is dropped.
    static func change(_ o: ReleaseObject, live: Value?, planned: Value?, showSecrets: Bool) -> ResourceChange? {
        var before = live.map(withoutServerFields)
        var after = planned.map(withoutServerFields)
        if before == after { return nil }
        if !showSecrets && o.kind == "Secret" && o.resource.group.isEmpty {
            (before, after) = redactSecrets(before, after)
        }
        let kind: ResourceChange.Kind = before == nil ? .added : (after == nil ? .removed : .changed)
        return ResourceChange(kind: kind, title: title(o), old: before.map(YAML.encode) ?? "",
                              new: after.map(YAML.encode) ?? "")
    }

    /// `NAMESPACE, NAME, KIND (GROUP)`; the core group shows its version, as helm-diff does.
    static func title(_ o: ReleaseObject) -> String {
        "\(o.namespace ?? ""), \(o.name), \(o.kind) (\(o.resource.group.isEmpty ? o.resource.version : o.resource.group))"
    }

    /// Metadata the server maintains (and `status`), which say nothing about what the chart sets.
    static func withoutServerFields(_ v: Value) -> Value {
        guard case .map(var m) = v else { return v }
        m["status"] = nil
        if case .map(var meta)? = m["metadata"] {
            for k in ["managedFields", "resourceVersion", "generation", "uid", "creationTimestamp", "selfLink"] {
                meta[k] = nil
            }
            m["metadata"] = .map(meta)
        }
        return .map(m)
    }
}
