import NIOConcurrencyHelpers

/// The endpoints one proxy listener forwards to, in round-robin order, with ClientIP session
/// affinity: a client that reached a backend keeps it while the backend stays ready and the client
/// came back within the timeout. Shared by the listener's connections; updated on reconcile.
final class BackendPool: Sendable {
    private struct State {
        var target: ProxyTarget
        var next = 0
        /// Client IP → backend and when the client last used it (clock seconds).
        var affinity: [String: (backend: ServiceBackend, seen: Int64)] = [:]
    }

    private let state: NIOLockedValueBox<State>
    private let clock: any APIClock

    init(_ target: ProxyTarget, clock: any APIClock) {
        state = NIOLockedValueBox(State(target: target))
        self.clock = clock
    }

    var target: ProxyTarget { state.withLockedValue { $0.target } }

    func update(_ target: ProxyTarget) {
        state.withLockedValue { s in
            s.target = target
            if target.affinitySeconds == nil { s.affinity = [:] }
        }
    }

    /// Backends to try for a new connection or datagram session, best first: the client's affine
    /// backend when it is still valid, then every backend starting at the round-robin cursor.
    func candidates(client: String?) -> [ServiceBackend] {
        let now = clock.now()
        return state.withLockedValue { s -> [ServiceBackend] in
            let all = s.target.backends
            guard !all.isEmpty else { return [] }
            let start = s.next % all.count
            s.next = (start + 1) % all.count
            var order = Array(all[start...] + all[..<start])
            if let timeout = s.target.affinitySeconds, let client, let entry = s.affinity[client] {
                if now - entry.seen <= timeout, let i = order.firstIndex(of: entry.backend) {
                    order.insert(order.remove(at: i), at: 0)
                } else {
                    s.affinity[client] = nil
                }
            }
            return order
        }
    }

    /// Records that `client` was served by `backend` (for affinity).
    func chose(_ backend: ServiceBackend, for client: String?) {
        let now = clock.now()
        state.withLockedValue { s in
            guard let timeout = s.target.affinitySeconds, let client else { return }
            s.affinity[client] = (backend, now)
            // Bound the table: forget clients whose affinity expired.
            if s.affinity.count > 4096 { s.affinity = s.affinity.filter { now - $0.value.seen <= timeout } }
        }
    }
}
