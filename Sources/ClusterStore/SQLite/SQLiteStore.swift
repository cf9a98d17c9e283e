import NIOConcurrencyHelpers

/// The embedded store: SQLite in kine's log-structured layout (see ``SQLiteSchema``), WAL journal.
///
/// All writes go to one dedicated writer thread that commits whatever requests are queued in one
/// transaction and acknowledges them only after `COMMIT` returns; reads use reader connections on a
/// small thread pool. Watch events are fanned out from the writer right after each commit (no
/// polling), with a ring of recent events for resumes and the table for older history.
public final class SQLiteStore: KeyValueStore, @unchecked Sendable {
    /// SQLite's `synchronous` setting in WAL mode.
    public enum Synchronous: String, Sendable, CaseIterable {
        /// A commit is written to the WAL before it is acknowledged, without fsync: survives the process
        /// being killed (kill -9), may lose the last commits on power loss. kine's default.
        case normal = "NORMAL"
        /// Also fsyncs the WAL on every commit: survives power loss, at a fraction of the throughput.
        case full = "FULL"
    }

    /// How the store is opened.
    public struct Options: Sendable {
        public var synchronous: Synchronous
        /// Reader connections (and threads) for GET, LIST and watch history.
        public var readers: Int
        /// Live events a watcher may leave unread before it is cut off with ``StoreError/watcherTooSlow``.
        public var watcherBuffer: Int
        /// Recent events kept in memory for watch resumes; older ones are read from the table.
        public var eventRing: Int
        /// Where lease deadlines come from.
        public var clock: any StoreClock

        /// Defaults: kill -9-safe `NORMAL`, two readers, 1000-event watcher buffer, 10 000-event ring, wall clock.
        public init(synchronous: Synchronous = .normal, readers: Int = 2, watcherBuffer: Int = 1000,
                    eventRing: Int = 10_000, clock: any StoreClock = SystemStoreClock()) {
            self.synchronous = synchronous
            self.readers = readers
            self.watcherBuffer = watcherBuffer
            self.eventRing = eventRing
            self.clock = clock
        }
    }

    /// The database file.
    public let path: String
    private let thread: BatchingThread<SQLiteWriteJob>
    private let readers: SQLiteReaderPool
    private let hub: WatchHub
    private let committed: NIOLockedValueBox<Int64>
    private let closed = NIOLockedValueBox(false)
    private let sweeper = LeaseSweeper()

    private init(path: String, thread: BatchingThread<SQLiteWriteJob>, readers: SQLiteReaderPool, hub: WatchHub,
                 revision: Int64) {
        self.path = path
        self.thread = thread
        self.readers = readers
        self.hub = hub
        committed = NIOLockedValueBox(revision)
    }

    /// Opens (creating if needed) the database at `path`, restoring its revision, history and leases.
    /// A file that is not an SQLite database fails with ``StoreError/backend(_:)``.
    public static func open(path: String, options: Options = Options()) async throws(StoreError) -> SQLiteStore {
        let host = SQLiteWriterHost()
        guard let thread = BatchingThread<SQLiteWriteJob>(handle: { host.handle($0) }, onExit: { host.shutdown() }) else {
            throw StoreError.backend("sqlite: \(path): cannot start the writer thread")
        }
        let opened: Result<SQLiteWriter.State, StoreError> = await withCheckedContinuation { c in
            let job = SQLiteWriteJob(setup: { host in
                do throws(StoreError) {
                    let w = try SQLiteWriter(path: path, synchronous: options.synchronous, clock: options.clock)
                    host.writer = w
                    c.resume(returning: .success(w.state))
                } catch {
                    c.resume(returning: .failure(error))
                }
            })
            if !thread.submit(job) { c.resume(returning: .failure(.closed)) }
        }
        let state: SQLiteWriter.State
        switch opened {
        case .success(let s): state = s
        case .failure(let e):
            await thread.stop()
            throw e
        }
        let hub = WatchHub(currentRevision: state.revision, compactRevision: state.compactRevision,
                           ringCapacity: options.eventRing, watcherBuffer: options.watcherBuffer)
        let store = SQLiteStore(path: path, thread: thread, readers: SQLiteReaderPool(path: path, threads: options.readers),
                                hub: hub, revision: state.revision)
        let committed = store.committed
        _ = thread.submit(SQLiteWriteJob(setup: { host in
            host.onCommit = { state, events in
                committed.withLockedValue { $0 = state.revision }
                hub.setCompactRevision(state.compactRevision)
                hub.publish(events)
            }
        }))
        return store
    }

    /// Runs `body` on the writer thread inside the batch transaction; returns after the commit.
    private func write<T: Sendable>(
        _ body: @escaping (SQLiteWriter) throws(StoreError) -> (T, [StoreEvent])
    ) async throws(StoreError) -> T {
        if closed.withLockedValue({ $0 }) { throw StoreError.closed }
        let result: Result<T, StoreError> = await withCheckedContinuation { c in
            let job = SQLiteWriteJob(
                execute: { w throws(StoreError) in
                    let (value, events) = try body(w)
                    return (events, { c.resume(returning: .success(value)) })
                },
                fail: { c.resume(returning: .failure($0)) })
            if !thread.submit(job) { c.resume(returning: .failure(.closed)) }
        }
        return try result.get()
    }

