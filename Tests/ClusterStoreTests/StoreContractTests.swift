import ClusterStore
import Testing

/// The ``KeyValueStore`` contract, run against every backend.
@Suite("Store contract")
struct StoreContractTests {
    @Test(arguments: Backend.allCases)
    func createThenExists(_ backend: Backend) async throws {
        try await Fixtures.with(backend) { f in
            let s = f.store
            let before = try await s.currentRevision()
            let kv = try await s.create(f.key("a"), value: [UInt8]("one"), lease: 0)
            #expect(kv.createRevision == kv.modRevision)
            #expect(kv.modRevision > before)
            #expect(try await s.currentRevision() == kv.modRevision)
            #expect(try await s.get(f.key("a")) == kv)
            #expect(try await s.get(f.key("missing")) == nil)
            let again = await storeError { _ = try await s.create(f.key("a"), value: [UInt8]("two"), lease: 0) }
            #expect(again == .keyExists(f.key("a")))
            #expect(try await s.get(f.key("a"))?.value == [UInt8]("one"))
        }
    }

    @Test(arguments: Backend.allCases)
    func compareAndSwap(_ backend: Backend) async throws {
        try await Fixtures.with(backend) { f in
            let s = f.store, k = f.key("cas")
            let v1 = try await s.create(k, value: [UInt8]("1"), lease: 0)
            let v2 = try await s.update(k, value: [UInt8]("2"), expectedModRevision: v1.modRevision, lease: 0)
            #expect(v2.modRevision > v1.modRevision)
            #expect(v2.createRevision == v1.createRevision)
            let stale = await storeError {
                _ = try await s.update(k, value: [UInt8]("3"), expectedModRevision: v1.modRevision, lease: 0)
            }
            #expect(stale == .conflict(key: k, currentModRevision: v2.modRevision))
            #expect(try await s.get(k)?.value == [UInt8]("2"))
            let missing = await storeError {
                _ = try await s.update(f.key("nope"), value: [], expectedModRevision: 0, lease: 0)
            }
            #expect(missing == .notFound(f.key("nope")))
        }
    }

