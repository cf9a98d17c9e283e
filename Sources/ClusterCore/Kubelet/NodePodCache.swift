import ClusterStore
import NIOConcurrencyHelpers
import StructuredData

/// The pods bound to one node, as the store's watch last delivered them (an informer's cache): the
/// kubelet reads its pods here instead of listing every pod of the cluster per change.
final class NodePodCache: Sendable {
    struct Entry: Sendable {
        var uid: String
        var pod: Value
        var revision: Int64
    }

    /// By store key; `keys` maps uid → store key.
    private struct State {
        var byKey: [String: Entry] = [:]
        var keys: [String: String] = [:]
    }

    private let state = NIOLockedValueBox(State())
    let nodeName: String
    /// `"<node name>"` as it appears in the stored JSON: entries without it are not this node's
    /// (the cheap test before decoding; a pod merely naming the node elsewhere is decoded and dropped).
    private let marker: [UInt8]

    init(nodeName: String) {
        self.nodeName = nodeName
        marker = Array(("\"" + nodeName + "\"").utf8)
    }

    func pod(uid: String) -> Value? {
        state.withLockedValue { s in s.keys[uid].flatMap { s.byKey[$0]?.pod } }
    }

    var uids: [String] { state.withLockedValue { Array($0.keys.keys) } }

    /// This node's pod in a stored entry, or nil.
    func decode(_ kv: KeyValue) -> Entry? {
        guard kv.value.containsSubsequence(marker), let pod = ObjectCodec.decode(kv),
              pod["spec"]?["nodeName"]?.stringValue == nodeName, let uid = pod.metaString("uid"), !uid.isEmpty
        else { return nil }
        return Entry(uid: uid, pod: pod, revision: kv.modRevision)
    }

    /// Replaces everything with a fresh listing; returns the uids that changed, came or went.
    func replace(with entries: [String: Entry]) -> [String] {
        state.withLockedValue { s in
            var changed: [String] = []
            for (key, old) in s.byKey where entries[key]?.uid != old.uid || entries[key]?.revision != old.revision {
                changed.append(old.uid)
            }
            for (key, new) in entries where s.byKey[key]?.uid != new.uid || s.byKey[key]?.revision != new.revision {
                changed.append(new.uid)
            }
            s.byKey = entries
            s.keys = Dictionary(entries.map { ($0.value.uid, $0.key) }, uniquingKeysWith: { a, _ in a })
            return Array(Set(changed))
        }
    }

    /// Applies one watch event; returns the uids it concerns (a replaced pod's old uid too).
    func apply(_ event: StoreEvent) -> [String] {
        let key = event.kv.key
        let entry = event.kind == .deleted ? nil : decode(event.kv)
        return state.withLockedValue { s in
            var touched: [String] = []
            if let old = s.byKey[key], old.uid != entry?.uid {
                s.byKey.removeValue(forKey: key)
                s.keys.removeValue(forKey: old.uid)
                touched.append(old.uid)
            }
            if let entry {
                s.byKey[key] = entry
                s.keys[entry.uid] = key
                touched.append(entry.uid)
            }
            return touched
        }
    }

    /// Forgets pod `uid` (the kubelet deleted it; its deletion event may still be on its way).
    func forget(uid: String) {
        state.withLockedValue { s in
            if let key = s.keys.removeValue(forKey: uid) { s.byKey.removeValue(forKey: key) }
        }
    }
}
