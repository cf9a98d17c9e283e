import NIOConcurrencyHelpers
import NIOHTTP1
import StructuredData
#if canImport(Glibc)
    import Glibc
#endif

/// Pod sync: start containers (init containers first, one at a time, in order), follow their exits,
/// restart them per `restartPolicy` with back-off, publish status, and carry out graceful deletion.
extension Kubelet {
    /// The periodic re-sync: every pod of the node and every record whose pod is gone.
    func resyncAll() {
        var uids = Set(podCache.uids)
        uids.formUnion(records.withLockedValue { Array($0.keys) })
        for uid in uids { workers.request(uid, urgent: false) }
    }

    /// One sync of pod `uid` (PodWorkers runs one per pod at a time); false once the pod is gone and
    /// everything of it removed.
    func syncPod(_ uid: String) async -> Bool {
        guard let pod = podCache.pod(uid: uid) else {
            // Gone from the API (deleted with grace 0, or its namespace went): stop what is left.
            guard var record = records.withLockedValue({ $0[uid] }) else { return false }
            for c in record.containers { if let id = c.id { try? await runtime.delete(id) } }
            await removeLogs(record)  // (kstate)
            await releaseSandbox(&record)  // (podnet)
            await teardownVolumes(uid)  // n-volumes
            records.withLockedValue { _ = $0.removeValue(forKey: uid) }
            return false
        }
        var record = records.withLockedValue { $0[uid] } ?? newRecord(pod, uid: uid)
        let keep = await sync(pod, &record)
        records.withLockedValue { if keep { $0[uid] = record } else { $0.removeValue(forKey: uid) } }
        // Deleted by this sync: its deletion event may still be on its way.
        if !keep { podCache.forget(uid: uid) }
        return keep
    }

    func newRecord(_ pod: Value, uid: String) -> PodRecord {
        func containers(_ field: String, isInit: Bool) -> [ContainerRecord] {
            (pod["spec"]?[field]?.listValue ?? []).compactMap { c in
                guard let name = c["name"]?.stringValue else { return nil }
                return ContainerRecord(name: name, image: c["image"]?.stringValue ?? "", isInit: isInit)
            }
        }
        return PodRecord(uid: uid, namespace: pod.metaString("namespace") ?? "default", name: pod.name,
                         containers: containers("initContainers", isInit: true) + containers("containers", isInit: false),
                         startTime: clock.now())
    }

    /// One pass over one pod; false when the pod is finished with (deleted) and its record can go.
    func sync(_ pod: Value, _ record: inout PodRecord) async -> Bool {
        let now = clock.now()
        await refresh(&record, now: now)
        await checkPostStart(pod, &record)  // (ksec) Kubelet+Termination.swift
        if pod.meta("deletionTimestamp").map({ !$0.isNull }) ?? false {
            return await terminate(pod, &record, now: now)
        }
        let restartPolicy = pod["spec"]?["restartPolicy"]?.stringValue ?? "Always"
        let phase = PodStatusBuilder.phase(record, restartPolicy: restartPolicy)
        if phase != "Succeeded" && phase != "Failed" {
            // Containers start only once the pod's volumes are set up (refreshed every pass).
            if await prepareVolumes(pod, &record, now: now) {
                await advance(pod, &record, restartPolicy: restartPolicy, now: now)
                await probeContainers(pod, &record, now: now)  // Kubelet+Probes.swift
            }
        } else {
            await releaseSandbox(&record)  // (podnet) a finished pod's address goes back to the pool
        }
        // Log requests read the records: they must know a container before its status says it runs.
        let snapshot = record
        records.withLockedValue { $0[snapshot.uid] = snapshot }
        await publish(pod, &record, now: clock.now())
        if let failure = record.volumes.unreportedFailure {  // n-volumes: after the status it explains
            record.volumes.unreportedFailure = nil
            await recordPodEvent(pod, reason: "FailedMount", message: failure, now: now)
        }
        return true
    }

    /// Notices containers that exited since the last pass.
    func refresh(_ record: inout PodRecord, now: Int64) async {
        for i in record.containers.indices {
            guard let id = record.containers[i].id, case .running(let started) = record.containers[i].state else { continue }
            if let code = await runtime.exitCode(id) {
                let reason = await exitReason(id, code: code)  // (ksec) OOMKilled, Kubelet+Termination.swift
                record.containers[i].state = .terminated(exitCode: code, reason: reason,
                                                         startedAt: started, finishedAt: now, id: id)
                // The kubelet forgets a back-off not stepped for twice the longest one: after a long
                // run the next exit restarts at once again.
                if now - started >= 2 * configuration.maxBackoff { record.containers[i].backoff = 0 }
            }
        }
    }

