import KubeClient
import StructuredData

/// Writing a release's objects to the cluster: server-side apply (Helm v4) or Helm 3's client-side
/// three-way merge (`--server-side=false`).
extension ReleaseContext {
    /// Applies each object (already in install order), stamped for the release: objects of one kind
    /// at once, kinds one after another (Helm's `batchPerform`). `originals` holds the previous
    /// revision's objects by ``ReleaseObject/identity`` (the "original" of the client-side three-way
    /// merge; for an object without one — adopted — Helm uses the new object itself, so nothing is
    /// deleted and only what differs from the live object is sent).
    func apply(_ objs: [ReleaseObject], release: String, namespace: String, checkOwners: Bool,
               originals: [String: Value] = [:]) throws
    {
        if checkOwners { try checkOwnership(objs, release: release, namespace: namespace, verb: "install") }
        for batch in ReleaseContext.kindBatches(objs) {
            let bodies = batch.map { ReleaseContext.applyBody($0, release: release, namespace: namespace) }
            let results: [Result<Value, KubeError>]
            if serverSide {
                var q = [("fieldManager", client.fieldManager)]
                if forceConflicts { q.append(("force", "true")) }
                results = client.requestAll(zip(batch, bodies).map { o, body in
                    KubeRequest("PATCH", client.path(o.resource, namespace: o.namespace, name: o.name), query: q,
                                body: body, contentType: "application/apply-patch+yaml")
                })
            } else {
                results = applyClientSide(batch, bodies, originals: originals)
            }
            for (o, result) in zip(batch, results) {
                if case .failure(let error) = result {
                    throw ChartEngineError(.io, "failed to apply \(o.kind) \"\(o.name)\": \(error.message)")
                }
            }
            if batch.contains(where: { $0.kind == "CustomResourceDefinition" }) { client.invalidateDiscovery() }
        }
    }

    /// Runs of consecutive objects of one kind, in order.
    static func kindBatches(_ objs: [ReleaseObject]) -> [[ReleaseObject]] {
        var out: [[ReleaseObject]] = []
        for o in objs {
            if let last = out.last?.last, last.kind == o.kind { out[out.count - 1].append(o) } else { out.append([o]) }
        }
        return out
    }

    /// Helm 3's update of a batch: each object fetched, then created when missing or patched with the
    /// three-way patch (nothing sent when the patch is empty).
    func applyClientSide(_ batch: [ReleaseObject], _ bodies: [Value], originals: [String: Value])
        -> [Result<Value, KubeError>]
    {
        let lives = client.requestAll(batch.map { KubeRequest("GET", client.path($0.resource, namespace: $0.namespace, name: $0.name)) })
        var results: [Result<Value, KubeError>] = Array(repeating: .success(.null), count: batch.count)
        var writes: [(Int, KubeRequest)] = []
        let q = [("fieldManager", client.fieldManager)]
        for (i, o) in batch.enumerated() {
            switch lives[i] {
            case .failure(let e) where e.isNotFound:
                writes.append((i, KubeRequest("POST", client.path(o.resource, namespace: o.namespace), query: q, body: bodies[i])))
            case .failure(let e):
                results[i] = .failure(e)
            case .success(let live):
                let p = ClientSidePatch.patch(for: o.resource, original: originals[o.identity] ?? bodies[i],
                                              modified: bodies[i], current: live)
                if ClientSidePatch.isEmpty(p.body) { continue }
                writes.append((i, KubeRequest("PATCH", client.path(o.resource, namespace: o.namespace, name: o.name),
                                              query: q, body: p.body, contentType: p.contentType)))
            }
        }
        for ((i, _), r) in zip(writes, client.requestAll(writes.map(\.1))) { results[i] = r }
        return results
    }

    /// A release's records and the live state of `objs`, fetched in one concurrent batch.
    func historyAndLiveObjects(_ driver: KubeReleaseDriver, release: String, objs: [ReleaseObject])
        -> (history: Result<[Release], KubeError>, lives: [Result<Value, KubeError>])
    {
        var results = client.requestAll([driver.listRequest(releaseName: release)] + objs.map(getRequest))
        let list = results.removeFirst()
        return (list.map { driver.received($0, releaseName: release).sorted { $0.version < $1.version } }, results)
    }

    /// The previous revision's objects by identity, for the client-side merge.
    static func originals(_ objs: [ReleaseObject]) -> [String: Value] {
        var out: [String: Value] = [:]
        for o in objs { out[o.identity] = o.object }
        return out
    }
}

/// Helm v4's `--server-side=auto|true|false`.
public enum ServerSideFlag {
    /// `auto` follows the previous release's `apply_method` (server-side only when it was `ssa`, so
    /// releases written by Helm 3 keep the client-side merge), as Helm's `getUpgradeServerSideValue`.
    public static func resolve(_ flag: String, previousApplyMethod: String) throws -> Bool {
        switch flag {
        case "auto": return previousApplyMethod == "ssa"
        case "true": return true
        case "false": return false
        default:
            throw ChartEngineError(.usage, "invalid server-side value (\(flag)). Must be \"true\", \"false\" or \"auto\"")
        }
    }
}
