import NIOHTTP1
import ServiceLifecycle

/// Writes the data directory's ready file — what `cluster up` waits for — once the API serves and
/// every local node has registered its Node, so `kubectl get nodes` right after `cluster up` lists
/// them all (as it would after k3s reports ready). A node that has not registered after
/// `nodeTimeout` seconds does not hold the cluster back: the file is written anyway, with a log line.
struct ReadinessAnnouncer: Service {
    let api: KubeletAPI
    let nodeNames: [String]
    let write: @Sendable () throws -> Void
    let log: @Sendable (String) -> Void
    var nodeTimeout: Double = 20

    func run() async throws {
        let deadline = ClusterProcess.monotonicSeconds() + nodeTimeout
        var waiting = nodeNames
        while !waiting.isEmpty, ClusterProcess.monotonicSeconds() < deadline, !Task.isCancelled {
            var still: [String] = []
            for name in waiting where !(await api.call(.GET, "/api/v1/nodes/" + name).ok) { still.append(name) }
            waiting = still
            if !waiting.isEmpty { try? await Task.sleep(for: .milliseconds(20)) }
        }
        if !waiting.isEmpty { log("nodes not registered yet: \(waiting.joined(separator: ", ")); announcing readiness anyway") }
        try write()
        // A service that returns would stop the group: stay until the cluster shuts down.
        try? await gracefulShutdown()
    }
}
