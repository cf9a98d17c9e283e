import ClusterStore
import NIOConcurrencyHelpers
import StructuredData
import Testing
@testable import ClusterCore

/// Per-pod sync workers and the node's pod cache (no runtime: the sync bodies are recorders).
@Suite struct PodWorkersTests {
    /// A sync body that records its calls and holds each one until released.
    final class Recorder: Sendable {
        private let state = NIOLockedValueBox<(calls: [String], held: [CheckedContinuation<Void, Never>], hold: Bool)>(([], [], false))

        init(hold: Bool) { state.withLockedValue { $0.hold = hold } }

        func sync(_ uid: String) async -> Bool {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let resume = state.withLockedValue { s -> Bool in
                    s.calls.append(uid)
                    if s.hold { s.held.append(c) }
                    return !s.hold
                }
                if resume { c.resume() }
            }
            return true
        }

        var calls: [String] { state.withLockedValue { $0.calls } }
        var held: Int { state.withLockedValue { $0.held.count } }

        /// Lets every held sync finish; later ones run through.
        func release() {
            let held = state.withLockedValue { s -> [CheckedContinuation<Void, Never>] in
                s.hold = false
                defer { s.held.removeAll() }
                return s.held
            }
            for c in held { c.resume() }
        }
    }

    @Test func aChangeDuringASyncGetsExactlyOneMoreSync() async {
        let workers = PodWorkers(limit: 4)
        let recorder = Recorder(hold: true)
        workers.setSync { await recorder.sync($0) }
        workers.request("a", revision: 10)
        #expect(await eventually { recorder.held == 1 })
        // Three changes while it runs: one more sync, not three.
        workers.request("a", revision: 11)
        workers.request("a", revision: 12)
        workers.request("a")
        recorder.release()
        #expect(await eventually { recorder.calls == ["a", "a"] && !workers.isRunning("a") })
        await workers.close()
        #expect(recorder.calls == ["a", "a"])
    }

    @Test func theKubeletsOwnStatusWriteAsksForNothing() async {
        let workers = PodWorkers(limit: 4)
        let recorder = Recorder(hold: true)
        workers.setSync { uid in
            let keep = await recorder.sync(uid)
            workers.wrote(uid, revision: 21)
            return keep
        }
        workers.request("a", revision: 20)
        #expect(await eventually { recorder.held == 1 })
        // The write's event arrives before the sync learnt its revision: no second sync for it.
        workers.request("a", revision: 21)
        recorder.release()
        #expect(await eventually { !workers.isRunning("a") && recorder.calls.count == 1 })
        // Arriving after the sync ended, it is recognised too; someone else's change is not.
        workers.request("a", revision: 21)
        #expect(recorder.calls == ["a"])
        workers.request("a", revision: 22)
        #expect(await eventually { recorder.calls == ["a", "a"] })
        await workers.close()
    }

    @Test func atMostLimitSyncsRunAndChangedPodsGoFirst() async {
        let workers = PodWorkers(limit: 1)
        let recorder = Recorder(hold: true)
        workers.setSync { await recorder.sync($0) }
        workers.request("r1", urgent: false)
        #expect(await eventually { recorder.held == 1 })
        workers.request("r2", urgent: false)
        workers.request("r3", urgent: false)
        workers.request("new", revision: 5)
        // A routine request for a pod already waiting for a change adds nothing.
        workers.request("new", urgent: false)
        // The one slot is taken: nothing else starts.
        #expect(recorder.calls == ["r1"])
        recorder.release()
        #expect(await eventually { recorder.calls.count == 4 })
        #expect(recorder.calls == ["r1", "new", "r2", "r3"])
        await workers.close()
    }

    @Test func nothingStartsAfterClose() async {
        let workers = PodWorkers(limit: 2)
        let recorder = Recorder(hold: false)
        workers.setSync { await recorder.sync($0) }
        await workers.close()
        workers.request("a", revision: 1)
        #expect(recorder.calls.isEmpty)
        #expect(!workers.isRunning("a"))
    }

    static func stored(_ key: String, uid: String, node: String?, revision: Int64) -> KeyValue {
        var spec: [String: Value] = ["containers": .list([.map(["name": "c", "image": "busybox"])])]
        if let node { spec["nodeName"] = .string(node) }
        let pod: Value = .map(["apiVersion": "v1", "kind": "Pod",
                               "metadata": .map(["name": "p", "namespace": "default", "uid": .string(uid)]), "spec": .map(spec)])
        return KeyValue(key: key, value: Array(JSON.encode(pod).utf8), createRevision: 1, modRevision: revision)
    }

    @Test func theCacheHoldsOnlyThisNodesPods() {
        let cache = NodePodCache(nodeName: "node-a")
        let key = "/registry/core/pods/default/p"
        #expect(cache.decode(Self.stored(key, uid: "u1", node: nil, revision: 2)) == nil)
        #expect(cache.decode(Self.stored(key, uid: "u1", node: "node-b", revision: 2)) == nil)
        #expect(cache.decode(Self.stored(key, uid: "u1", node: "node-a", revision: 2))?.uid == "u1")
        // Hostile bytes: no entry, no crash.
        #expect(cache.decode(KeyValue(key: key, value: Array("{\"node-a\"".utf8), createRevision: 1, modRevision: 3)) == nil)

        // Unscheduled, then bound here: the pod arrives; its pod object carries the revision.
        #expect(cache.apply(StoreEvent(kind: .added, kv: Self.stored(key, uid: "u1", node: nil, revision: 2), previous: nil)).isEmpty)
        #expect(cache.apply(StoreEvent(kind: .modified, kv: Self.stored(key, uid: "u1", node: "node-a", revision: 3), previous: nil)) == ["u1"])
        #expect(cache.pod(uid: "u1")?.metaString("resourceVersion") == "3")
        // Replaced under the same name: the old uid is gone and named, with the new one.
        #expect(cache.apply(StoreEvent(kind: .modified, kv: Self.stored(key, uid: "u2", node: "node-a", revision: 4), previous: nil)) == ["u1", "u2"])
        #expect(cache.pod(uid: "u1") == nil)
        #expect(cache.uids == ["u2"])
        #expect(cache.apply(StoreEvent(kind: .deleted, kv: Self.stored(key, uid: "u2", node: "node-a", revision: 5), previous: nil)) == ["u2"])
        #expect(cache.uids.isEmpty)

        // A fresh listing names what came, changed and went.
        _ = cache.replace(with: ["k1": .init(uid: "x", pod: .map([:]), revision: 1), "k2": .init(uid: "y", pod: .map([:]), revision: 1)])
        let changed = cache.replace(with: ["k1": .init(uid: "x", pod: .map([:]), revision: 1), "k3": .init(uid: "z", pod: .map([:]), revision: 1)])
        #expect(Set(changed) == ["y", "z"])
        cache.forget(uid: "x")
        #expect(cache.uids == ["z"])
    }
}
