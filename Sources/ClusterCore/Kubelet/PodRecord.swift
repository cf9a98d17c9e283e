import StructuredData

/// A container's state as the kubelet reports it (`v1.ContainerState`).
enum ContainerRunState: Sendable, Equatable {
    case waiting(reason: String, message: String?)
    case running(startedAt: Int64)
    case terminated(exitCode: Int32, reason: String, startedAt: Int64, finishedAt: Int64, id: String)

    var isRunning: Bool { if case .running = self { return true } else { return false } }

    var exitCode: Int32? { if case .terminated(let c, _, _, _, _) = self { return c } else { return nil } }
}

/// What the kubelet remembers of one container of a pod across sync passes.
struct ContainerRecord: Sendable {
    var name: String
    var image: String
    var isInit: Bool
    /// The runtime id of the current (or last) attempt; nil before the first start.
    var id: String?
    var restartCount = 0
    var state: ContainerRunState = .waiting(reason: "ContainerCreating", message: nil)
    var lastState: ContainerRunState?
    /// Not restarted before this time (seconds), after a termination that calls for a restart.
    var backoffUntil: Int64 = 0
    /// The current back-off step in seconds (0: none yet).
    var backoff: Int64 = 0
    /// The Events posted about the container that count up when repeated, by reason and message
    /// (Kubelet+BackOff.swift).
    var countedEvents: [String: CountedEvent] = [:]

    var succeeded: Bool { state.exitCode == 0 }
    /// Probe state of the current attempt (Kubelet+Probes.swift).
    var probes = ProbeTrack()
    /// Running and passed its startup and readiness probes (when it has them).
    var isReady: Bool { state.isRunning && probes.ready }
    var isStarted: Bool { state.isRunning && probes.started }
}

/// What the kubelet remembers of a pod bound to its node.
struct PodRecord: Sendable {
    var uid: String
    var namespace: String
    var name: String
    var containers: [ContainerRecord]
    var startTime: Int64
    /// Condition type → (status, lastTransitionTime), so timestamps move only on transitions.
    var conditions: [String: (String, Int64)] = [:]
    /// Set once deletion started: when SIGKILL follows the SIGTERM, and whether it was sent.
    var killDeadline: Int64?
    var killSent = false
    /// (ksec) preStop/SIGTERM progress (Kubelet+Termination.swift).
    var termination = TerminationProgress()
    var lastPublished: Value?
    /// (podnet) The pod's network sandbox while it exists, and the address it had (kept in the status after release).
    var sandbox: PodSandbox?
    var podIP: String?
    /// (podnet) `spec.hostNetwork`: the containers join the node's own network namespace.
    var hostNetwork = false
    /// n-volumes: the pod's prepared volumes (Kubelet+Volumes.swift).
    var volumes = PodVolumeState()

    func container(_ name: String) -> ContainerRecord? {
        containers.first { $0.name == name && !$0.isInit } ?? containers.first { $0.name == name }
    }
}

/// Builds a pod's `status` from the kubelet's records (Kubernetes API reference §4.9).
enum PodStatusBuilder {
    static let hostIP = "127.0.0.1"

    static func time(_ seconds: Int64) -> Value { .string(Timestamps.rfc3339(seconds)) }

    /// The pod phase the containers add up to under `restartPolicy`.
    static func phase(_ record: PodRecord, restartPolicy: String) -> String {
        let inits = record.containers.filter(\.isInit)
        let regular = record.containers.filter { !$0.isInit }
        if restartPolicy == "Never", inits.contains(where: { ($0.state.exitCode ?? 0) != 0 }) { return "Failed" }
        guard inits.allSatisfy(\.succeeded) else { return "Pending" }
        let allTerminated = !regular.isEmpty && regular.allSatisfy { $0.state.exitCode != nil }
        if allTerminated && restartPolicy != "Always" {
            if regular.allSatisfy(\.succeeded) { return "Succeeded" }
            if restartPolicy == "Never" { return "Failed" }
        }
        let allStarted = regular.allSatisfy { $0.id != nil && !isImageError($0.state) }
        let anyAlive = regular.contains { $0.state.isRunning || $0.restartCount > 0 || $0.lastState != nil || $0.state.exitCode != nil }
        return allStarted && anyAlive ? "Running" : "Pending"
    }

    static func isImageError(_ state: ContainerRunState) -> Bool {
        if case .waiting(let reason, _) = state { return reason == "ErrImagePull" || reason == "ImagePullBackOff" }
        return false
    }