    public func create(_ key: String, value: [UInt8], lease: Int64) async throws(StoreError) -> KeyValue {
        try await write { w throws(StoreError) in
            let e = try w.create(key, value: value, lease: lease)
            return (e.kv, [e])
        }
    }

    public func update(_ key: String, value: [UInt8], expectedModRevision: Int64, lease: Int64) async throws(StoreError) -> KeyValue {
        try await write { w throws(StoreError) in
            let e = try w.update(key, value: value, expected: expectedModRevision, lease: lease)
            return (e.kv, [e])
        }
    }

    public func delete(_ key: String, expectedModRevision: Int64?) async throws(StoreError) -> KeyValue {
        try await write { w throws(StoreError) in
            let e = try w.delete(key, expected: expectedModRevision)
            return (e.kv, [e])
        }
    }

    public func compact(revision: Int64) async throws(StoreError) {
        try await write { w throws(StoreError) in
            try w.compact(revision)
            return ((), [])
        }
    }

    public func grantLease(ttlSeconds: Int64) async throws(StoreError) -> Int64 {
        try await write { w throws(StoreError) in (try w.grantLease(ttlSeconds: ttlSeconds), []) }
    }

    /// Deletes the keys of every lease whose deadline (by the store's clock) has passed, each with its
    /// own revision and DELETED event, and forgets those leases. Errors are dropped: the next sweep retries.
    public func expireLeases() async {
        _ = try? await write { w throws(StoreError) in ((), try w.expireLeases()) }
    }

    /// Expires leases in the background every `intervalMilliseconds` until ``close()``.
    public func startLeaseSweeper(intervalMilliseconds: Int64 = 1000) {
        sweeper.start(intervalMilliseconds: intervalMilliseconds) { [weak self] in await self?.expireLeases() }
    }

    private func checkOpen() throws(StoreError) {
        if closed.withLockedValue({ $0 }) { throw StoreError.closed }
    }

    public func get(_ key: String) async throws(StoreError) -> KeyValue? {
        try checkOpen()
        return try await readers.read { c throws(StoreError) -> KeyValue? in
            let s = try c.statement(SQLiteSchema.latest)
            defer { s.reset() }
            try s.bind([.string(key)])
            guard try s.step(), s.int64(2) == 0 else { return nil }
            return KeyValue(key: key, value: s.bytes(6), createRevision: s.int64(3), modRevision: s.int64(0),
                            lease: s.int64(5))
        }
    }

    public func currentRevision() async throws(StoreError) -> Int64 {
        try checkOpen()
        return committed.withLockedValue { $0 }
    }

    public func list(prefix: String, after: String?, limit: Int, revision: Int64) async throws(StoreError) -> ListResult {
        try checkOpen()
        return try await readers.snapshot { c throws(StoreError) -> ListResult in
            let current = try c.scalar(SQLiteSchema.currentRevision)
            let rev = revision == 0 ? current : revision
            if rev > current { throw StoreError.futureRevision(requested: rev, current: current) }
            let compacted = try c.scalar(SQLiteSchema.compactRevision)
            if rev < compacted { throw StoreError.compacted(requested: rev, compactRevision: compacted) }
            let lower = SQLiteArg.string(prefix), upper = SQLiteArg.text(SQLiteSchema.upperBound(prefix))
            let s = try c.statement(SQLiteSchema.list)
            try s.bind([lower, .string(after ?? ""), upper, .int(rev), .int(limit > 0 ? Int64(limit) : -1)])
            var items: [KeyValue] = []
            while try s.step() {
                items.append(KeyValue(key: s.text(1), value: s.bytes(4), createRevision: s.int64(2),
                                      modRevision: s.int64(0), lease: s.int64(3)))
            }
            s.reset()
            var remaining = 0
            if limit > 0, items.count == limit, let last = items.last {
                remaining = Int(try c.scalar(SQLiteSchema.count, [lower, .string(last.key), upper, .int(rev)]))
            }
            return ListResult(items: items, revision: rev, remaining: remaining)
        }
    }

    public func watch(prefix: String, afterRevision: Int64) async throws(StoreError) -> StoreWatch {
        try checkOpen()
        let readers = self.readers
        return try await hub.subscribe(prefix: prefix, afterRevision: afterRevision) { after, upTo throws(StoreError) in
            try await readers.snapshot { c throws(StoreError) -> [StoreEvent] in
                try SQLiteHistory.events(c, prefix: prefix, after: after, upTo: upTo)
            }
        }
    }

    /// Stops the lease sweeper, ends every watch, finishes queued writes and closes the database.
    public func close() async {
        let wasClosed = closed.withLockedValue { c -> Bool in
            defer { c = true }
            return c
        }
        if wasClosed { return }
        sweeper.stop()
        hub.close()
        await readers.close()
        await thread.stop()
    }
}
