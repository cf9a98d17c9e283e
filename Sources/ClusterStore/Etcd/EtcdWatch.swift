import StructuredData

/// One etcd watch: a streaming `/v3/watch` request on its own thread, converting the gateway's
/// messages into the watcher's queue. Ends when the consumer cancels (checked by libcurl's progress
/// callback at least once a second), when the queue cuts the watcher off, or when etcd ends it.
enum EtcdWatch {
    /// Starts the watch thread; false when no thread could be started.
    static func start(endpoints: [String], key: String, rangeEnd: [UInt8]?, afterRevision: Int64,
                      queue: WatchQueue) -> Bool {
        var create: [String: Value] = [
            "key": EtcdJSON.b64(key), "start_revision": EtcdJSON.int(afterRevision + 1), "prev_kv": .bool(true),
        ]
        if let rangeEnd { create["range_end"] = EtcdJSON.b64(rangeEnd) }
        let body = EtcdJSON.encode(["create_request": .map(create)])
        return spawnDedicatedThread {
            let result = EtcdStream.run(
                endpoints: endpoints, path: "/v3/watch", body: body,
                onLine: { line in handle(line, queue: queue, requested: afterRevision) },
                shouldStop: { queue.isTerminated })
            if !queue.isTerminated {
                queue.fail(.backend("etcd: watch stream ended: \(result.message)"))
            }
        }
    }

    /// Handles one gateway message; false stops the stream.
    static func handle(_ line: [UInt8], queue: WatchQueue, requested: Int64) -> Bool {
        do throws(StoreError) {
            let m = try EtcdJSON.object(line, "watch message")
            if let e = try EtcdJSON.child(m, "error") {
                let msg = e["message"]?.stringValue ?? "unknown error"
                throw StoreError.backend("etcd: watch failed: \(msg)")
            }
            guard let r = try EtcdJSON.child(m, "result") else { throw EtcdJSON.malformed("watch message without result") }
            if EtcdJSON.bool(r, "canceled") {
                let compact = try EtcdJSON.int64(r, "compact_revision")
                if compact > 0 { throw StoreError.compacted(requested: requested, compactRevision: compact) }
                let reason = r["cancel_reason"]?.stringValue ?? "no reason given"
                throw StoreError.backend("etcd: watch canceled: \(reason)")
            }
            for e in try EtcdJSON.objects(r, "events") {
                if !queue.push(try EtcdJSON.event(e)) { return false }
            }
            return true
        } catch {
            queue.fail(error)
            return false
        }
    }

    /// The compaction revision, learnt the only way the gateway tells it: a watch from revision 1 is
    /// cancelled with `compact_revision`. Call only when a request has just failed as compacted.
    static func compactRevision(endpoints: [String]) -> Int64? {
        let body = EtcdJSON.encode(["create_request": .map([
            "key": EtcdJSON.b64("\u{0}compact-probe"), "start_revision": EtcdJSON.int(1),
        ])])
        var found: Int64?
        _ = EtcdStream.run(
            endpoints: endpoints, path: "/v3/watch", body: body, timeoutMilliseconds: 5000,
            onLine: { line in
                guard let m = try? EtcdJSON.object(line, "watch message"),
                      let r = (try? EtcdJSON.child(m, "result")) ?? nil else { return false }
                if EtcdJSON.bool(r, "canceled") {
                    found = try? EtcdJSON.int64(r, "compact_revision")
                    return false
                }
                return EtcdJSON.bool(r, "created")
            },
            shouldStop: { false })
        return found
    }
}
