import CommandLineKit
import ClusterCore

#if canImport(Glibc)
    import Glibc
#endif

/// `helmctl cluster up|down|status|kubeconfig`: the bundled Kubernetes-compatible control plane.
struct ClusterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "run the bundled Kubernetes-compatible cluster",
        subcommands: [ClusterUp.self, ClusterDown.self, ClusterStatus.self, ClusterKubeconfig.self, ClusterRun.self])
}

struct DataDirOption: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "where the cluster keeps its state (default: /var/lib/helmctl/cluster as root, else $XDG_DATA_HOME/helmctl/cluster)")
    var dataDir: String?

    var directory: ClusterDataDirectory {
        var path = dataDir ?? ClusterDataDirectory.defaultPath(environment: ProcessEnvironment.all())
        if !path.hasPrefix("/") { path = CurrentDirectory.path() + "/" + path }
        return ClusterDataDirectory(path: path)
    }
}

struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("listen"), help: "API server address")
    var listen: String?

    @Option(name: .customLong("store"), help: "sqlite (embedded, default) or etcd")
    var store: String?

    @Option(name: .customLong("etcd-endpoints"), help: "etcd client URLs for --store etcd, comma-separated")
    var etcdEndpoints: String?

    @Option(name: .customLong("nodes"), help: "nodes with a kubelet running pods through runc, each with its own pod network (helmctl-node-1…N; default 1, or 0 with --simulated-nodes or where containers cannot run here; 0: control plane only)")
    var nodes: Int?

    @Option(name: .customLong("ingress-listen"), help: "Ingress controller address HOST:PORT, or off (default 127.0.0.1:8080)")
    var ingressListen: String?

    @Option(name: .customLong("simulated-nodes"), help: "nodes without containers (kwok-like) whose pods turn Running at once, for scale tests")
    var simulatedNodes: Int?

    /// Settings when any flag was given (nil = reuse what the data directory remembers).
    func settings() throws -> ClusterSettings? {
        guard listen != nil || store != nil || etcdEndpoints != nil || nodes != nil || ingressListen != nil || simulatedNodes != nil else { return nil }
        if let simulatedNodes, !(0...5000).contains(simulatedNodes) { throw ClusterError("--simulated-nodes must be between 0 and 5000") }
        if let nodes, !(0...LocalCluster.maxNodes).contains(nodes) { throw ClusterError("--nodes must be between 0 and \(LocalCluster.maxNodes)") }
        let endpoints = etcdEndpoints.map { $0.split(separator: ",").map { String($0).filter { $0 != " " } } } ?? []
        let kind = store ?? (endpoints.isEmpty ? "sqlite" : "etcd")
        if kind == "etcd" && endpoints.isEmpty { throw ClusterError("--store etcd needs --etcd-endpoints http://HOST:PORT[,…]") }
        guard ["sqlite", "etcd"].contains(kind) else { throw ClusterError("--store must be sqlite or etcd, not \"\(kind)\"") }
        if kind == "sqlite" && !endpoints.isEmpty { throw ClusterError("--etcd-endpoints needs --store etcd") }
        let s = ClusterSettings(listen: listen ?? "127.0.0.1:6443", store: kind, etcdEndpoints: endpoints,
                                nodes: nodes ?? ClusterSettings.defaultNodes(simulatedNodes: simulatedNodes ?? 0).count,
                                ingressListen: ingressListen ?? ClusterSettings.defaultIngressListen,
                                simulatedNodes: simulatedNodes ?? 0)
        _ = try s.hostPort()
        var network = ServiceNetworkConfiguration()
        try network.setIngressListen(s.ingressListen)
        return s
    }
}

