/// The write side of ``SQLiteStore``: owns the single writer connection and runs on the writer thread
/// only. Every method runs inside the batch transaction the thread opened.
final class SQLiteWriter {
    struct Row {
        var id: Int64
        var created: Bool
        var deleted: Bool
        var createRevision: Int64
        var prevRevision: Int64
        var lease: Int64
        var value: [UInt8]
    }

    /// What a failed job must roll back in memory along with its SAVEPOINT.
    struct State { var revision: Int64; var compactRevision: Int64; var leaseSeq: Int64 }

    let conn: SQLiteConnection
    var state: State
    private let clock: any StoreClock

    init(path: String, synchronous: SQLiteStore.Synchronous, clock: any StoreClock) throws(StoreError) {
        conn = try SQLiteConnection(path: path, create: true)
        self.clock = clock
        try conn.exec("PRAGMA busy_timeout = 30000")
        let mode = try conn.statement("PRAGMA journal_mode = WAL")
        let journal = try mode.step() ? mode.text(0) : ""
        mode.reset()
        if journal.lowercased() != "wal" {
            throw StoreError.backend("sqlite: \(path): cannot switch to WAL journal mode (got \(journal))")
        }
        try conn.exec("PRAGMA synchronous = \(synchronous.rawValue)")
        try conn.exec(SQLiteSchema.create)
        state = State(
            revision: try conn.scalar(SQLiteSchema.currentRevision),
            compactRevision: try conn.scalar(SQLiteSchema.compactRevision),
            leaseSeq: try conn.scalar("SELECT value FROM kine_meta WHERE key = 'lease_seq'", fallback: 0x7E57_0000))
    }

    func latest(_ key: String) throws(StoreError) -> Row? {
        let s = try conn.statement(SQLiteSchema.latest)
        defer { s.reset() }
        try s.bind([.string(key)])
        guard try s.step() else { return nil }
        return Row(id: s.int64(0), created: s.int64(1) != 0, deleted: s.int64(2) != 0, createRevision: s.int64(3),
                   prevRevision: s.int64(4), lease: s.int64(5), value: s.bytes(6))
    }

    private func current(_ key: String) throws(StoreError) -> KeyValue? {
        guard let r = try latest(key), !r.deleted else { return nil }
        return KeyValue(key: key, value: r.value, createRevision: r.createRevision, modRevision: r.id, lease: r.lease)
    }

    /// Appends a row at the next revision. The id is explicit (the writer is the only one) so the
    /// revision is known before the insert; AUTOINCREMENT still records it in sqlite_sequence.
    private func append(_ key: String, created: Bool, deleted: Bool, createRevision: Int64, prev: Int64, lease: Int64,
                        value: [UInt8], old: [UInt8]?) throws(StoreError) -> Int64 {
        let id = state.revision + 1
        try conn.run(SQLiteSchema.insert, [
            .int(id), .string(key), .int(created ? 1 : 0), .int(deleted ? 1 : 0),
            .int(createRevision == 0 ? id : createRevision), .int(prev), .int(lease), .blob(value),
            old.map { .blob($0) } ?? .null,
        ])
        state.revision = id
        return id
    }

    private func checkLease(_ lease: Int64) throws(StoreError) {
        guard lease != 0 else { return }
        let expires = try conn.scalar("SELECT expires_at FROM kine_leases WHERE id = ?1", [.int(lease)], fallback: -1)
        if expires < 0 || expires <= clock.now() { throw StoreError.leaseNotFound(lease) }
    }

    func create(_ key: String, value: [UInt8], lease: Int64) throws(StoreError) -> StoreEvent {
        let last = try latest(key)
        if let last, !last.deleted { throw StoreError.keyExists(key) }
        try checkLease(lease)
        let id = try append(key, created: true, deleted: false, createRevision: 0, prev: last?.id ?? 0, lease: lease,
                            value: value, old: nil)
        return StoreEvent(kind: .added, kv: KeyValue(key: key, value: value, createRevision: id, modRevision: id, lease: lease),
                          previous: nil)
    }

    func update(_ key: String, value: [UInt8], expected: Int64, lease: Int64) throws(StoreError) -> StoreEvent {
        guard let cur = try current(key) else { throw StoreError.notFound(key) }
        if cur.modRevision != expected { throw StoreError.conflict(key: key, currentModRevision: cur.modRevision) }
        try checkLease(lease)
        let id = try append(key, created: false, deleted: false, createRevision: cur.createRevision, prev: cur.modRevision,
                            lease: lease, value: value, old: cur.value)
        let kv = KeyValue(key: key, value: value, createRevision: cur.createRevision, modRevision: id, lease: lease)
        return StoreEvent(kind: .modified, kv: kv, previous: cur)
    }

    func delete(_ key: String, expected: Int64?) throws(StoreError) -> StoreEvent {
        guard let cur = try current(key) else { throw StoreError.notFound(key) }
        if let expected, cur.modRevision != expected {
            throw StoreError.conflict(key: key, currentModRevision: cur.modRevision)
        }
        // kine keeps the last value on the deletion row, so history can rebuild the DELETED event.
        let id = try append(key, created: false, deleted: true, createRevision: cur.createRevision, prev: cur.modRevision,
                            lease: cur.lease, value: cur.value, old: cur.value)
        var gone = cur
        gone.modRevision = id
        return StoreEvent(kind: .deleted, kv: gone, previous: cur)
    }

    func grantLease(ttlSeconds: Int64) throws(StoreError) -> Int64 {
        let ttl = max(1, ttlSeconds)
        let id = state.leaseSeq + 1
        try conn.run("INSERT INTO kine_leases (id, ttl, expires_at) VALUES (?1, ?2, ?3)",
                     [.int(id), .int(ttl), .int(clock.now() + ttl * 1000)])
        try conn.run("INSERT OR REPLACE INTO kine_meta (key, value) VALUES ('lease_seq', ?1)", [.int(id)])
        state.leaseSeq = id
        return id
    }

    /// Deletes the keys of every lease past its deadline, one revision each, and drops those leases.
    func expireLeases() throws(StoreError) -> [StoreEvent] {
        let s = try conn.statement("SELECT id FROM kine_leases WHERE expires_at <= ?1 ORDER BY id")
        try s.bind([.int(clock.now())])
        var expired: [Int64] = []
        while try s.step() { expired.append(s.int64(0)) }
        s.reset()
        var events: [StoreEvent] = []
        for lease in expired {
            let k = try conn.statement(SQLiteSchema.leaseKeys)
            try k.bind([.int(lease)])
            var keys: [String] = []
            while try k.step() { keys.append(k.text(0)) }
            k.reset()
            for key in keys { events.append(try delete(key, expected: nil)) }
            try conn.run("DELETE FROM kine_leases WHERE id = ?1", [.int(lease)])
        }
        return events
    }

    func compact(_ revision: Int64) throws(StoreError) {
        if revision > state.revision {
            throw StoreError.futureRevision(requested: revision, current: state.revision)
        }
        if revision <= state.compactRevision { return }
        try conn.run(SQLiteSchema.compact, [.int(revision)])
        try conn.run("INSERT OR REPLACE INTO kine_meta (key, value) VALUES ('compact_rev', ?1)", [.int(revision)])
        state.compactRevision = revision
    }
}