    /// Starts the next init container, or every regular container, restarting exited ones as the policy says.
    func advance(_ pod: Value, _ record: inout PodRecord, restartPolicy: String, now: Int64) async {
        guard await ensureSandbox(pod, &record) else { return }  // (podnet)
        for i in record.containers.indices where record.containers[i].isInit {
            let c = record.containers[i]
            if c.succeeded { continue }
            if c.state.isRunning { return }
            if c.state.exitCode != nil && restartPolicy == "Never" { return }
            await startIfDue(pod, &record, i, now: now)
            return
        }
        for i in record.containers.indices where !record.containers[i].isInit {
            let c = record.containers[i]
            if c.state.isRunning { continue }
            if let code = c.state.exitCode {
                if restartPolicy == "Never" || (restartPolicy == "OnFailure" && code == 0) { continue }
            }
            await startIfDue(pod, &record, i, now: now)
        }
    }

    /// Starts container `i` now, or — when it exited and its back-off has not passed — reports the back-off.
    func startIfDue(_ pod: Value, _ record: inout PodRecord, _ i: Int, now: Int64) async {
        var c = record.containers[i]
        if postStartPending(c) { return }  // (ksec) started; its postStart hook still runs
        if case .terminated = c.state {
            // An exit that calls for a restart. As the kubelet: the first exit restarts at once and
            // starts the back-off (initialBackoff); a later one waits out the current back-off, which
            // doubles (up to maxBackoff) each time a wait ends.
            c.lastState = c.state
            if c.backoff == 0 {
                c.backoff = configuration.initialBackoff
            } else {
                c.backoffUntil = now + c.backoff
                let named = "\(record.name)_\(record.namespace)(\(record.uid))"  // the kubelet's format.Pod
                c.state = .waiting(reason: "CrashLoopBackOff",
                                   message: "back-off \(Self.goDuration(seconds: c.backoff)) restarting failed container=\(c.name) pod=\(named)")
                await recordBackOff(pod, &c, message: "Back-off restarting failed container \(c.name) in pod \(named)", warning: true)
                record.containers[i] = c
                return
            }
        } else if case .waiting("CrashLoopBackOff", _) = c.state, now >= c.backoffUntil {
            c.backoff = min(c.backoff * 2, configuration.maxBackoff)  // the wait is over: the next one is twice as long
        }
        if now < c.backoffUntil {
            if case .waiting("ErrImagePull", let failure) = c.state {
                // As Kubernetes 1.32: the waiting message carries the last pull's error; the Event does not.
                let message = "Back-off pulling image \"\(c.image)\""
                c.state = .waiting(reason: "ImagePullBackOff", message: message + (failure.map { ": ErrImagePull: " + $0 } ?? ""))
                await recordBackOff(pod, &c, message: message, warning: false)  // Normal, as the kubelet's image manager posts it
                await recordCounted(pod, &c, reason: "Failed", message: "Error: ImagePullBackOff", warning: true)
                record.containers[i] = c
            }
            return
        }
        guard let spec = containerSpec(pod, name: c.name, isInit: c.isInit) else { return }
        let restarting = c.lastState != nil
        if let old = c.id {
            try? await runtime.delete(old)
            hooks.forget(old)  // (ksec)
        }
        if restarting { c.restartCount += 1 }
        let id = "\(record.uid)-\(c.name)-\(c.restartCount)"
        await removeOlderLog(of: c, uid: record.uid)  // (kstate) only the previous attempt's log is kept
        do {
            let image = try await pullImage(pod, container: c.name, isInit: c.isInit, image: c.image)  // Kubelet+Images.swift
            var config: ContainerConfig
            do {
                // Env from ConfigMaps/Secrets and volume mounts; a missing reference waits.
                config = try await resolvedContainerConfig(withSandboxStatus(pod, record), spec, image: image, id: id, volumes: record.volumes)
                try await applySecurity(pod, spec, image: image, volumes: record.volumes, &config)  // (ksec) Kubelet+Security.swift
            } catch {
                if restarting { c.restartCount -= 1 }
                c.state = .waiting(reason: "CreateContainerConfigError", message: error.description)
                record.containers[i] = c
                return
            }
            attachSandbox(&config, record, pod: pod)  // (podnet)
            config.annotations = adoptionAnnotations(record, c, now: now)  // (kstate) Kubelet+Adopt.swift
            do {
                try await runtime.create(config)
                try await runtime.start(id)
                c.id = id
                c.state = .running(startedAt: now)
                startPostStart(spec, pod: pod, &c, now: now)  // (ksec) Kubelet+Termination.swift
            } catch {
                c.id = id
                c.state = .waiting(reason: "RunContainerError", message: "\(error)")
                try? await runtime.delete(id)
            }
        } catch {
            if restarting { c.restartCount -= 1 }
            // Pulls are retried with the same back-off as restarts (ErrImagePull, then ImagePullBackOff).
            c.backoff = c.backoff == 0 ? configuration.initialBackoff : min(c.backoff * 2, configuration.maxBackoff)
            c.backoffUntil = now + c.backoff
            let reason = (error as? ImagePullFailure)?.reason ?? "ErrImagePull"
            c.state = .waiting(reason: reason, message: "\(error)")
            // The kubelet's "Error: <reason>" after the pull's own Event.
            await recordCounted(pod, &c, reason: "Failed", message: "Error: " + reason, warning: true)
        }
        record.containers[i] = c
    }

