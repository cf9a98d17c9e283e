import ClusterAPI
import StructuredData

/// The Job controller (`pkg/controller/job`), NonIndexed completion: runs up to `parallelism` pods
/// until `completions` succeeded, counts failures against `backoffLimit` and `activeDeadlineSeconds`,
/// and reports `SuccessCriteriaMet`→`Complete` or `FailureTarget`→`Failed` (the terminal condition
/// once no pod is still running), `startTime`, `completionTime`, `active`/`ready`/`succeeded`/`failed`.
enum JobController {
    static func reconcile(_ view: WorkloadView) -> [WorkloadAction] {
        view.of("batch", "jobs").flatMap { reconcile($0, view: view) } + JobTracking.releaseOrphans(view)
    }

    static func finished(_ job: Value) -> Bool {
        ["Complete", "Failed"].contains { Workload.condition(job, $0)?["status"]?.stringValue == "True" }
    }

    static func reconcile(_ j: Reconciler.Stored, view: WorkloadView) -> [WorkloadAction] {
        let o = j.object
        guard !o.isBeingDeleted, let ns = j.namespace, !finished(o) else { return [] }
        let spec = o["spec"] ?? .map([:])
        let selector = Workload.selector(o)
        let pods = view.of("", "pods", in: ns).filter { Workload.controllerUID($0.object) == o.uid && selector.matches(object: $0.object) }
        let active = pods.filter { Workload.isActive($0.object) }
        let tracking = JobTracking(job: o, pods: pods)
        let succeeded = tracking.succeeded
        let failed = tracking.failed
        let parallelism = Workload.int(spec["parallelism"], default: 1)
        let completions = spec["completions"]?.intValue
        let backoffLimit = Workload.int(spec["backoffLimit"], default: 6)
        let suspended = spec["suspend"] == .bool(true)
        let time = Timestamps.rfc3339(view.now)

        var s = o["status"]?.mapValue ?? [:]
        var conditions = s["conditions"]?.listValue ?? []
        if s["startTime"] == nil && !suspended { s["startTime"] = .string(time) }
        var actions = tracking.actions
        let started = s["startTime"]?.stringValue.flatMap(Timestamps.parse) ?? view.now

        // Interim conditions first; the terminal one follows when no pod is left running.
        let successTarget = Workload.condition(o, "SuccessCriteriaMet")?["status"]?.stringValue == "True"
        let failureTarget = Workload.condition(o, "FailureTarget")?["status"]?.stringValue == "True"
        let reachedCompletions = completions.map { succeeded >= $0 } ?? (succeeded > 0 && active.isEmpty)
        if !successTarget && !failureTarget {
            if failed > backoffLimit {
                conditions = Workload.setting(conditions, Workload.newCondition(
                    "FailureTarget", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit", time: time, probe: true))
            } else if let deadline = spec["activeDeadlineSeconds"]?.intValue, started + deadline <= view.now {
                conditions = Workload.setting(conditions, Workload.newCondition(
                    "FailureTarget", "True", "DeadlineExceeded", "Job was active longer than specified deadline", time: time, probe: true))
            } else if reachedCompletions {
                conditions = Workload.setting(conditions, Workload.newCondition(
                    "SuccessCriteriaMet", "True", "CompletionsReached", "Reached expected number of succeeded pods", time: time, probe: true))
            }
        }
        let target = conditions.first {
            ["SuccessCriteriaMet", "FailureTarget"].contains($0["type"]?.stringValue ?? "") && $0["status"]?.stringValue == "True"
        }
        if let target {
            actions += active.map { .delete($0) }
            if active.isEmpty && tracking.settled {
                let success = target["type"]?.stringValue == "SuccessCriteriaMet"
                conditions = Workload.setting(conditions, Workload.newCondition(
                    success ? "Complete" : "Failed", "True", target["reason"]?.stringValue ?? "", target["message"]?.stringValue ?? "",
                    time: time, probe: true))
                if success { s["completionTime"] = .string(time) }
                actions.append(.event(j, warning: !success, reason: success ? "Completed" : target["reason"]?.stringValue ?? "Failed",
                                      message: success ? "Job completed" : target["message"]?.stringValue ?? "", component: "job-controller"))
            }
        } else if !suspended {
            let remaining = completions.map { max($0 - succeeded, 0) } ?? parallelism
            let want = min(parallelism, remaining)
            let diff = Int(want) - active.count
            if diff > 0 {
                let ref = Workload.ownerReference(apiVersion: "batch/v1", kind: "Job", owner: o)
                for _ in 0..<min(diff, ReplicaSetController.burst) {
                    var pod = Workload.pod(from: spec["template"], generateName: o.name + "-", namespace: ns, owner: ref)
                    pod.setMeta("finalizers", .list([.string(JobTracking.finalizer)]))
                    pod.set(path: ["metadata", "annotations", JobTracking.finalizer], to: "")
                    actions.append(.create(group: "", plural: "pods", namespace: ns, object: pod))
                }
            } else if diff < 0 {
                actions += ReplicaSetController.podsToDelete(active, count: -diff, now: view.now).map { .delete($0) }
            }
        } else {
            actions += active.map { .delete($0) }
        }
        s["active"] = .int(Int64(target == nil && !suspended ? active.count : 0))
        s["ready"] = .int(Int64(active.filter { Workload.isReady($0.object) }.count))
        s["succeeded"] = .int(tracking.countedSucceeded)
        s["failed"] = .int(tracking.countedFailed)
        s["terminating"] = .int(Int64(pods.filter { $0.object.isBeingDeleted }.count))
        s["uncountedTerminatedPods"] = tracking.uncounted
        // `omitempty` counts.
        for k in ["active", "succeeded", "failed"] where s[k] == .int(0) { s[k] = nil }
        s["conditions"] = conditions.isEmpty ? nil : .list(conditions)
        let status = Value.map(s)
        if status != o["status"] { actions.append(.status(j, status)) }
        return actions
    }
}

extension JobController {
    /// Seconds until a running Job reaches its `activeDeadlineSeconds`.
    static func requeueAfter(_ view: WorkloadView) -> Int64? {
        view.of("batch", "jobs").compactMap { j -> Int64? in
            guard !finished(j.object), let deadline = j.object["spec"]?["activeDeadlineSeconds"]?.intValue,
                  let start = j.object["status"]?["startTime"]?.stringValue.flatMap(Timestamps.parse),
                  start + deadline > view.now
            else { return nil }
            // Only future deadlines: a passed one already set FailureTarget (no 1-second spin while
            // pods wait for their kubelet).
            return start + deadline - view.now
        }.min()
    }
}
