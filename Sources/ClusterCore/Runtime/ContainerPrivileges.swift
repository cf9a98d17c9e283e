import StructuredData

/// What a container's process may do beyond its uid and gid: supplementary groups, capabilities,
/// privilege escalation and the privileged mode (from the pod's and container's securityContext).
public struct ContainerPrivileges: Sendable, Equatable {
    /// Supplementary groups (`supplementalGroups`, `fsGroup`).
    public var additionalGids: [UInt32]
    /// Capability names (`CAP_CHOWN`…) in the bounding, permitted and effective sets.
    public var capabilities: [String]
    /// `allowPrivilegeEscalation: false`: setuid binaries and file capabilities gain nothing.
    public var noNewPrivileges: Bool
    /// Every capability, every device, no masked or read-only kernel paths, /sys writable.
    public var privileged: Bool

    public init(additionalGids: [UInt32] = [], capabilities: [String] = ContainerPrivileges.defaultCapabilities,
                noNewPrivileges: Bool = true, privileged: Bool = false)
    {
        self.additionalGids = additionalGids
        self.capabilities = capabilities
        self.noNewPrivileges = noNewPrivileges
        self.privileged = privileged
    }

    /// containerd's default capability set for containers (what Kubernetes pods get on it).
    public static let defaultCapabilities: [String] = [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ]

    /// Every capability the kernel defines up to CAP_CHECKPOINT_RESTORE, in bit order.
    public static let allCapabilities: [String] = [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",
        "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
        "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
        "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
        "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
        "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ]

    /// The capabilities this process may hand on (its bounding set, from /proc/self/status): what
    /// `privileged` and `add: [ALL]` grant, as containerd grants "all current capabilities" — a
    /// host (or an outer container) without some capability cannot give it to a container.
    public static let currentCapabilities: [String] = {
        guard let bytes = try? ImageStore.readFile("/proc/self/status", limit: 1 << 16) else { return allCapabilities }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix("CapBnd:") {
            guard let mask = UInt64(String(line.dropFirst("CapBnd:".count)).trimmingSpaces, radix: 16) else { break }
            return allCapabilities.enumerated().filter { mask & (1 << UInt64($0.offset)) != 0 }.map(\.element)
        }
        return allCapabilities
    }()

    /// The capability set after Kubernetes' `capabilities.add` and `drop` (names with or without
    /// `CAP_`, any case) as containerd applies them: `ALL` in add grants every capability, then
    /// `ALL` in drop empties the set, then the named ones are added, then the named ones dropped
    /// (so `add: [ALL], drop: [CHOWN]` is everything but CHOWN, `drop: [ALL], add: [KILL]` is KILL).
    public static func capabilities(add: [String], drop: [String], base: [String] = defaultCapabilities) -> [String] {
        func canonical(_ name: String) -> String {
            let upper = name.uppercased()
            return upper.hasPrefix("CAP_") ? upper : "CAP_" + upper
        }
        let added = add.map(canonical)
        let dropped = drop.map(canonical)
        var out = added.contains("CAP_ALL") ? currentCapabilities : base
        if dropped.contains("CAP_ALL") { out = [] }
        // Unknown names would make runc refuse the whole container; only known ones go in.
        for cap in added where cap != "CAP_ALL" && !out.contains(cap) && allCapabilities.contains(cap) { out.append(cap) }
        return out.filter { !dropped.contains($0) }
    }

    /// The OCI `process.capabilities` object.
    var oci: Value {
        let caps = Value.list((privileged ? Self.currentCapabilities : capabilities).map { .string($0) })
        return .map(["bounding": caps, "effective": caps, "permitted": caps])
    }
}