struct ClusterUp: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "up", abstract: "start the cluster in the background and wait until it serves")

    @OptionGroup var data: DataDirOption
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let directory = data.directory
        let shared = ServiceNetwork.sharedInterfaceProblem()  // before this cluster could take the interface
        let settings = try storeOptions.settings()
        let fresh = access(directory.settingsFile, F_OK) != 0  // no earlier start's settings to reuse
        let result = try ClusterProcess.start(executable: SelfExecutable.path(), directory: directory, settings: settings)
        if let shared, !result.alreadyRunning { ErrorReporting.writeStderr("warning: \(shared)\n") }
        // The default node could not be had: say why pods will stay Pending.
        if !result.alreadyRunning, storeOptions.nodes == nil, (settings?.simulatedNodes ?? 0) == 0, settings != nil || fresh,
           let why = ClusterSettings.defaultNodes(simulatedNodes: 0).whyNone
        {
            ErrorReporting.writeStderr("note: control plane only, no node runs pods: \(why)\n")
        }
        let state = result.alreadyRunning ? "is already running" : "is running"
        ErrorReporting.writeStdout("""
            helmctl cluster \(state) at \(result.url) (pid \(result.pid))
            data directory: \(directory.path)
            kubeconfig:     \(directory.kubeconfig)

            Use it with:
              export KUBECONFIG=\(directory.kubeconfig)
              kubectl get namespaces

            """)
    }
}

struct ClusterDown: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "down", abstract: "stop the cluster and remove its containers and pod network (its state stays in the data directory)")

    @OptionGroup var data: DataDirOption

    func run() throws {
        let directory = data.directory
        let stopped = ClusterProcess.stop(directory)
        // A graceful stop removed its containers and network; after SIGKILL (or a crash) they are still
        // there, recorded in the data directory: remove them now.
        let removed = LeftoverList()
        _ = BlockingWait.run { removed.lines = await LocalCluster.removeNodeLeftovers(directory: directory) }
        for line in removed.lines { ErrorReporting.writeStdout("removed leftover \(line)\n") }
        if stopped {
            ErrorReporting.writeStdout("helmctl cluster stopped (state kept in \(directory.path))\n")
        } else {
            ErrorReporting.writeStdout("helmctl cluster is not running (data directory \(directory.path))\n")
        }
    }

    /// Carries the removed objects out of the blocking wait (written once, read after it returned).
    final class LeftoverList: @unchecked Sendable {
        var lines: [String] = []
    }
}

struct ClusterStatus: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "show whether the cluster is running")

    @OptionGroup var data: DataDirOption

    func run() throws {
        let directory = data.directory
        switch ClusterProcess.state(directory) {
        case .running(let pid, let url):
            ErrorReporting.writeStdout("running: \(url) (pid \(pid))\ndata directory: \(directory.path)\nkubeconfig: \(directory.kubeconfig)\n")
        case .stopped:
            ErrorReporting.writeStdout("stopped (data directory \(directory.path))\n")
            throw ExitCode(3)
        }
    }
}

struct ClusterKubeconfig: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "kubeconfig", abstract: "print the cluster's admin kubeconfig")

    @OptionGroup var data: DataDirOption

    func run() throws {
        let directory = data.directory
        guard let text = try? directory.kubeconfigText() else {
            throw ClusterError("no kubeconfig in \(directory.path): start the cluster with `helmctl cluster up` first")
        }
        ErrorReporting.writeStdout(text)
    }
}

/// The cluster process itself (what `cluster up` starts in the background).
struct ClusterRun: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "run the cluster in the foreground", shouldDisplay: false)

    @OptionGroup var data: DataDirOption
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let directory = data.directory
        let settings = try storeOptions.settings()
        let outcome = BlockingWait.run {
            try await LocalCluster.run(directory: directory, settings: settings) { line in
                ErrorReporting.writeStderr(line + "\n")
            }
        }
        if case .failure(let error) = outcome { throw error }
    }
}

/// The environment as a dictionary.
enum ProcessEnvironment {
    static func all() -> [String: String] {
        var out: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") { out[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
            p += 1
        }
        return out
    }
}

/// This binary's path, to start the background cluster process from.
enum SelfExecutable {
    static func path() -> String {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        return n > 0 ? String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
    }
}
