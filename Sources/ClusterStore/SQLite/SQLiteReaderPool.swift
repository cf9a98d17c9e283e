import NIOConcurrencyHelpers
import NIOPosix

/// Read-only connections for ``SQLiteStore``, used on a small NIO thread pool (never on Swift's
/// cooperative pool). WAL lets these read committed snapshots while the writer commits.
final class SQLiteReaderPool: @unchecked Sendable {
    private let pool: NIOThreadPool
    private let lock = NIOLock()
    private var idle: [SQLiteConnection] = []
    private let path: String

    init(path: String, threads: Int) {
        self.path = path
        pool = NIOThreadPool(numberOfThreads: max(1, threads))
        pool.start()
    }

    private func checkout() throws(StoreError) -> SQLiteConnection {
        if let c = lock.withLock({ idle.popLast() }) { return c }
        let c = try SQLiteConnection(path: path, create: false)
        try c.exec("PRAGMA busy_timeout = 30000; PRAGMA query_only = 1")
        return c
    }

    private func checkin(_ c: SQLiteConnection) { lock.withLock { idle.append(c) } }

    /// Runs `body` with a reader connection on a pool thread.
    func read<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws(StoreError) -> T) async throws(StoreError) -> T {
        let result: Result<T, StoreError>
        do {
            result = try await pool.runIfActive { () -> Result<T, StoreError> in
                let c: SQLiteConnection
                do throws(StoreError) { c = try self.checkout() } catch { return .failure(error) }
                defer { self.checkin(c) }
                do throws(StoreError) { return .success(try body(c)) } catch { return .failure(error) }
            }
        } catch {
            throw StoreError.closed
        }
        return try result.get()
    }

    /// Runs `body` inside one read transaction, so every query sees the same snapshot.
    func snapshot<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws(StoreError) -> T) async throws(StoreError) -> T {
        try await read { c throws(StoreError) -> T in
            try c.run("BEGIN")
            do throws(StoreError) {
                let v = try body(c)
                try c.run("COMMIT")
                return v
            } catch {
                try? c.run("ROLLBACK")
                throw error
            }
        }
    }

    /// Closes the connections (on a pool thread) and stops the threads.
    func close() async {
        _ = try? await pool.runIfActive { self.lock.withLock { self.idle = [] } }
        try? await pool.shutdownGracefully()
    }
}
