import NIOConcurrencyHelpers
import StructuredData
#if canImport(Glibc)
    import Glibc
#endif

/// Pod sandboxes (podnet): a pod's network namespace is made before its first container starts,
/// every container of the pod joins it, and it goes when the pod is finished or deleted.
extension Kubelet {
    /// Makes the pod's sandbox when the node has a pod network and the pod has none yet; false when
    /// it cannot be made (the containers then wait, and the next pass tries again).
    func ensureSandbox(_ pod: Value, _ record: inout PodRecord) async -> Bool {
        guard let network, record.sandbox == nil, !record.hostNetwork else { return true }
        if pod["spec"]?["hostNetwork"] == .bool(true) {
            // The host's network, as Kubernetes does: no sandbox, and the pod's IP is the node's.
            record.hostNetwork = true
            record.podIP = PodStatusBuilder.hostIP
            return true
        }
        do {
            let sandbox = try await network.addPod(uid: record.uid, hostname: Self.hostname(pod))
            record.sandbox = sandbox
            record.podIP = sandbox.ip
            return true
        } catch {
            for i in record.containers.indices where record.containers[i].id == nil {
                record.containers[i].state = .waiting(reason: "ContainerCreating",
                                                      message: "Failed to create pod sandbox: \(error)")
            }
            return false
        }
    }

    /// Removes the pod's sandbox (its address stays in the status of a finished pod).
    func releaseSandbox(_ record: inout PodRecord) async {
        guard let network, record.sandbox != nil else { return }
        await network.removePod(uid: record.uid)
        record.sandbox = nil
    }

    /// Joins `config` to the pod's sandbox: its network namespace and its /etc/hosts.
    func attachSandbox(_ config: inout ContainerConfig, _ record: PodRecord, pod: Value) {
        if record.hostNetwork {
            // This process's own network namespace (runc resolves the path itself, so not /proc/self).
            config.networkNamespace = "/proc/\(getpid())/ns/net"
            return
        }
        guard let sandbox = record.sandbox else { return }
        config.networkNamespace = sandbox.path
        config.hostsFile = sandbox.hostsFile
        // The cluster DNS per the pod's dnsPolicy/dnsConfig, next to its hosts file (removed with the sandbox).
        if let resolv = DNSConfig.resolvConf(for: pod) {
            let dir = sandbox.hostsFile.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
            let path = dir + "/resolv.conf"
            if (try? FileTree.writeFile(path, resolv)) != nil {
                config.mounts.insert(ContainerMount(destination: "/etc/resolv.conf", source: path, readOnly: true), at: 0)
            }
        }
    }

    /// `pod` as containers should see it: with `status.podIP` of its sandbox (for `fieldRef`s).
    func withSandboxStatus(_ pod: Value, _ record: PodRecord) -> Value {
        guard let ip = record.podIP else { return pod }
        var p = pod
        p.set(path: ["status", "podIP"], to: .string(ip))
        p.set(path: ["status", "podIPs"], to: .list([.map(["ip": .string(ip)])]))
        return p
    }

    /// The pod's hostname, as its containers get it.
    static func hostname(_ pod: Value) -> String { String((pod["spec"]?["hostname"]?.stringValue ?? pod.name).prefix(63)) }

    /// The IP of the pod with `uid` on this node, once its sandbox was made; nil otherwise.
    public func podIP(uid: String) -> String? { records.withLockedValue { $0[uid]?.podIP } }
}