    /// Many tasks race to update one key from the same read: exactly one wins each round.
    @Test(arguments: Backend.allCases)
    func concurrentCompareAndSwapHasOneWinner(_ backend: Backend) async throws {
        try await Fixtures.with(backend) { f in
            let s = f.store, k = f.key("race")
            var cur = try await s.create(k, value: [UInt8]("0"), lease: 0)
            for round in 1...5 {
                let read = cur
                let wins = try await withThrowingTaskGroup(of: KeyValue?.self) { g in
                    for i in 0..<8 {
                        g.addTask {
                            do {
                                return try await s.update(k, value: [UInt8]("\(round)-\(i)"),
                                                          expectedModRevision: read.modRevision, lease: 0)
                            } catch StoreError.conflict { return nil }
                        }
                    }
                    var out: [KeyValue] = []
                    for try await r in g { if let r { out.append(r) } }
                    return out
                }
                #expect(wins.count == 1)
                cur = try #require(wins.first)
                #expect(try await s.get(k) == cur)
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func deleteWithAndWithoutPrecondition(_ backend: Backend) async throws {
        try await Fixtures.with(backend) { f in
            let s = f.store
            let a = try await s.create(f.key("a"), value: [UInt8]("A"), lease: 0)
            let b = try await s.create(f.key("b"), value: [UInt8]("B"), lease: 0)
            let wrong = await storeError { _ = try await s.delete(f.key("a"), expectedModRevision: a.modRevision + 100) }
            #expect(wrong == .conflict(key: f.key("a"), currentModRevision: a.modRevision))
            #expect(try await s.get(f.key("a")) != nil)
            let gone = try await s.delete(f.key("a"), expectedModRevision: a.modRevision)
            #expect(gone.value == [UInt8]("A"))
            #expect(gone.createRevision == a.createRevision)
            #expect(gone.modRevision > b.modRevision)
            #expect(try await s.currentRevision() == gone.modRevision)
            #expect(try await s.get(f.key("a")) == nil)
            let goneB = try await s.delete(f.key("b"), expectedModRevision: nil)
            #expect(goneB.value == [UInt8]("B"))
            let missing = await storeError { _ = try await s.delete(f.key("b"), expectedModRevision: nil) }
            #expect(missing == .notFound(f.key("b")))
            // A deleted key can be created again, with a new create revision.
            let again = try await s.create(f.key("a"), value: [UInt8]("A2"), lease: 0)
            #expect(again.createRevision > gone.modRevision)
        }
    }

    @Test(arguments: Backend.allCases)
    func listPrefixAfterLimitRemaining(_ backend: Backend) async throws {
        try await Fixtures.with(backend) { f in
            let s = f.store
            for name in ["pods/c", "pods/a", "pods/e", "pods/b", "pods/d", "pods0", "podsx/z", "services/a"] {
                _ = try await s.create(f.key(name), value: [UInt8](name), lease: 0)
            }
            let all = try await s.list(prefix: f.key("pods/"), after: nil, limit: 0, revision: 0)
            #expect(all.items.map(\.key) == ["a", "b", "c", "d", "e"].map { f.key("pods/" + $0) })
            #expect(all.remaining == 0 && !all.more)
            #expect(all.revision == (try await s.currentRevision()))
            let page1 = try await s.list(prefix: f.key("pods/"), after: nil, limit: 2, revision: 0)
            #expect(page1.items.map(\.key) == [f.key("pods/a"), f.key("pods/b")])
            #expect(page1.remaining == 3)
            let page2 = try await s.list(prefix: f.key("pods/"), after: page1.items.last?.key, limit: 2,
                                         revision: page1.revision)
            #expect(page2.items.map(\.key) == [f.key("pods/c"), f.key("pods/d")])
            #expect(page2.remaining == 1)
            let page3 = try await s.list(prefix: f.key("pods/"), after: page2.items.last?.key, limit: 2,
                                         revision: page1.revision)
            #expect(page3.items.map(\.key) == [f.key("pods/e")])
            #expect(page3.remaining == 0)
            let whole = try await s.list(prefix: f.prefix, after: nil, limit: 0, revision: 0)
            #expect(whole.items.count == 8)
            #expect(whole.items.map(\.key) == whole.items.map(\.key).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        }
    }

    @Test(arguments: Backend.allCases)
    func listAtAnOldRevision(_ backend: Backend) async throws {
        try await Fixtures.with(backend) { f in
            let s = f.store
            let a1 = try await s.create(f.key("a"), value: [UInt8]("a1"), lease: 0)
            let a2 = try await s.update(f.key("a"), value: [UInt8]("a2"), expectedModRevision: a1.modRevision, lease: 0)
            let b = try await s.create(f.key("b"), value: [UInt8]("b"), lease: 0)
            _ = try await s.delete(f.key("a"), expectedModRevision: nil)
            let at1 = try await s.list(prefix: f.prefix, after: nil, limit: 0, revision: a1.modRevision)
            #expect(at1.items.map(\.value) == [[UInt8]("a1")])
            #expect(at1.revision == a1.modRevision)
            let at2 = try await s.list(prefix: f.prefix, after: nil, limit: 0, revision: b.modRevision)
            #expect(at2.items == [a2, b])
            let now = try await s.list(prefix: f.prefix, after: nil, limit: 0, revision: 0)
            #expect(now.items == [b])
            let current = try await s.currentRevision()
            let future = await storeError { _ = try await s.list(prefix: f.prefix, after: nil, limit: 0, revision: current + 10) }
            #expect(future == .futureRevision(requested: current + 10, current: current))
        }
    }

    @Test(arguments: Backend.allCases)
    func compactionForgetsHistoryButKeepsValues(_ backend: Backend) async throws {
        try await Fixtures.with(backend) { f in
            let s = f.store
            let a1 = try await s.create(f.key("a"), value: [UInt8]("a1"), lease: 0)
            let a2 = try await s.update(f.key("a"), value: [UInt8]("a2"), expectedModRevision: a1.modRevision, lease: 0)
            let b = try await s.create(f.key("b"), value: [UInt8]("b"), lease: 0)
            _ = try await s.delete(f.key("b"), expectedModRevision: nil)
            let c = try await s.create(f.key("c"), value: [UInt8]("c"), lease: 0)
            try await s.compact(revision: b.modRevision)
            let old = await storeError { _ = try await s.list(prefix: f.prefix, after: nil, limit: 0, revision: a2.modRevision) }
            #expect(old == .compacted(requested: a2.modRevision, compactRevision: b.modRevision))
            let atCompact = try await s.list(prefix: f.prefix, after: nil, limit: 0, revision: b.modRevision)
            #expect(atCompact.items == [a2, b])
            let now = try await s.list(prefix: f.prefix, after: nil, limit: 0, revision: 0)
            #expect(now.items == [a2, c])
            let watchOld = await storeError { _ = try await s.watch(prefix: f.prefix, afterRevision: a1.modRevision) }
            #expect(watchOld == .compacted(requested: a1.modRevision, compactRevision: b.modRevision))
            let w = try await s.watch(prefix: f.prefix, afterRevision: b.modRevision)
            let events = try await take(2, from: w)
            #expect(events.map(\.kind) == [.deleted, .added])
            #expect(events.last?.kv == c)
            // Writing on after compaction continues the revision sequence.
            let a3 = try await s.update(f.key("a"), value: [UInt8]("a3"), expectedModRevision: a2.modRevision, lease: 0)
            #expect(a3.modRevision > c.modRevision)
        }
    }
}
