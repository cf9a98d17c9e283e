import NIOConcurrencyHelpers

/// The in-memory store: the reference semantics of ``KeyValueStore`` and the backend for unit tests.
/// It keeps every version of every key until compaction, so lists at past revisions and watches from
/// old revisions behave exactly as on the durable backends.
public final class MemoryStore: KeyValueStore, @unchecked Sendable {
    private struct Version {
        var revision: Int64
        /// nil for a deletion.
        var kv: KeyValue?
    }

    private struct Lease {
        var expiresAt: Int64
        var keys: Set<String>
    }

    private let lock = NIOLock()
    private var versions: [String: [Version]] = [:]
    /// Every event above `compactRevision`, in revision order.
    private var log: [StoreEvent] = []
    private var revision: Int64 = 0
    private var compactRevision: Int64 = 0
    private var leases: [Int64: Lease] = [:]
    private var nextLease: Int64 = 0x7E57_0000
    private var closed = false
    private let hub: WatchHub
    private let clock: any StoreClock
    private let sweeper = LeaseSweeper()

    /// A store whose leases expire by `clock`; watchers are cut off when more than `watcherBuffer` live
    /// events wait unread.
    public init(clock: any StoreClock = SystemStoreClock(), watcherBuffer: Int = 1000) {
        self.clock = clock
        hub = WatchHub(currentRevision: 0, compactRevision: 0, ringCapacity: 1024, watcherBuffer: watcherBuffer)
    }

    private func currentLocked(_ key: String) -> KeyValue? { versions[key]?.last?.kv }

    private func checkOpenLocked() throws(StoreError) {
        if closed { throw StoreError.closed }
    }

    /// Appends one write (the caller holds the lock) and publishes it.
    private func commitLocked(key: String, kv: KeyValue?, previous: KeyValue?) -> StoreEvent {
        revision += 1
        let event: StoreEvent
        if var kv {
            kv.modRevision = revision
            if previous == nil { kv.createRevision = revision }
            versions[key, default: []].append(Version(revision: revision, kv: kv))
            event = StoreEvent(kind: previous == nil ? .added : .modified, kv: kv, previous: previous)
        } else {
            var gone = previous ?? KeyValue(key: key, value: [], createRevision: 0, modRevision: 0)
            gone.modRevision = revision
            versions[key, default: []].append(Version(revision: revision, kv: nil))
            event = StoreEvent(kind: .deleted, kv: gone, previous: previous)
        }
        if let old = previous?.lease, old != 0, old != kv?.lease { leases[old]?.keys.remove(key) }
        if let new = kv?.lease, new != 0 { leases[new]?.keys.insert(key) }
        log.append(event)
        hub.publish([event])
        return event
    }

    private func checkLeaseLocked(_ lease: Int64) throws(StoreError) {
        if lease != 0 && leases[lease] == nil { throw StoreError.leaseNotFound(lease) }
    }

    public func create(_ key: String, value: [UInt8], lease: Int64) async throws(StoreError) -> KeyValue {
        try lock.withLockTyped { () throws(StoreError) -> KeyValue in
            try checkOpenLocked()
            if currentLocked(key) != nil { throw StoreError.keyExists(key) }
            try checkLeaseLocked(lease)
            let kv = KeyValue(key: key, value: value, createRevision: 0, modRevision: 0, lease: lease)
            return commitLocked(key: key, kv: kv, previous: nil).kv
        }
    }

    public func update(_ key: String, value: [UInt8], expectedModRevision: Int64, lease: Int64) async throws(StoreError) -> KeyValue {
        try lock.withLockTyped { () throws(StoreError) -> KeyValue in
            try checkOpenLocked()
            guard let cur = currentLocked(key) else { throw StoreError.notFound(key) }
            if cur.modRevision != expectedModRevision {
                throw StoreError.conflict(key: key, currentModRevision: cur.modRevision)
            }
            try checkLeaseLocked(lease)
            let kv = KeyValue(key: key, value: value, createRevision: cur.createRevision, modRevision: 0, lease: lease)
            return commitLocked(key: key, kv: kv, previous: cur).kv
        }
    }

    public func delete(_ key: String, expectedModRevision: Int64?) async throws(StoreError) -> KeyValue {
        try lock.withLockTyped { () throws(StoreError) -> KeyValue in
            try checkOpenLocked()
            guard let cur = currentLocked(key) else { throw StoreError.notFound(key) }
            if let expected = expectedModRevision, cur.modRevision != expected {
                throw StoreError.conflict(key: key, currentModRevision: cur.modRevision)
            }
            return commitLocked(key: key, kv: nil, previous: cur).kv
        }
    }

