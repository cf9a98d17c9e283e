import ClusterStore
import StructuredData

/// The node's pods from the store (an informer: list once, then watch; list again when the watch is
/// cut off). Each change asks for a sync of the pod it concerns, nothing else.
extension Kubelet {
    /// Fills the cache from a listing (retrying until it works or the task is cancelled) and asks
    /// for a sync of each pod that changed; returns the listing's revision.
    func listPods() async -> Int64? {
        let prefix = ObjectKeys.prefix(group: "", plural: "pods")
        while !Task.isCancelled {
            do {
                let listed = try await api.handler.store.list(prefix: prefix, after: nil, limit: 0, revision: 0)
                var entries: [String: NodePodCache.Entry] = [:]
                for kv in listed.items { if let entry = podCache.decode(kv) { entries[kv.key] = entry } }
                for uid in podCache.replace(with: entries) { workers.request(uid) }
                return listed.revision
            } catch {
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
        return nil
    }

    /// Follows pod changes from `revision` until cancelled.
    func followPods(from revision: Int64) async {
        let prefix = ObjectKeys.prefix(group: "", plural: "pods")
        var from = revision
        while !Task.isCancelled {
            do {
                for try await event in try await api.handler.store.watch(prefix: prefix, afterRevision: from) {
                    let deleted = event.kind == .deleted
                    for uid in podCache.apply(event) { workers.request(uid, revision: deleted ? nil : event.revision) }
                }
            } catch {
                // Cut off (too slow, compacted): list again below.
            }
            guard !Task.isCancelled else { return }
            try? await Task.sleep(for: .milliseconds(100))
            guard let listed = await listPods() else { return }
            from = listed
        }
    }
}
