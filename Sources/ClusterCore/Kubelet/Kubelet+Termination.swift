import NIOConcurrencyHelpers
import NIOHTTP1
import StructuredData
#if canImport(Glibc)
    import Glibc
#endif

/// Lifecycle hook runs (postStart, preStop) by `<container id>/<hook>`: hook tasks report here and
/// sync passes read the outcome, so a long hook never holds up a pass.
final class LifecycleHooks: Sendable {
    enum State: Sendable {
        case running
        case finished(ProbeNetwork.Outcome)
        /// The outcome was acted on (event, kill); nothing more to do.
        case handled
    }

    private let states = NIOLockedValueBox<[String: State]>([:])
    /// When containers whose postStart hook runs were started (their `startedAt` once it is done).
    private let startTimes = NIOLockedValueBox<[String: Int64]>([:])

    func setStarted(_ id: String, at time: Int64) { startTimes.withLockedValue { $0[id] = time } }

    func startedAt(_ id: String) -> Int64? { startTimes.withLockedValue { $0[id] } }

    /// Marks the hook started; false when it already was (it runs at most once per container attempt).
    func begin(_ key: String) -> Bool {
        states.withLockedValue { s in
            if s[key] != nil { return false }
            s[key] = .running
            return true
        }
    }

    func finish(_ key: String, _ outcome: ProbeNetwork.Outcome) {
        states.withLockedValue { s in if case .running? = s[key] { s[key] = .finished(outcome) } }
    }

    func state(_ key: String) -> State? { states.withLockedValue { $0[key] } }

    func handled(_ key: String) { states.withLockedValue { $0[key] = .handled } }

    func forget(_ id: String) {
        startTimes.withLockedValue { _ = $0.removeValue(forKey: id) }
        states.withLockedValue { s in
            s.removeValue(forKey: id + "/postStart")
            s.removeValue(forKey: id + "/preStop")
        }
    }
}

/// (ksec) How far a pod's graceful termination got: which containers were sent SIGTERM, and
/// whether the deadline was stretched for a preStop hook that used up the grace period.
struct TerminationProgress: Sendable {
    var signalled: Set<String> = []
    var extended = false
}

/// Graceful termination and lifecycle hooks, as the kubelet does them: on deletion each running
/// container's `preStop` hook runs (exec, httpGet or sleep), then SIGTERM, then SIGKILL once the
/// grace period (the deletion's `gracePeriodSeconds`, else the pod's `terminationGracePeriodSeconds`,
/// else 30 s) has passed — a hook that outlives it gets 2 s more after its SIGTERM, as Kubernetes
/// gives. A failed `postStart` hook posts `FailedPostStartHook` and kills the container, whose
/// restart policy then applies.
extension Kubelet {
    /// Kubernetes' extra time after a preStop hook that took the whole grace period.
    static let minimumGraceAfterHook: Int64 = 2

    /// One pass of a deleted pod; true while its containers still run (the record is kept).
    func terminate(_ pod: Value, _ record: inout PodRecord, now: Int64) async -> Bool {
        let grace = max(0, pod.meta("deletionGracePeriodSeconds")?.intValue ?? pod["spec"]?["terminationGracePeriodSeconds"]?.intValue ?? 30)
        // A later deletion with a shorter grace period brings the deadline forward, never back.
        record.killDeadline = min(record.killDeadline ?? Int64.max, now + grace)
        // Containers whose postStart hook still runs are up too.
        let running = record.containers.filter { $0.id != nil && ($0.state.isRunning || postStartPending($0)) }
        if !running.isEmpty {
            for c in running {
                guard let id = c.id, !record.termination.signalled.contains(id) else { continue }
                var hookDone = true
                if grace > 0, !record.killSent, let hook = containerSpec(pod, name: c.name, isInit: c.isInit)?["lifecycle"]?["preStop"],
                   hook.mapValue != nil
                {
                    hookDone = await preStopDone(pod, hook: hook, container: c, id: id, grace: grace)
                }
                let deadline = record.killDeadline ?? now
                guard hookDone || now > deadline else { continue }
                if !hookDone && !record.termination.extended {
                    record.termination.extended = true
                    record.killDeadline = now + Self.minimumGraceAfterHook
                }
                await podEvent(pod, container: c.name, reason: "Killing", warning: false, message: "Stopping container \(c.name)")
                try? await runtime.kill(id, signal: SIGTERM)
                record.termination.signalled.insert(id)
            }
            // Strictly after: the clock counts whole seconds, so the full grace period has passed.
            if let deadline = record.killDeadline, now > deadline, !record.killSent {
                record.killSent = true
                for id in running.compactMap(\.id) { try? await runtime.kill(id, signal: SIGKILL) }
            }
            return true
        }
        for c in record.containers {
            guard let id = c.id else { continue }
            try? await runtime.delete(id)
            hooks.forget(id)
        }
        await removeLogs(record)  // (kstate)
        await releaseSandbox(&record)  // (podnet)
        await teardownVolumes(record.uid)  // n-volumes
        let options: Value = .map(["kind": "DeleteOptions", "apiVersion": "v1", "gracePeriodSeconds": 0,
                                   "preconditions": .map(["uid": .string(record.uid)])])
        let reply = await api.call(.DELETE, KubeletAPI.podPath(record.namespace, record.name), options)
        return !(reply.ok || reply.code == 404 || reply.code == 409)
    }