    func containerSpec(_ pod: Value, name: String, isInit: Bool) -> Value? {
        (pod["spec"]?[isInit ? "initContainers" : "containers"]?.listValue ?? []).first { $0["name"]?.stringValue == name }
    }

    /// The runtime configuration for a pod's container: Kubernetes' command/args over the image's
    /// entrypoint/cmd, env (literal values), working dir, user and group, read-only root.
    func containerConfig(_ pod: Value, _ c: Value, image: ContainerImage, id: String, variables: [(String, String)]) -> ContainerConfig {
        let hostname = Self.hostname(pod)
        let known = Dictionary(variables, uniquingKeysWith: { _, last in last })
        let strings = { (v: Value?) -> [String]? in
            v?.listValue.map { $0.compactMap(\.stringValue).map { ContainerEnvironment.expand($0, known) } }
        }
        let command = strings(c["command"])
        let args = strings(c["args"])
        let argv: [String]
        if let command { argv = command + (args ?? []) } else { argv = image.entrypoint + (args ?? image.cmd) }
        let env = variables.map { $0.0 + "=" + $0.1 }
        let podSecurity = pod["spec"]?["securityContext"]
        let security = c["securityContext"]
        // Without runAsUser/runAsGroup, the image config's User (Kubelet+Images.swift).
        let imageUser = Self.imageUser(image)
        func numeric(_ field: String) -> UInt32 {
            let fallback = field == "runAsUser" ? imageUser?.uid : imageUser?.gid
            return (security?[field]?.intValue ?? podSecurity?[field]?.intValue).map { UInt32(clamping: $0) } ?? fallback ?? 0
        }
        return ContainerConfig(id: id, image: image.reference, args: argv, env: env,
                               workingDir: c["workingDir"]?.stringValue ?? image.workingDir,
                               uid: numeric("runAsUser"), gid: numeric("runAsGroup"), hostname: hostname,
                               readOnlyRoot: security?["readOnlyRootFilesystem"] == .bool(true))
    }

    // Graceful deletion (terminate) and lifecycle hooks: Kubelet+Termination.swift (ksec).

    /// Writes the pod status when it changed since the last publication.
    func publish(_ pod: Value, _ record: inout PodRecord, now: Int64) async {
        let status = PodStatusBuilder.status(&record, pod: pod, now: now)
        guard status != record.lastPublished else { return }
        var next = pod
        next.set(path: ["status"], to: status)
        next.set(path: ["metadata", "resourceVersion"], to: nil)
        let reply = await api.call(.PUT, KubeletAPI.podPath(record.namespace, record.name) + "/status", next)
        guard reply.ok else { return }
        record.lastPublished = status
        // Its watch event is this write: it asks for no sync.
        if let revision = reply.body["metadata"]?["resourceVersion"]?.stringValue.flatMap({ Int64($0) }) {
            workers.wrote(record.uid, revision: revision)
        }
    }
}
