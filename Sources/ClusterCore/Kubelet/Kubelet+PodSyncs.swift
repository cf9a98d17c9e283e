import NIOConcurrencyHelpers

/// (kstate) Pod syncs in flight. A pass starts a sync for each pod that has none running and does
/// not wait for them: a pod whose start is slow (a sandbox, an image, runc) holds up neither the
/// next pass nor the pods created meanwhile. A pass that had to skip a pod (its sync was still
/// running, or too many were) gets another once a sync finishes.
final class PodSyncs: Sendable {
    private struct State {
        var running: [String: Task<Void, Never>] = [:]
        /// Pods a pass skipped because their sync was running: another pass follows that sync.
        var skipped: Set<String> = []
        var skippedForLimit = false
    }

    private let state = NIOLockedValueBox(State())
    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// Runs `body` for `uid` unless a sync of it is still running or `limit` syncs are (false then);
    /// `again` is called after a sync when some pod was skipped meanwhile.
    func start(_ uid: String, again: @escaping @Sendable () -> Void, _ body: @escaping @Sendable () async -> Void) -> Bool {
        state.withLockedValue { s in
            guard s.running[uid] == nil else {
                s.skipped.insert(uid)
                return false
            }
            guard s.running.count < limit else {
                s.skippedForLimit = true
                return false
            }
            s.running[uid] = Task {
                await body()
                let skipped = self.state.withLockedValue { s -> Bool in
                    s.running.removeValue(forKey: uid)
                    defer { s.skippedForLimit = false }
                    return s.skipped.remove(uid) != nil || s.skippedForLimit
                }
                if skipped { again() }
            }
            return true
        }
    }

    func isRunning(_ uid: String) -> Bool { state.withLockedValue { $0.running[uid] != nil } }

    /// Waits for every sync in flight (shutdown: nothing may start a container after the kubelet stopped).
    func waitAll() async {
        while let next = state.withLockedValue({ $0.running.values.first }) { await next.value }
    }
}
