import ClusterStore
import Foundation
import Testing

/// Leases on every backend; expiry on the backends with an injected clock.
@Suite("Store leases")
struct StoreLeaseTests {
    @Test(arguments: Backend.allCases)
    func leaseIsAttachedAndUnknownLeasesFail(_ backend: Backend) async throws {
        try await Fixtures.with(backend) { f in
            let s = f.store
            let lease = try await s.grantLease(ttlSeconds: 60)
            let kv = try await s.create(f.key("leased"), value: [UInt8]("v"), lease: lease)
            #expect(kv.lease == lease)
            #expect(try await s.get(f.key("leased"))?.lease == lease)
            let bogus = await storeError { _ = try await s.create(f.key("x"), value: [], lease: 987_654_321) }
            #expect(bogus == .leaseNotFound(987_654_321))
        }
    }

    @Test(arguments: Backend.allCases.filter(\.hasManualClock))
    func leaseExpiryDeletesKeysWithEvents(_ backend: Backend) async throws {
        try await Fixtures.with(backend) { f in
            let s = f.store
            let clock = try #require(f.clock)
            let lease = try await s.grantLease(ttlSeconds: 10)
            let a = try await s.create(f.key("a"), value: [UInt8]("a"), lease: lease)
            let b = try await s.create(f.key("b"), value: [UInt8]("b"), lease: lease)
            let keep = try await s.create(f.key("keep"), value: [], lease: 0)
            let w = try await s.watch(prefix: f.prefix, afterRevision: keep.modRevision)
            clock.advance(seconds: 9)
            await f.expire()
            #expect(try await s.get(f.key("a")) != nil)
            clock.advance(seconds: 2)
            await f.expire()
            #expect(try await s.get(f.key("a")) == nil)
            #expect(try await s.get(f.key("b")) == nil)
            #expect(try await s.get(f.key("keep")) == keep)
            let events = try await take(2, from: w)
            #expect(events.map(\.kind) == [.deleted, .deleted])
            #expect(events.map(\.previous) == [a, b])
            let expired = await storeError { _ = try await s.create(f.key("c"), value: [], lease: lease) }
            #expect(expired == .leaseNotFound(lease))
        }
    }
}

/// What only the SQLite backend has: a file that outlives the process.
@Suite("SQLite store")
struct SQLiteStoreTests {
    @Test func reopeningRestoresRevisionHistoryAndLeases() async throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("state.db").path
        let clock = ManualStoreClock()
        let first = try await SQLiteStore.open(path: path, options: .init(clock: clock))
        let a1 = try await first.create("/r/a", value: [UInt8]("a1"), lease: 0)
        let a2 = try await first.update("/r/a", value: [UInt8]("a2"), expectedModRevision: a1.modRevision, lease: 0)
        let lease = try await first.grantLease(ttlSeconds: 30)
        let b = try await first.create("/r/b", value: [UInt8]("b"), lease: lease)
        let c = try await first.create("/r/c", value: [UInt8]("c"), lease: 0)
        let gone = try await first.delete("/r/c", expectedModRevision: nil)
        try await first.compact(revision: a1.modRevision)
        await first.close()
        #expect(await storeError { _ = try await first.get("/r/a") } == .closed)

        let second = try await SQLiteStore.open(path: path, options: .init(clock: clock))
        #expect(try await second.currentRevision() == gone.modRevision)
        #expect(try await second.get("/r/a") == a2)
        #expect(try await second.get("/r/b") == b)
        #expect(try await second.list(prefix: "/r/", after: nil, limit: 0, revision: c.modRevision).items == [a2, b, c])
        let compacted = await storeError { _ = try await second.watch(prefix: "/r/", afterRevision: 0) }
        #expect(compacted == .compacted(requested: 0, compactRevision: a1.modRevision))
        let history = try await take(4, from: try await second.watch(prefix: "/r/", afterRevision: a1.modRevision))
        #expect(history.map(\.revision) == [a2.modRevision, b.modRevision, c.modRevision, gone.modRevision])
        #expect(history.last?.previous == c)
        let d = try await second.create("/r/d", value: [], lease: 0)
        #expect(d.modRevision == gone.modRevision + 1)
        clock.advance(seconds: 31)
        await second.expireLeases()
        #expect(try await second.get("/r/b") == nil)
        await second.close()
    }

    @Test func aFileThatIsNotADatabaseIsABackendError() async throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("junk.db").path
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: path))
        let error = await storeError { _ = try await SQLiteStore.open(path: path) }
        guard case .backend(let message)? = error else {
            Issue.record("expected a backend error, got \(String(describing: error))")
            return
        }
        #expect(message.contains("not a database"))
        #expect(message.contains(path))
    }

    @Test(arguments: SQLiteStore.Synchronous.allCases)
    func bothSyncSettingsWork(_ sync: SQLiteStore.Synchronous) async throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let s = try await SQLiteStore.open(path: dir.appendingPathComponent("s.db").path, options: .init(synchronous: sync))
        let kv = try await s.create("/k", value: [1, 2, 3], lease: 0)
        #expect(try await s.get("/k") == kv)
        await s.close()
    }
}
