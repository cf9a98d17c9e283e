import NIOPosix
import StructuredData
#if canImport(Glibc)
    import Glibc
#endif

/// (kstate) A restarted kubelet keeps the sandboxes of the pods whose containers it re-adopts: the
/// bridge stays (deleting it would cut their veths off) and so do their namespaces and addresses.
extension NodeNetwork {
    /// The sandboxes of `pods` (uid, address from the pod's status, hostname) that an earlier run of
    /// this node left and that still exist with the bridge.
    func adoptSandboxes(_ pods: [(uid: String, ip: String, hostname: String)]) async -> [String: PodSandbox] {
        guard access("/sys/class/net/" + bridge, F_OK) == 0 else { return [:] }
        let ledger = self.ledger
        let recorded = (try? await RuntimeThreads.pool.runIfActive { ledger.entries(.netns) }) ?? []
        var found: [String: PodSandbox] = [:]
        for (uid, ip, _) in pods {
            let name = sandboxName(uid)
            // Its own, or a pooled one it took (NodeNetwork+Pool.swift).
            guard let entry = recorded.first(where: {
                ($0["name"]?.stringValue == name || $0["pod"]?.stringValue == uid) && $0["bridge"]?.stringValue == bridge
            }),
                  let sandboxName = entry["name"]?.stringValue,
                  let directory = entry["directory"]?.stringValue,
                  access(HostNetworkTools.netnsDirectory + "/" + sandboxName, F_OK) == 0,
                  access(directory + "/hosts", F_OK) == 0
            else { continue }
            found[uid] = PodSandbox(name: sandboxName, ip: ip, hostInterface: nil, hostsFile: directory + "/hosts")
        }
        return found
    }

    /// ``setUp()``, keeping the sandboxes of `pods` (and so the bridge) when there are any.
    func setUp(keeping pods: Set<String>) async throws {
        guard !pods.isEmpty, access("/sys/class/net/" + bridge, F_OK) == 0 else { return try await setUp() }
        let ledger = self.ledger
        let keep = Set(pods.map(sandboxName))
        let entries = (try? await RuntimeThreads.pool.runIfActive { ledger.entries(.netns) }) ?? []
        for entry in entries where entry["bridge"]?.stringValue == bridge {
            guard let name = entry["name"]?.stringValue, !keep.contains(name),
                  !pods.contains(entry["pod"]?.stringValue ?? "") else { continue }
            await Self.removeSandbox(name: name, containerID: entry["containerID"]?.stringValue ?? name, config: entry["config"],
                                     cni: cluster.cni, ledger: ledger)
        }
        // The bridge, its address and policy rules were made by the earlier run and stay as they are.
        let bridge = self.bridge
        _ = try? await HostNetworkTools.run(["link", "set", bridge, "up"])
        try? await RuntimeThreads.pool.runIfActive {
            try HostNetworkTools.sysctl("/proc/sys/net/ipv4/conf/\(bridge)/forwarding", "1")
        }
        fillPool()
    }
}

extension NodeNetwork {
    /// Whether this node's bridge is in the ledger (made by an earlier run of this cluster, not another's).
    func isRecorded() async -> Bool {
        let ledger = self.ledger
        let bridge = self.bridge
        return (try? await RuntimeThreads.pool.runIfActive { ledger.entries(.bridge).contains { $0["name"]?.stringValue == bridge } }) ?? false
    }
}
