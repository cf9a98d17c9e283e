public import ClusterStore
import ServiceLifecycle
import UnixSignals
#if canImport(Glibc)
    import Glibc
#endif

/// The assembled local cluster: data directory, store, API server and its controllers, run as one
/// swift-service-lifecycle `ServiceGroup` that shuts down gracefully on SIGINT/SIGTERM.
public enum LocalCluster {
    /// Opens the configured store: SQLite in the data directory, or an etcd cluster.
    public static func openStore(_ settings: ClusterSettings, directory: ClusterDataDirectory) async throws -> any KeyValueStore {
        switch settings.store {
        case "sqlite":
            let store = try await SQLiteStore.open(path: directory.database)
            // Events carry a one-hour lease; the sweeper deletes what expired.
            store.startLeaseSweeper()
            return store
        case "etcd":
            guard !settings.etcdEndpoints.isEmpty else {
                throw ClusterError("--store etcd needs --etcd-endpoints http://HOST:PORT[,…]")
            }
            // More request threads than cores: each waits on a network round trip to etcd.
            return try EtcdStore(endpoints: settings.etcdEndpoints, options: .init(requestThreads: 16))
        case "memory":
            return MemoryStore()
        default:
            throw ClusterError("unknown store \"\(settings.store)\": use sqlite (default) or etcd")
        }
    }

    /// Runs the control plane in this process until signalled. `settings` nil = those saved by a
    /// previous start. Announces readiness by writing the data directory's ready file.
    public static func run(directory: ClusterDataDirectory, settings given: ClusterSettings?,
                           log: @escaping @Sendable (String) -> Void) async throws
    {
        try directory.create()
        let settings: ClusterSettings
        if let given {
            settings = given
            try FileIO.write(directory.settingsFile, given.json)
        } else if FileIO.exists(directory.settingsFile) {
            settings = try ClusterSettings(json: FileIO.read(directory.settingsFile))
        } else {
            settings = ClusterSettings(listen: "127.0.0.1:6443", store: "sqlite", etcdEndpoints: [],
                                       nodes: ClusterSettings.defaultNodes(simulatedNodes: 0).count)
        }
        let (host, port) = try settings.hostPort()
        guard (0...maxNodes).contains(settings.nodes) else { throw ClusterError("--nodes must be between 0 and \(maxNodes)") }
        if settings.nodes > 0, let problem = RuncRuntime.problem() ?? ClusterNetwork.problem() {
            throw ClusterError("cannot run a node: \(problem)")
        }
        let (pki, token) = try directory.loadOrCreateCredentials()
        let store = try await openStore(settings, directory: directory)
        var config = APIServerConfiguration(
            host: host, port: port,
            tls: .init(certificateChainPEM: pki.serverCertificate, privateKeyPEM: pki.serverKey, clientCAPEM: pki.caCertificate),
            tokens: [token: "helmctl-admin"], store: store, log: log)
        config.volumesDirectory = directory.path + "/volumes"  // n-volumes: local-path provisioner
        let server: APIServer
        do {
            server = try await APIServer.bind(config)
        } catch {
            await store.close()
            throw ClusterError("cannot serve on \(settings.listen): \(error)")
        }
        let advertised = host == "0.0.0.0" ? "127.0.0.1" : (host.contains(":") ? "[\(host)]" : host)
        let url = "https://\(advertised):\(server.port)"
        try FileIO.write(directory.kubeconfig, ClusterDataDirectory.kubeconfig(server: url, pki: pki), mode: 0o600)
        try FileIO.write(directory.pidFile, "\(getpid())\n")
        log("helmctl cluster serving on \(url) (store: \(settings.store))")
        defer {
            FileIO.remove(directory.readyFile)
            FileIO.remove(directory.pidFile)
        }
        var services: [any Service] = [server]
        var network: ClusterNetwork?
        if settings.nodes > 0 {
            // What an earlier run killed with SIGKILL left (containers of every node, the pod network), then the cluster route.
            // (kstate) The nodes that run again keep theirs: their kubelets re-adopt running containers.
            for line in await removeNodeLeftovers(directory: directory, keepingNodes: settings.nodes) { log("removed leftover " + line) }
            let keptBridges = Set((1...settings.nodes).compactMap { try? clusterNetwork(directory).node($0).bridge })
            let net = clusterNetwork(directory)
            do {
                try await net.prepare(keepingBridges: keptBridges)
                network = net
                for index in 1...settings.nodes {
                    // After the server in the group, so it stops first and can still reach the API while stopping containers.
                    // One image store for every node (the one `helmctl image load` fills).
                    let runtime = RuncRuntime(root: runtimeRoot(directory, node: index), images: directory.imageStore)
                    let node = try net.node(index)
                    // Ours were removed above: a bridge of that name now belongs to another cluster on this host.
                    if FileIO.exists("/sys/class/net/" + node.bridge), !(await node.isRecorded()) {
                        throw ClusterError("bridge \(node.bridge) already exists: another helmctl cluster with nodes runs on this host")
                    }
                    services.append(Kubelet(server: server, runtime: runtime, configuration: .init(nodeName: nodeName(index)), network: node))
                    log("kubelet: node \(nodeName(index)) runs pods with \(runtime.runc) (state in \(runtime.root)), "
                        + "pod CIDR \(node.podCIDR) on bridge \(node.bridge)")
                }
            } catch {
                await net.tearDown()
                await store.close()
                throw ClusterError("cannot set up the pod network: \(error)")
            }
        }
        if settings.simulatedNodes > 0 {
            services.append(SimulatedNodes(server: server, count: settings.simulatedNodes))
            log("simulated nodes: \(SimulatedNodes.nodeName(1))…\(SimulatedNodes.nodeName(settings.simulatedNodes)) (no containers)")
        }
        // The Service network (ClusterIPs on a dummy interface, Service proxy, cluster DNS, Ingress controller).
        var serviceNetwork = ServiceNetworkConfiguration()
        try serviceNetwork.setIngressListen(settings.ingressListen)
        services.append(ServiceNetwork(server: server, configuration: serviceNetwork, log: log))
        // The ready file `cluster up` waits for: written once the local nodes registered (ReadinessAnnouncer.swift).
        let readyFile = directory.readyFile
        let announce = "\(getpid()) \(url)\n"
        services.append(ReadinessAnnouncer(api: KubeletAPI(handler: server.handler, user: "helmctl-admin"),
                                           nodeNames: settings.nodes > 0 ? (1...settings.nodes).map(nodeName) : [],
                                           write: { try FileIO.write(readyFile, announce) }, log: log))
        let group = ServiceGroup(services: services, gracefulShutdownSignals: [.sigint, .sigterm])
        do {
            try await group.run()
        } catch {
            log("cluster stopped: \(error)")
        }
        // Each kubelet removed its pods' sandboxes and its bridge; this removes the rest (the cluster route).
        await network?.tearDown()
        await store.close()
        log("helmctl cluster stopped")
    }
}
