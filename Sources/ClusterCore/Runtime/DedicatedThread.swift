import NIOConcurrencyHelpers
#if canImport(Glibc)
    import Glibc
#endif

/// A plain OS thread for one long blocking job (an exec session's reads, a probe inside a network
/// namespace): such jobs must not occupy Swift's cooperative pool, nor hold a ``RuntimeThreads``
/// worker for as long as a client keeps a session open, and `setns` must not touch a shared thread.
enum DedicatedThread {
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// Starts `body` on a new detached thread; false when the system refused a thread.
    @discardableResult
    static func start(_ body: @escaping @Sendable () -> Void) -> Bool {
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { arg in
            guard let arg else { return nil }
            Unmanaged<Body>.fromOpaque(arg).takeRetainedValue().run()
            return nil
        }, box)
        guard rc == 0 else {
            Unmanaged<Body>.fromOpaque(box).release()
            return false
        }
        pthread_detach(thread)
        return true
    }

    /// Runs `body` on a new thread and awaits its result without blocking the caller's thread.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<T, any Error>) in
            let started = start {
                do { c.resume(returning: try body()) } catch { c.resume(throwing: error) }
            }
            if !started { c.resume(throwing: RuntimeError("cannot start a thread: \(String(cString: strerror(errno)))")) }
        }
    }
}

/// Bytes handed from async code to a thread that writes them (a process' stdin): `push` never
/// blocks; `pop` blocks until there is something or the queue was closed (then nil, once drained).
final class BlockingByteQueue: @unchecked Sendable {
    // Guarded by `condition`: 1 when there are chunks or the queue is closed, 0 when a pop must wait.
    private let condition = ConditionLock(value: 0)
    private var chunks: [[UInt8]] = []
    private var closed = false

    func push(_ bytes: [UInt8]) {
        condition.lock()
        if !closed && !bytes.isEmpty { chunks.append(bytes) }
        condition.unlock(withValue: chunks.isEmpty && !closed ? 0 : 1)
    }

    func close() {
        condition.lock()
        closed = true
        condition.unlock(withValue: 1)
    }

    /// Drops anything not yet written and closes (the reader went away).
    func discard() {
        condition.lock()
        chunks.removeAll()
        closed = true
        condition.unlock(withValue: 1)
    }

    func pop() -> [UInt8]? {
        condition.lock(whenValue: 1)
        let next = chunks.isEmpty ? nil : chunks.removeFirst()
        condition.unlock(withValue: chunks.isEmpty && !closed ? 0 : 1)
        return next
    }
}
