public import StructuredData

/// kstatus's status words (Helm v4 `--wait=watcher`), also used for the legacy rules' verdicts.
public enum ReadinessStatus: String, Sendable {
    case current = "Current"
    case inProgress = "InProgress"
    case failed = "Failed"
    case terminating = "Terminating"
    case notFound = "NotFound"
}

/// Whether one object is ready, and why not.
public struct Readiness: Sendable, Equatable {
    public var status: ReadinessStatus
    /// What is missing (`0/2 replicas available`), empty when ready.
    public var message: String

    public init(_ status: ReadinessStatus, _ message: String = "") {
        self.status = status
        self.message = message
    }

    public var isReady: Bool { status == .current }
    static let ready = Readiness(.current)
}

/// Readiness per kind, pure functions of the live objects: kstatus (Helm v4 `watcher`) and Helm 3's
/// polling rules (`legacy`). See kubernetes-api.md §4.1 for the fields each reads.
public enum ReadinessRules {
    // MARK: kstatus

    /// kstatus: generic checks (deletion, observedGeneration, Reconciling/Stalled/Ready conditions),
    /// then the kind's own. Jobs count as ready once started unless `waitForJobs` (then complete).
    public static func kstatus(_ o: Value, waitForJobs: Bool = false) -> Readiness {
        if o["metadata"]?["deletionTimestamp"]?.stringValue != nil { return Readiness(.terminating, "being deleted") }
        let generation = int(o["metadata"]?["generation"])
        if let observed = int(o["status"]?["observedGeneration"]), let g = generation, observed != g {
            return Readiness(.inProgress, "generation \(g) not observed yet (observed \(observed))")
        }
        switch o["kind"]?.stringValue ?? "" {
        case "Deployment": return kstatusDeployment(o)
        case "StatefulSet": return kstatusStatefulSet(o)
        case "DaemonSet": return kstatusDaemonSet(o)
        case "ReplicaSet", "ReplicationController": return kstatusReplicaSet(o)
        case "Job": return kstatusJob(o, waitForJobs: waitForJobs)
        case "Pod": return kstatusPod(o)
        case "PersistentVolumeClaim":
            let phase = o["status"]?["phase"]?.stringValue ?? "Pending"
            return phase == "Bound" ? .ready : Readiness(.inProgress, "PVC is \(phase), not Bound")
        case "Service":
            if o["spec"]?["type"]?.stringValue == "LoadBalancer" && (o["spec"]?["clusterIP"]?.stringValue ?? "").isEmpty {
                return Readiness(.inProgress, "no cluster IP allocated yet")
            }
            return .ready
        case "CustomResourceDefinition":
            return condition(o, "Established") == "True" ? .ready : Readiness(.inProgress, "CRD not Established yet")
        default:
            return genericConditions(o)
        }
    }

    /// Unknown kinds: `Stalled=True` fails, `Reconciling=True` or `Ready=False` waits, else ready.
    static func genericConditions(_ o: Value) -> Readiness {
        if condition(o, "Stalled") == "True" { return Readiness(.failed, conditionMessage(o, "Stalled")) }
        if condition(o, "Reconciling") == "True" { return Readiness(.inProgress, conditionMessage(o, "Reconciling")) }
        if condition(o, "Ready") == "False" {
            let m = conditionMessage(o, "Ready")
            return Readiness(.inProgress, m.isEmpty ? "Ready condition is False" : m)
        }
        return .ready
    }

