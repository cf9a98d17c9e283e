import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A read sent on a background thread while the command still works on its own (loading and
/// rendering a chart), so its connection's TLS handshake and the server's answer overlap that work.
final class AheadRead: @unchecked Sendable {
    let exchange: CurlTransport.Exchange
    /// Set by the thread before it ends; read only after joining it.
    var outcome: CurlTransport.Outcome?
    var thread: pthread_t?
    /// Set when the transport goes away before the answer is needed.
    let cancelled = Atomic<Bool>(false)
    fileprivate let pool: ConnectionPool
    fileprivate let config: KubeConfig

    init(exchange: CurlTransport.Exchange, pool: ConnectionPool, config: KubeConfig) {
        self.exchange = exchange
        self.pool = pool
        self.config = config
    }
}

extension CurlTransport {
    /// Starts `exchange` (a GET) on a background thread. Every other use of the transport waits for
    /// it first (``settle()``), so the pool is never used by two threads at once; the next
    /// ``performAll(_:)`` holding an identical exchange takes its outcome.
    func sendAhead(_ exchange: Exchange) {
        settle()
        let job = AheadRead(exchange: exchange, pool: pool, config: config)
        let ctx = Unmanaged.passRetained(job).toOpaque()
        var tid = pthread_t()
        let rc = pthread_create(&tid, nil, { raw in
            guard let raw else { return nil }
            let job = Unmanaged<AheadRead>.fromOpaque(raw).takeRetainedValue()
            job.outcome = job.pool.send([job.exchange], config: job.config, cancelled: job)[0]
            return nil
        }, ctx)
        guard rc == 0 else {
            Unmanaged<AheadRead>.fromOpaque(ctx).release()
            return
        }
        job.thread = tid
        ahead = job
    }

    /// Waits for the read sent ahead, if it is still running.
    func settle() {
        guard let job = ahead, let tid = job.thread else { return }
        pthread_join(tid, nil)
        job.thread = nil
    }
}
