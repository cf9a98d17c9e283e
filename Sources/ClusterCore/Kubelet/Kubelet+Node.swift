import NIOHTTP1
import NIOPosix
import StructuredData
#if canImport(Glibc)
    import Glibc
#endif

/// The Node object and its heartbeats (status conditions and the Lease in `kube-node-lease`).
extension Kubelet {
    func registerNode() async throws {
        let node = await nodeObject(now: clock.now())
        let created = await api.call(.POST, "/api/v1/nodes", node)
        guard created.ok || created.code == 409 else {
            throw ClusterError("kubelet: cannot register node \(nodeName): \(created.message)")
        }
        // (podnet) A Node from an earlier run keeps its object; its pod CIDR follows this run's network.
        if created.code == 409, let cidr = network?.podCIDR.description {
            var current = await api.call(.GET, "/api/v1/nodes/\(nodeName)")
            if current.ok, current.body["spec"]?["podCIDR"]?.stringValue != cidr {
                current.body.set(path: ["spec", "podCIDR"], to: .string(cidr))
                current.body.set(path: ["spec", "podCIDRs"], to: .list([.string(cidr)]))
                current.body.set(path: ["metadata", "resourceVersion"], to: nil)
                _ = await api.call(.PUT, "/api/v1/nodes/\(nodeName)", current.body)
            }
        }
        await heartbeat()
    }

    /// Refreshes the Node status and renews the Lease.
    func heartbeat() async {
        let now = clock.now()
        var current = await api.call(.GET, "/api/v1/nodes/\(nodeName)")
        if current.code == 404 {
            // Someone deleted the Node: register again, as a kubelet does.
            current = await api.call(.POST, "/api/v1/nodes", await nodeObject(now: now))
        }
        if current.ok {
            var node = current.body
            let fresh = await nodeObject(now: now)
            node.set(path: ["status"], to: fresh["status"])
            node.set(path: ["metadata", "resourceVersion"], to: nil)
            _ = await api.call(.PUT, "/api/v1/nodes/\(nodeName)/status", node)
        }
        await api.renewLease(node: nodeName, now: now)
    }

    static func microTime(_ seconds: Int64) -> String {
        String(Timestamps.rfc3339(seconds).dropLast()) + ".000000Z"
    }

    func nodeObject(now: Int64) async -> Value {
        // File reads: on the blocking pool, not the cooperative one.
        let host = (try? await RuntimeThreads.pool.runIfActive { HostFacts.read() }) ?? HostFacts()
        let resources: Value = .map(["cpu": .string(String(host.cpus)), "memory": .string("\(host.memoryKi)Ki"),
                                     "pods": "110", "ephemeral-storage": .string("\(host.diskKi)Ki")])
        return .map([
            "apiVersion": "v1", "kind": "Node",
            "metadata": .map(["name": .string(nodeName), "labels": .map([
                "kubernetes.io/hostname": .string(nodeName), "kubernetes.io/os": "linux",
                "kubernetes.io/arch": .string(host.goArch), "beta.kubernetes.io/os": "linux",
                "beta.kubernetes.io/arch": .string(host.goArch),
            ])]),
            "spec": network.map { .map(["podCIDR": .string($0.podCIDR.description), "podCIDRs": .list([.string($0.podCIDR.description)])]) }
                ?? .map([:]),
            "status": .map([
                "capacity": resources, "allocatable": resources,
                "conditions": Self.healthyConditions(heartbeat: now, since: startedAt),
                "addresses": .list([
                    .map(["type": "InternalIP", "address": .string(PodStatusBuilder.hostIP)]),
                    .map(["type": "Hostname", "address": .string(nodeName)]),
                ]),
                "daemonEndpoints": .map(["kubeletEndpoint": .map(["Port": 0])]),
                "nodeInfo": .map([
                    "machineID": .string(host.machineID), "systemUUID": .string(host.machineID), "bootID": .string(host.bootID),
                    "kernelVersion": .string(host.kernel), "osImage": .string(host.osImage),
                    "containerRuntimeVersion": .string(await runtime.version), "kubeletVersion": "v1.32.0-helmctl",
                    "kubeProxyVersion": "", "operatingSystem": "linux", "architecture": .string(host.goArch),
                ]),
            ]),
        ])
    }

    /// The conditions of a healthy node: no pressure, Ready.
    static func healthyConditions(heartbeat: Int64, since: Int64) -> Value {
        func condition(_ type: String, _ status: String, _ reason: String, _ message: String) -> Value {
            .map(["type": .string(type), "status": .string(status), "reason": .string(reason), "message": .string(message),
                  "lastHeartbeatTime": .string(Timestamps.rfc3339(heartbeat)), "lastTransitionTime": .string(Timestamps.rfc3339(since))])
        }
        return .list([
            condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
            condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
            condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
            condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
        ])
    }

    /// When this kubelet started (Ready's transition time); the process start is close enough.
    var startedAt: Int64 { KubeletStart.time }
}

enum KubeletStart {
    static let time: Int64 = SystemAPIClock().now()
}

/// Facts about this host for the Node status.
struct HostFacts {
    var cpus = 1
    var memoryKi: Int64 = 0
    var diskKi: Int64 = 0
    var kernel = ""
    var osImage = "Linux"
    var machineID = ""
    var bootID = ""
    var goArch = "amd64"

    static func read() -> HostFacts {
        var h = HostFacts()
        h.cpus = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        let meminfo = (try? FileIO.read("/proc/meminfo")) ?? ""
        for line in meminfo.split(separator: "\n") where line.hasPrefix("MemTotal:") {
            h.memoryKi = Int64(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        var fs = statvfs()
        if statvfs("/", &fs) == 0 { h.diskKi = Int64(fs.f_blocks) * Int64(fs.f_frsize) / 1024 }
        var u = utsname()
        if uname(&u) == 0 {
            func text<T>(_ field: T) -> String {
                withUnsafeBytes(of: field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            }
            h.kernel = text(u.release)
            let machine = text(u.machine)
            h.goArch = machine == "aarch64" ? "arm64" : (machine == "x86_64" ? "amd64" : machine)
        }
        h.machineID = ((try? FileIO.read("/etc/machine-id")) ?? "").trimmingSpaces
        h.bootID = ((try? FileIO.read("/proc/sys/kernel/random/boot_id")) ?? "").trimmingSpaces
        let release = (try? FileIO.read("/etc/os-release")) ?? ""
        for line in release.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
            h.osImage = String(line.dropFirst("PRETTY_NAME=".count)).filter { $0 != "\"" }
        }
        return h
    }
}