    static func kstatusDeployment(_ o: Value) -> Readiness {
        let st = o["status"]
        let want = int(o["spec"]?["replicas"]) ?? 1
        if condition(o, "Progressing") == "False" || conditionReason(o, "Progressing") == "ProgressDeadlineExceeded" {
            return Readiness(.failed, "progress deadline exceeded")
        }
        let updated = int(st?["updatedReplicas"]) ?? 0
        let replicas = int(st?["replicas"]) ?? 0
        let available = int(st?["availableReplicas"]) ?? 0
        let ready = int(st?["readyReplicas"]) ?? 0
        if updated < want { return Readiness(.inProgress, "\(updated)/\(want) replicas updated") }
        if replicas > updated { return Readiness(.inProgress, "\(replicas - updated) old replicas pending termination") }
        if available < want { return Readiness(.inProgress, "\(available)/\(want) replicas available") }
        if ready < want { return Readiness(.inProgress, "\(ready)/\(want) replicas ready") }
        if o["spec"]?["progressDeadlineSeconds"] != nil && o["spec"]?["paused"] != .bool(true)
            && conditionReason(o, "Progressing") != "NewReplicaSetAvailable"
        {
            return Readiness(.inProgress, "rollout not complete (Progressing is not NewReplicaSetAvailable)")
        }
        if condition(o, "Available") == "False" { return Readiness(.inProgress, "Available condition is False") }
        return .ready
    }

    static func kstatusStatefulSet(_ o: Value) -> Readiness {
        let st = o["status"]
        let want = int(o["spec"]?["replicas"]) ?? 1
        let ready = int(st?["readyReplicas"]) ?? 0
        let current = int(st?["currentReplicas"]) ?? 0
        let updated = int(st?["updatedReplicas"]) ?? 0
        if ready < want { return Readiness(.inProgress, "\(ready)/\(want) replicas ready") }
        if o["spec"]?["updateStrategy"]?["type"]?.stringValue == "OnDelete" { return .ready }
        let partition = int(o["spec"]?["updateStrategy"]?["rollingUpdate"]?["partition"]) ?? 0
        if partition > 0 {
            return updated < want - partition
                ? Readiness(.inProgress, "\(updated)/\(want - partition) replicas updated (partition \(partition))") : .ready
        }
        if updated < want { return Readiness(.inProgress, "\(updated)/\(want) replicas updated") }
        if st?["currentRevision"] != st?["updateRevision"] || current < want {
            return Readiness(.inProgress, "rolling update in progress (\(current)/\(want) at the new revision)")
        }
        return .ready
    }

    static func kstatusDaemonSet(_ o: Value) -> Readiness {
        let st = o["status"]
        guard let desired = int(st?["desiredNumberScheduled"]) else {
            return Readiness(.inProgress, "no pods scheduled yet")
        }
        let checks: [(String, String)] = [("currentNumberScheduled", "scheduled"), ("updatedNumberScheduled", "updated"),
                                          ("numberAvailable", "available"), ("numberReady", "ready")]
        for (field, word) in checks {
            let n = int(st?[field]) ?? 0
            if n < desired { return Readiness(.inProgress, "\(n)/\(desired) pods \(word)") }
        }
        return .ready
    }

    static func kstatusReplicaSet(_ o: Value) -> Readiness {
        let want = int(o["spec"]?["replicas"]) ?? 1
        for (field, word) in [("availableReplicas", "available"), ("readyReplicas", "ready")] {
            let n = int(o["status"]?[field]) ?? 0
            if n < want { return Readiness(.inProgress, "\(n)/\(want) replicas \(word)") }
        }
        return .ready
    }

    static func kstatusJob(_ o: Value, waitForJobs: Bool) -> Readiness {
        if condition(o, "Failed") == "True" {
            return Readiness(.failed, "job failed: " + (conditionReason(o, "Failed") ?? "BackoffLimitExceeded"))
        }
        if condition(o, "Complete") == "True" { return .ready }
        let st = o["status"]
        let counts = "active \(int(st?["active"]) ?? 0), succeeded \(int(st?["succeeded"]) ?? 0), failed \(int(st?["failed"]) ?? 0)"
        if waitForJobs { return Readiness(.inProgress, "job not complete (\(counts))") }
        return st?["startTime"] == nil ? Readiness(.inProgress, "job not started") : .ready
    }

    static func kstatusPod(_ o: Value) -> Readiness {
        switch o["status"]?["phase"]?.stringValue ?? "Pending" {
        case "Succeeded": return .ready
        case "Failed": return Readiness(.failed, PodSummary.describe(o).detail)
        case "Running" where condition(o, "Ready") == "True": return .ready
        default:
            let s = PodSummary.describe(o)
            if s.state == "CrashLoopBackOff" { return Readiness(.failed, s.detail) }
            return Readiness(.inProgress, s.detail)
        }
    }

