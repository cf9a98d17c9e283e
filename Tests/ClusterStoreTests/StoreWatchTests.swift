import ClusterStore
import Testing

/// Watch semantics, run against every backend.
@Suite("Store watch")
struct StoreWatchTests {
    @Test(arguments: Backend.allCases)
    func historyThenLiveInOrder(_ backend: Backend) async throws {
        try await Fixtures.with(backend) { f in
            let s = f.store
            let start = try await s.currentRevision()
            let a1 = try await s.create(f.key("a"), value: [UInt8]("a1"), lease: 0)
            let a2 = try await s.update(f.key("a"), value: [UInt8]("a2"), expectedModRevision: a1.modRevision, lease: 0)
            let gone = try await s.delete(f.key("a"), expectedModRevision: a2.modRevision)
            let w = try await s.watch(prefix: f.prefix, afterRevision: start)
            let history = try await take(3, from: w)
            #expect(history.map(\.kind) == [.added, .modified, .deleted])
            #expect(history.map(\.revision) == [a1.modRevision, a2.modRevision, gone.modRevision])
            #expect(history[0].kv == a1 && history[0].previous == nil)
            #expect(history[1].kv == a2 && history[1].previous == a1)
            #expect(history[2].kv == gone)
            #expect(history[2].kv.value == [UInt8]("a2"))
            #expect(history[2].previous == a2)
            let b = try await s.create(f.key("b"), value: [UInt8]("b"), lease: 0)
            let live = try await take(1, from: w)
            #expect(live.first?.kv == b && live.first?.kind == .added)
            // Resuming after the middle event replays only what follows it.
            let resumed = try await take(2, from: try await s.watch(prefix: f.prefix, afterRevision: a2.modRevision))
            #expect(resumed.map(\.revision) == [gone.modRevision, b.modRevision])
        }
    }

    @Test(arguments: Backend.allCases)
    func watchSeesOnlyItsPrefix(_ backend: Backend) async throws {
        try await Fixtures.with(backend) { f in
            let s = f.store
            let w = try await s.watch(prefix: f.key("pods/"), afterRevision: try await s.currentRevision())
            _ = try await s.create(f.key("services/a"), value: [], lease: 0)
            _ = try await s.create(f.key("pods0"), value: [], lease: 0)
            let p = try await s.create(f.key("pods/a"), value: [UInt8]("x"), lease: 0)
            _ = try await s.create(f.key("podsx"), value: [], lease: 0)
            let q = try await s.create(f.key("pods/b"), value: [UInt8]("y"), lease: 0)
            let events = try await take(2, from: w)
            #expect(events.map(\.kv) == [p, q])
        }
    }

    /// 8 writers × 100 creates: every revision is unique and a watch sees all 800 in revision order.
    @Test(arguments: Backend.allCases)
    func concurrentWritersAreSeenInOrder(_ backend: Backend) async throws {
        try await Fixtures.with(backend) { f in
            let s = f.store
            let start = try await s.currentRevision()
            let live = try await s.watch(prefix: f.prefix, afterRevision: start)
            let revisions = try await withThrowingTaskGroup(of: [Int64].self) { g in
                for w in 0..<8 {
                    g.addTask {
                        var revs: [Int64] = []
                        for i in 0..<100 {
                            revs.append(try await s.create(f.key("w\(w)/\(i)"), value: [UInt8]("\(w)-\(i)"), lease: 0).modRevision)
                        }
                        return revs
                    }
                }
                var all: [Int64] = []
                for try await r in g { all += r }
                return all
            }
            #expect(Set(revisions).count == 800)
            let seen = try await take(800, from: live)
            #expect(seen.map(\.revision) == revisions.sorted())
            #expect(Set(seen.map(\.kv.key)).count == 800)
            // A late watcher replaying the same history sees the same sequence.
            let replay = try await take(800, from: try await s.watch(prefix: f.prefix, afterRevision: start))
            #expect(replay == seen)
            if backend != .etcd {
                #expect(try await s.currentRevision() == start + 800)
            }
        }
    }

    /// A watcher that stops reading is cut off with watcherTooSlow; one that keeps up sees everything.
    @Test(arguments: Backend.allCases)
    func slowWatcherIsCutOff(_ backend: Backend) async throws {
        try await Fixtures.with(backend, watcherBuffer: 16) { f in
            let s = f.store
            let start = try await s.currentRevision()
            let slow = try await s.watch(prefix: f.prefix, afterRevision: start)
            let fast = try await s.watch(prefix: f.prefix, afterRevision: start)
            let total = 200
            // The fast watcher reads each event before the next write (lockstep), so it never lags.
            var it = fast.makeAsyncIterator()
            for i in 0..<total {
                let kv = try await s.create(f.key("k\(i)"), value: [], lease: 0)
                #expect(try await it.next()?.kv == kv)
            }
            var got = 0
            let error = await storeError { for try await _ in slow { got += 1 } }
            #expect(error == .watcherTooSlow)
            #expect(got < total)
            // The store keeps serving new watchers.
            let after = try await take(1, from: try await s.watch(prefix: f.prefix, afterRevision: start))
            #expect(after.count == 1)
        }
    }

    @Test(arguments: Backend.allCases)
    func cancellingTheConsumerEndsTheWatch(_ backend: Backend) async throws {
        try await Fixtures.with(backend) { f in
            let s = f.store
            let w = try await s.watch(prefix: f.prefix, afterRevision: try await s.currentRevision())
            let consumer = Task { () -> Int in
                var n = 0
                do { for try await _ in w { n += 1 } } catch {}
                return n
            }
            consumer.cancel()
            #expect(await consumer.value == 0)
            _ = try await s.create(f.key("after-cancel"), value: [], lease: 0)
        }
    }
}
