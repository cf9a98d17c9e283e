import NIOConcurrencyHelpers
import StructuredData

/// The distributed option: a real etcd v3.4 through its JSON gateway (`/v3/kv/*`, `/v3/lease/grant`,
/// `/v3/watch`) over libcurl. Writes are the transactions the kube-apiserver sends (create =
/// `mod_revision == 0 ? put : range`, update/delete = `mod_revision == expected ? … : range`); each watch
/// is one streaming request on its own thread. Lease expiry is etcd's own.
public final class EtcdStore: KeyValueStore, @unchecked Sendable {
    /// Client settings.
    public struct Options: Sendable {
        /// Live events a watcher may leave unread before it is cut off with ``StoreError/watcherTooSlow``.
        public var watcherBuffer: Int
        /// Threads for unary requests (each blocks in libcurl for one round trip).
        public var requestThreads: Int
        public var requestTimeoutMilliseconds: Int

        /// Defaults: 1000-event watcher buffer, four request threads, 30 s per request.
        public init(watcherBuffer: Int = 1000, requestThreads: Int = 4, requestTimeoutMilliseconds: Int = 30_000) {
            self.watcherBuffer = watcherBuffer
            self.requestThreads = requestThreads
            self.requestTimeoutMilliseconds = requestTimeoutMilliseconds
        }
    }

    private typealias Object = EtcdJSON.Object
    private struct ServerError: Error { var message: String; var code: Int64 }

    private let http: EtcdHTTP
    private let options: Options
    private let closed = NIOLockedValueBox(false)
    private let watches = NIOLockedValueBox<[WatchQueue]>([])

    /// A client for `endpoints` (`http://127.0.0.1:2379`, …; tried in order when one refuses connections).
    public init(endpoints: [String], options: Options = Options()) throws(StoreError) {
        let list = endpoints.flatMap { $0.split(separator: ",") }.map { String($0).trimmingSlash() }.filter { !$0.isEmpty }
        guard !list.isEmpty else { throw StoreError.backend("etcd: no endpoints given") }
        for e in list where !(e.hasPrefix("http://") || e.hasPrefix("https://")) {
            throw StoreError.backend("etcd: endpoint \(e) must start with http:// or https://")
        }
        http = EtcdHTTP(endpoints: list, threads: options.requestThreads, timeoutMilliseconds: options.requestTimeoutMilliseconds)
        self.options = options
    }

    private func checkOpen() throws(StoreError) {
        if closed.withLockedValue({ $0 }) { throw StoreError.closed }
    }

    /// One gateway call: transport and malformed replies throw; etcd's own errors come back as `.failure`.
    private func rpc(_ path: String, _ fields: [String: Value]) async throws(StoreError) -> Result<Object, ServerError> {
        try checkOpen()
        let r = try await http.post(path, EtcdJSON.encode(fields))
        let m = try EtcdJSON.object(r.body, "reply to \(path)")
        if r.status != 200 || m["error"] != nil {
            let message = m["message"]?.stringValue ?? m["error"]?.stringValue ?? "HTTP \(r.status)"
            return .failure(ServerError(message: message, code: (try? EtcdJSON.int64(m, "code")) ?? 0))
        }
        return .success(m)
    }

    private func unexpected(_ path: String, _ e: ServerError) -> StoreError {
        .backend("etcd: \(path): \(e.message)")
    }

    private func compactedError(requested: Int64) async -> StoreError {
        let endpoints = http.orderedEndpoints()
        let compact = await EtcdBlocking.run { EtcdWatch.compactRevision(endpoints: endpoints) } ?? nil
        return .compacted(requested: requested, compactRevision: compact ?? 0)
    }

    private static let isCompacted = "required revision has been compacted"
    private static let isFuture = "required revision is a future revision"

    private func txn(_ compare: [Value], success: Value, failureKey: String) async throws(StoreError) -> Object {
        let fields: [String: Value] = [
            "compare": .list(compare), "success": .list([success]),
            "failure": .list([.map(["request_range": .map(["key": EtcdJSON.b64(failureKey)])])]),
        ]
        switch try await rpc("/v3/kv/txn", fields) {
        case .success(let m): return m
        case .failure(let e):
            if e.message.contains("lease not found"), case .map(let s) = success,
               case .map(let put)? = s["request_put"], let lease = try? EtcdJSON.int64(put, "lease") {
                throw StoreError.leaseNotFound(lease)
            }
            throw unexpected("/v3/kv/txn", e)
        }
    }

    private static func modEquals(_ key: String, _ rev: Int64) -> Value {
        .map(["key": EtcdJSON.b64(key), "target": .string("MOD"), "result": .string("EQUAL"), "mod_revision": EtcdJSON.int(rev)])
    }