    // MARK: Helm 3 (legacy)

    /// Helm 3's `ReadyChecker`: `replicaSets` are the namespace's ReplicaSets (a Deployment is judged by
    /// its newest one). A Job failed beyond its backoff limit is `.failed` with `waitForJobs`.
    public static func legacy(_ o: Value, replicaSets: [Value] = [], waitForJobs: Bool = false) -> Readiness {
        let spec = o["spec"], st = o["status"]
        let generation = int(o["metadata"]?["generation"]) ?? 0
        let observed = int(st?["observedGeneration"]) ?? 0
        switch o["kind"]?.stringValue ?? "" {
        case "Pod":
            return condition(o, "Ready") == "True" ? .ready : Readiness(.inProgress, PodSummary.describe(o).detail)
        case "Job":
            guard waitForJobs else { return .ready }
            let backoff = int(spec?["backoffLimit"]) ?? 6
            let failed = int(st?["failed"]) ?? 0
            if failed > backoff || condition(o, "Failed") == "True" {
                return Readiness(.failed, "job failed: \(failed) failed pods (backoffLimit \(backoff))")
            }
            let completions = int(spec?["completions"]) ?? 1
            let succeeded = int(st?["succeeded"]) ?? 0
            return succeeded >= completions ? .ready : Readiness(.inProgress, "\(succeeded)/\(completions) completions")
        case "Deployment":
            if spec?["paused"] == .bool(true) { return .ready }
            guard let rs = newestReplicaSet(o, replicaSets) else {
                return Readiness(.inProgress, "new ReplicaSet not created yet")
            }
            if int(rs["status"]?["observedGeneration"]) != int(rs["metadata"]?["generation"]) {
                return Readiness(.inProgress, "ReplicaSet generation not observed yet")
            }
            if observed != generation { return Readiness(.inProgress, "generation \(generation) not observed yet") }
            let want = int(spec?["replicas"]) ?? 1
            let expected = want - maxUnavailable(spec?["strategy"], replicas: want)
            let ready = int(rs["status"]?["readyReplicas"]) ?? 0
            return ready >= expected ? .ready
                : Readiness(.inProgress, "\(ready)/\(want) replicas ready (needs \(expected))")
        case "PersistentVolumeClaim":
            let phase = st?["phase"]?.stringValue ?? "Pending"
            return phase == "Bound" ? .ready : Readiness(.inProgress, "PVC is \(phase), not Bound")
        case "Service":
            let type = spec?["type"]?.stringValue ?? "ClusterIP"
            if type == "ExternalName" { return .ready }
            if (spec?["clusterIP"]?.stringValue ?? "").isEmpty { return Readiness(.inProgress, "no cluster IP allocated yet") }
            if type == "LoadBalancer" {
                let external = !(spec?["externalIPs"]?.listValue ?? []).isEmpty
                let ingress = !(st?["loadBalancer"]?["ingress"]?.listValue ?? []).isEmpty
                if !external && !ingress { return Readiness(.inProgress, "no load balancer ingress yet") }
            }
            return .ready
        case "DaemonSet":
            if spec?["updateStrategy"]?["type"]?.stringValue == "OnDelete" { return .ready }
            if observed != generation { return Readiness(.inProgress, "generation \(generation) not observed yet") }
            let desired = int(st?["desiredNumberScheduled"]) ?? 0
            let updated = int(st?["updatedNumberScheduled"]) ?? 0
            if updated != desired { return Readiness(.inProgress, "\(updated)/\(desired) pods updated") }
            let expected = desired - maxUnavailable(spec?["updateStrategy"], replicas: desired, defaultUnavailable: .int(1))
            let ready = int(st?["numberReady"]) ?? 0
            return ready >= expected ? .ready : Readiness(.inProgress, "\(ready)/\(desired) pods ready")
        case "StatefulSet":
            if spec?["updateStrategy"]?["type"]?.stringValue == "OnDelete" { return .ready }
            if observed != generation { return Readiness(.inProgress, "generation \(generation) not observed yet") }
            let want = int(spec?["replicas"]) ?? 1
            let partition = int(spec?["updateStrategy"]?["rollingUpdate"]?["partition"]) ?? 0
            let updated = int(st?["updatedReplicas"]) ?? 0
            if updated < want - partition { return Readiness(.inProgress, "\(updated)/\(want - partition) replicas updated") }
            let ready = int(st?["readyReplicas"]) ?? 0
            if ready != want { return Readiness(.inProgress, "\(ready)/\(want) replicas ready") }
            if partition == 0 && st?["currentRevision"] != st?["updateRevision"] {
                return Readiness(.inProgress, "rolling update in progress")
            }
            return .ready
        case "ReplicaSet", "ReplicationController":
            if observed != generation { return Readiness(.inProgress, "generation \(generation) not observed yet") }
            let want = int(spec?["replicas"]) ?? 1
            let ready = int(st?["readyReplicas"]) ?? 0
            return ready >= want ? .ready : Readiness(.inProgress, "\(ready)/\(want) replicas ready")
        case "CustomResourceDefinition":
            if condition(o, "Established") == "True" || condition(o, "NamesAccepted") == "False" { return .ready }
            return Readiness(.inProgress, "CRD not Established yet")
        default:
            return .ready
        }
    }

