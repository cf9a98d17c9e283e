import ClusterAPI
import NIOConcurrencyHelpers
import NIOHTTP1
import StructuredData

/// Garbage collection by ownerReferences (../shared/reference/kubernetes-api.md §2.5): dependents of
/// vanished owners are deleted (Background), owners deleted with `foregroundDeletion` wait for their
/// dependents, owners deleted with `orphan` release theirs.
extension Reconciler {
    func garbageCollect(_ objects: [Stored]) async {
        var byUID: [String: Stored] = [:]
        var dependents: [String: [Stored]] = [:]
        for s in objects {
            byUID[s.object.uid] = s
            for ref in s.object.meta("ownerReferences")?.listValue ?? [] {
                if let uid = ref["uid"]?.stringValue { dependents[uid, default: []].append(s) }
            }
        }
        for s in objects {
            let refs = s.object.meta("ownerReferences")?.listValue ?? []
            guard !refs.isEmpty, !s.object.isBeingDeleted || s.object.finalizers.contains("foregroundDeletion") else { continue }
            let owners = refs.compactMap { $0["uid"]?.stringValue }.compactMap { byUID[$0] }
            if owners.isEmpty {
                await delete(s)
                continue
            }
            let orphaning = Set(owners.filter { $0.object.isBeingDeleted && $0.object.finalizers.contains("orphan") }.map(\.object.uid))
            if !orphaning.isEmpty {
                await modify(s, manager: "helmctl-garbage-collector") { o in
                    let kept = (o.meta("ownerReferences")?.listValue ?? []).filter { !orphaning.contains($0["uid"]?.stringValue ?? "") }
                    o.setMeta("ownerReferences", kept.isEmpty ? Value?.none : .list(kept))
                }
                continue
            }
            // Every owner is being deleted in the foreground: the dependent goes first.
            if owners.allSatisfy({ $0.object.isBeingDeleted && $0.object.finalizers.contains("foregroundDeletion") }), !s.object.isBeingDeleted {
                await delete(s, policy: "Foreground")
            }
        }
        for s in objects where s.object.isBeingDeleted {
            let remaining = dependents[s.object.uid] ?? []
            if s.object.finalizers.contains("orphan") && remaining.isEmpty {
                await removeFinalizer(s, "orphan")
            }
            if s.object.finalizers.contains("foregroundDeletion") {
                let blocking = remaining.filter { d in
                    (d.object.meta("ownerReferences")?.listValue ?? []).contains {
                        $0["uid"]?.stringValue == s.object.uid && $0["blockOwnerDeletion"] == .bool(true)
                    }
                }
                if blocking.isEmpty { await removeFinalizer(s, "foregroundDeletion") }
            }
        }
    }
}
