import ClusterAPI
import StructuredData

/// The Deployment controller (`pkg/controller/deployment`): one ReplicaSet per pod template named
/// `<deployment>-<pod-template-hash>`, revisions in annotations, RollingUpdate (maxSurge/maxUnavailable)
/// and Recreate, `revisionHistoryLimit` cleanup, `paused`, and the status and conditions that
/// `kubectl rollout status` and kstatus read.
enum DeploymentController {
    static let revisionKey = "deployment.kubernetes.io/revision"
    static let historyKey = "deployment.kubernetes.io/revision-history"
    static let desiredKey = "deployment.kubernetes.io/desired-replicas"
    static let maxKey = "deployment.kubernetes.io/max-replicas"

    static func reconcile(_ view: WorkloadView) -> [WorkloadAction] {
        view.of("apps", "deployments").flatMap { reconcile($0, view: view) }
    }

    /// One deployment's pass: the planned ReplicaSet replica counts live in `Plan` so scaling
    /// decisions and the reported status agree within the pass.
    static func reconcile(_ d: Reconciler.Stored, view: WorkloadView) -> [WorkloadAction] {
        let o = d.object
        guard !o.isBeingDeleted, let ns = d.namespace else { return [] }
        var plan = Plan(d, view: view)
        var actions = plan.ownership
        let paused = o["spec"]?["paused"] == .bool(true)
        let recreate = o["spec"]?["strategy"]?["type"]?.stringValue == "Recreate"
        var conditions = o["status"]?["conditions"]?.listValue ?? []
        let time = Timestamps.rfc3339(view.now)

        if plan.newRS == nil, !paused, !(recreate && plan.oldPodsRemain(view)) {
            let hash = PodTemplateHash.compute(template: o["spec"]?["template"], collisionCount: o["status"]?["collisionCount"]?.intValue)
            let name = o.name + "-" + hash
            if view.of("apps", "replicasets", in: ns).contains(where: { $0.object.name == name }) {
                // Another template took this name: bump collisionCount and hash again next pass.
                var status = o["status"]?.mapValue ?? [:]
                status["collisionCount"] = .int(Workload.int(o["status"]?["collisionCount"]) + 1)
                return actions + [.status(d, .map(status))]
            }
            let replicas = recreate ? plan.desired : plan.newReplicas(current: 0)
            let rs = plan.newReplicaSet(name: name, hash: hash, replicas: replicas)
            actions.append(.create(group: "apps", plural: "replicasets", namespace: ns, object: rs))
            if replicas > 0 { actions.append(scalingEvent(d, rs: name, from: 0, to: replicas)) }
            conditions = Workload.settingDeploymentCondition(conditions, Workload.newCondition(
                "Progressing", "True", "NewReplicaSetCreated", "Created new replica set \"\(name)\"", time: time, update: true))
            actions += revisionAnnotation(d, plan.newRevision)
            return actions + DeploymentStatus.update(d, plan: plan, conditions: conditions, view: view, rollout: false)
        }
        if let newRS = plan.newRS {
            actions += plan.syncRevision(newRS)
            actions += revisionAnnotation(d, max(plan.newRevision, revision(newRS.object)))
            if Workload.condition(o, "Progressing") == nil {
                conditions = Workload.settingDeploymentCondition(conditions, Workload.newCondition(
                    "Progressing", "True", "FoundNewReplicaSet", "Found new replica set \"\(newRS.object.name)\"", time: time, update: true))
            }
        }
        let statusReplicas = Workload.int(o["status"]?["replicas"])
        if paused || (!recreate && plan.isScalingEvent) {
            // `sync`: a scale only, no rollout step.
            plan.scale(statusReplicas: statusReplicas)
            actions += plan.scaleActions
            actions += plan.cleanup()
            conditions = pausedCondition(conditions, paused: paused, time: time)
            return actions + DeploymentStatus.update(d, plan: plan, conditions: conditions, view: view, rollout: false)
        } else if recreate {
            plan.recreate(view)
        } else {
            plan.rollingUpdate()
        }
        actions += plan.scaleActions
        actions += plan.cleanup()
        conditions = pausedCondition(conditions, paused: paused, time: time)
        return actions + DeploymentStatus.update(d, plan: plan, conditions: conditions, view: view, rollout: !paused)
    }

    /// `ScalingReplicaSet`, worded as Kubernetes 1.32 does.
    static func scalingEvent(_ d: Reconciler.Stored, rs: String, from: Int64, to: Int64) -> WorkloadAction {
        .event(d, warning: false, reason: "ScalingReplicaSet",
               message: "Scaled \(to > from ? "up" : "down") replica set \(rs) from \(from) to \(to)", component: "deployment-controller")
    }

    static func revision(_ rs: Value) -> Int64 { rs.meta("annotations")?[revisionKey]?.stringValue.flatMap { Int64($0) } ?? 0 }

    static func revisionAnnotation(_ d: Reconciler.Stored, _ revision: Int64) -> [WorkloadAction] {
        let value = String(revision)
        guard d.object.meta("annotations")?[revisionKey]?.stringValue != value else { return [] }
        return [.update(d) { o in o.set(path: ["metadata", "annotations", revisionKey], to: .string(value)) }]
    }

    /// `Progressing=Unknown` with `DeploymentPaused` / `DeploymentResumed` (never over a timeout).
    static func pausedCondition(_ conditions: [Value], paused: Bool, time: String) -> [Value] {
        let reason = conditions.first { $0["type"]?.stringValue == "Progressing" }?["reason"]?.stringValue
        if reason == "ProgressDeadlineExceeded" { return conditions }
        if paused && reason != "DeploymentPaused" {
            return Workload.settingDeploymentCondition(conditions, Workload.newCondition(
                "Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", time: time, update: true))
        }
        if !paused && reason == "DeploymentPaused" {
            return Workload.settingDeploymentCondition(conditions, Workload.newCondition(
                "Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed", time: time, update: true))
        }
        return conditions
    }

    /// Seconds until a rollout in progress reaches its progress deadline.
    static func requeueAfter(_ view: WorkloadView) -> Int64? {
        view.of("apps", "deployments").compactMap { d -> Int64? in
            guard let deadline = d.object["spec"]?["progressDeadlineSeconds"]?.intValue,
                  let c = Workload.condition(d.object, "Progressing"), c["status"]?.stringValue == "True",
                  c["reason"]?.stringValue != "NewReplicaSetAvailable",
                  let from = c["lastUpdateTime"]?.stringValue.flatMap(Timestamps.parse),
                  from + deadline >= view.now
            else { return nil }
            // The deadline is exceeded strictly after it: one second past it.
            return from + deadline - view.now + 1
        }.min()
    }
}

extension Workload {
    /// `SetDeploymentCondition`: same status and reason keeps the old entry; same status keeps the
    /// old lastTransitionTime.
    static func settingDeploymentCondition(_ conditions: [Value], _ c: Value) -> [Value] {
        let type = c["type"]?.stringValue
        var c = c
        if let old = conditions.first(where: { $0["type"]?.stringValue == type }) {
            if old["status"] == c["status"] && old["reason"] == c["reason"] { return conditions }
            if old["status"] == c["status"], let t = old["lastTransitionTime"] { c.setField("lastTransitionTime", t) }
        }
        return setting(conditions, c)
    }
}
