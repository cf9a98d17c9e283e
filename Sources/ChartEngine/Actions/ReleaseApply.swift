import KubeClient
import StructuredData

/// Writing a release's objects to the cluster: server-side apply (Helm v4) or Helm 3's client-side
/// three-way merge (`--server-side=false`).
extension ReleaseContext {
    /// Applies each object (already in install order), stamped for the release. `originals` holds the
    /// previous revision's objects by ``ReleaseObject/identity`` (the "original" of the client-side
    /// three-way merge; for an object without one — adopted — Helm uses the new object itself, so
    /// nothing is deleted and only what differs from the live object is sent).
    func apply(_ objs: [ReleaseObject], release: String, namespace: String, checkOwners: Bool,
               originals: [String: Value] = [:]) throws
    {
        for o in objs {
            if checkOwners { try checkOwnership(o, release: release, namespace: namespace) }
            let obj = ReleaseContext.applyBody(o, release: release, namespace: namespace)
            do {
                if serverSide {
                    _ = try client.apply(o.resource, namespace: o.namespace, name: o.name, obj, force: forceConflicts)
                } else {
                    try applyClientSide(o, obj, original: originals[o.identity])
                }
            } catch {
                throw ChartEngineError(.io, "failed to apply \(o.kind) \"\(o.name)\": \(error.message)")
            }
            if o.kind == "CustomResourceDefinition" { client.invalidateDiscovery() }
        }
    }

    /// Helm 3's update of one object: create it when missing, else patch it with the three-way patch
    /// (nothing sent when the patch is empty).
    func applyClientSide(_ o: ReleaseObject, _ obj: Value, original: Value?) throws(KubeError) {
        guard let live = try client.getIfExists(o.resource, namespace: o.namespace, name: o.name) else {
            _ = try client.create(o.resource, namespace: o.namespace, obj)
            return
        }
        let p = ClientSidePatch.patch(for: o.resource, original: original ?? obj, modified: obj, current: live)
        if ClientSidePatch.isEmpty(p.body) { return }
        _ = try client.patch(o.resource, namespace: o.namespace, name: o.name, p.body, contentType: p.contentType)
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
