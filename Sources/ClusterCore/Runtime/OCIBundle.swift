import StructuredData

/// The OCI runtime `config.json` for a container: runc's default namespaces (pid, network with only
/// loopback, ipc, uts, mount), the usual /proc /dev /sys mounts, the container's own cgroups at
/// /sys/fs/cgroup, its limits, capabilities and privileges (ContainerPrivileges.swift,
/// CgroupResources.swift).
enum OCIBundle {
    static func config(_ c: ContainerConfig, rootfs: String) -> Value {
        let privileged = c.privileges.privileged
        func mount(_ destination: String, _ type: String, _ source: String, _ options: [String]) -> Value {
            .map(["destination": .string(destination), "type": .string(type), "source": .string(source),
                  "options": .list(options.map { .string($0) })])
        }
        var mounts: [Value] = [
            mount("/proc", "proc", "proc", []),
            mount("/dev", "tmpfs", "tmpfs", ["nosuid", "strictatime", "mode=755", "size=65536k"]),
            mount("/dev/pts", "devpts", "devpts", ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]),
            mount("/dev/shm", "tmpfs", "shm", ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]),
            mount("/dev/mqueue", "mqueue", "mqueue", ["nosuid", "noexec", "nodev"]),
            mount("/sys", "sysfs", "sysfs", ["nosuid", "noexec", "nodev", privileged ? "rw" : "ro"]),
            // The container's own cgroups (its limits visible inside), as containerd mounts them.
            mount("/sys/fs/cgroup", "cgroup", "cgroup", ["nosuid", "noexec", "nodev", "relatime", privileged ? "rw" : "ro"]),
            mount("/tmp", "tmpfs", "tmpfs", ["nosuid", "nodev", "mode=1777"]),
        ]
        // (podnet) /etc/hosts of the pod sandbox, and its network namespace joined by path.
        if let hosts = c.hostsFile { mounts.append(mount("/etc/hosts", "bind", hosts, ["rbind", "rprivate", "rw"])) }
        // Pod volumes: recursive private bind mounts, after the defaults so they may nest in /tmp.
        mounts += c.mounts.map { mount($0.destination, "bind", $0.source, ["rbind", "rprivate"] + ($0.readOnly ? ["ro"] : [])) }
        let namespaces: [Value] = ["pid", "network", "ipc", "uts", "mount"].map { type in
            if type == "network", let path = c.networkNamespace { return .map(["type": "network", "path": .string(path)]) }
            return .map(["type": .string(type)])
        }
        let user: Value = .map(["uid": .int(Int64(c.uid)), "gid": .int(Int64(c.gid)),
                                "additionalGids": .list(c.privileges.additionalGids.map { .int(Int64($0)) })])
        let devices: Value = .list([.map(["allow": .bool(privileged), "access": "rwm"])])
        let masked: [Value] = privileged ? [] : ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                                                 "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"]
        let readonly: [Value] = privileged ? [] : ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]
        return .map([
            "ociVersion": "1.0.2",
            "process": .map([
                "terminal": false,
                "user": user,
                "args": .list(c.args.map { .string($0) }),
                "env": .list(c.env.map { .string($0) }),
                "cwd": .string(c.workingDir.isEmpty ? "/" : c.workingDir),
                "capabilities": c.privileges.oci,
                "noNewPrivileges": .bool(c.privileges.noNewPrivileges && !privileged),
            ]),
            "root": .map(["path": .string(rootfs), "readonly": .bool(c.readOnlyRoot)]),
            "hostname": .string(c.hostname),
            "annotations": .map(c.annotations.mapValues { .string($0) }),  // (kstate) re-adoption keys
            "mounts": .list(mounts),
            "linux": .map([
                // Our own cgroup parent keeps these containers apart from anything else on the host.
                "cgroupsPath": .string("/helmctl/" + c.id),
                "resources": CgroupResources.oci(c.resources, devices: devices),
                "namespaces": .list(namespaces),
                "maskedPaths": .list(masked),
                "readonlyPaths": .list(readonly),
            ]),
        ])
    }
}
