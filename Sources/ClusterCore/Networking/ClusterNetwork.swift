import NIOPosix
import StructuredData

/// How one cluster's pod network is laid out on this host.
public struct ClusterNetworkConfiguration: Sendable {
    /// The range every node's pod CIDR comes from (node N gets its N-th /24). Packets from pods to
    /// anything outside it (and not a local address of this host) are answered "unreachable".
    public var clusterCIDR: IPv4CIDR
    /// Where host-local keeps its leases, pods' hosts files live and the ledger of created objects is.
    public var stateDirectory: String
    /// Prefix of every host object's name: bridges `<prefix>-N`, network namespaces `<prefix>-pod-<uid>`.
    public var namePrefix: String
    /// Debian's containernetworking-plugins.
    public var cniPath: String
    /// Policy-rule priority: `iif <bridge> to <clusterCIDR> lookup main`; `priority + 1` holds
    /// `iif <bridge> unreachable`. Both below the main table's 32766.
    public var rulePriority: Int
    /// (kstate) Pod sandboxes each node makes ahead of pods (NodeNetwork+Pool.swift); 0 = none.
    public var sandboxPool = 0
    /// (kstate) How long no sandbox must have been taken before the pool is refilled, so a burst of
    /// pod starts does not share the CPUs with the refills.
    public var sandboxPoolRefillDelay: Duration = .milliseconds(300)

    public init(clusterCIDR: IPv4CIDR = IPv4CIDR("10.42.0.0/16")!, stateDirectory: String, namePrefix: String = "helmctl",
                cniPath: String = "/usr/lib/cni", rulePriority: Int = 20420)
    {
        self.clusterCIDR = clusterCIDR
        self.stateDirectory = stateDirectory
        self.namePrefix = namePrefix
        self.cniPath = cniPath
        self.rulePriority = rulePriority
    }
}

/// One cluster's pod network on this host: a bridge per node (``NodeNetwork``), an `unreachable`
/// route for the whole cluster range (so a pod address never goes out the default route), and the
/// ledger of everything created, for clean-up after a crash.
public final class ClusterNetwork: Sendable {
    public let configuration: ClusterNetworkConfiguration
    let ledger: NetworkLedger
    let cni: CNIPlugin

    public init(configuration: ClusterNetworkConfiguration) {
        self.configuration = configuration
        self.ledger = NetworkLedger(stateDirectory: configuration.stateDirectory)
        self.cni = CNIPlugin(path: configuration.cniPath)
    }

    /// What is missing for pod networking here (nil when it can be set up).
    public static func problem(cniPath: String = "/usr/lib/cni") -> String? { HostNetworkTools.problem(cniPath: cniPath) }

    /// Node `index` (1-based): bridge `<prefix>-<index>`, pod CIDR the index-th /24 of the cluster range.
    public func node(_ index: Int) throws -> NodeNetwork {
        guard let cidr = configuration.clusterCIDR.subnet(index - 1, length: 24) else {
            throw RuntimeError("node \(index) has no /24 left in the cluster range \(configuration.clusterCIDR)")
        }
        let bridge = configuration.namePrefix + "-\(index)"
        guard bridge.utf8.count <= 15 else { throw RuntimeError("bridge name \(bridge) is longer than 15 characters") }
        return NodeNetwork(cluster: self, bridge: bridge, podCIDR: cidr)
    }

    /// Removes what an earlier run left (see ``removeLeftovers(stateDirectory:)``), then adds the
    /// cluster range's `unreachable` route.
    /// (kstate) The bridges in `keepingBridges` and their pods' namespaces stay: their nodes' kubelets
    /// re-adopt the containers still running there (a restart after a crash, as k3s keeps its pods).
    public func prepare(keepingBridges: Set<String> = []) async throws {
        _ = await Self.removeLeftovers(stateDirectory: configuration.stateDirectory, cniPath: configuration.cniPath,
                                       keepingBridges: keepingBridges)
        let cidr = configuration.clusterCIDR.description
        try await RuntimeThreads.pool.runIfActive { try self.ledger.record(.route, cidr, ["route": .string("unreachable " + cidr)]) }
        do {
            try await HostNetworkTools.run(["route", "add", "unreachable", cidr])
        } catch {
            // An identical route someone else made stays theirs: do not record (or later remove) it.
            try? await RuntimeThreads.pool.runIfActive { self.ledger.forget(.route, cidr) }
            if !"\(error)".contains("File exists") { throw error }
        }
    }

    /// Removes every object this network recorded, then its state directory.
    public func tearDown() async {
        _ = await Self.removeLeftovers(stateDirectory: configuration.stateDirectory, cniPath: configuration.cniPath)
    }

    /// Removes every host object recorded in `stateDirectory`'s ledger — pod namespaces (CNI DEL
    /// first, which also removes their veths), bridges and their policy rules, routes — and then the
    /// directory itself (host-local leases, hosts files). Returns one line per object removed.
    /// Safe to run when nothing is recorded.
    @discardableResult
    public static func removeLeftovers(stateDirectory: String, cniPath: String = "/usr/lib/cni",
                                       keepingBridges: Set<String> = []) async -> [String] {
        let ledger = NetworkLedger(stateDirectory: stateDirectory)
        let cni = CNIPlugin(path: cniPath)
        var removed: [String] = []
        let namespaces = (try? await RuntimeThreads.pool.runIfActive { ledger.entries(.netns) }) ?? []
        for entry in namespaces where !keepingBridges.contains(entry["bridge"]?.stringValue ?? "") {
            guard let name = entry["name"]?.stringValue else { continue }
            await NodeNetwork.removeSandbox(name: name, containerID: entry["containerID"]?.stringValue ?? name,
                                            config: entry["config"], cni: cni, ledger: ledger)
            removed.append("network namespace " + name)
        }
        let bridges = (try? await RuntimeThreads.pool.runIfActive { ledger.entries(.bridge) }) ?? []
        for entry in bridges {
            guard let name = entry["name"]?.stringValue, !keepingBridges.contains(name) else { continue }
            await NodeNetwork.removeBridge(name, rules: entry["rules"]?.listValue?.compactMap(\.stringValue) ?? [], ledger: ledger)
            removed.append("bridge " + name)
        }
        let routes = (try? await RuntimeThreads.pool.runIfActive { ledger.entries(.route) }) ?? []
        for entry in routes {
            guard let name = entry["name"]?.stringValue, let route = entry["route"]?.stringValue else { continue }
            let words = route.split(separator: " ").map(String.init)
            _ = try? await HostNetworkTools.run(["route", "del"] + words, tolerating: ["No such process"])
            try? await RuntimeThreads.pool.runIfActive { ledger.forget(.route, name) }
            removed.append("route " + route)
        }
        try? await RuntimeThreads.pool.runIfActive {
            // Only when every record went: a failed removal keeps its record for the next attempt.
            if ledger.isEmpty { FileTree.remove(stateDirectory) }
        }
        return removed
    }
}
