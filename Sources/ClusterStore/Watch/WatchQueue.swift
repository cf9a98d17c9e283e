import NIOConcurrencyHelpers

/// One watcher's bounded event queue, consumed through a ``StoreWatch``.
///
/// Events the watcher asked for up front (history from its start revision) are a backlog that does not
/// count against the bound; only live events that pile up beyond `limit` cut the watcher off with
/// ``StoreError/watcherTooSlow`` (the queued events are dropped: the consumer must re-list anyway).
final class WatchQueue: @unchecked Sendable {
    private enum Terminal { case finished, failed(StoreError), delivered }

    private let lock = NIOLock()
    private var events: [StoreEvent] = []
    private var head = 0
    private var backlog = 0
    private var waiter: CheckedContinuation<StoreEvent?, any Error>?
    private var terminal: Terminal?
    private var onCancel: (@Sendable () -> Void)?
    let limit: Int

    init(limit: Int) { self.limit = max(1, limit) }

    /// Called once when the consumer cancels (not when the producer ends the queue).
    func setCancelHandler(_ handler: @escaping @Sendable () -> Void) {
        lock.withLock { onCancel = handler }
    }

    /// Whether the queue has ended (cut off, failed, finished or cancelled).
    var isTerminated: Bool { lock.withLock { terminal != nil } }

    /// Adds requested history; never cuts the watcher off.
    func pushBacklog(_ batch: [StoreEvent]) {
        guard !batch.isEmpty else { return }
        lock.withLock {
            guard terminal == nil else { return }
            backlog += batch.count
            events.append(contentsOf: batch)
            deliverLocked()
        }
    }

    /// Adds a live event. Returns false when the watcher is gone (now or before) and should be dropped.
    @discardableResult
    func push(_ event: StoreEvent) -> Bool {
        lock.withLock {
            guard terminal == nil else { return false }
            if events.count - head - backlog >= limit {
                events = []
                head = 0
                backlog = 0
                terminal = .failed(.watcherTooSlow)
                deliverLocked()
                return false
            }
            events.append(event)
            deliverLocked()
            return true
        }
    }

    /// Ends the stream with `error` after the events already queued.
    func fail(_ error: StoreError) {
        lock.withLock {
            guard terminal == nil else { return }
            terminal = .failed(error)
            deliverLocked()
        }
    }

    /// Ends the stream normally after the events already queued.
    func finish() {
        lock.withLock {
            guard terminal == nil else { return }
            terminal = .finished
            deliverLocked()
        }
    }

    /// The consumer went away: end the stream and tell the producer.
    func cancel() {
        let handler: (@Sendable () -> Void)? = lock.withLock {
            let wasLive = terminal == nil
            terminal = .delivered
            events = []
            head = 0
            if let w = waiter {
                waiter = nil
                w.resume(returning: nil)
            }
            let h = onCancel
            onCancel = nil
            return wasLive ? h : nil
        }
        handler?()
    }

    /// Hands the next event (or the end) to a waiting consumer. Called with the lock held; resuming a
    /// continuation only schedules the consumer, so it is safe under the lock.
    private func deliverLocked() {
        guard let w = waiter else { return }
        if let e = popLocked() {
            waiter = nil
            w.resume(returning: e)
        } else if let t = terminal {
            waiter = nil
            resumeTerminal(w, t)
        }
    }

    private func popLocked() -> StoreEvent? {
        guard head < events.count else { return nil }
        let e = events[head]
        head += 1
        if backlog > 0 { backlog -= 1 }
        if head >= 1024 && head * 2 >= events.count {
            events.removeFirst(head)
            head = 0
        }
        return e
    }

    private func resumeTerminal(_ w: CheckedContinuation<StoreEvent?, any Error>, _ t: Terminal) {
        terminal = .delivered
        if case .failed(let error) = t {
            w.resume(throwing: error)
        } else {
            w.resume(returning: nil)
        }
    }

    /// The next event, nil at the end; throws the error the watch was cut off with.
    func next() async throws -> StoreEvent? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<StoreEvent?, any Error>) in
                lock.withLock {
                    if let e = popLocked() {
                        c.resume(returning: e)
                    } else if let t = terminal {
                        resumeTerminal(c, t)
                    } else {
                        waiter = c
                    }
                }
            }
        } onCancel: {
            self.cancel()
        }
    }

    /// The stream the store hands out. A consumer that just drops the stream (a `break` out of its
    /// loop) releases the closure, and with it the token that cancels the watch.
    func makeStream() -> StoreWatch {
        let token = WatchReleaseToken(self)
        return StoreWatch(unfolding: { try await token.queue.next() })
    }
}

/// Cancels its queue when the stream that owns it goes away.
final class WatchReleaseToken: Sendable {
    let queue: WatchQueue
    init(_ queue: WatchQueue) { self.queue = queue }
    deinit { queue.cancel() }
}