    public func get(_ key: String) async throws(StoreError) -> KeyValue? {
        try lock.withLockTyped { () throws(StoreError) -> KeyValue? in
            try checkOpenLocked()
            return currentLocked(key)
        }
    }

    public func list(prefix: String, after: String?, limit: Int, revision atRevision: Int64) async throws(StoreError) -> ListResult {
        try lock.withLockTyped { () throws(StoreError) -> ListResult in
            try checkOpenLocked()
            let rev = atRevision == 0 ? revision : atRevision
            if rev > revision { throw StoreError.futureRevision(requested: rev, current: revision) }
            if rev < compactRevision { throw StoreError.compacted(requested: rev, compactRevision: compactRevision) }
            let p = Array(prefix.utf8)
            var items: [KeyValue] = []
            for (key, vs) in versions where key.utf8.starts(with: p) {
                if let after, !KeyRange.less(after, key) { continue }
                guard let v = vs.last(where: { $0.revision <= rev }), let kv = v.kv else { continue }
                items.append(kv)
            }
            items.sort { KeyRange.less($0.key, $1.key) }
            var remaining = 0
            if limit > 0 && items.count > limit {
                remaining = items.count - limit
                items.removeLast(remaining)
            }
            return ListResult(items: items, revision: rev, remaining: remaining)
        }
    }

    public func currentRevision() async throws(StoreError) -> Int64 {
        try lock.withLockTyped { () throws(StoreError) -> Int64 in
            try checkOpenLocked()
            return revision
        }
    }

    public func watch(prefix: String, afterRevision: Int64) async throws(StoreError) -> StoreWatch {
        try await hub.subscribe(prefix: prefix, afterRevision: afterRevision) { after, upTo throws(StoreError) in
            try self.history(prefix: prefix, after: after, upTo: upTo)
        }
    }

    private func history(prefix: String, after: Int64, upTo: Int64) throws(StoreError) -> [StoreEvent] {
        try lock.withLockTyped { () throws(StoreError) -> [StoreEvent] in
            if after < compactRevision { throw StoreError.compacted(requested: after, compactRevision: compactRevision) }
            let p = Array(prefix.utf8)
            // The log holds one event per revision above the compaction point, so the start is an offset.
            let first = log.first?.revision ?? (revision + 1)
            let start = max(0, Int(after + 1 - first))
            guard start < log.count else { return [] }
            return log[start...].prefix { $0.revision <= upTo }.filter { $0.kv.key.utf8.starts(with: p) }
        }
    }

    public func compact(revision target: Int64) async throws(StoreError) {
        try lock.withLockTyped { () throws(StoreError) in
            try checkOpenLocked()
            if target > revision { throw StoreError.futureRevision(requested: target, current: revision) }
            if target <= compactRevision { return }
            for (key, vs) in versions {
                guard let idx = vs.lastIndex(where: { $0.revision <= target }) else { continue }
                var kept = Array(vs[idx...])
                if kept.first?.kv == nil { kept.removeFirst() }
                versions[key] = kept.isEmpty ? nil : kept
            }
            log.removeAll { $0.revision <= target }
            compactRevision = target
            hub.setCompactRevision(target)
        }
    }

    public func grantLease(ttlSeconds: Int64) async throws(StoreError) -> Int64 {
        try lock.withLockTyped { () throws(StoreError) -> Int64 in
            try checkOpenLocked()
            nextLease += 1
            leases[nextLease] = Lease(expiresAt: clock.now() + max(1, ttlSeconds) * 1000, keys: [])
            return nextLease
        }
    }

    /// Deletes the keys of every lease whose deadline has passed (each deletion is a normal write with
    /// its own revision and DELETED event) and forgets those leases.
    public func expireLeases() async {
        lock.withLock {
            guard !closed else { return }
            let now = clock.now()
            for (id, lease) in leases.sorted(by: { $0.key < $1.key }) where lease.expiresAt <= now {
                for key in lease.keys.sorted(by: KeyRange.less) {
                    if let cur = currentLocked(key), cur.lease == id {
                        _ = commitLocked(key: key, kv: nil, previous: cur)
                    }
                }
                leases[id] = nil
            }
        }
    }

    /// Expires leases in the background every `intervalMilliseconds` until ``close()``.
    public func startLeaseSweeper(intervalMilliseconds: Int64 = 1000) {
        sweeper.start(intervalMilliseconds: intervalMilliseconds) { [weak self] in await self?.expireLeases() }
    }

    public func close() async {
        sweeper.stop()
        lock.withLock { closed = true }
        hub.close()
    }
}
