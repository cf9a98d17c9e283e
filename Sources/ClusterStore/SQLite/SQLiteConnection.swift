import CSQLite3

/// One SQLite connection with a statement cache. Not thread-safe: each connection is used by one
/// thread at a time (the writer thread, or a reader checked out of the pool).
final class SQLiteConnection {
    private let db: OpaquePointer
    let path: String
    private var cache: [String: OpaquePointer] = [:]

    /// `sqlite3_destructor_type` -1: SQLite copies bound data (the C macro is not imported).
    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(path: String, create: Bool) throws(StoreError) {
        self.path = path
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &handle, flags, nil)
        guard rc == SQLITE_OK, let handle else {
            let msg = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            if let handle { sqlite3_close_v2(handle) }
            throw StoreError.backend("sqlite: cannot open \(path): \(msg)")
        }
        db = handle
        sqlite3_extended_result_codes(db, 1)
    }

    deinit {
        for s in cache.values { sqlite3_finalize(s) }
        sqlite3_close_v2(db)
    }

    func error(_ what: String) -> StoreError {
        .backend("sqlite: \(path): \(what): \(String(cString: sqlite3_errmsg(db)))")
    }

    /// Runs SQL without results (several statements allowed).
    func exec(_ sql: String) throws(StoreError) {
        if sqlite3_exec(db, sql, nil, nil, nil) != SQLITE_OK { throw error(sql) }
    }

    /// A cached prepared statement, reset and with bindings cleared.
    func statement(_ sql: String) throws(StoreError) -> SQLiteStatement {
        if let s = cache[sql] {
            sqlite3_reset(s)
            sqlite3_clear_bindings(s)
            return SQLiteStatement(stmt: s, conn: self, sql: sql)
        }
        var s: OpaquePointer?
        guard sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &s, nil) == SQLITE_OK, let s else {
            throw error("prepare \(sql)")
        }
        cache[sql] = s
        return SQLiteStatement(stmt: s, conn: self, sql: sql)
    }

    /// The single integer a query returns (or `fallback` when it returns no row).
    func scalar(_ sql: String, _ args: [SQLiteArg] = [], fallback: Int64 = 0) throws(StoreError) -> Int64 {
        let s = try statement(sql)
        try s.bind(args)
        defer { s.reset() }
        return try s.step() ? s.int64(0) : fallback
    }

    /// Runs a statement that returns no rows.
    func run(_ sql: String, _ args: [SQLiteArg] = []) throws(StoreError) {
        let s = try statement(sql)
        try s.bind(args)
        defer { s.reset() }
        while try s.step() {}
    }

    var changes: Int { Int(sqlite3_changes(db)) }
}

/// A value bound to a statement parameter.
enum SQLiteArg {
    case int(Int64)
    case text([UInt8])
    case blob([UInt8])
    case null

    static func string(_ s: String) -> SQLiteArg { .text(Array(s.utf8)) }
}

/// A prepared statement borrowed from a connection's cache.
struct SQLiteStatement {
    let stmt: OpaquePointer
    let conn: SQLiteConnection
    let sql: String

    func bind(_ args: [SQLiteArg]) throws(StoreError) {
        for (i, a) in args.enumerated() {
            let idx = Int32(i + 1)
            let rc: Int32
            switch a {
            case .int(let v): rc = sqlite3_bind_int64(stmt, idx, v)
            case .null: rc = sqlite3_bind_null(stmt, idx)
            case .text(let bytes) where bytes.isEmpty:
                rc = sqlite3_bind_text(stmt, idx, "", 0, SQLiteConnection.transient)
            case .text(let bytes):
                rc = bytes.withUnsafeBytes {
                    sqlite3_bind_text(stmt, idx, $0.baseAddress?.assumingMemoryBound(to: CChar.self),
                                      Int32($0.count), SQLiteConnection.transient)
                }
            case .blob(let bytes):
                rc = bytes.withUnsafeBytes {
                    // A zero-length blob still needs a non-nil pointer, or SQLite stores NULL.
                    sqlite3_bind_blob(stmt, idx, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1),
                                      Int32($0.count), SQLiteConnection.transient)
                }
            }
            if rc != SQLITE_OK { throw conn.error("bind \(sql)") }
        }
    }

    /// True when a row is available.
    func step() throws(StoreError) -> Bool {
        let rc = sqlite3_step(stmt)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        throw conn.error(sql)
    }

    func reset() { sqlite3_reset(stmt) }

    func int64(_ col: Int32) -> Int64 { sqlite3_column_int64(stmt, col) }

    func isNull(_ col: Int32) -> Bool { sqlite3_column_type(stmt, col) == SQLITE_NULL }

    func bytes(_ col: Int32) -> [UInt8] {
        let n = Int(sqlite3_column_bytes(stmt, col))
        guard n > 0, let p = sqlite3_column_blob(stmt, col) else { return [] }
        return Array(UnsafeRawBufferPointer(start: p, count: n))
    }

    func text(_ col: Int32) -> String {
        let n = Int(sqlite3_column_bytes(stmt, col))
        guard n > 0, let p = sqlite3_column_text(stmt, col) else { return "" }
        return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }
}
