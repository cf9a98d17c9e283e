import NIOConcurrencyHelpers
import NIOPosix
import StructuredData
#if canImport(Glibc)
    import Glibc
#endif

/// A pod's network sandbox: its own network namespace with `lo` and `eth0` (a veth on the node's
/// bridge), the address host-local gave it, and the hosts file its containers mount as /etc/hosts.
public struct PodSandbox: Sendable, Equatable {
    /// The namespace's name under /var/run/netns (`ip netns` name).
    public var name: String
    public var ip: String
    /// The veth's host end on the bridge, as the bridge plugin reported it.
    public var hostInterface: String?
    /// hostname → pod IP, bind-mounted at /etc/hosts.
    public var hostsFile: String

    /// The namespace's path, for runc's `linux.namespaces` and `CNI_NETNS`.
    public var path: String { HostNetworkTools.netnsDirectory + "/" + name }
}

/// One node's pod network: a Linux bridge holding the node's gateway address (first address of its
/// pod CIDR) and forwarding only between pod CIDRs of the cluster, and a sandbox per pod wired to
/// the bridge by Debian's CNI plugins (`loopback`, `bridge` with `host-local` IPAM, ipMasq off).
///
/// The bridge plugin runs with `isGateway: false`: with `true` it would turn on
/// `net.ipv4.ip_forward` for the whole host (every interface, the default one included). Instead
/// the bridge is created here with the gateway address and forwarding enabled on it alone; pods
/// get their default route through the gateway from the IPAM `routes`. Two policy rules on the
/// bridge (`to <cluster range> lookup main`, then `unreachable`) make sure a packet from a pod is
/// forwarded only to another node's pods: everything else gets "unreachable", never the default route.
public final class NodeNetwork: Sendable {
    public let bridge: String
    public let podCIDR: IPv4CIDR
    /// The bridge's address and the pods' default gateway.
    public let gateway: String
    let cluster: ClusterNetwork
    /// (kstate) Sandboxes made ahead of pods (NodeNetwork+Pool.swift).
    let pool = NIOLockedValueBox(SandboxPool())

    init(cluster: ClusterNetwork, bridge: String, podCIDR: IPv4CIDR) {
        self.cluster = cluster
        self.bridge = bridge
        self.podCIDR = podCIDR
        self.gateway = podCIDR.address(1)
    }

    var configuration: ClusterNetworkConfiguration { cluster.configuration }
    var ledger: NetworkLedger { cluster.ledger }

    /// The policy rules on the bridge, as `ip rule` arguments (after add/del).
    var rules: [String] {
        let p = configuration.rulePriority
        return ["pref \(p) iif \(bridge) to \(configuration.clusterCIDR) lookup main", "pref \(p + 1) iif \(bridge) unreachable"]
    }

    /// The CNI network configuration of this node's pods (`eth0`).
    var bridgeConfig: Value {
        .map([
            "cniVersion": "1.0.0", "name": .string(bridge), "type": "bridge", "bridge": .string(bridge),
            "isGateway": false, "isDefaultGateway": false, "ipMasq": false, "hairpinMode": true,
            "ipam": .map([
                "type": "host-local",
                "ranges": .list([.list([.map(["subnet": .string(podCIDR.description), "gateway": .string(gateway)])])]),
                "routes": .list([.map(["dst": "0.0.0.0/0"])]),
                "dataDir": .string(configuration.stateDirectory + "/ipam"),
            ]),
        ])
    }

    /// Creates the bridge (after removing what an earlier run of this node left): gateway address,
    /// up, forwarding on the bridge only, the two policy rules.
    public func setUp() async throws {
        await removeLeftovers()
        let ledger = self.ledger
        let bridge = self.bridge
        let rules = self.rules
        try await RuntimeThreads.pool.runIfActive {
            try ledger.record(.bridge, bridge, ["rules": .list(rules.map { .string($0) })])
        }
        do {
            try await HostNetworkTools.run(["link", "add", bridge, "type", "bridge"])
        } catch {
            // Not ours (another cluster uses the name): leave it and do not record it.
            try? await RuntimeThreads.pool.runIfActive { ledger.forget(.bridge, bridge) }
            throw RuntimeError("cannot create bridge \(bridge) (is another helmctl cluster running?): \(error)")
        }
        try await HostNetworkTools.run(["addr", "add", gateway + "/\(podCIDR.prefixLength)", "dev", bridge])
        try await HostNetworkTools.run(["link", "set", bridge, "up"])
        try await RuntimeThreads.pool.runIfActive {
            try HostNetworkTools.sysctl("/proc/sys/net/ipv4/conf/\(bridge)/forwarding", "1")
        }
        for rule in rules {
            try await HostNetworkTools.run(["rule", "add"] + rule.split(separator: " ").map(String.init))
        }
        fillPool()  // (kstate) sandboxes ahead of pods
    }

    /// Removes this node's pod sandboxes, its bridge and rules (graceful shutdown).
    public func tearDown() async {
        await closePool()  // (kstate)
        await removeLeftovers()
    }

    /// Recorded sandboxes and the bridge of this node, from an earlier run or this one.
    func removeLeftovers() async {
        let ledger = self.ledger
        let bridge = self.bridge
        let entries = (try? await RuntimeThreads.pool.runIfActive { ledger.entries(.netns) }) ?? []
        for entry in entries where entry["bridge"]?.stringValue == bridge {
            guard let name = entry["name"]?.stringValue else { continue }
            await Self.removeSandbox(name: name, containerID: entry["containerID"]?.stringValue ?? name, config: entry["config"],
                                     cni: cluster.cni, ledger: ledger)
        }
        let recorded = (try? await RuntimeThreads.pool.runIfActive { ledger.entries(.bridge) }) ?? []
        for entry in recorded where entry["name"]?.stringValue == bridge {
            await Self.removeBridge(bridge, rules: entry["rules"]?.listValue?.compactMap(\.stringValue) ?? [], ledger: ledger)
        }
    }

