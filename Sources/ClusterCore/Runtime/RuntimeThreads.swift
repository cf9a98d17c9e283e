import NIOPosix

/// The threads the node side blocks on (runc processes, container files, host facts, log reads):
/// its own pool, so a kubelet never queues behind unrelated blocking work on the process-wide
/// `NIOThreadPool.singleton` (2 threads on these machines).
enum RuntimeThreads {
    static let pool: NIOThreadPool = {
        let p = NIOThreadPool(numberOfThreads: 4)
        p.start()
        return p
    }()
}
