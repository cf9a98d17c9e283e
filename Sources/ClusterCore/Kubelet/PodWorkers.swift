import NIOConcurrencyHelpers

/// Per-pod sync workers, after Kubernetes' pod workers: a change of one pod syncs that pod alone,
/// at most one sync of a pod runs at a time, and a change that arrives while its sync runs gets
/// exactly one more sync afterwards. At most `limit` syncs run at once; pods waiting for a slot are
/// taken changed-first (a new pod does not queue behind the periodic re-syncs of running ones).
///
/// The kubelet's own status writes come back through the watch like anyone's: a change whose
/// revision the pod's sync wrote itself (``wrote(_:revision:)``) asks for nothing.
final class PodWorkers: Sendable {
    private struct Worker {
        var running = false
        /// A sync was asked for while one ran: by a timer or a deletion (always), or by these revisions.
        var again = false
        var revisions: Set<Int64> = []
        /// Revisions of this pod's own status writes (the last few), whose watch events ask for nothing.
        var written: [Int64] = []
    }

    private struct State {
        var workers: [String: Worker] = [:]
        var changed: [String] = []
        var routine: [String] = []
        var queued: Set<String> = []
        var tasks: [String: Task<Void, Never>] = [:]
        var closed = false
    }

    private let state = NIOLockedValueBox(State())
    let limit: Int
    /// One pod's sync; false when the pod is finished with (its worker state can go).
    private let body: NIOLockedValueBox<(@Sendable (String) async -> Bool)?>

    init(limit: Int) {
        self.limit = limit
        body = NIOLockedValueBox(nil)
    }

    /// Sets what a sync does (once, before the first ``request(_:revision:)``).
    func setSync(_ sync: @escaping @Sendable (String) async -> Bool) { body.withLockedValue { $0 = sync } }

    /// Asks for a sync of pod `uid`. `revision`: the pod change that asks (nil: the periodic
    /// re-sync, a deletion, a container's exit — always honoured). `urgent`: ahead of routine syncs.
    func request(_ uid: String, revision: Int64? = nil, urgent: Bool = true) {
        state.withLockedValue { s in
            guard !s.closed else { return }
            var w = s.workers[uid] ?? Worker()
            if let revision, w.written.contains(revision) { return }
            if w.running {
                if let revision { w.revisions.insert(revision) } else { w.again = true }
                s.workers[uid] = w
                return
            }
            s.workers[uid] = w
            if s.queued.contains(uid) {
                // Already waiting; a change moves it to the front line.
                if urgent, let i = s.routine.firstIndex(of: uid) {
                    s.routine.remove(at: i)
                    s.changed.append(uid)
                }
                return
            }
            s.queued.insert(uid)
            if urgent { s.changed.append(uid) } else { s.routine.append(uid) }
            dequeue(&s)
        }
    }

    /// Records that pod `uid`'s sync wrote its status at `revision` (its watch event is ours).
    func wrote(_ uid: String, revision: Int64) {
        state.withLockedValue { s in
            guard var w = s.workers[uid] else { return }
            w.written.append(revision)
            if w.written.count > 4 { w.written.removeFirst(w.written.count - 4) }
            s.workers[uid] = w
        }
    }

    /// Starts syncs from the queues while slots are free (under the lock: a task only takes the
    /// lock once it runs, so making it here is safe).
    private func dequeue(_ s: inout State) {
        while s.tasks.count < limit, !s.closed {
            let uid: String
            if !s.changed.isEmpty { uid = s.changed.removeFirst() } else if !s.routine.isEmpty { uid = s.routine.removeFirst() } else { return }
            s.queued.remove(uid)
            s.workers[uid, default: Worker()].running = true
            s.tasks[uid] = Task {
                let sync = self.body.withLockedValue { $0 }
                let keep = await sync?(uid) ?? false
                self.finished(uid, keep: keep)
            }
        }
    }

    private func finished(_ uid: String, keep: Bool) {
        state.withLockedValue { s in
            s.tasks.removeValue(forKey: uid)
            if var w = s.workers[uid] {
                w.running = false
                w.revisions.subtract(w.written)
                let again = w.again || !w.revisions.isEmpty
                w.again = false
                w.revisions = []
                if again && !s.closed {
                    s.workers[uid] = w
                    s.queued.insert(uid)
                    s.changed.append(uid)
                } else if keep {
                    s.workers[uid] = w
                } else {
                    s.workers.removeValue(forKey: uid)
                }
            }
            dequeue(&s)
        }
    }

    func isRunning(_ uid: String) -> Bool { state.withLockedValue { $0.workers[uid]?.running ?? false } }

    /// Stops starting syncs and waits for those in flight (shutdown: nothing may start a container
    /// after the kubelet stopped).
    func close() async {
        state.withLockedValue { s in
            s.closed = true
            s.changed.removeAll()
            s.routine.removeAll()
            s.queued.removeAll()
        }
        while let next = state.withLockedValue({ $0.tasks.values.first }) { await next.value }
    }
}
