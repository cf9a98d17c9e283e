import NIOCore
import NIOPosix

/// The userspace Service proxy (like kube-proxy's first mode): one listening socket per Service
/// port on its ClusterIP and, for NodePort Services, on loopback at the node port; connections and
/// datagrams go to a ready endpoint (round robin, ClientIP affinity). ``reconcile(_:)`` opens what is
/// new, retargets what stays and closes what went; a bind that failed is retried next time.
actor ServiceProxy {
    private struct Listener {
        var channel: any Channel
        var pool: BackendPool
    }

    private var listeners: [ProxyListenerKey: Listener] = [:]
    private let group: any EventLoopGroup
    private let clock: any APIClock

    init(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, clock: any APIClock = SystemAPIClock()) {
        self.group = group
        self.clock = clock
    }

    /// The sockets currently listening.
    var keys: Set<ProxyListenerKey> { Set(listeners.keys) }

    /// Makes the listeners match `wanted`; returns one message per failed bind.
    func reconcile(_ wanted: [ProxyListenerKey: ProxyTarget]) async -> [String] {
        for (key, listener) in listeners where wanted[key] == nil {
            listeners[key] = nil
            try? await listener.channel.close()
        }
        var failures: [String] = []
        for (key, target) in wanted.sorted(by: { $0.key.description < $1.key.description }) {
            if let existing = listeners[key] {
                if existing.pool.target != target { existing.pool.update(target) }
                continue
            }
            let pool = BackendPool(target, clock: clock)
            do {
                let channel = key.proto == "UDP"
                    ? try await ProxyForwarding.bindUDP(key, pool: pool, group: group)
                    : try await ProxyForwarding.bindTCP(key, pool: pool, group: group)
                listeners[key] = Listener(channel: channel, pool: pool)
            } catch {
                failures.append("proxy for \(target.service) cannot listen on \(key): \(error)")
            }
        }
        return failures
    }

    /// Closes every listener.
    func stop() async {
        let all = listeners.values
        listeners = [:]
        for l in all { try? await l.channel.close() }
    }
}
