import NIOConcurrencyHelpers

extension NIOLock {
    /// `withLock` that keeps a typed error (NIO's version rethrows `any Error`).
    @inline(__always)
    func withLockTyped<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}
