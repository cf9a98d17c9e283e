import NIOHTTP1
import NIOPosix
import StructuredData
#if canImport(Glibc)
    import Glibc
#endif

/// A prepared volume: the host path containers bind-mount, and whether it is always read-only
/// (configMap, secret, downwardAPI and projected volumes are, as in Kubernetes).
struct PreparedVolume: Sendable, Equatable {
    var path: String
    var readOnly: Bool
}

/// What the kubelet remembers of a pod's volumes across sync passes.
struct PodVolumeState: Sendable {
    var prepared: [String: PreparedVolume] = [:]
    /// The files last written per file volume, so unchanged contents are not rewritten.
    var payloads: [String: [VolumeFile]] = [:]
    /// The last FailedMount message (an Event is recorded when it changes).
    var lastFailure: String?
    /// A FailedMount message whose Event waits until the pod's status was published (whoever sees
    /// the Event then sees the status it explains).
    var unreportedFailure: String?
    /// Every volume was set up at least once: containers may start.
    var ready = false
}

/// Pod volumes: set up under `<runtime root>/kubelet-pods/<node>/<pod uid>/volumes/<name>` before
/// the pod's containers start, refreshed on every sync pass (ConfigMap/Secret/label updates reach
/// mounted files through the atomic `..data` swap), bind-mounted per volumeMounts, and removed
/// (tmpfs unmounted) when the pod goes.
extension Kubelet {
    /// Where this node's pod directories live; nil for runtimes without a host root (no volumes).
    var podsRoot: String? {
        guard let runc = runtime as? RuncRuntime, PodVolumes.isObjectName(nodeName) else { return nil }
        return runc.root + "/kubelet-pods/" + nodeName
    }

    func podDirectory(_ uid: String) -> String? {
        guard let root = podsRoot, !uid.isEmpty, uid.count <= 128,
              uid.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
        else { return nil }
        return root + "/" + uid
    }

    /// Sets up or refreshes the pod's volumes; false while containers must wait (a referenced
    /// ConfigMap, Secret or claim is missing), with a `FailedMount` Event for each new reason.
    func prepareVolumes(_ pod: Value, _ record: inout PodRecord, now: Int64) async -> Bool {
        let volumes = pod["spec"]?["volumes"]?.listValue ?? []
        guard !volumes.isEmpty else { return true }
        guard let podDir = podDirectory(record.uid) else { return true }
        var failure: String?
        for volume in volumes {
            let name = volume["name"]?.stringValue ?? ""
            do {
                try PodVolumes.checkVolumeName(name)
                try await prepareVolume(volume, name: name, pod: pod, dir: podDir + "/volumes/" + name, &record.volumes, now: now)
            } catch {
                if failure == nil { failure = "MountVolume.SetUp failed for volume \"\(name)\" : \(error.description)" }
            }
        }
        guard let failure else {
            record.volumes.ready = true
            record.volumes.lastFailure = nil
            return true
        }
        if record.volumes.lastFailure != failure {
            record.volumes.lastFailure = failure
            record.volumes.unreportedFailure = failure
        }
        // Once running, a failed refresh keeps the last contents (as Kubernetes does).
        return record.volumes.ready
    }

    private func prepareVolume(_ volume: Value, name: String, pod: Value, dir: String, _ state: inout PodVolumeState,
                               now: Int64) async throws(VolumeError)
    {
        let namespace = pod.namespace ?? "default"
        let kind = PodVolumes.kind(volume) ?? ""
        switch kind {
        case "emptyDir":
            if state.prepared[name] != nil { return }
            let memory = volume["emptyDir"]?["medium"]?.stringValue == "Memory"
            let limit = volume["emptyDir"]?["sizeLimit"].map { ResourceQuantity.units($0) }
            try await blocking { () throws(VolumeError) in try VolumeFiles.makeEmptyDir(dir, memory: memory, sizeLimit: limit) }
            state.prepared[name] = PreparedVolume(path: dir, readOnly: false)
        case "hostPath":
            if state.prepared[name] != nil { return }
            let path = volume["hostPath"]?["path"]?.stringValue ?? ""
            let type = volume["hostPath"]?["type"]?.stringValue ?? ""
            try await blocking { () throws(VolumeError) in try VolumeFiles.checkHostPath(path, type: type) }
            state.prepared[name] = PreparedVolume(path: path, readOnly: false)
        case "persistentVolumeClaim":
            if state.prepared[name] != nil { return }
            let claim = volume["persistentVolumeClaim"]?["claimName"]?.stringValue ?? ""
            let path = try await claimPath(claim, namespace: namespace)
            state.prepared[name] = PreparedVolume(path: path, readOnly: volume["persistentVolumeClaim"]?["readOnly"] == .bool(true))
        case "configMap", "secret", "downwardAPI", "projected":
            let refs = PodVolumes.references(volume)
            let objects = await fetchObjects(namespace: namespace, configMaps: refs.configMaps, secrets: refs.secrets)
            let node = volume["downwardAPI"] != nil || volume["projected"] != nil ? await nodeCapacity() : NodeCapacity(cpuMilli: 1000, memoryBytes: 0, ephemeralBytes: 0)
            let files = try PodVolumes.files(volume, pod: pod, objects: objects, node: node)
            if state.payloads[name] != files || state.prepared[name] == nil {
                let stamp = Self.stamp(now)
                // Secrets stay off the disk: their volume is a tmpfs, as the kubelet makes it.
                let memory = kind == "secret"
                try await blocking { () throws(VolumeError) in
                    if memory { try VolumeFiles.makeEmptyDir(dir, memory: true, sizeLimit: nil, mode: 0o755) }
                    try VolumeFiles.writeAtomically(dir, files: files, stamp: stamp)
                }
                state.payloads[name] = files
            }
            state.prepared[name] = PreparedVolume(path: dir, readOnly: true)
        default:
            throw VolumeError("volume type \"\(kind)\" is not supported by helmctl")
        }
    }