    private static func exists(_ key: String) -> Value {
        .map(["key": EtcdJSON.b64(key), "target": .string("VERSION"), "result": .string("GREATER"), "version": EtcdJSON.int(0)])
    }

    private static func put(_ key: String, _ value: [UInt8], _ lease: Int64) -> Value {
        var p: [String: Value] = ["key": EtcdJSON.b64(key), "value": EtcdJSON.b64(value), "prev_kv": .bool(true)]
        if lease != 0 { p["lease"] = EtcdJSON.int(lease) }
        return .map(["request_put": .map(p)])
    }

    /// The failed transaction's range response: notFound, or a conflict naming the current revision.
    private func failedCompare(_ m: Object, key: String) throws(StoreError) -> StoreError {
        let responses = try EtcdJSON.objects(m, "responses")
        guard let first = responses.first, let range = try EtcdJSON.child(first, "response_range") else {
            throw EtcdJSON.malformed("failed txn without response_range")
        }
        guard let kv = try EtcdJSON.objects(range, "kvs").first else { return .notFound(key) }
        return .conflict(key: key, currentModRevision: try EtcdJSON.int64(kv, "mod_revision"))
    }

    public func create(_ key: String, value: [UInt8], lease: Int64) async throws(StoreError) -> KeyValue {
        let m = try await txn([Self.modEquals(key, 0)], success: Self.put(key, value, lease), failureKey: key)
        guard EtcdJSON.bool(m, "succeeded") else { throw StoreError.keyExists(key) }
        let rev = try EtcdJSON.headerRevision(m)
        return KeyValue(key: key, value: value, createRevision: rev, modRevision: rev, lease: lease)
    }

    public func update(_ key: String, value: [UInt8], expectedModRevision: Int64, lease: Int64) async throws(StoreError) -> KeyValue {
        let m = try await txn([Self.modEquals(key, expectedModRevision), Self.exists(key)],
                              success: Self.put(key, value, lease), failureKey: key)
        guard EtcdJSON.bool(m, "succeeded") else { throw try failedCompare(m, key: key) }
        let rev = try EtcdJSON.headerRevision(m)
        let put = try EtcdJSON.objects(m, "responses").first.flatMap { r throws(StoreError) in try EtcdJSON.child(r, "response_put") }
        let prev = try put.flatMap { p throws(StoreError) in try EtcdJSON.child(p, "prev_kv") }
        let created = try prev.map { p throws(StoreError) in try EtcdJSON.int64(p, "create_revision") } ?? rev
        return KeyValue(key: key, value: value, createRevision: created, modRevision: rev, lease: lease)
    }

    public func delete(_ key: String, expectedModRevision: Int64?) async throws(StoreError) -> KeyValue {
        let deleteReq: [String: Value] = ["key": EtcdJSON.b64(key), "prev_kv": .bool(true)]
        let rev: Int64
        let prevs: [Object]
        if let expected = expectedModRevision {
            let m = try await txn([Self.modEquals(key, expected), Self.exists(key)],
                                  success: .map(["request_delete_range": .map(deleteReq)]), failureKey: key)
            guard EtcdJSON.bool(m, "succeeded") else { throw try failedCompare(m, key: key) }
            rev = try EtcdJSON.headerRevision(m)
            let d = try EtcdJSON.objects(m, "responses").first.flatMap { r throws(StoreError) in
                try EtcdJSON.child(r, "response_delete_range")
            }
            prevs = try d.map { o throws(StoreError) in try EtcdJSON.objects(o, "prev_kvs") } ?? []
        } else {
            switch try await rpc("/v3/kv/deleterange", deleteReq) {
            case .failure(let e): throw unexpected("/v3/kv/deleterange", e)
            case .success(let m):
                rev = try EtcdJSON.headerRevision(m)
                prevs = try EtcdJSON.objects(m, "prev_kvs")
            }
        }
        guard let prev = prevs.first else { throw StoreError.notFound(key) }
        var gone = try EtcdJSON.keyValue(prev)
        gone.modRevision = rev
        return gone
    }

    public func get(_ key: String) async throws(StoreError) -> KeyValue? {
        switch try await rpc("/v3/kv/range", ["key": EtcdJSON.b64(key)]) {
        case .failure(let e): throw unexpected("/v3/kv/range", e)
        case .success(let m): return try EtcdJSON.objects(m, "kvs").first.map { o throws(StoreError) in try EtcdJSON.keyValue(o) }
        }
    }

    public func currentRevision() async throws(StoreError) -> Int64 {
        switch try await rpc("/v3/kv/range", ["key": EtcdJSON.b64("\u{0}"), "count_only": .bool(true)]) {
        case .failure(let e): throw unexpected("/v3/kv/range", e)
        case .success(let m): return try EtcdJSON.headerRevision(m)
        }
    }

