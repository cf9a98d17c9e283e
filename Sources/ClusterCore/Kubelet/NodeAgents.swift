import NIOConcurrencyHelpers

/// Where a container's log lies and whether it may still grow.
struct ContainerLog: Sendable {
    var path: String
    var running: Bool
}

/// What the API server asks of a node's kubelet: container logs, exec and attach.
protocol NodeAgent: Sendable {
    /// The log of `container` in the pod with `uid`; nil when that container has not started.
    func containerLog(namespace: String, pod: String, uid: String, container: String) -> ContainerLog?
    /// (kstate) The log of the container's previous (terminated) attempt; nil when there is none.
    func previousContainerLog(namespace: String, pod: String, uid: String, container: String) -> ContainerLog?
    /// Whether the container still runs (a followed log ends when it stops).
    func isRunning(namespace: String, pod: String, uid: String, container: String) -> Bool
    /// Starts a process in the running `container` (`pods/exec`).
    func exec(namespace: String, pod: String, uid: String, container: String, config: ExecConfig) async throws -> any ExecProcess
    /// The running `container`'s main process output from now on (`pods/attach`).
    func attach(namespace: String, pod: String, uid: String, container: String) async throws -> any ExecProcess
}

extension NodeAgent {
    func previousContainerLog(namespace: String, pod: String, uid: String, container: String) -> ContainerLog? { nil }
}

/// The kubelets serving nodes in this process, by node name: `pods/log` goes to the pod's node.
public final class NodeAgents: Sendable {
    private let agents = NIOLockedValueBox<[String: any NodeAgent]>([:])

    public init() {}

    func register(_ node: String, _ agent: any NodeAgent) { agents.withLockedValue { $0[node] = agent } }
    func unregister(_ node: String) { agents.withLockedValue { _ = $0.removeValue(forKey: node) } }
    func agent(_ node: String) -> (any NodeAgent)? { agents.withLockedValue { $0[node] } }
}
