import NIOPosix
#if canImport(Glibc)
    import Glibc
#endif

/// The nodes `cluster up --nodes N` runs in the cluster process (podnet): kubelet N is
/// `helmctl-node-N` with its own runc root and its own bridge `helmctl-N` and pod CIDR
/// 10.42.(N-1).0/24, out of the cluster range 10.42.0.0/16.
extension LocalCluster {
    /// Most nodes one cluster process runs (each needs a /24 of the cluster range, and a kubelet loop).
    public static let maxNodes = 100

    /// Node `index`'s name (1-based).
    public static func nodeName(_ index: Int) -> String { "helmctl-node-\(index)" }

    /// Where node `index` keeps its containers and images: `runtime` for node 1 (as before several
    /// nodes existed), `runtime-N` for the others.
    static func runtimeRoot(_ directory: ClusterDataDirectory, node index: Int) -> String {
        directory.path + (index == 1 ? "/runtime" : "/runtime-\(index)")
    }

    /// The pod network's state (host-local leases, hosts files, ledger of created host objects).
    static func networkDirectory(_ directory: ClusterDataDirectory) -> String { directory.path + "/network" }

    static func clusterNetwork(_ directory: ClusterDataDirectory) -> ClusterNetwork {
        var configuration = ClusterNetworkConfiguration(stateDirectory: networkDirectory(directory))
        configuration.sandboxPool = 8  // (kstate) sandboxes made ahead of pods: shorter pod starts
        return ClusterNetwork(configuration: configuration)
    }

    /// Removes what nodes of a cluster that is not running left behind (after SIGKILL, or a crash):
    /// every runc container of every node's runtime root and the pods' volume mounts (tmpfs for
    /// Secrets and memory emptyDirs; the files stay for the next start, which removes them), then
    /// every network namespace, veth, bridge, policy rule and route recorded in the network ledger.
    /// Returns a line per object removed.
    /// (kstate) With `keepingNodes` N (a cluster starting again with N nodes), nodes 1…N keep their
    /// containers, namespaces and bridges: their kubelets re-adopt what still runs and remove the rest.
    public static func removeNodeLeftovers(directory: ClusterDataDirectory, keepingNodes: Int = 0) async -> [String] {
        let kept = Set((0..<max(0, keepingNodes)).map { runtimeRoot(directory, node: $0 + 1) })
        let keptBridges = Set((0..<max(0, keepingNodes)).compactMap { try? clusterNetwork(directory).node($0 + 1).bridge })
        var removed: [String] = []
        let roots = ((try? await RuntimeThreads.pool.runIfActive { FileTree.entries(directory.path) }) ?? [])
            .filter { $0 == "runtime" || ($0.hasPrefix("runtime-") && Int($0.dropFirst("runtime-".count)) != nil) }
            .sorted()
        if !roots.isEmpty && RuncRuntime.problem() == nil {
            for root in roots where !kept.contains(directory.path + "/" + root) {
                let runtime = RuncRuntime(root: directory.path + "/" + root)
                for id in (try? await runtime.list()) ?? [] {
                    if (try? await runtime.delete(id)) != nil { removed.append("container " + id) }
                }
                let pods = directory.path + "/" + root + "/kubelet-pods"
                let unmounted = (try? await RuntimeThreads.pool.runIfActive { VolumeFiles.unmountAll(under: pods) }) ?? []
                removed += unmounted.reversed().map { "mount " + $0 }
            }
        }
        removed += await ClusterNetwork.removeLeftovers(stateDirectory: networkDirectory(directory), keepingBridges: keptBridges)
        // The Service interface of a cluster killed with SIGKILL (its lock died with it).
        let serviceInterface = ServiceNetworkConfiguration().interfaceName
        if ServiceInterface.problem(name: serviceInterface) == nil, await ServiceInterface(name: serviceInterface).removeAbandoned() {
            removed.append("interface " + serviceInterface)
        }
        let cgroups = (try? await RuntimeThreads.pool.runIfActive {
            RuncRuntime.removeUnusedCgroupParents().map { "cgroup " + $0 }
        }) ?? []
        return removed + cgroups
    }
}
