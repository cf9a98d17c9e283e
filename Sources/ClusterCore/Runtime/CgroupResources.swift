import StructuredData
#if canImport(Glibc)
    import Glibc
#endif

/// A container's cgroup limits (the OCI config's `linux.resources`), as the kubelet derives them
/// from `resources.requests` and `resources.limits`.
public struct ContainerResources: Sendable, Equatable {
    /// `limits.memory` in bytes (memory.max on cgroup v2, memory.limit_in_bytes on v1); nil = unlimited.
    public var memoryLimitBytes: Int64?
    /// cgroup v1 cpu.shares from `requests.cpu` (v2 gets the matching cpu.weight); nil = the parent's default.
    public var cpuShares: UInt64?
    /// CFS quota per ``cpuPeriod`` (µs) from `limits.cpu`; nil = unlimited.
    public var cpuQuota: Int64?
    public var cpuPeriod: UInt64
    /// Most tasks (processes and threads) the container may have; nil = unlimited.
    public var pidsLimit: Int64?

    public init(memoryLimitBytes: Int64? = nil, cpuShares: UInt64? = nil, cpuQuota: Int64? = nil,
                cpuPeriod: UInt64 = CgroupResources.quotaPeriod, pidsLimit: Int64? = CgroupResources.defaultPidsLimit)
    {
        self.memoryLimitBytes = memoryLimitBytes
        self.cpuShares = cpuShares
        self.cpuQuota = cpuQuota
        self.cpuPeriod = cpuPeriod
        self.pidsLimit = pidsLimit
    }
}

/// Kubernetes' arithmetic from CPU and memory quantities to cgroup values (the kubelet's
/// `MilliCPUToShares`, `MilliCPUToQuota`, and the shares → cpu.weight mapping the runtimes use
/// on cgroup v2), and the OCI `linux.resources` object runc applies.
public enum CgroupResources {
    public static let minShares: UInt64 = 2
    public static let maxShares: UInt64 = 262_144
    public static let sharesPerCPU: UInt64 = 1024
    /// The CFS period Kubernetes uses (100 ms) and the smallest quota it sets (1 ms).
    public static let quotaPeriod: UInt64 = 100_000
    public static let minQuota: Int64 = 1000
    /// A pids limit for every container, so a fork bomb stays inside its container (the kubelet's
    /// podPidsLimit is unlimited by default; a bounded default suits a node shared with the user's desktop).
    public static let defaultPidsLimit: Int64 = 4096

    /// cpu.shares for a CPU request: 1024 per core, at least 2 (also for no request), at most 262144.
    public static func shares(milliCPU: Int64) -> UInt64 {
        guard milliCPU > 0 else { return minShares }
        let shares = UInt64(clamping: milliCPU) &* sharesPerCPU / 1000
        return min(max(shares, minShares), maxShares)
    }

    /// The CFS quota for a CPU limit over `period` µs (0 = no limit), at least 1 ms.
    public static func quota(milliCPU: Int64, period: UInt64 = quotaPeriod) -> Int64 {
        guard milliCPU > 0 else { return 0 }
        let (product, overflow) = milliCPU.multipliedReportingOverflow(by: Int64(clamping: period))
        let quota = overflow ? Int64.max / 1000 : product / 1000
        return max(quota, minQuota)
    }

    /// cgroup v2 cpu.weight (1…10000) for cgroup v1 cpu.shares (2…262144), linear over the ranges.
    public static func weight(shares: UInt64) -> UInt64 {
        let s = min(max(shares, minShares), maxShares)
        return 1 + ((s - 2) * 9999) / 262_142
    }

    /// The limits for a pod container's `resources`: a CPU limit without a request requests the
    /// limit (as API defaulting does); no CPU request gets the minimum shares, as the kubelet gives.
    static func resources(container: Value) -> ContainerResources {
        let requests = container["resources"]?["requests"]
        let limits = container["resources"]?["limits"]
        let cpuLimit = ResourceQuantity.milli(limits?["cpu"])
        var cpuRequest = ResourceQuantity.milli(requests?["cpu"])
        if requests?["cpu"] == nil, cpuLimit > 0 { cpuRequest = cpuLimit }
        let memory = ResourceQuantity.units(limits?["memory"])
        let quota = quota(milliCPU: cpuLimit)
        return ContainerResources(memoryLimitBytes: memory > 0 ? memory : nil, cpuShares: shares(milliCPU: cpuRequest),
                                  cpuQuota: quota > 0 ? quota : nil)
    }

    /// Whether this host runs the unified (v2) hierarchy at /sys/fs/cgroup.
    static let unified: Bool = access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0

    /// The OCI `linux.resources` object: device rules plus memory, cpu and pids. On cgroup v2 the
    /// CPU request goes as `unified` cpu.weight (Kubernetes' conversion, whatever runc's own is).
    static func oci(_ r: ContainerResources, devices: Value, unified: Bool = CgroupResources.unified) -> Value {
        var out: [String: Value] = ["devices": devices]
        if let memory = r.memoryLimitBytes { out["memory"] = .map(["limit": .int(memory)]) }
        var cpu: [String: Value] = [:]
        if let quota = r.cpuQuota {
            cpu["quota"] = .int(quota)
            cpu["period"] = .int(Int64(clamping: r.cpuPeriod))
        }
        if let shares = r.cpuShares {
            if unified {
                out["unified"] = .map(["cpu.weight": .string(String(weight(shares: shares)))])
            } else {
                cpu["shares"] = .int(Int64(clamping: shares))
            }
        }
        if !cpu.isEmpty { out["cpu"] = .map(cpu) }
        if let pids = r.pidsLimit { out["pids"] = .map(["limit": .int(pids)]) }
        return .map(out)
    }

    /// The memory cgroup directory runc makes for container `id` under our `/helmctl` parent.
    static func memoryCgroup(_ id: String, unified: Bool = CgroupResources.unified) -> String {
        unified ? "/sys/fs/cgroup/helmctl/" + id : "/sys/fs/cgroup/memory/helmctl/" + id
    }
}
