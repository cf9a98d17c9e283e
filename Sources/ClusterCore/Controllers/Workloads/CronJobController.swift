import ClusterAPI
import StructuredData

/// The CronJob controller (`pkg/controller/cronjob`, v2): at the most recent unmet schedule time
/// (not older than `startingDeadlineSeconds`) it creates the Job `<cron>-<scheduled minutes since
/// the epoch>` from `jobTemplate`, honouring `suspend` and `concurrencyPolicy` (Allow, Forbid skips
/// while a Job is active, Replace deletes the active ones first); it keeps
/// `successfulJobsHistoryLimit` (3) / `failedJobsHistoryLimit` (1) finished Jobs and reports
/// `active`, `lastScheduleTime`, `lastSuccessfulTime`.
enum CronJobController {
    static let scheduledAnnotation = "batch.kubernetes.io/cronjob-scheduled-timestamp"

    static func reconcile(_ view: WorkloadView) -> [WorkloadAction] {
        view.of("batch", "cronjobs").flatMap { reconcile($0, view: view) }
    }

    /// The schedule and its UTC offset, or the reason it cannot be used.
    static func schedule(_ cron: Value) -> Result<(CronExpression, Int64), CronExpression.ParseError> {
        let (prefixZone, text) = CronExpression.splitZone(cron["spec"]?["schedule"]?.stringValue ?? "")
        let zone = cron["spec"]?["timeZone"]?.stringValue ?? prefixZone
        guard let offset = CronExpression.utcOffset(zone: zone) else {
            return .failure(.init(description: "unknown time zone \(zone ?? "")"))
        }
        let parsed = Result { () throws(CronExpression.ParseError) -> CronExpression in try CronExpression(parsing: text) }
        return parsed.map { ($0, offset) }
    }

    static func reconcile(_ c: Reconciler.Stored, view: WorkloadView) -> [WorkloadAction] {
        let o = c.object
        guard !o.isBeingDeleted, let ns = c.namespace else { return [] }
        let spec = o["spec"] ?? .map([:])
        var actions: [WorkloadAction] = []
        let jobs = view.of("batch", "jobs", in: ns).filter { Workload.controllerUID($0.object) == o.uid }
        let active = jobs.filter { !JobController.finished($0.object) && !$0.object.isBeingDeleted }
        var st = o["status"]?.mapValue ?? [:]

        // Finished Jobs: the latest success time, then history cleanup (oldest first).
        var lastSuccess = st["lastSuccessfulTime"]?.stringValue.flatMap(Timestamps.parse)
        for j in jobs where Workload.condition(j.object, "Complete")?["status"]?.stringValue == "True" {
            if let t = j.object["status"]?["completionTime"]?.stringValue.flatMap(Timestamps.parse), t > (lastSuccess ?? Int64.min) {
                lastSuccess = t
            }
        }
        if let lastSuccess { st["lastSuccessfulTime"] = .string(Timestamps.rfc3339(lastSuccess)) }
        actions += cleanup(jobs, type: "Complete", limit: Workload.int(spec["successfulJobsHistoryLimit"], default: 3), cron: c)
        actions += cleanup(jobs, type: "Failed", limit: Workload.int(spec["failedJobsHistoryLimit"], default: 1), cron: c)

        var stillActive = active
        if spec["suspend"] != .bool(true) {
            switch schedule(o) {
            case .failure(let error):
                let message = "invalid schedule: \(spec["schedule"]?.stringValue ?? ""): \(error)"
                actions.append(.event(c, warning: true, reason: "InvalidSchedule", message: message, component: "cronjob-controller"))
            case .success(let (cronExpr, offset)):
                let created = o.metaString("creationTimestamp").flatMap(Timestamps.parse) ?? view.now
                var earliest = st["lastScheduleTime"]?.stringValue.flatMap(Timestamps.parse) ?? created
                if let deadline = spec["startingDeadlineSeconds"]?.intValue, deadline >= 0 { earliest = max(earliest, view.now - deadline) }
                if let due = cronExpr.last(after: earliest, atOrBefore: view.now, utcOffset: offset) {
                    let name = jobName(o.name, scheduled: due)
                    let exists = view.of("batch", "jobs", in: ns).contains { $0.object.name == name }
                    let policy = spec["concurrencyPolicy"]?.stringValue ?? "Allow"
                    if exists {
                        // Created in an earlier pass whose status write was lost.
                        st["lastScheduleTime"] = .string(Timestamps.rfc3339(due))
                    } else if policy == "Forbid" && !active.isEmpty {
                        actions.append(.event(c, warning: false, reason: "JobAlreadyActive",
                                              message: "Not starting job because prior execution is running and concurrency policy is Forbid",
                                              component: "cronjob-controller"))
                    } else {
                        if policy == "Replace" {
                            for j in active {
                                actions.append(.delete(j))
                                actions.append(.event(c, warning: false, reason: "SuccessfulDelete", message: "Deleted job \(j.object.name)",
                                                      component: "cronjob-controller"))
                            }
                            stillActive = []
                        }
                        actions.append(.create(group: "batch", plural: "jobs", namespace: ns, object: job(o, name: name, scheduled: due, ns: ns)))
                        actions.append(.event(c, warning: false, reason: "SuccessfulCreate", message: "Created job \(name)",
                                              component: "cronjob-controller"))
                        st["lastScheduleTime"] = .string(Timestamps.rfc3339(due))
                    }
                }
            }
        }
        let refs: [Value] = stillActive.sorted { $0.object.name < $1.object.name }.map { j in
            .map(["apiVersion": "batch/v1", "kind": "Job", "name": .string(j.object.name), "namespace": .string(ns),
                  "uid": .string(j.object.uid), "resourceVersion": j.object.meta("resourceVersion") ?? ""])
        }
        st["active"] = refs.isEmpty ? nil : .list(refs)
        let status = Value.map(st)
        if status != (o["status"] ?? .map([:])) { actions.append(.status(c, status)) }
        return actions
    }

