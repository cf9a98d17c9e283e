import ClusterStore
import NIOConcurrencyHelpers
public import ServiceLifecycle
import StructuredData

/// How a ``Kubelet`` runs.
public struct KubeletConfiguration: Sendable {
    public var nodeName: String
    /// Pause between periodic re-syncs of every pod (container exits, probes, back-offs and
    /// referenced ConfigMaps/Secrets are noticed then; pod changes sync their pod at once).
    public var syncInterval: Duration
    /// Seconds between Node status and Lease heartbeats.
    public var heartbeatSeconds: Int64
    /// First and largest restart back-off, in seconds.
    public var initialBackoff: Int64
    public var maxBackoff: Int64

    public init(nodeName: String = "helmctl-node-1", syncInterval: Duration = .seconds(1), heartbeatSeconds: Int64 = 10,
                initialBackoff: Int64 = 10, maxBackoff: Int64 = 300)
    {
        self.nodeName = nodeName
        self.syncInterval = syncInterval
        self.heartbeatSeconds = heartbeatSeconds
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
    }
}

/// A minimal kubelet for one node, in the API server's process: registers the Node, keeps its
/// status and Lease fresh, and runs the containers of the pods bound to it through a
/// ``ContainerRuntime``. With a ``NodeNetwork`` each pod gets a sandbox (network namespace on the
/// node's bridge, an address from the node's pod CIDR) its containers share; without one, each
/// container sees only its own loopback.
/// It does not schedule; pods reach it through `pods/binding` (the scheduler, or a client).
public final class Kubelet: Service, Sendable {
    let api: KubeletAPI
    let runtime: any ContainerRuntime
    let configuration: KubeletConfiguration
    let clock: any APIClock
    let agents: NodeAgents
    /// The node's pod network (podnet); nil = no pod networking.
    let network: NodeNetwork?
    /// Pod records by UID; only the sync loop changes them, log requests read them.
    let records = NIOLockedValueBox<[String: PodRecord]>([:])
    /// Probe outcomes waiting for the next sync pass (Kubelet+Probes.swift).
    let probeResults = ProbeResults()
    /// (ksec) postStart/preStop hook runs (Kubelet+Termination.swift).
    let hooks = LifecycleHooks()
    /// Periodic re-sync rounds started, for tests.
    let passes = NIOLockedValueBox<Int>(0)
    /// (kstate) Set by ``leaveContainersRunning()``: stopping leaves containers, sandboxes and volumes.
    let keepsContainers = NIOLockedValueBox<Bool>(false)
    /// The node's pods as the watch delivered them (Kubelet+PodWatch.swift).
    let podCache: NodePodCache
    /// One sync at a time per pod, a pod's change syncs that pod alone (PodWorkers.swift).
    let workers = PodWorkers(limit: 16)

    init(handler: APIHandler, runtime: any ContainerRuntime, configuration: KubeletConfiguration = .init(),
         clock: any APIClock = SystemAPIClock(), network: NodeNetwork? = nil)
    {
        self.network = network
        self.api = KubeletAPI(handler: handler, user: "system:node:" + configuration.nodeName)
        self.runtime = runtime
        self.configuration = configuration
        self.clock = clock
        self.agents = handler.config.nodeAgents
        self.podCache = NodePodCache(nodeName: configuration.nodeName)
    }

    /// Serves `server`'s API as this node.
    public convenience init(server: APIServer, runtime: any ContainerRuntime, configuration: KubeletConfiguration = .init(),
                            network: NodeNetwork? = nil)
    {
        self.init(handler: server.handler, runtime: runtime, configuration: configuration, network: network)
    }

    var nodeName: String { configuration.nodeName }

    /// Registers the node, then syncs pods until cancelled or shut down gracefully; stops every
    /// container it started before returning.
    public func run() async throws {
        agents.register(nodeName, self)
        defer { agents.unregister(nodeName) }
        // (kstate) Containers left from an earlier run of this node whose pods still exist are taken
        // over (Kubelet+Adopt.swift); the rest are removed, with their sandboxes and volumes.
        let adopted = await adoptContainers()
        // (podnet) The bridge, after removing sandboxes an earlier run of this node left.
        try await network?.setUp(keeping: adopted)
        await removeStaleVolumes(keeping: adopted)  // n-volumes
        try await registerNode()
        workers.setSync { uid in await self.syncPod(uid) }
        // Nothing syncs before the first listing: an adopted pod missing from the cache would count as deleted.
        let listed = await listPods() ?? 0
        // Pod changes (bindings, updates, deletions) sync the pod concerned as they arrive; every
        // `syncInterval` each pod syncs anyway (container exits, probes, back-offs and referenced
        // ConfigMaps/Secrets are not pod changes).
        let follower = Task { await self.followPods(from: listed) }
        let interval = configuration.syncInterval
        await cancelWhenGracefulShutdown {
            var lastBeat = self.clock.now()
            while !Task.isCancelled {
                self.resyncAll()
                self.passes.withLockedValue { $0 += 1 }
                if self.clock.now() - lastBeat >= self.configuration.heartbeatSeconds {
                    lastBeat = self.clock.now()
                    await self.heartbeat()
                }
                try? await Task.sleep(for: interval)
            }
        }
        follower.cancel()
        await follower.value
        await workers.close()
        // In a task of its own: a kubelet stopped by cancelling its task must still remove its
        // containers, mounts and sandboxes (the blocking pool refuses work of cancelled tasks).
        if !keepsContainers.withLockedValue({ $0 }) { await Task { await self.stopAll() }.value }
    }

    /// Kills and removes every container of every pod (shutdown).
    func stopAll() async {
        let all = records.withLockedValue { r -> [PodRecord] in
            defer { r.removeAll() }
            return Array(r.values)
        }
        for record in all {
            for c in record.containers { if let id = c.id { try? await runtime.delete(id) } }
            await removeLogs(record)  // (kstate)
            await teardownVolumes(record.uid)  // n-volumes
        }
        // (podnet) Every sandbox, the bridge and its rules.
        await network?.tearDown()
    }
}

extension Kubelet: NodeAgent {
    func containerLog(namespace: String, pod: String, uid: String, container: String) -> ContainerLog? {
        records.withLockedValue { r -> ContainerLog? in
            guard let rec = r[uid], let c = rec.container(container), let id = c.id, !PodStatusBuilder.isImageError(c.state) else { return nil }
            return ContainerLog(path: runtime.logPath(id), running: c.state.isRunning)
        }
    }

    func isRunning(namespace: String, pod: String, uid: String, container: String) -> Bool {
        records.withLockedValue { $0[uid]?.container(container)?.state.isRunning ?? false }
    }
}