    /// The Deployment's current ReplicaSet: controlled by it and at its revision (the
    /// `deployment.kubernetes.io/revision` annotations), else the newest one it controls.
    public static func newestReplicaSet(_ d: Value, _ replicaSets: [Value]) -> Value? {
        let uid = d["metadata"]?["uid"]?.stringValue ?? ""
        let owned = replicaSets.filter { rs in
            (rs["metadata"]?["ownerReferences"]?.listValue ?? []).contains {
                $0["uid"]?.stringValue == uid && $0["controller"] == .bool(true)
            }
        }
        let revKey = "deployment.kubernetes.io/revision"
        if let rev = d["metadata"]?["annotations"]?[revKey]?.stringValue,
           let rs = owned.first(where: { $0["metadata"]?["annotations"]?[revKey]?.stringValue == rev })
        {
            return rs
        }
        return owned.max { (Int($0["metadata"]?["annotations"]?[revKey]?.stringValue ?? "") ?? 0)
            < (Int($1["metadata"]?["annotations"]?[revKey]?.stringValue ?? "") ?? 0) }
    }

    /// `maxUnavailable` of a rolling update (an int or a percentage of `replicas`, rounded down);
    /// Recreate and OnDelete allow none.
    static func maxUnavailable(_ strategy: Value?, replicas: Int, defaultUnavailable: Value = .string("25%")) -> Int {
        let type = strategy?["type"]?.stringValue ?? "RollingUpdate"
        guard type == "RollingUpdate" else { return 0 }
        let v = strategy?["rollingUpdate"]?["maxUnavailable"] ?? defaultUnavailable
        var n = 0
        if let i = int(v) {
            n = i
        } else if let s = v.stringValue, s.hasSuffix("%"), let p = Int(s.dropLast()) {
            n = replicas * p / 100
        }
        return max(0, min(n, replicas))
    }

    // MARK: Helpers

    /// `status.conditions[type == t].status`.
    public static func condition(_ o: Value, _ t: String) -> String? {
        conditionEntry(o, t)?["status"]?.stringValue
    }

    static func conditionReason(_ o: Value, _ t: String) -> String? { conditionEntry(o, t)?["reason"]?.stringValue }

    static func conditionMessage(_ o: Value, _ t: String) -> String {
        conditionEntry(o, t)?["message"]?.stringValue ?? ""
    }

    static func conditionEntry(_ o: Value, _ t: String) -> Value? {
        (o["status"]?["conditions"]?.listValue ?? []).first { $0["type"]?.stringValue == t }
    }

    /// An integer field (`.int`, or a `.float` with an integral value).
    public static func int(_ v: Value?) -> Int? {
        switch v {
        case .int(let i)?: return Int(i)
        case .float(let d)? where d.rounded() == d && abs(d) < 1e15: return Int(d)
        default: return nil
        }
    }
}
