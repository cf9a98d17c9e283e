import CLibCurl
import CSQLite3
import ClusterStore
import Glibc

extension Bench {
    /// A bare SQLite insert loop on kine's table shape: one autocommit INSERT per row, same pragmas.
    static func rawSQLite(path: String, sync: SQLiteStore.Synchronous, n: Int) -> Double {
        var db: OpaquePointer?
        guard sqlite3_open(path, &db) == SQLITE_OK, let db else { fail("sqlite3_open \(path)") }
        defer { sqlite3_close(db) }
        let setup = """
            PRAGMA journal_mode = WAL; PRAGMA synchronous = \(sync.rawValue);
            CREATE TABLE kine (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, created INTEGER, deleted INTEGER,
              create_revision INTEGER, prev_revision INTEGER, lease INTEGER, value BLOB, old_value BLOB);
            CREATE INDEX kine_name_index ON kine (name);
            CREATE UNIQUE INDEX kine_name_prev_revision_uindex ON kine (name, prev_revision);
            """
        guard sqlite3_exec(db, setup, nil, nil, nil) == SQLITE_OK else { fail("raw schema: \(String(cString: sqlite3_errmsg(db)))") }
        var stmt: OpaquePointer?
        let sql = "INSERT INTO kine (name, created, deleted, create_revision, prev_revision, lease, value) VALUES (?1, 1, 0, 0, 0, 0, ?2)"
        guard sqlite3_prepare_v2(db, sql, -1, &stmt, nil) == SQLITE_OK, let stmt else { fail("raw prepare") }
        defer { sqlite3_finalize(stmt) }
        let v = value()
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        let t = nowNanos()
        for i in 0..<n {
            sqlite3_reset(stmt)
            _ = sqlite3_bind_text(stmt, 1, "/raw/\(i)", -1, transient)
            _ = v.withUnsafeBytes { sqlite3_bind_blob(stmt, 2, $0.baseAddress, Int32($0.count), transient) }
            guard sqlite3_step(stmt) == SQLITE_DONE else { fail("raw insert: \(String(cString: sqlite3_errmsg(db)))") }
        }
        return Double(n) / seconds(since: t)
    }

    /// Sequential `/v3/kv/put`s through the JSON gateway on one reused libcurl handle.
    static func rawEtcdPuts(endpoint: String, n: Int) -> Double {
        _ = curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        guard let h = curl_easy_init() else { fail("curl_easy_init") }
        defer { curl_easy_cleanup(h) }
        // An empty Expect stops libcurl 7.x from waiting for "100 Continue" on bodies over 1 KiB.
        let headers = curl_slist_append(curl_slist_append(nil, "Content-Type: application/json"), "Expect:")
        defer { curl_slist_free_all(headers) }
        let discard: clibcurl_write_cb = { _, size, count, _ in size * count }
        _ = curl_easy_setopt_str(h, CURLOPT_URL, endpoint + "/v3/kv/put")
        _ = curl_easy_setopt_ptr(h, CURLOPT_HTTPHEADER, headers)
        _ = curl_easy_setopt_write(h, CURLOPT_WRITEFUNCTION, discard)
        _ = curl_easy_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        _ = curl_easy_setopt_long(h, CURLOPT_TCP_NODELAY, 1)
        let v = base64(value())
        let run = nowNanos()
        let t = nowNanos()
        for i in 0..<n {
            let body = "{\"key\":\"\(base64(Array("/raw/\(run)/\(i)".utf8)))\",\"value\":\"\(v)\"}"
            _ = curl_easy_setopt_str(h, CURLOPT_COPYPOSTFIELDS, body)
            guard curl_easy_perform(h) == CURLE_OK else { fail("raw etcd put failed") }
        }
        return Double(n) / seconds(since: t)
    }

    static func base64(_ bytes: [UInt8]) -> String {
        let a = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let b0 = UInt32(bytes[i]), b1 = i + 1 < bytes.count ? UInt32(bytes[i + 1]) : 0
            let b2 = i + 2 < bytes.count ? UInt32(bytes[i + 2]) : 0
            let n = b0 << 16 | b1 << 8 | b2
            out.append(a[Int(n >> 18 & 63)])
            out.append(a[Int(n >> 12 & 63)])
            out.append(i + 1 < bytes.count ? a[Int(n >> 6 & 63)] : UInt8(ascii: "="))
            out.append(i + 2 < bytes.count ? a[Int(n & 63)] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