    /// Records condition transitions in `record` and returns the `status` value to publish.
    static func status(_ record: inout PodRecord, pod: Value, now: Int64) -> Value {
        let spec = pod["spec"] ?? .map([:])
        let restartPolicy = spec["restartPolicy"]?.stringValue ?? "Always"
        let phase = phase(record, restartPolicy: restartPolicy)
        let inits = record.containers.filter(\.isInit)
        let regular = record.containers.filter { !$0.isInit }
        let pendingInits = inits.filter { !$0.succeeded }.map(\.name)
        let unready = regular.filter { !$0.isReady }.map(\.name)
        let completed = phase == "Succeeded" || phase == "Failed"

        var conditions: [Value] = []
        func condition(_ type: String, _ ok: Bool, reason: String? = nil, message: String? = nil) {
            let status = ok ? "True" : "False"
            if record.conditions[type]?.0 != status { record.conditions[type] = (status, now) }
            var c: [String: Value] = ["type": .string(type), "status": .string(status),
                                      "lastProbeTime": .null, "lastTransitionTime": time(record.conditions[type]?.1 ?? now)]
            if !ok, let reason { c["reason"] = .string(reason) }
            if !ok, let message { c["message"] = .string(message) }
            conditions.append(.map(c))
        }
        condition("PodReadyToStartContainers", true)
        condition("Initialized", pendingInits.isEmpty, reason: "ContainersNotInitialized",
                  message: "containers with incomplete status: [\(pendingInits.joined(separator: " "))]")
        let ready = !completed && unready.isEmpty && pendingInits.isEmpty
        let notReadyReason = completed ? "PodCompleted" : "ContainersNotReady"
        let notReadyMessage: String? = completed ? nil : "containers with unready status: [\(unready.joined(separator: " "))]"
        condition("Ready", ready, reason: notReadyReason, message: notReadyMessage)
        condition("ContainersReady", ready, reason: notReadyReason, message: notReadyMessage)
        condition("PodScheduled", true)

        var status: [String: Value] = [
            "phase": .string(phase),
            "conditions": .list(conditions),
            "hostIP": .string(hostIP),
            "hostIPs": .list([.map(["ip": .string(hostIP)])]),
            "startTime": time(record.startTime),
            "qosClass": .string(pod["status"]?["qosClass"]?.stringValue ?? qosClass(spec)),
            "containerStatuses": .list(regular.map { containerStatus($0, ready: $0.isReady) }),
        ]
        if let ip = record.podIP {  // (podnet)
            status["podIP"] = .string(ip)
            status["podIPs"] = .list([.map(["ip": .string(ip)])])
        }
        if !inits.isEmpty { status["initContainerStatuses"] = .list(inits.map { containerStatus($0, ready: $0.succeeded) }) }
        return .map(status)
    }

    static func state(_ s: ContainerRunState) -> Value {
        switch s {
        case .waiting(let reason, let message):
            var w: [String: Value] = ["reason": .string(reason)]
            if let message { w["message"] = .string(message) }
            return .map(["waiting": .map(w)])
        case .running(let started):
            return .map(["running": .map(["startedAt": time(started)])])
        case .terminated(let code, let reason, let started, let finished, let id):
            return .map(["terminated": .map([
                "exitCode": .int(Int64(code)), "reason": .string(reason), "startedAt": time(started),
                "finishedAt": time(finished), "containerID": .string("runc://" + id),
            ])])
        }
    }

    static func containerStatus(_ c: ContainerRecord, ready: Bool) -> Value {
        var s: [String: Value] = [
            "name": .string(c.name),
            "state": state(c.state),
            "lastState": c.lastState.map(state) ?? .map([:]),
            "ready": .bool(ready),
            "restartCount": .int(Int64(c.restartCount)),
            "image": .string(c.image),
            "imageID": .string(c.id == nil ? "" : "helmctl-builtin://" + ImageStore.name(of: c.image)),
            "started": .bool(c.isStarted),
        ]
        if let id = c.id, !isImageError(c.state) { s["containerID"] = .string("runc://" + id) }
        return .map(s)
    }

    /// Guaranteed when every container limits cpu and memory with equal requests, BestEffort when
    /// nothing requests or limits anything, Burstable otherwise.
    static func qosClass(_ spec: Value) -> String {
        let all = (spec["initContainers"]?.listValue ?? []) + (spec["containers"]?.listValue ?? [])
        var any = false
        var guaranteed = !all.isEmpty
        for c in all {
            let requests = c["resources"]?["requests"]?.mapValue ?? [:]
            let limits = c["resources"]?["limits"]?.mapValue ?? [:]
            if !requests.isEmpty || !limits.isEmpty { any = true }
            for r in ["cpu", "memory"] {
                guard let limit = limits[r] else { guaranteed = false; continue }
                if let request = requests[r], request != limit { guaranteed = false }
            }
        }
        return !any ? "BestEffort" : (guaranteed ? "Guaranteed" : "Burstable")
    }
}
