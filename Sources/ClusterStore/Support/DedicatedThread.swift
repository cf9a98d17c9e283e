import Glibc
import NIOConcurrencyHelpers

/// Starts `body` on a new detached OS thread: blocking C calls (SQLite, libcurl) run there, never on
/// Swift's cooperative pool, which has only as many threads as cores.
func spawnDedicatedThread(_ body: @escaping @Sendable () -> Void) -> Bool {
    final class Box { let body: @Sendable () -> Void; init(_ b: @escaping @Sendable () -> Void) { body = b } }
    let ctx = Unmanaged.passRetained(Box(body)).toOpaque()
    var tid = pthread_t()
    let rc = pthread_create(&tid, nil, { raw in
        guard let raw else { return nil }
        let box = Unmanaged<Box>.fromOpaque(raw).takeRetainedValue()
        box.body()
        return nil
    }, ctx)
    if rc != 0 {
        Unmanaged<Box>.fromOpaque(ctx).release()
        return false
    }
    pthread_detach(tid)
    return true
}

/// A dedicated thread that runs queued jobs in batches: each wake-up takes every job queued so far,
/// so a writer can commit many concurrent requests in one transaction.
final class BatchingThread<Job>: @unchecked Sendable {
    private let lock = NIOLock()
    private var queue: [Job] = []
    private var stopping = false
    private var exited: CheckedContinuation<Void, Never>?
    private var hasExited = false
    private let wake: UnsafeMutablePointer<sem_t>

    /// Starts the thread; `handle` runs each batch on it, `onExit` runs there once after `stop()`.
    init?(handle: @escaping @Sendable ([Job]) -> Void, onExit: @escaping @Sendable () -> Void) {
        wake = UnsafeMutablePointer<sem_t>.allocate(capacity: 1)
        sem_init(wake, 0, 0)
        let started = spawnDedicatedThread { [self] in
            self.run(handle: handle, onExit: onExit)
        }
        if !started { return nil }
    }

    deinit {
        sem_destroy(wake)
        wake.deallocate()
    }

    /// Queues `job`; false once the thread is stopping.
    func submit(_ job: Job) -> Bool {
        let ok = lock.withLock { () -> Bool in
            if stopping { return false }
            queue.append(job)
            return true
        }
        if ok { sem_post(wake) }
        return ok
    }

    /// Runs the jobs already queued, then `onExit`, then ends the thread.
    func stop() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let done = lock.withLock { () -> Bool in
                stopping = true
                if hasExited { return true }
                exited = c
                return false
            }
            if done { c.resume() } else { sem_post(wake) }
        }
    }

    private func run(handle: @Sendable ([Job]) -> Void, onExit: @Sendable () -> Void) {
        while true {
            sem_wait(wake)
            let (batch, stop) = lock.withLock { () -> ([Job], Bool) in
                let b = queue
                queue = []
                return (b, stopping)
            }
            if !batch.isEmpty { handle(batch) }
            if stop && batch.isEmpty { break }
            if stop { sem_post(wake) }
        }
        onExit()
        let c = lock.withLock { () -> CheckedContinuation<Void, Never>? in
            hasExited = true
            let c = exited
            exited = nil
            return c
        }
        c?.resume()
    }
}