    /// `..2026_11_27_18_49_06.123456789`-style directory names, as Kubernetes' AtomicWriter uses.
    static func stamp(_ now: Int64) -> String {
        let t = Timestamps.rfc3339(now).dropLast().map { $0 == "-" || $0 == "T" || $0 == ":" ? "_" : $0 }
        return String(t) + "." + String(UInt32.random(in: 0...UInt32.max))
    }

    /// The host directory of a bound claim's PersistentVolume (hostPath or local).
    private func claimPath(_ claim: String, namespace: String) async throws(VolumeError) -> String {
        guard PodVolumes.isObjectName(claim) else { throw VolumeError("persistentvolumeclaim \"\(claim)\" not found") }
        let pvc = await api.call(.GET, "/api/v1/namespaces/\(namespace)/persistentvolumeclaims/\(claim)")
        guard pvc.ok else { throw VolumeError("persistentvolumeclaim \"\(claim)\" not found") }
        guard let pvName = pvc.body["spec"]?["volumeName"]?.stringValue, !pvName.isEmpty,
              pvc.body["status"]?["phase"]?.stringValue == "Bound", PodVolumes.isObjectName(pvName)
        else { throw VolumeError("persistentvolumeclaim \"\(claim)\" is not bound") }
        let pv = await api.call(.GET, "/api/v1/persistentvolumes/\(pvName)")
        guard pv.ok else { throw VolumeError("persistentvolume \"\(pvName)\" not found") }
        let spec = pv.body["spec"]
        if let path = spec?["hostPath"]?["path"]?.stringValue {
            let type = spec?["hostPath"]?["type"]?.stringValue ?? ""
            try await blocking { () throws(VolumeError) in try VolumeFiles.checkHostPath(path, type: type) }
            return path
        }
        if let path = spec?["local"]?["path"]?.stringValue {
            try await blocking { () throws(VolumeError) in try VolumeFiles.checkHostPath(path, type: "Directory") }
            return path
        }
        throw VolumeError("persistentvolume \"\(pvName)\" is neither hostPath nor local; helmctl mounts only those")
    }

    /// Fetches ConfigMaps and Secrets by name (nil for those that do not exist or have unsafe names).
    func fetchObjects(namespace: String, configMaps: [String], secrets: [String]) async -> ReferencedObjects {
        var out = ReferencedObjects()
        // `Value` is nil-literal expressible (`.null`): absent objects are stored as `.some(.none)` explicitly.
        for name in Set(configMaps) {
            let found: Value? = PodVolumes.isObjectName(name) ? await get("configmaps", namespace, name) : Optional<Value>.none
            out.configMaps[name] = .some(found)
        }
        for name in Set(secrets) {
            let found: Value? = PodVolumes.isObjectName(name) ? await get("secrets", namespace, name) : Optional<Value>.none
            out.secrets[name] = .some(found)
        }
        return out
    }

    private func get(_ plural: String, _ namespace: String, _ name: String) async -> Value? {
        let reply = await api.call(.GET, "/api/v1/namespaces/\(namespace)/\(plural)/\(name)")
        guard reply.ok else { return Optional<Value>.none }
        return reply.body
    }

    func nodeCapacity() async -> NodeCapacity {
        NodeCapacity.host((try? await RuntimeThreads.pool.runIfActive { HostFacts.read() }) ?? HostFacts())
    }

    /// The runtime configuration with env from ConfigMaps/Secrets and the container's volume mounts.
    func resolvedContainerConfig(_ pod: Value, _ c: Value, image: ContainerImage, id: String,
                                 volumes: PodVolumeState) async throws(ContainerConfigError) -> ContainerConfig
    {
        let refs = ContainerEnvironment.references(c)
        let objects = await fetchObjects(namespace: pod.namespace ?? "default", configMaps: refs.configMaps, secrets: refs.secrets)
        let needsNode = (c["env"]?.listValue ?? []).contains { $0["valueFrom"]?["resourceFieldRef"] != nil }
        let node = needsNode ? await nodeCapacity() : NodeCapacity(cpuMilli: 1000, memoryBytes: 0, ephemeralBytes: 0)
        let hostname = Self.hostname(pod)
        let variables = try ContainerEnvironment.resolve(pod: pod, container: c, hostname: hostname, objects: objects, node: node)
        var config = containerConfig(pod, c, image: image, id: id, variables: variables)
        config.mounts = try await mounts(c, volumes: volumes, variables: variables)
        (config.stdin, config.stdinOnce) = (c["stdin"] == .bool(true), c["stdinOnce"] == .bool(true))
        return config
    }

