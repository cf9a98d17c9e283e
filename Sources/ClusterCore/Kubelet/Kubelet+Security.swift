import NIOPosix
import StructuredData
#if canImport(Glibc)
    import Glibc
#endif

/// A container's securityContext as Kubernetes resolves it: the container's fields over the pod's
/// (runAsUser, runAsGroup, runAsNonRoot), pod-only groups (supplementalGroups, fsGroup) and
/// container-only privileges (capabilities, privileged, allowPrivilegeEscalation).
enum SecurityContext {
    /// `name_namespace(uid)`, as the kubelet's messages name a pod.
    static func podName(_ pod: Value) -> String {
        "\(pod.name)_\(pod.namespace ?? "default")(\(pod.uid))"
    }

    /// A field of the container's securityContext, else the pod's.
    static func effective(_ field: String, pod: Value, container: Value) -> Value? {
        container["securityContext"]?[field] ?? pod["spec"]?["securityContext"]?[field]
    }

    /// Kubernetes' runAsNonRoot check: with runAsNonRoot true, an explicit runAsUser must not be 0;
    /// without one, the image's User must be numeric and not 0 (an empty User runs as root).
    static func verifyRunAsNonRoot(pod: Value, container: Value, imageUser: String) throws(ContainerConfigError) {
        guard effective("runAsNonRoot", pod: pod, container: container) == .bool(true) else { return }
        let name = container["name"]?.stringValue ?? ""
        let where_ = "(pod: \"\(podName(pod))\", container: \(name))"
        if let uid = effective("runAsUser", pod: pod, container: container)?.intValue {
            if uid == 0 { throw ContainerConfigError("container's runAsUser breaks non-root policy \(where_)") }
            return
        }
        let user = imageUser.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        if user.isEmpty { throw ContainerConfigError("container has runAsNonRoot and image will run as root \(where_)") }
        guard let uid = Int64(user) else {
            throw ContainerConfigError("container has runAsNonRoot and image has non-numeric user (\(user)), cannot verify user is non-root \(where_)")
        }
        if uid == 0 { throw ContainerConfigError("container has runAsNonRoot and image will run as root \(where_)") }
        if uid < 0 || uid > Int64(Int32.max) {
            throw ContainerConfigError("container has runAsNonRoot and image has an invalid user id (\(uid)). (Must be 1-(\(Int32.max))) \(where_)")
        }
    }

    /// Supplementary groups (fsGroup first, then supplementalGroups), capabilities and privilege flags.
    static func privileges(pod: Value, container: Value) -> ContainerPrivileges {
        let podSC = pod["spec"]?["securityContext"]
        let sc = container["securityContext"]
        var groups: [UInt32] = []
        for g in [podSC?["fsGroup"]].compactMap({ $0 }) + (podSC?["supplementalGroups"]?.listValue ?? []) {
            if let n = g.intValue, let gid = UInt32(exactly: n), !groups.contains(gid) { groups.append(gid) }
        }
        let privileged = sc?["privileged"] == .bool(true)
        let strings = { (v: Value?) in (v?.listValue ?? []).compactMap(\.stringValue) }
        let caps = ContainerPrivileges.capabilities(add: strings(sc?["capabilities"]?["add"]), drop: strings(sc?["capabilities"]?["drop"]))
        // Kubernetes' default allows escalation; only an explicit false sets no_new_privs.
        let noNewPrivileges = sc?["allowPrivilegeEscalation"] == .bool(false) && !privileged
        return ContainerPrivileges(additionalGids: groups, capabilities: caps, noNewPrivileges: noNewPrivileges, privileged: privileged)
    }
}

extension Kubelet {
    /// (ksec) Completes `config` with the container's securityContext and resources: refuses
    /// runAsNonRoot violations (CreateContainerConfigError), sets groups, capabilities and cgroup
    /// limits, and gives the pod's emptyDir volumes to its fsGroup.
    func applySecurity(_ pod: Value, _ c: Value, image: ContainerImage, volumes: PodVolumeState,
                       _ config: inout ContainerConfig) async throws(ContainerConfigError)
    {
        try SecurityContext.verifyRunAsNonRoot(pod: pod, container: c, imageUser: image.user)
        config.privileges = SecurityContext.privileges(pod: pod, container: c)
        config.resources = CgroupResources.resources(container: c)
        guard let fsGroup = pod["spec"]?["securityContext"]?["fsGroup"]?.intValue, let gid = gid_t(exactly: fsGroup) else { return }
        let emptyDirs = (pod["spec"]?["volumes"]?.listValue ?? []).compactMap { v -> String? in
            guard v["emptyDir"] != nil, let name = v["name"]?.stringValue else { return nil }
            return volumes.prepared[name]?.path
        }
        guard !emptyDirs.isEmpty else { return }
        _ = try? await RuntimeThreads.pool.runIfActive {
            for dir in emptyDirs { Self.giveToGroup(dir, gid: gid) }
        }
    }

    /// Kubernetes' volume ownership for fsGroup: the directory's group becomes `gid`, group
    /// read/write, set-group-ID so files made in it inherit the group.
    static func giveToGroup(_ dir: String, gid: gid_t) {
        var st = stat()
        guard lstat(dir, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else { return }
        _ = chown(dir, uid_t.max, gid)  // uid_t.max = (uid_t)-1: owner unchanged
        _ = chmod(dir, (st.st_mode & 0o7777) | S_ISGID | 0o070)
    }
}
