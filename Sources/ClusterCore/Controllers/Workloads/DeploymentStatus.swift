import ClusterAPI
import StructuredData

/// A Deployment's status (`calculateStatus`, `syncRolloutStatus`): counts summed over its
/// ReplicaSets, `Available` by `replicas - maxUnavailable`, and the `Progressing` reasons kubectl
/// rollout status and kstatus key on.
enum DeploymentStatus {
    static func update(_ d: Reconciler.Stored, plan: DeploymentController.Plan, conditions: [Value], view: WorkloadView,
                       rollout: Bool) -> [WorkloadAction]
    {
        let o = d.object
        let old = o["status"] ?? .map([:])
        func sum(_ field: String) -> Int64 { plan.all.reduce(0) { $0 + Workload.int($1.object["status"]?[field]) } }
        let available = sum("availableReplicas")
        var s = old.mapValue ?? [:]
        s["observedGeneration"] = .int(Workload.int(o.meta("generation"), default: 1))
        s["replicas"] = .int(sum("replicas"))
        s["updatedReplicas"] = .int(Workload.int(plan.newRS?.object["status"]?["replicas"]))
        s["readyReplicas"] = .int(sum("readyReplicas"))
        s["availableReplicas"] = .int(available)
        s["unavailableReplicas"] = .int(max(plan.total - available, 0))
        // Kubernetes omits zero counts (`omitempty`).
        for k in ["replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas"] where s[k] == .int(0) {
            s[k] = nil
        }
        let time = Timestamps.rfc3339(view.now)
        var conditions = conditions
        let minAvailable = plan.desired - plan.maxUnavailable
        conditions = Workload.settingDeploymentCondition(conditions, available >= minAvailable
            ? Workload.newCondition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", time: time, update: true)
            : Workload.newCondition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.",
                                    time: time, update: true))
        if rollout, let deadline = o["spec"]?["progressDeadlineSeconds"]?.intValue {
            conditions = progressing(conditions, old: old, new: .map(s), plan: plan, deadline: deadline, now: view.now)
        }
        // Available before Progressing, as `kubectl describe` lists them.
        let order = ["Available", "Progressing", "ReplicaFailure"]
        conditions.sort { (order.firstIndex(of: $0["type"]?.stringValue ?? "") ?? 9) < (order.firstIndex(of: $1["type"]?.stringValue ?? "") ?? 9) }
        s["conditions"] = .list(conditions)
        let status = Value.map(s)
        return status == o["status"] ? [] : [.status(d, status)]
    }

    static func progressing(_ conditions: [Value], old: Value, new: Value, plan: DeploymentController.Plan, deadline: Int64,
                            now: Int64) -> [Value]
    {
        let current = conditions.first { $0["type"]?.stringValue == "Progressing" }
        func n(_ v: Value, _ f: String) -> Int64 { Workload.int(v[f]) }
        let complete = n(new, "replicas") == n(new, "updatedReplicas") && current?["reason"]?.stringValue == "NewReplicaSetAvailable"
        if complete { return conditions }
        let name = plan.newRS?.object.name ?? plan.created?.name ?? ""
        let time = Timestamps.rfc3339(now)
        let generation = Workload.int(plan.d.object.meta("generation"), default: 1)
        if n(new, "updatedReplicas") == plan.desired && n(new, "replicas") == plan.desired && n(new, "availableReplicas") == plan.desired
            && n(new, "observedGeneration") >= generation
        {
            return Workload.settingDeploymentCondition(conditions, Workload.newCondition(
                "Progressing", "True", "NewReplicaSetAvailable", "ReplicaSet \"\(name)\" has successfully progressed.", time: time, update: true))
        }
        let progressed = n(new, "updatedReplicas") > n(old, "updatedReplicas")
            || n(new, "replicas") - n(new, "updatedReplicas") < n(old, "replicas") - n(old, "updatedReplicas")
            || n(new, "readyReplicas") > n(old, "readyReplicas") || n(new, "availableReplicas") > n(old, "availableReplicas")
        if progressed {
            var c = Workload.newCondition("Progressing", "True", "ReplicaSetUpdated", "ReplicaSet \"\(name)\" is progressing.", time: time, update: true)
            if current?["status"]?.stringValue == "True", let t = current?["lastTransitionTime"] { c.setField("lastTransitionTime", t) }
            return Workload.setting(conditions, c)
        }
        guard let current else { return conditions }
        let reason = current["reason"]?.stringValue
        if reason == "NewReplicaSetAvailable" { return conditions }
        let timedOut = reason == "ProgressDeadlineExceeded"
            || (current["lastUpdateTime"]?.stringValue.flatMap(Timestamps.parse)).map { $0 + deadline < now } ?? false
        guard timedOut else { return conditions }
        return Workload.settingDeploymentCondition(conditions, Workload.newCondition(
            "Progressing", "False", "ProgressDeadlineExceeded", "ReplicaSet \"\(name)\" has timed out progressing.", time: time, update: true))
    }
}