    public func list(prefix: String, after: String?, limit: Int, revision: Int64) async throws(StoreError) -> ListResult {
        let prefixBytes = Array(prefix.utf8)
        var start = prefixBytes
        if let after, !after.utf8.lexicographicallyPrecedes(prefixBytes) {
            start = KeyRange.successor(of: Array(after.utf8))
        }
        var fields: [String: Value] = [
            "key": EtcdJSON.b64(start.isEmpty ? [0] : start),
            "range_end": EtcdJSON.b64(KeyRange.end(ofPrefix: prefixBytes) ?? [0]),
        ]
        if limit > 0 { fields["limit"] = EtcdJSON.int(Int64(limit)) }
        if revision > 0 { fields["revision"] = EtcdJSON.int(revision) }
        switch try await rpc("/v3/kv/range", fields) {
        case .failure(let e):
            if e.message.contains(Self.isCompacted) { throw await compactedError(requested: revision) }
            if e.message.contains(Self.isFuture) {
                throw StoreError.futureRevision(requested: revision, current: try await currentRevision())
            }
            throw unexpected("/v3/kv/range", e)
        case .success(let m):
            var items: [KeyValue] = []
            for o in try EtcdJSON.objects(m, "kvs") { items.append(try EtcdJSON.keyValue(o)) }
            let count = try EtcdJSON.int64(m, "count")
            let rev = revision > 0 ? revision : try EtcdJSON.headerRevision(m)
            return ListResult(items: items, revision: rev, remaining: max(0, Int(count) - items.count))
        }
    }

    public func watch(prefix: String, afterRevision: Int64) async throws(StoreError) -> StoreWatch {
        try checkOpen()
        // The gateway reports a compacted start only inside the stream; a range at that revision
        // says so at once, so the caller gets the error from watch() itself.
        do {
            let probe: [String: Value] = ["key": EtcdJSON.b64("\u{0}"), "count_only": .bool(true),
                                          "revision": EtcdJSON.int(max(afterRevision, 1))]
            if case .failure(let e) = try await rpc("/v3/kv/range", probe), e.message.contains(Self.isCompacted) {
                throw await compactedError(requested: afterRevision)
            }
        }
        let queue = WatchQueue(limit: options.watcherBuffer)
        let prefixBytes = Array(prefix.utf8)
        let started = EtcdWatch.start(endpoints: http.orderedEndpoints(), key: prefix.isEmpty ? "\u{0}" : prefix,
                                      rangeEnd: KeyRange.end(ofPrefix: prefixBytes) ?? [0], afterRevision: afterRevision,
                                      queue: queue)
        guard started else { throw StoreError.backend("etcd: cannot start a watch thread") }
        watches.withLockedValue { list in
            list.removeAll { $0.isTerminated }
            list.append(queue)
        }
        return queue.makeStream()
    }

    public func compact(revision: Int64) async throws(StoreError) {
        switch try await rpc("/v3/kv/compaction", ["revision": EtcdJSON.int(revision), "physical": .bool(true)]) {
        case .success: return
        case .failure(let e):
            if e.message.contains(Self.isCompacted) { return }
            if e.message.contains(Self.isFuture) {
                throw StoreError.futureRevision(requested: revision, current: try await currentRevision())
            }
            throw unexpected("/v3/kv/compaction", e)
        }
    }

    public func grantLease(ttlSeconds: Int64) async throws(StoreError) -> Int64 {
        switch try await rpc("/v3/lease/grant", ["TTL": EtcdJSON.int(max(1, ttlSeconds))]) {
        case .failure(let e): throw unexpected("/v3/lease/grant", e)
        case .success(let m):
            let id = try EtcdJSON.int64(m, "ID")
            guard id != 0 else { throw EtcdJSON.malformed("lease grant without ID") }
            return id
        }
    }

    /// Ends every watch (their threads notice within a second) and stops the request threads.
    public func close() async {
        let first = closed.withLockedValue { c -> Bool in
            defer { c = true }
            return !c
        }
        guard first else { return }
        for q in watches.withLockedValue({ $0 }) { q.fail(.closed) }
        watches.withLockedValue { $0 = [] }
        await http.close()
    }
}

/// Blocking work that is neither a unary request nor a watch (the compaction probe) on its own thread.
enum EtcdBlocking {
    static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T? {
        await withCheckedContinuation { (c: CheckedContinuation<T?, Never>) in
            if !spawnDedicatedThread({ c.resume(returning: body()) }) { c.resume(returning: nil) }
        }
    }
}

extension String {
    fileprivate func trimmingSlash() -> String {
        var s = Substring(self).drop { $0 == " " }
        while s.last == "/" || s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
