import NIOConcurrencyHelpers

/// Watch fan-out shared by the embedded stores: the single writer publishes each committed event here
/// in revision order; the hub keeps a ring of recent events for resumes and hands every event to the
/// watchers whose prefix it matches. Older history comes from the backend through a loader.
final class WatchHub: @unchecked Sendable {
    private final class Entry {
        let prefix: [UInt8]
        let queue: WatchQueue
        /// Live events that arrived while the watcher's history was being loaded (nil once live).
        var pending: [StoreEvent]?
        init(prefix: [UInt8], queue: WatchQueue, pending: [StoreEvent]?) {
            self.prefix = prefix
            self.queue = queue
            self.pending = pending
        }
    }

    private let lock = NIOLock()
    private var ring: [StoreEvent] = []
    private var ringHead = 0
    /// Every event with a revision above this is in the ring.
    private var ringFrom: Int64
    private var lastRevision: Int64
    private var compactRevision: Int64
    private var watchers: [ObjectIdentifier: Entry] = [:]
    private var closed = false
    private let ringCapacity: Int
    private let watcherBuffer: Int

    init(currentRevision: Int64, compactRevision: Int64, ringCapacity: Int, watcherBuffer: Int) {
        ringFrom = currentRevision
        lastRevision = currentRevision
        self.compactRevision = compactRevision
        self.ringCapacity = max(1, ringCapacity)
        self.watcherBuffer = max(1, watcherBuffer)
    }

    var watcherCount: Int { lock.withLock { watchers.count } }

    private static func matches(_ e: StoreEvent, _ prefix: [UInt8]) -> Bool {
        prefix.isEmpty || e.kv.key.utf8.starts(with: prefix)
    }

    /// Records committed events (in revision order) and hands them to the watchers.
    func publish(_ events: [StoreEvent]) {
        guard !events.isEmpty else { return }
        lock.withLock {
            for e in events {
                ring.append(e)
                lastRevision = e.revision
                var dropped: [ObjectIdentifier] = []
                for (id, w) in watchers where Self.matches(e, w.prefix) {
                    if w.pending != nil {
                        w.pending?.append(e)
                        if (w.pending?.count ?? 0) > watcherBuffer {
                            w.queue.fail(.watcherTooSlow)
                            dropped.append(id)
                        }
                    } else if !w.queue.push(e) {
                        dropped.append(id)
                    }
                }
                for id in dropped { watchers[id] = nil }
            }
            if ring.count - ringHead > ringCapacity {
                let drop = ring.count - ringHead - ringCapacity
                ringFrom = ring[ringHead + drop - 1].revision
                ringHead += drop
                if ringHead * 2 >= ring.count {
                    ring.removeFirst(ringHead)
                    ringHead = 0
                }
            }
        }
    }

    /// Notes a compaction: watches from at or below `revision` now fail.
    func setCompactRevision(_ revision: Int64) {
        lock.withLock { compactRevision = max(compactRevision, revision) }
    }

    /// Starts a watch of `prefix` after `afterRevision`. `history(after, upTo)` loads the events in
    /// `(after, upTo]` from the backend when the ring does not reach back that far.
    func subscribe(
        prefix: String, afterRevision: Int64,
        history: @Sendable (Int64, Int64) async throws(StoreError) -> [StoreEvent]
    ) async throws(StoreError) -> StoreWatch {
        let prefixBytes = Array(prefix.utf8)
        let queue = WatchQueue(limit: watcherBuffer)
        let id = ObjectIdentifier(queue)
        let upTo: Int64? = try lock.withLockTyped { () throws(StoreError) -> Int64? in
            if closed { throw StoreError.closed }
            if afterRevision < compactRevision {
                throw StoreError.compacted(requested: afterRevision, compactRevision: compactRevision)
            }
            if afterRevision >= ringFrom {
                let backlog = ring[ringHead...].filter { $0.revision > afterRevision && Self.matches($0, prefixBytes) }
                queue.pushBacklog(backlog)
                watchers[id] = Entry(prefix: prefixBytes, queue: queue, pending: nil)
                return nil
            }
            watchers[id] = Entry(prefix: prefixBytes, queue: queue, pending: [])
            return lastRevision
        }
        queue.setCancelHandler { [weak self] in self?.remove(id) }
        guard let upTo else { return queue.makeStream() }
        let loaded: [StoreEvent]
        do {
            loaded = try await history(afterRevision, upTo)
        } catch {
            remove(id)
            throw error
        }
        lock.withLock {
            guard let entry = watchers[id] else { return }
            let old = loaded.filter { $0.revision > afterRevision && $0.revision <= upTo && Self.matches($0, prefixBytes) }
            queue.pushBacklog(old + (entry.pending ?? []))
            entry.pending = nil
        }
        return queue.makeStream()
    }

    private func remove(_ id: ObjectIdentifier) {
        lock.withLock { watchers[id] = nil }
    }

    /// Ends every watch with ``StoreError/closed`` and refuses new ones.
    func close() {
        let all: [Entry] = lock.withLock {
            closed = true
            let all = Array(watchers.values)
            watchers = [:]
            return all
        }
        for w in all { w.queue.fail(.closed) }
    }
}