    /// `<cron>-<scheduled time in minutes since the epoch>`.
    static func jobName(_ cron: String, scheduled: Int64) -> String { "\(cron)-\(scheduled.floorDiv(60))" }

    /// The Job for one scheduled time (`getJobFromTemplate2`).
    static func job(_ cron: Value, name: String, scheduled: Int64, ns: String) -> Value {
        let template = cron["spec"]?["jobTemplate"]
        var meta: [String: Value] = ["name": .string(name), "namespace": .string(ns),
                                     "ownerReferences": .list([Workload.ownerReference(apiVersion: "batch/v1", kind: "CronJob", owner: cron)])]
        if let labels = template?["metadata"]?["labels"], case .map = labels { meta["labels"] = labels }
        var annotations = template?["metadata"]?["annotations"]?.mapValue ?? [:]
        annotations[scheduledAnnotation] = .string(Timestamps.rfc3339(scheduled))
        meta["annotations"] = .map(annotations)
        return .map(["apiVersion": "batch/v1", "kind": "Job", "metadata": .map(meta), "spec": template?["spec"] ?? .map([:])])
    }

    /// Deletes the oldest finished Jobs of one outcome beyond the limit.
    static func cleanup(_ jobs: [Reconciler.Stored], type: String, limit: Int64, cron: Reconciler.Stored) -> [WorkloadAction] {
        let finished = jobs.filter { Workload.condition($0.object, type)?["status"]?.stringValue == "True" && !$0.object.isBeingDeleted }
            .sorted { startTime($0.object) < startTime($1.object) }
        let excess = finished.count - Int(clamping: max(0, limit))
        guard excess > 0 else { return [] }
        return finished.prefix(excess).flatMap { j -> [WorkloadAction] in
            [.delete(j), .event(cron, warning: false, reason: "SuccessfulDelete", message: "Deleted job \(j.object.name)", component: "cronjob-controller")]
        }
    }

    private static func startTime(_ job: Value) -> (Int64, String) {
        (job["status"]?["startTime"]?.stringValue.flatMap(Timestamps.parse)
            ?? job.metaString("creationTimestamp").flatMap(Timestamps.parse) ?? 0, job.name)
    }

    /// Seconds until the next scheduled time of any unsuspended CronJob.
    static func requeueAfter(_ view: WorkloadView) -> Int64? {
        view.of("batch", "cronjobs").compactMap { c -> Int64? in
            guard c.object["spec"]?["suspend"] != .bool(true), case .success(let (e, offset)) = schedule(c.object),
                  let next = e.next(after: view.now, utcOffset: offset)
            else { return nil }
            return max(1, next - view.now)
        }.min()
    }
}