    /// Starts the container's preStop hook on first call; true once it finished (a failure posts
    /// `FailedPreStopHook` and termination goes on, as in Kubernetes).
    private func preStopDone(_ pod: Value, hook: Value, container c: ContainerRecord, id: String, grace: Int64) async -> Bool {
        let key = id + "/preStop"
        switch hooks.state(key) {
        case nil:
            guard hooks.begin(key), let spec = containerSpec(pod, name: c.name, isInit: c.isInit) else { return true }
            let (runtime, hooks, name, podName) = (self.runtime, self.hooks, c.name, SecurityContext.podName(pod))
            Task {
                let outcome = await Self.runHook(hook, id: id, container: spec, name: name, pod: podName, timeout: grace, runtime: runtime)
                hooks.finish(key, outcome)
            }
            return false
        case .running?:
            return false
        case .finished(let outcome)?:
            hooks.handled(key)
            if !outcome.success {
                await podEvent(pod, container: c.name, reason: "FailedPreStopHook", warning: true, message: outcome.message)
            }
            return true
        case .handled?:
            return true
        }
    }

    /// (ksec) Starts the postStart hook of container `c`, just started, when it has one: until the
    /// hook is done the container is reported waiting in ContainerCreating, as Kubernetes reports it.
    func startPostStart(_ spec: Value, pod: Value, _ c: inout ContainerRecord, now: Int64) {
        guard let id = c.id, let hook = spec["lifecycle"]?["postStart"], hook.mapValue != nil, hooks.begin(id + "/postStart") else { return }
        hooks.setStarted(id, at: now)
        c.state = .waiting(reason: "ContainerCreating", message: nil)
        // Kubernetes gives postStart no time limit; a day stands for none (deletion kills the container anyway).
        let timeout: Int64 = 86400
        let (runtime, hooks, name, podName) = (self.runtime, self.hooks, c.name, SecurityContext.podName(pod))
        Task {
            let outcome = await Self.runHook(hook, id: id, container: spec, name: name, pod: podName, timeout: timeout, runtime: runtime)
            hooks.finish(id + "/postStart", outcome)
        }
    }

    /// (ksec) Whether container `c` was started and its postStart hook has not finished.
    func postStartPending(_ c: ContainerRecord) -> Bool {
        guard let id = c.id, case .waiting = c.state, case .running? = hooks.state(id + "/postStart") else { return false }
        return true
    }

    /// (ksec) Acts on finished postStart hooks: the container is reported running from its start;
    /// a failure posts `FailedPostStartHook` and kills it (its exit then goes through the restart policy).
    func checkPostStart(_ pod: Value, _ record: inout PodRecord) async {
        for i in record.containers.indices {
            let c = record.containers[i]
            guard let id = c.id, case .waiting = c.state, case .finished(let outcome)? = hooks.state(id + "/postStart") else { continue }
            hooks.handled(id + "/postStart")
            record.containers[i].state = .running(startedAt: hooks.startedAt(id) ?? clock.now())
            guard !outcome.success else { continue }
            await podEvent(pod, container: c.name, reason: "FailedPostStartHook", warning: true, message: outcome.message)
            try? await runtime.kill(id, signal: SIGKILL)
        }
    }

    /// Runs one lifecycle handler (exec, httpGet, sleep) in container `id`, at most `timeout` seconds;
    /// a failure's message is worded as the kubelet's.
    static func runHook(_ hook: Value, id: String, container: Value, name: String, pod: String, timeout: Int64,
                        runtime: any ContainerRuntime) async -> ProbeNetwork.Outcome
    {
        if let seconds = hook["sleep"]?["seconds"]?.intValue {
            try? await Task.sleep(for: .seconds(max(0, min(seconds, timeout))))
            return ProbeNetwork.Outcome(success: true, message: "")
        }
        var handler = hook
        handler.set(path: ["timeoutSeconds"], to: .int(max(1, timeout)))
        guard let probe = ProbeSpec(handler) else { return ProbeNetwork.Outcome(success: false, message: "Cannot run handler: invalid handler") }
        let outcome = await Self.run(probe, id: id, container: container, runtime: runtime)
        guard !outcome.success else { return outcome }
        switch probe.action {
        case .exec(let command):
            return ProbeNetwork.Outcome(success: false, message: """
                Exec lifecycle hook ([\(command.joined(separator: " "))]) for Container "\(name)" in Pod "\(pod)" failed - \
                error: command '\(command.joined(separator: " "))' failed, message: \(JSON.encode(.string(outcome.message)))
                """)
        case .http(_, _, let path, _, _):
            return ProbeNetwork.Outcome(success: false, message: """
                HTTP lifecycle hook (\(path)) for Container "\(name)" in Pod "\(pod)" failed - error: \(outcome.message)
                """)
        default:
            return ProbeNetwork.Outcome(success: false, message: "Cannot run handler: \(outcome.message)")
        }
    }

    /// (ksec) The terminated reason for an exit: OOMKilled when the kernel killed it for its memory limit.
    func exitReason(_ id: String, code: Int32) async -> String {
        if code == 0 { return "Completed" }
        return await runtime.oomKilled(id) ? "OOMKilled" : "Error"
    }
}
