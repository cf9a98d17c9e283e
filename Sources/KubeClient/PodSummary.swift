public import StructuredData

/// A pod in one phrase, as `kubectl get pods` shows it (STATUS column) plus the why.
public struct PodSummary: Sendable, Equatable {
    /// `Running`, `ContainerCreating`, `ImagePullBackOff`, `CrashLoopBackOff`, `Completed`, …
    public var state: String
    public var ready: Bool
    /// `ready 1/2`, `restarts N` and the waiting/terminated reason's message when there is one.
    public var detail: String

    /// Reads `status.phase`, `conditions` and `containerStatuses` (init containers first).
    public static func describe(_ pod: Value) -> PodSummary {
        let st = pod["status"]
        let phase = st?["phase"]?.stringValue ?? "Pending"
        let ready = ReadinessRules.condition(pod, "Ready") == "True"
        let statuses = (st?["initContainerStatuses"]?.listValue ?? []) + (st?["containerStatuses"]?.listValue ?? [])
        let total = (pod["spec"]?["containers"]?.listValue ?? []).count
        let readyCount = (st?["containerStatuses"]?.listValue ?? []).filter { $0["ready"] == .bool(true) }.count
        let restarts = statuses.reduce(0) { $0 + (ReadinessRules.int($1["restartCount"]) ?? 0) }
        var state = phase
        var why = ""
        if pod["metadata"]?["deletionTimestamp"]?.stringValue != nil {
            state = "Terminating"
        } else if let waiting = statuses.lazy.compactMap({ $0["state"]?["waiting"] }).first(where: {
            ($0["reason"]?.stringValue ?? "") != ""
        }) {
            state = waiting["reason"]?.stringValue ?? phase
            why = waiting["message"]?.stringValue ?? ""
        } else if phase == "Failed" || phase == "Succeeded",
                  let term = statuses.lazy.compactMap({ $0["state"]?["terminated"] }).first
        {
            state = term["reason"]?.stringValue ?? phase
            let code = ReadinessRules.int(term["exitCode"]) ?? 0
            why = (term["message"]?.stringValue ?? "") + (code != 0 ? " exit code \(code)" : "")
        } else if phase == "Pending", ReadinessRules.condition(pod, "PodScheduled") == "False" {
            state = ReadinessRules.conditionReason(pod, "PodScheduled") ?? "Unschedulable"
            why = ReadinessRules.conditionMessage(pod, "PodScheduled")
        } else if phase == "Running" && !ready {
            why = "not ready"
        }
        var parts = [state]
        if total > 0 { parts.append("ready \(readyCount)/\(total)") }
        if restarts > 0 { parts.append("restarts \(restarts)") }
        var detail = parts.joined(separator: ", ")
        let trimmed = why.trimmingCharacters(in: " \n\t")
        if !trimmed.isEmpty { detail += " (\(trimmed))" }
        return PodSummary(state: state, ready: ready, detail: detail)
    }

    public init(state: String, ready: Bool, detail: String) {
        self.state = state
        self.ready = ready
        self.detail = detail
    }
}