    /// The bind mounts of a container's volumeMounts, parents before children.
    func mounts(_ c: Value, volumes: PodVolumeState, variables: [(String, String)]) async throws(ContainerConfigError) -> [ContainerMount] {
        let known = Dictionary(variables, uniquingKeysWith: { _, last in last })
        let container = c["name"]?.stringValue ?? ""
        var out: [ContainerMount] = []
        for m in c["volumeMounts"]?.listValue ?? [] {
            let name = m["name"]?.stringValue ?? ""
            guard let volume = volumes.prepared[name] else {
                throw ContainerConfigError("cannot find volume \"\(name)\" to mount into container \"\(container)\"")
            }
            var destination = m["mountPath"]?.stringValue ?? ""
            if !destination.hasPrefix("/") { destination = "/" + destination }
            guard destination != "/", !destination.split(separator: "/").contains(".."), !destination.utf8.contains(0) else {
                throw ContainerConfigError("invalid mountPath \"\(destination)\" for volume \"\(name)\"")
            }
            var subPath = m["subPath"]?.stringValue ?? ""
            if let expr = m["subPathExpr"]?.stringValue, !expr.isEmpty { subPath = ContainerEnvironment.expand(expr, known) }
            var source = volume.path
            if !subPath.isEmpty {
                let root = volume.path
                let sub = subPath
                do {
                    source = try await blocking { () throws(VolumeError) in try VolumeFiles.subPathSource(volume: root, subPath: sub) }
                } catch {
                    throw ContainerConfigError("failed to prepare subPath for volumeMount \"\(name)\" of container \"\(container)\": \(error)")
                }
            }
            out.append(ContainerMount(destination: destination, source: source, readOnly: volume.readOnly || m["readOnly"] == .bool(true)))
        }
        // Stable by depth, so a mount inside another volume's mountPath comes after it.
        return out.enumerated().sorted { a, b in
            let (da, db) = (a.element.destination.split(separator: "/").count, b.element.destination.split(separator: "/").count)
            return da != db ? da < db : a.offset < b.offset
        }.map(\.element)
    }

    /// Unmounts and removes a pod's volume directory (never data outside it: PVC and hostPath
    /// volumes are mounted from where they are).
    func teardownVolumes(_ uid: String) async {
        guard let dir = podDirectory(uid) else { return }
        await Self.unmountAndRemove(dir)
    }

    /// Removes pod directories left by an earlier run (their containers were removed too).
    func removeStaleVolumes() async {
        guard let root = podsRoot else { return }
        await Self.unmountAndRemove(root)
    }

    /// In a task of its own: the work must happen even when the caller was cancelled (a kubelet
    /// stopped by cancellation still unmounts), and the thread pool drops work of cancelled tasks.
    static func unmountAndRemove(_ dir: String) async {
        await Task.detached {
            _ = try? await RuntimeThreads.pool.runIfActive {
                VolumeFiles.unmountAll(under: dir)
                VolumeFiles.remove(dir)
            }
        }.value
    }

    /// A Warning Event about the pod from this kubelet.
    func recordPodEvent(_ pod: Value, reason: String, message: String, now: Int64) async {
        let ns = pod.namespace ?? "default"
        let time = Value.string(Timestamps.rfc3339(now))
        let event: Value = .map([
            "apiVersion": "v1", "kind": "Event",
            "metadata": .map(["name": .string(pod.name + "." + String(UInt64.random(in: 0...UInt64.max), radix: 16)), "namespace": .string(ns)]),
            "involvedObject": .map(["apiVersion": "v1", "kind": "Pod", "name": .string(pod.name), "namespace": .string(ns),
                                    "uid": .string(pod.uid)]),
            "reason": .string(reason), "message": .string(message), "type": "Warning",
            "source": .map(["component": "kubelet", "host": .string(nodeName)]),
            "firstTimestamp": time, "lastTimestamp": time, "count": 1,
            "reportingComponent": "kubelet", "reportingInstance": .string(nodeName),
        ])
        _ = await api.call(.POST, "/api/v1/namespaces/\(ns)/events", event)
    }

    /// Runs blocking volume work on the runtime's threads.
    private func blocking<T: Sendable>(_ work: @escaping @Sendable () throws(VolumeError) -> T) async throws(VolumeError) -> T {
        do {
            return try await RuntimeThreads.pool.runIfActive { try work() }
        } catch let e as VolumeError {
            throw e
        } catch {
            throw VolumeError("\(error)")
        }
    }
}
