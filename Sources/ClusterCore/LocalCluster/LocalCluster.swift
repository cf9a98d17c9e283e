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
            settings = ClusterSettings(listen: "127.0.0.1:6443", store: "sqlite", etcdEndpoints: [])
        }
        let (host, port) = try settings.hostPort()
        guard (0...1).contains(settings.nodes) else { throw ClusterError("--nodes must be 0 or 1 (one node runs in the cluster process)") }
        if settings.nodes > 0, let problem = RuncRuntime.problem() {
            throw ClusterError("cannot run a node: \(problem)")
        }
        let (pki, token) = try directory.loadOrCreateCredentials()
        let store = try await openStore(settings, directory: directory)
        let config = APIServerConfiguration(
            host: host, port: port,
            tls: .init(certificateChainPEM: pki.serverCertificate, privateKeyPEM: pki.serverKey, clientCAPEM: pki.caCertificate),
            tokens: [token: "helmctl-admin"], store: store, log: log)
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
        try FileIO.write(directory.readyFile, "\(getpid()) \(url)\n")
        log("helmctl cluster serving on \(url) (store: \(settings.store))")
        defer {
            FileIO.remove(directory.readyFile)
            FileIO.remove(directory.pidFile)
        }
        var services: [any Service] = [server]
        if settings.nodes > 0 {
            // After the server in the group, so it stops first and can still reach the API while stopping containers.
            let runtime = RuncRuntime(root: directory.path + "/runtime")
            services.append(Kubelet(server: server, runtime: runtime))
            log("kubelet: node helmctl-node-1 runs pods with \(runtime.runc) (state in \(runtime.root))")
        }
        if settings.simulatedNodes > 0 {
            services.append(SimulatedNodes(server: server, count: settings.simulatedNodes))
            log("simulated nodes: \(SimulatedNodes.nodeName(1))…\(SimulatedNodes.nodeName(settings.simulatedNodes)) (no containers)")
        }
        let group = ServiceGroup(services: services, gracefulShutdownSignals: [.sigint, .sigterm])
        do {
            try await group.run()
        } catch {
            log("cluster stopped: \(error)")
        }
        await store.close()
        log("helmctl cluster stopped")
    }
}
