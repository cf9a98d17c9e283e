import ClusterAPI
import StructuredData

/// Job pod accounting with the `batch.kubernetes.io/job-tracking` finalizer, as Kubernetes does it:
/// a finished (or deleted unfinished) pod is first journalled in `status.uncountedTerminatedPods`,
/// then its finalizer is removed, then it moves into `succeeded`/`failed`. Counts therefore survive
/// the pods' deletion and no pod is counted twice, whatever pass a write fails in.
struct JobTracking {
    static let finalizer = "batch.kubernetes.io/job-tracking"

    /// Recorded counts plus everything journalled or newly finished: what decisions use.
    private(set) var succeeded: Int64 = 0
    private(set) var failed: Int64 = 0
    /// The status fields to write.
    private(set) var countedSucceeded: Int64
    private(set) var countedFailed: Int64
    private(set) var uncounted: Value = .map([:])
    /// Finalizer removals for pods already journalled.
    private(set) var actions: [WorkloadAction] = []
    /// True when no terminated pod is still waiting to be counted.
    var settled: Bool { uncounted == .map([:]) }

    init(job: Value, pods: [Reconciler.Stored]) {
        countedSucceeded = Workload.int(job["status"]?["succeeded"])
        countedFailed = Workload.int(job["status"]?["failed"])
        let journal = job["status"]?["uncountedTerminatedPods"]
        let journalled = { (k: String) in (journal?[k]?.listValue ?? []).compactMap(\.stringValue) }
        var byUID: [String: Reconciler.Stored] = [:]
        for p in pods { byUID[p.object.uid] = p }
        var keepS: [String] = [], keepF: [String] = []
        for (list, isSuccess) in [(journalled("succeeded"), true), (journalled("failed"), false)] {
            for uid in list {
                if let pod = byUID[uid], pod.object.finalizers.contains(Self.finalizer) {
                    if isSuccess { keepS.append(uid) } else { keepF.append(uid) }
                    actions.append(Self.removeFinalizer(pod))
                } else if isSuccess {
                    countedSucceeded += 1
                } else {
                    countedFailed += 1
                }
            }
        }
        let known = Set(keepS + keepF)
        for pod in pods where pod.object.finalizers.contains(Self.finalizer) && !known.contains(pod.object.uid) {
            switch Workload.phase(pod.object) {
            case "Succeeded": keepS.append(pod.object.uid)
            case "Failed": keepF.append(pod.object.uid)
            default: if pod.object.isBeingDeleted { keepF.append(pod.object.uid) }
            }
        }
        var u: [String: Value] = [:]
        if !keepS.isEmpty { u["succeeded"] = .list(keepS.map { .string($0) }) }
        if !keepF.isEmpty { u["failed"] = .list(keepF.map { .string($0) }) }
        uncounted = .map(u)
        succeeded = countedSucceeded + Int64(keepS.count)
        failed = countedFailed + Int64(keepF.count)
    }

    static func removeFinalizer(_ pod: Reconciler.Stored) -> WorkloadAction {
        .update(pod) { o in
            let kept = o.finalizers.filter { $0 != finalizer }
            o.setMeta("finalizers", kept.isEmpty ? Value?.none : .list(kept.map { .string($0) }))
        }
    }

    /// Pods still holding the finalizer whose Job is gone, being deleted or finished let go of it.
    static func releaseOrphans(_ view: WorkloadView) -> [WorkloadAction] {
        var jobs: [String: Value] = [:]
        for j in view.of("batch", "jobs") { jobs[j.object.uid] = j.object }
        return view.of("", "pods").compactMap { pod in
            guard pod.object.finalizers.contains(finalizer) else { return nil }
            if let uid = Workload.controllerUID(pod.object), let job = jobs[uid], !job.isBeingDeleted, !JobController.finished(job) {
                return nil
            }
            return removeFinalizer(pod)
        }
    }
}
