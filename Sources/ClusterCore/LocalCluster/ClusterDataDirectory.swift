import StructuredData
#if canImport(Glibc)
    import Glibc
#endif

/// The files of one local cluster: PKI, admin token, kubeconfig, SQLite store, settings, pid and
/// log. Default location: `/var/lib/helmctl/cluster` for root, else `$XDG_DATA_HOME/helmctl/cluster`
/// (`~/.local/share/helmctl/cluster`), as Helm places its data.
public struct ClusterDataDirectory: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    public static func defaultPath(environment: [String: String]) -> String {
        if getuid() == 0 { return "/var/lib/helmctl/cluster" }
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty { return xdg + "/helmctl/cluster" }
        return (environment["HOME"] ?? ".") + "/.local/share/helmctl/cluster"
    }

    public var kubeconfig: String { path + "/kubeconfig" }
    public var log: String { path + "/cluster.log" }
    public var pidFile: String { path + "/cluster.pid" }
    /// Written by the running cluster once it serves: `<pid> <host:port>`.
    public var readyFile: String { path + "/cluster.ready" }
    public var settingsFile: String { path + "/settings.json" }
    public var database: String { path + "/store.db" }
    var pkiDirectory: String { path + "/pki" }
    var tokenFile: String { path + "/pki/admin.token" }

    /// The admin kubeconfig a running (or stopped) cluster wrote.
    public func kubeconfigText() throws(ClusterError) -> String { try FileIO.read(kubeconfig) }

    /// Creates the directory tree (mode 0700: it holds keys).
    public func create() throws(ClusterError) {
        for dir in [path, pkiDirectory] {
            try FileIO.makeDirectories(dir, mode: 0o700)
        }
    }

    /// The PKI and admin token, generated at first start and reused afterwards.
    public func loadOrCreateCredentials() throws(ClusterError) -> (pki: ClusterPKI, token: String) {
        let files = ["ca.crt", "ca.key", "apiserver.crt", "apiserver.key", "admin.crt", "admin.key"].map { pkiDirectory + "/" + $0 }
        if files.allSatisfy(FileIO.exists), FileIO.exists(tokenFile) {
            let t = try files.map { f throws(ClusterError) in try FileIO.read(f) }
            let token = try FileIO.read(tokenFile).trimmingSpaces
            return (ClusterPKI(caCertificate: t[0], caKey: t[1], serverCertificate: t[2], serverKey: t[3],
                               adminCertificate: t[4], adminKey: t[5]), token)
        }
        let pki: ClusterPKI
        do {
            pki = try ClusterPKI.generate()
        } catch {
            throw ClusterError("cannot generate the cluster certificates: \(error)")
        }
        let texts = [pki.caCertificate, pki.caKey, pki.serverCertificate, pki.serverKey, pki.adminCertificate, pki.adminKey]
        for (f, t) in zip(files, texts) { try FileIO.write(f, t, mode: 0o600) }
        var g = SystemRandomNumberGenerator()
        let token = (0..<32).map { _ in String(UInt8.random(in: 0...255, using: &g), radix: 16) }.joined()
        try FileIO.write(tokenFile, token + "\n", mode: 0o600)
        return (pki, token)
    }

    /// A kubeconfig for the admin user (client certificate), current context set.
    public static func kubeconfig(server: String, pki: ClusterPKI) -> String {
        func b64(_ s: String) -> String { Base64Codec.encode(Array(s.utf8)) }
        return """
            apiVersion: v1
            kind: Config
            clusters:
            - cluster:
                certificate-authority-data: \(b64(pki.caCertificate))
                server: \(server)
              name: helmctl
            contexts:
            - context:
                cluster: helmctl
                namespace: default
                user: helmctl-admin
              name: helmctl
            current-context: helmctl
            preferences: {}
            users:
            - name: helmctl-admin
              user:
                client-certificate-data: \(b64(pki.adminCertificate))
                client-key-data: \(b64(pki.adminKey))

            """
    }
}

/// What `cluster up` chose, kept so a restart serves the same address from the same store.
public struct ClusterSettings: Sendable, Equatable {
    public var listen: String
    public var store: String
    public var etcdEndpoints: [String]
    /// Nodes whose kubelet runs in the cluster process (0: control plane only).
    public var nodes: Int
    /// The Ingress controller's address (`HOST:PORT`, or `off`).
    public var ingressListen: String

    public static let defaultIngressListen = "127.0.0.1:8080"

    /// Nodes when `--nodes` is not given: one, as k3s runs its server as a node, where this machine
    /// can run containers; none next to simulated nodes (kwok-like clusters have no real node) or
    /// where a node could not start, with the reason (`cluster up` prints it).
    public static func defaultNodes(simulatedNodes: Int) -> (count: Int, whyNone: String?) {
        if simulatedNodes > 0 { return (0, nil) }
        if let problem = RuncRuntime.problem() ?? ClusterNetwork.problem() { return (0, problem) }
        return (1, nil)
    }

    /// Simulated (kwok-like, container-less) nodes served by ``SimulatedNodes``.
    public var simulatedNodes: Int = 0

    public init(listen: String, store: String, etcdEndpoints: [String], nodes: Int = 0, ingressListen: String = defaultIngressListen,
                simulatedNodes: Int = 0)
    {
        self.listen = listen
        self.store = store
        self.etcdEndpoints = etcdEndpoints
        self.nodes = nodes
        self.ingressListen = ingressListen
        self.simulatedNodes = simulatedNodes
    }

    public var json: String {
        var fields: [String: Value] = ["listen": .string(listen), "store": .string(store),
                                       "etcdEndpoints": .list(etcdEndpoints.map { .string($0) })]
        if nodes != 0 { fields["nodes"] = .int(Int64(nodes)) }
        if ingressListen != Self.defaultIngressListen { fields["ingressListen"] = .string(ingressListen) }
        if simulatedNodes != 0 { fields["simulatedNodes"] = .int(Int64(simulatedNodes)) }
        return JSON.encode(.map(fields), indent: "  ") + "\n"
    }

    public init(json text: String) throws(ClusterError) {
        guard let v = try? JSON.decode(text), let listen = v["listen"]?.stringValue, let store = v["store"]?.stringValue else {
            throw ClusterError("the cluster settings file is damaged; remove it or the data directory to start afresh")
        }
        self.listen = listen
        self.store = store
        self.etcdEndpoints = v["etcdEndpoints"]?.listValue?.compactMap(\.stringValue) ?? []
        self.ingressListen = v["ingressListen"]?.stringValue ?? Self.defaultIngressListen
        switch v["nodes"] {
        case .int(let n)?: self.nodes = Int(clamping: n)
        case .float(let d)? where d == d.rounded() && abs(d) < 1e6: self.nodes = Int(d)
        default: self.nodes = 0
        }
        self.simulatedNodes = v["simulatedNodes"]?.intValue.map { Int(clamping: $0) } ?? 0
    }

    /// `host`, `port` of `listen` (`127.0.0.1:6443`).
    public func hostPort() throws(ClusterError) -> (String, Int) {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65535).contains(port) else {
            throw ClusterError("--listen must be HOST:PORT, like 127.0.0.1:6443 (got \"\(listen)\")")
        }
        var host = String(listen[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "127.0.0.1" : host, port)
    }
}

/// A local-cluster failure, worded for the user with what to do.
public struct ClusterError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
