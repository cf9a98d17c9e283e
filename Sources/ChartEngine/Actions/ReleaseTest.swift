/// `helm test`: run the release's `test` hooks (Pods must succeed, bounded by the context's timeout)
/// and record their last run in the release.
public enum ReleaseTestAction {
    /// Runs the tests whose names pass `filter` (`name=X` keeps, `!name=X` drops; empty = all).
    public static func run(_ ctx: ReleaseContext, name: String, filters: [String] = []) throws -> Release {
        try ReleaseName.validate(name)
        var r = try ctx.store.last(name)
        let keep = filters.compactMap { $0.hasPrefix("name=") ? String($0.dropFirst(5)) : nil }
        let drop = filters.compactMap { $0.hasPrefix("!name=") ? String($0.dropFirst(6)) : nil }
        var selected = r.hooks.filter { h in
            h.events.contains("test") && (keep.isEmpty || keep.contains(h.name)) && !drop.contains(h.name)
        }
        var failure: (any Error)?
        do {
            try ctx.runHooks(&selected, event: "test", release: r.name, namespace: r.namespace)
        } catch {
            failure = error
        }
        for h in selected {
            if let i = r.hooks.firstIndex(where: { $0.name == h.name && $0.path == h.path }) { r.hooks[i] = h }
        }
        try ctx.store.update(r)
        if let failure { throw failure }
        return r
    }
}
