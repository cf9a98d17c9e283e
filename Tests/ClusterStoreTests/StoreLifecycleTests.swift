import ClusterStore
import Testing

/// Closing, and keys beyond plain ASCII, on every backend.
@Suite("Store lifecycle")
struct StoreLifecycleTests {
    @Test(arguments: Backend.allCases)
    func closeEndsWatchesAndRefusesCalls(_ backend: Backend) async throws {
        let f = try await Fixtures.make(backend)
        let s = f.store
        let w = try await s.watch(prefix: f.prefix, afterRevision: try await s.currentRevision())
        let kv = try await s.create(f.key("a"), value: [], lease: 0)
        var it = w.makeAsyncIterator()
        #expect(try await it.next()?.kv == kv)
        await f.cleanup()
        await #expect(throws: StoreError.closed) { _ = try await it.next() }
        #expect(await storeError { _ = try await s.create(f.key("b"), value: [], lease: 0) } == .closed)
        #expect(await storeError { _ = try await s.watch(prefix: f.prefix, afterRevision: 0) } == .closed)
    }

    @Test(arguments: Backend.allCases)
    func unicodeKeysSortByBytesAndEmptyPrefixListsAll(_ backend: Backend) async throws {
        try await Fixtures.with(backend) { f in
            let s = f.store
            let names = ["zebra", "Äpfel", "apple", "日本", "a/b", "a"]
            for n in names { _ = try await s.create(f.key(n), value: Array(n.utf8), lease: 0) }
            let listed = try await s.list(prefix: f.prefix, after: nil, limit: 0, revision: 0).items.map(\.key)
            let expected = names.map { f.key($0) }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            #expect(listed == expected)
            let everything = try await s.list(prefix: "", after: nil, limit: 0, revision: 0).items.map(\.key)
            #expect(everything.filter { $0.hasPrefix(f.prefix) } == expected)
            let page = try await s.list(prefix: f.prefix, after: f.key("a"), limit: 1, revision: 0)
            #expect(page.items.map(\.key) == [f.key("a/b")])
            #expect(page.remaining == names.count - 2)
        }
    }
}
