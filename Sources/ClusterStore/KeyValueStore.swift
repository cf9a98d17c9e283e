/// The revisioned key-value contract the API server stores every object in (after etcd v3 and k3s's
/// kine): one global revision that every write advances, compare-and-swap updates, ranged lists at a
/// revision, ordered gap-free watches from a revision, compaction with an explicit error, and leases.
///
/// Keys are `/registry/...` paths; values are opaque bytes (the API server stores JSON).
public protocol KeyValueStore: Sendable {
    /// Creates `key`; fails with ``StoreError/keyExists(_:)`` when it is present. With a `lease`
    /// (from ``grantLease(ttlSeconds:)``) the key is deleted when the lease expires.
    func create(_ key: String, value: [UInt8], lease: Int64) async throws(StoreError) -> KeyValue

    /// Replaces `key`'s value if its current `modRevision` equals `expectedModRevision`; otherwise
    /// ``StoreError/conflict(key:currentModRevision:)`` (or ``StoreError/notFound(_:)``).
    func update(_ key: String, value: [UInt8], expectedModRevision: Int64, lease: Int64) async throws(StoreError) -> KeyValue

    /// Deletes `key` (only if its `modRevision` equals `expectedModRevision`, when given). Returns the
    /// deleted entry with `modRevision` set to the revision of the deletion.
    func delete(_ key: String, expectedModRevision: Int64?) async throws(StoreError) -> KeyValue

    /// The current value of `key`, or nil.
    func get(_ key: String) async throws(StoreError) -> KeyValue?

    /// Keys under `prefix`, in byte order, strictly after `after` (for continuation), at most `limit`
    /// (0 = no limit), as of `revision` (0 = now). ``StoreError/compacted(requested:compactRevision:)``
    /// when `revision` is older than the compaction point.
    func list(prefix: String, after: String?, limit: Int, revision: Int64) async throws(StoreError) -> ListResult

    /// The latest revision.
    func currentRevision() async throws(StoreError) -> Int64

    /// Every change under `prefix` with a revision greater than `afterRevision`, in revision order with
    /// no gaps, then live changes. Fails at once with ``StoreError/compacted(requested:compactRevision:)``
    /// when history that old is gone. The stream ends with ``StoreError/watcherTooSlow`` when the
    /// consumer falls more than the store's buffer behind; cancelling the consuming task ends it.
    func watch(prefix: String, afterRevision: Int64) async throws(StoreError) -> StoreWatch

    /// Forgets history at and below `revision` (current values are kept).
    func compact(revision: Int64) async throws(StoreError)

    /// Grants a lease that expires `ttlSeconds` after now (by the store's clock).
    func grantLease(ttlSeconds: Int64) async throws(StoreError) -> Int64

    /// Releases connections and threads; watches end.
    func close() async
}

/// One stored entry. `createRevision` is the revision of the write that created the key,
/// `modRevision` that of the latest write (the object's `resourceVersion`).
public struct KeyValue: Sendable, Hashable {
    public var key: String
    public var value: [UInt8]
    public var createRevision: Int64
    public var modRevision: Int64
    public var lease: Int64

    public init(key: String, value: [UInt8], createRevision: Int64, modRevision: Int64, lease: Int64 = 0) {
        self.key = key
        self.value = value
        self.createRevision = createRevision
        self.modRevision = modRevision
        self.lease = lease
    }
}

/// A page of a list: the entries, the revision the list was read at, and whether more follow.
public struct ListResult: Sendable, Hashable {
    public var items: [KeyValue]
    public var revision: Int64
    /// Entries after the last returned one (0 when the list is complete).
    public var remaining: Int

    public var more: Bool { remaining > 0 }

    public init(items: [KeyValue], revision: Int64, remaining: Int) {
        self.items = items
        self.revision = revision
        self.remaining = remaining
    }
}

/// One change seen by a watch.
public struct StoreEvent: Sendable, Hashable {
    public enum Kind: Sendable, Hashable { case added, modified, deleted }
    public var kind: Kind
    /// The entry after the change; for `.deleted` the last value, with `modRevision` = the deletion's revision.
    public var kv: KeyValue
    /// The entry before the change (nil for `.added`).
    public var previous: KeyValue?

    public init(kind: Kind, kv: KeyValue, previous: KeyValue?) {
        self.kind = kind
        self.kv = kv
        self.previous = previous
    }

    public var revision: Int64 { kv.modRevision }
}

/// The events of one watch. Iterate it; it throws ``StoreError`` when the watch is cut off.
public typealias StoreWatch = AsyncThrowingStream<StoreEvent, any Error>

/// Store failures; each names what to do about it.
public enum StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    case keyExists(String)
    case notFound(String)
    /// The compare-and-swap failed: the key changed since it was read.
    case conflict(key: String, currentModRevision: Int64)
    /// The requested revision is older than the compaction point.
    case compacted(requested: Int64, compactRevision: Int64)
    /// The requested revision is newer than the store's current one.
    case futureRevision(requested: Int64, current: Int64)
    case leaseNotFound(Int64)
    /// A watcher fell too far behind and was cut off; it must re-list.
    case watcherTooSlow
    /// The backend failed (I/O, SQLite, etcd unreachable); the text says what and where.
    case backend(String)
    case closed

    public var description: String {
        switch self {
        case .keyExists(let k): return "key \(k) already exists"
        case .notFound(let k): return "key \(k) not found"
        case .conflict(let k, let rev): return "key \(k) was modified (now at revision \(rev)); re-read it and retry"
        case .compacted(let r, let c):
            return "revision \(r) has been compacted (compacted up to \(c)); re-list to get a newer revision"
        case .futureRevision(let r, let c): return "revision \(r) is newer than the current revision \(c)"
        case .leaseNotFound(let id): return "lease \(id) not found"
        case .watcherTooSlow: return "the watcher fell too far behind and was cut off; re-list and watch again"
        case .backend(let m): return m
        case .closed: return "the store is closed"
        }
    }
}
