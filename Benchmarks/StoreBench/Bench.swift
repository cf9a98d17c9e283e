import ClusterStore
import Glibc

/// Throughput and latency of a ``KeyValueStore`` next to the raw engine underneath it.
enum Bench {
    static let valueSize = 2048

    static func nowNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    static func seconds(since start: UInt64) -> Double { Double(nowNanos() - start) / 1e9 }

    static func value(stamp: UInt64 = 0) -> [UInt8] {
        var v = [UInt8](repeating: UInt8(ascii: "x"), count: valueSize)
        withUnsafeBytes(of: stamp.littleEndian) { for i in 0..<8 { v[i] = $0[i] } }
        return v
    }

    static func fmt(_ d: Double, _ digits: Int = 1) -> String {
        var p = 1.0
        for _ in 0..<digits { p *= 10 }
        let r = (d * p).rounded() / p
        return "\(r)"
    }

    struct Result {
        var seqCreates = 0.0, concCreates = 0.0, gets = 0.0, concGets = 0.0, listMs = 0.0, p50 = 0.0, p99 = 0.0
    }

    static func run(sync: SQLiteStore.Synchronous, n: Int, etcd: String?) async {
        var template = Array("/tmp/store-bench-XXXXXX".utf8CString)
        guard let dirPtr = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else { fail("mkdtemp") }
        let dir = String(cString: dirPtr)
        defer { removeDir(dir) }
        emit("store bench: n=\(n), values \(valueSize) B, SQLite synchronous=\(sync.rawValue)")
        do {
            let store = try await SQLiteStore.open(path: dir + "/store.db", options: .init(synchronous: sync))
            let r = try await measure(store, n: n, name: "SQLiteStore")
            await store.close()
            let raw = rawSQLite(path: dir + "/raw.db", sync: sync, n: n)
            emit("raw SQLite insert loop (autocommit, WAL, synchronous=\(sync.rawValue)): \(fmt(raw, 0)) inserts/s")
            emit("ratio SQLiteStore/raw: sequential \(fmt(r.seqCreates / raw, 2)), 8-way \(fmt(r.concCreates / raw, 2))")
            if let etcd {
                let e = try EtcdStore(endpoints: [etcd])
                let er = try await measure(e, n: n, name: "EtcdStore")
                await e.close()
                let rawPuts = rawEtcdPuts(endpoint: etcd, n: n)
                emit("raw etcd puts via the JSON gateway (sequential): \(fmt(rawPuts, 0)) puts/s")
                emit("ratio EtcdStore/raw: sequential \(fmt(er.seqCreates / rawPuts, 2))")
            }
        } catch {
            fail("\(error)")
        }
    }

    static func measure(_ s: any KeyValueStore, n: Int, name: String) async throws -> Result {
        var r = Result()
        let run = "/bench/\(nowNanos())"
        let v = value()
        var t = nowNanos()
        for i in 0..<n { _ = try await s.create("\(run)/seq/\(i)", value: v, lease: 0) }
        r.seqCreates = Double(n) / seconds(since: t)

        t = nowNanos()
        try await withThrowingTaskGroup(of: Void.self) { g in
            for w in 0..<8 {
                g.addTask { for i in 0..<(n / 8) { _ = try await s.create("\(run)/conc/\(w)/\(i)", value: v, lease: 0) } }
            }
            try await g.waitForAll()
        }
        r.concCreates = Double(n / 8 * 8) / seconds(since: t)

        let reads = n * 2
        t = nowNanos()
        for i in 0..<reads { _ = try await s.get("\(run)/seq/\((i * 7919) % n)") }
        r.gets = Double(reads) / seconds(since: t)
        t = nowNanos()
        try await withThrowingTaskGroup(of: Void.self) { g in
            for w in 0..<8 {
                g.addTask { for i in 0..<(reads / 8) { _ = try await s.get("\(run)/seq/\((i * 7919 + w) % n)") } }
            }
            try await g.waitForAll()
        }
        r.concGets = Double(reads / 8 * 8) / seconds(since: t)

        try await withThrowingTaskGroup(of: Void.self) { g in
            for w in 0..<8 {
                g.addTask { for i in stride(from: w, to: 1000, by: 8) { _ = try await s.create("\(run)/list/\(i)", value: v, lease: 0) } }
            }
            try await g.waitForAll()
        }
        var best = Double.infinity, total = 0.0
        for _ in 0..<5 {
            t = nowNanos()
            let l = try await s.list(prefix: "\(run)/list/", after: nil, limit: 0, revision: 0)
            let ms = seconds(since: t) * 1000
            if l.items.count != 1000 { fail("list returned \(l.items.count) items") }
            best = min(best, ms)
            total += ms
        }
        r.listMs = total / 5

        let (p50, p99, delivered) = try await watchLatency(s, prefix: "\(run)/watch/", watchers: 100, writes: 200)
        r.p50 = p50
        r.p99 = p99

        emit("\(name): durable creates/s sequential \(fmt(r.seqCreates, 0)), 8-way \(fmt(r.concCreates, 0))")
        emit("\(name): GETs/s sequential \(fmt(r.gets, 0)), 8-way \(fmt(r.concGets, 0))")
        emit("\(name): LIST of 1000 objects: mean \(fmt(r.listMs)) ms, best \(fmt(best)) ms")
        emit("\(name): watch delivery latency, 100 watchers x 200 writes (\(delivered) deliveries): p50 \(fmt(p50, 2)) ms, p99 \(fmt(p99, 2)) ms")
        return r
    }

    /// Each write carries its send time; every watcher measures arrival minus send.
    static func watchLatency(_ s: any KeyValueStore, prefix: String, watchers: Int, writes: Int) async throws -> (Double, Double, Int) {
        let from = try await s.currentRevision()
        var streams: [StoreWatch] = []
        for _ in 0..<watchers { streams.append(try await s.watch(prefix: prefix, afterRevision: from)) }
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { g in
            for w in streams {
                g.addTask {
                    var out: [Double] = []
                    for try await e in w {
                        let now = nowNanos()
                        let sent = e.kv.value.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                        out.append(Double(now - UInt64(littleEndian: sent)) / 1e6)
                        if out.count == writes { break }
                    }
                    return out
                }
            }
            g.addTask {
                for i in 0..<writes { _ = try await s.create("\(prefix)\(i)", value: value(stamp: nowNanos()), lease: 0) }
                return []
            }
            var all: [Double] = []
            for try await part in g { all += part }
            return all.sorted()
        }
        guard !latencies.isEmpty else { return (0, 0, 0) }
        let p = { (q: Double) in latencies[min(latencies.count - 1, Int(Double(latencies.count) * q))] }
        return (p(0.5), p(0.99), latencies.count)
    }

    static func removeDir(_ dir: String) {
        for name in ["store.db", "store.db-wal", "store.db-shm", "raw.db", "raw.db-wal", "raw.db-shm"] {
            unlink(dir + "/" + name)
        }
        rmdir(dir)
    }
}