    /// The network namespace name of the pod with `uid`.
    func sandboxName(_ uid: String) -> String { configuration.namePrefix + "-pod-" + uid }

    /// Creates the pod's namespace and wires it (loopback, then eth0 on the bridge); returns its address.
    /// On failure nothing of it stays behind.
    public func addPod(uid: String, hostname: String) async throws -> PodSandbox {
        guard RuncRuntime.validID(uid) else { throw RuntimeError("invalid pod uid \"\(uid)\"") }
        // (kstate) One made ahead, when there is one (the pod's start then waits for no CNI plugin).
        if let pooled = await takePooled(uid: uid, hostname: hostname) { return pooled }
        return try await makeSandbox(name: sandboxName(uid), containerID: uid, hostname: hostname)
    }

    /// Creates namespace `name` and wires it with CNI container id `containerID`; the hosts file is
    /// written when the hostname is known (a pooled sandbox gets it when a pod takes it).
    func makeSandbox(name: String, containerID uid: String, hostname: String?) async throws -> PodSandbox {
        let ledger = self.ledger
        let config = bridgeConfig
        let podDirectory = configuration.stateDirectory + "/pods/" + uid
        try await RuntimeThreads.pool.runIfActive {
            try ledger.record(.netns, name, ["containerID": .string(uid), "bridge": .string(self.bridge), "config": config,
                                             "directory": .string(podDirectory)])
        }
        do {
            // A namespace of the same name left by a crash of this very node was removed by setUp.
            try await HostNetworkTools.run(["netns", "add", name])
            let path = HostNetworkTools.netnsDirectory + "/" + name
            // (kstate) lo up with `ip` rather than the loopback plugin (what it does, at a fraction of
            // a Go program's start-up), at the same time as the bridge plugin wires eth0.
            async let loopback = HostNetworkTools.run(["-n", name, "link", "set", "lo", "up"])
            let result = try await cluster.cni.run(.add, config: config, containerID: uid, netns: path, ifname: "eth0")
            _ = try await loopback
            let added = CNIPlugin.parse(result)
            guard let ip = added.ip else { throw RuntimeError("CNI bridge ADD gave no IPv4 address for pod \(uid)") }
            let sandbox = PodSandbox(name: name, ip: ip, hostInterface: added.hostInterface, hostsFile: podDirectory + "/hosts")
            try await RuntimeThreads.pool.runIfActive { try FileTree.makeDirectories(podDirectory) }
            if let hostname { try await Self.writeHosts(sandbox, hostname: hostname) }
            return sandbox
        } catch {
            await Self.removeSandbox(name: name, containerID: uid, config: config, cni: cluster.cni, ledger: ledger)
            throw error
        }
    }

    /// The pod's hosts file: hostname → its address.
    static func writeHosts(_ sandbox: PodSandbox, hostname: String) async throws {
        let hosts = "# Kubernetes-managed hosts file (helmctl).\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
            + "fe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n\(sandbox.ip)\t\(hostname)\n"
        try await RuntimeThreads.pool.runIfActive { try FileTree.writeFile(sandbox.hostsFile, hosts) }
    }

    /// CNI DEL (releases the address, removes the veth), deletes the namespace and the pod's files.
    public func removePod(uid: String) async {
        // (kstate) A pooled sandbox the pod took has the pool's name and CNI id (in the ledger).
        let (name, containerID) = await sandboxOf(uid: uid)
        await Self.removeSandbox(name: name, containerID: containerID, config: bridgeConfig, cni: cluster.cni, ledger: ledger)
    }

    static func removeSandbox(name: String, containerID: String, config: Value?, cni: CNIPlugin, ledger: NetworkLedger) async {
        let path = HostNetworkTools.netnsDirectory + "/" + name
        let exists = access(path, F_OK) == 0
        if let config, config["type"]?.stringValue == "bridge" {
            // DEL must succeed even when the namespace is already gone (the spec says so); it releases the lease.
            _ = try? await cni.run(.del, config: config, containerID: containerID, netns: exists ? path : "", ifname: "eth0")
        }
        let gone = exists ? (try? await HostNetworkTools.run(["netns", "del", name], tolerating: ["No such file"])) != nil : true
        try? await RuntimeThreads.pool.runIfActive {
            let directory = ledger.entries(.netns).first { $0["name"]?.stringValue == name }?["directory"]?.stringValue
            if let directory, directory.contains("/pods/") { FileTree.remove(directory) }
            if gone { ledger.forget(.netns, name) }
        }
    }

    static func removeBridge(_ bridge: String, rules: [String], ledger: NetworkLedger) async {
        for rule in rules {
            // `ip rule del` with the full selector removes exactly our rule (repeat: one per call).
            _ = try? await HostNetworkTools.run(["rule", "del"] + rule.split(separator: " ").map(String.init))
        }
        let deleted = (try? await HostNetworkTools.run(["link", "del", bridge, "type", "bridge"],
                                                       tolerating: ["Cannot find device", "does not exist"])) != nil
        if deleted { try? await RuntimeThreads.pool.runIfActive { ledger.forget(.bridge, bridge) } }
    }
}
