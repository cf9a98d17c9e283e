import StructuredData

/// Printers for the workload kinds: Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob,
/// ReplicationController, HorizontalPodAutoscaler, PodDisruptionBudget, ControllerRevision.
enum WorkloadPrinters {
    /// `layoutContainerCells`: container names and images of a pod spec, comma-joined.
    static func containerCells(_ podSpec: TObj) -> [Value] {
        let cs = podSpec["containers"].list
        return [.string(cs.map { $0["name"].string }.joined(separator: ",")),
                .string(cs.map { $0["image"].string }.joined(separator: ","))]
    }

    /// `LabelSelectorAsSelector(sel).String()` as the Deployment printer uses it: a nil selector prints empty,
    /// an invalid one `<invalid>`.
    static func selectorString(_ sel: TObj) -> String {
        guard sel.exists else { return "" }
        return (try? LabelSelector(object: sel.value).description) ?? "<invalid>"
    }

    /// `metav1.FormatLabelSelector`: `<none>` for empty and nil selectors, `<error>` for invalid ones.
    static func formatSelector(_ sel: TObj) -> String {
        guard let s = try? LabelSelector(object: sel.value) else { return "<error>" }
        let text = s.description
        return text.isEmpty ? "<none>" : text
    }

    /// `labels.FormatLabels`: sorted `k=v` pairs, `<none>` when empty.
    static func formatLabels(_ m: [String: String]) -> String {
        if m.isEmpty { return "<none>" }
        return m.keys.sorted().map { "\($0)=\(m[$0] ?? "")" }.joined(separator: ",")
    }

    static let readyDoc = "Number of the pod with ready state"

    static let deployment = Printer(
        [.name, .string("Ready", readyDoc),
         .string("Up-to-date", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
         .string("Available", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
         .age, .containers, .images, .selector]
    ) { o, now in
        let desired = o["spec", "replicas"].int ?? 1
        return [o.nameCell, .string("\(o["status", "readyReplicas"].intOrZero)/\(desired)"),
                .int(o["status", "updatedReplicas"].intOrZero), .int(o["status", "availableReplicas"].intOrZero),
                o.age(now)] + containerCells(o["spec", "template", "spec"])
            + [.string(selectorString(o["spec", "selector"]))]
    }

    static let replicaSet = Printer(
        [.name,
         .integer("Desired", "Replicas is the number of desired pods. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset"),
         .integer("Current", "Replicas is the most recently observed number of non-terminating pods. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset"),
         .integer("Ready", "The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition."),
         .age, .containers, .images, .selector]
    ) { o, now in
        [o.nameCell, .int(o["spec", "replicas"].int ?? 1), .int(o["status", "replicas"].intOrZero),
         .int(o["status", "readyReplicas"].intOrZero), o.age(now)] + containerCells(o["spec", "template", "spec"])
            + [.string(formatSelector(o["spec", "selector"]))]
    }

    static let replicationController = Printer(
        [.name,
         .integer("Desired", "Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller"),
         .integer("Current", "Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller"),
         .integer("Ready", "The number of ready replicas for this replication controller."),
         .age, .containers, .images, .selector]
    ) { o, now in
        [o.nameCell, .int(o["spec", "replicas"].int ?? 1), .int(o["status", "replicas"].intOrZero),
         .int(o["status", "readyReplicas"].intOrZero), o.age(now)] + containerCells(o["spec", "template", "spec"])
            + [.string(formatLabels(o["spec", "selector"].stringMap))]
    }

    static let statefulSet = Printer([.name, .string("Ready", readyDoc), .age, .containers, .images]) { o, now in
        [o.nameCell, .string("\(o["status", "readyReplicas"].intOrZero)/\(o["spec", "replicas"].int ?? 1)"), o.age(now)]
            + containerCells(o["spec", "template", "spec"])
    }

    static let daemonSet = Printer(
        [.name,
         .integer("Desired", "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod). More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/"),
         .integer("Current", "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod. More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/"),
         .integer("Ready", "numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition."),
         .integer("Up-to-date", "The total number of nodes that are running updated daemon pod"),
         .integer("Available", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)"),
         .string("Node Selector", "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/"),
         .age, .containers, .images, .selector]
    ) { o, now in
        let s = o["status"]
        return [o.nameCell, .int(s["desiredNumberScheduled"].intOrZero), .int(s["currentNumberScheduled"].intOrZero),
                .int(s["numberReady"].intOrZero), .int(s["updatedNumberScheduled"].intOrZero),
                .int(s["numberAvailable"].intOrZero),
                .string(formatLabels(o["spec", "template", "spec", "nodeSelector"].stringMap)), o.age(now)]
            + containerCells(o["spec", "template", "spec"]) + [.string(formatSelector(o["spec", "selector"]))]
    }

    /// The first condition of `type` decides, as `hasJobCondition` does.
    private static func hasCondition(_ o: TObj, _ type: String) -> Bool {
        o["status", "conditions"].list.first { $0["type"].string == type }?["status"].string == "True"
    }

    static let job = Printer(
        [.name, .string("Status", "Status of the job."),
         .string("Completions", "The number of pods which reached phase Succeeded. The value increases monotonically for a given spec. However, it may decrease in reaction to scale down of elastic indexed jobs."),
         .string("Duration", "Time required to complete the job."), .age, .containers, .images, .selector]
    ) { o, now in
        let succeeded = o["status", "succeeded"].intOrZero
        let completions: String
        if let c = o["spec", "completions"].int {
            completions = "\(succeeded)/\(c)"
        } else if let p = o["spec", "parallelism"].int, p > 1 {
            completions = "\(succeeded)/1 of \(p)"
        } else {
            completions = "\(succeeded)/1"
        }
        var duration = ""
        if let start = TableTime.parse(o["status", "startTime"].string) {
            let end = TableTime.parse(o["status", "completionTime"].string) ?? now
            duration = TableTime.humanDuration(seconds: end &- start)
        }
        let status: String
        if hasCondition(o, "Complete") {
            status = "Complete"
        } else if hasCondition(o, "Failed") {
            status = "Failed"
        } else if o["metadata", "deletionTimestamp"].exists {
            status = "Terminating"
        } else if hasCondition(o, "Suspended") {
            status = "Suspended"
        } else if hasCondition(o, "FailureTarget") {
            status = "FailureTarget"
        } else {
            status = "Running"
        }
        return [o.nameCell, .string(status), .string(completions), .string(duration), o.age(now)]
            + containerCells(o["spec", "template", "spec"]) + [.string(formatSelector(o["spec", "selector"]))]
    }

    static let cronJob = Printer(
        [.name, .string("Schedule", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
         .string("Timezone", "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this will default to the time zone of the kube-controller-manager process. The set of valid time zone names and the time zone offset is loaded from the system-wide time zone database by the API server during CronJob validation and the controller manager during execution. If no system-wide time zone database can be found a bundled version of the database is used instead. If the time zone name becomes invalid during the lifetime of a CronJob or due to a change in host configuration, the controller will stop creating new new Jobs and will create a system event with the reason UnknownTimeZone. More information can be found in https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones"),
         TableColumn(name: "Suspend", type: "boolean", description: "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false."),
         .integer("Active", "A list of pointers to currently running jobs."),
         .string("Last Schedule", "Information when was the last time the job was successfully scheduled."),
         .age, .containers, .images, .selector]
    ) { o, now in
        let suspend: String
        switch o["spec", "suspend"].bool {
        case nil: suspend = "<unset>"
        case true?: suspend = "True"
        case false?: suspend = "False"
        }
        let last = o["status", "lastScheduleTime"].optionalString.map { TableTime.since($0, now: now) } ?? "<none>"
        let jobSpec = o["spec", "jobTemplate", "spec"]
        return [o.nameCell, .string(o["spec", "schedule"].string),
                .string(o["spec", "timeZone"].optionalString ?? "<none>"), .string(suspend),
                .int(Int64(o["status", "active"].list.count)), .string(last), o.age(now)]
            + containerCells(jobSpec["template", "spec"]) + [.string(formatSelector(jobSpec["selector"]))]
    }

    static let hpa = Printer(
        [.name,
         .string("Reference", "reference to scaled resource; horizontal pod autoscaler will learn the current resource consumption and will set the desired number of pods by using its Scale subresource."),
         .string("Targets", "metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used)."),
         .string("MinPods", "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down."),
         .string("MaxPods", "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up. It cannot be less that minReplicas."),
         .string("Replicas", "currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler."),
         .age]
    ) { o, now in
        let ref = o["spec", "scaleTargetRef"]
        let minPods = o["spec", "minReplicas"].int.map { String($0) } ?? "<unset>"
        return [o.nameCell, .string("\(ref["kind"].string)/\(ref["name"].string)"), .string(hpaTargets(o)), .string(minPods),
                .int(o["spec", "maxReplicas"].intOrZero), .int(o["status", "currentReplicas"].intOrZero), o.age(now)]
    }

    /// `formatHPAMetrics` for autoscaling/v2 metrics (and v1's targetCPUUtilizationPercentage): at most two
    /// entries, then ` + N more...`.
    static func hpaTargets(_ o: TObj) -> String {
        var list: [String] = []
        if o["spec", "targetCPUUtilizationPercentage"].exists || (o["spec", "metrics"].list.isEmpty && o["apiVersion"].string == "autoscaling/v1") {
            guard let target = o["spec", "targetCPUUtilizationPercentage"].int else { return "<none>" }
            let current = o["status", "currentCPUUtilizationPercentage"].int.map { "\($0)%" } ?? "<unknown>"
            return "cpu: \(current)/\(target)%"
        }
        let specs = o["spec", "metrics"].list
        if specs.isEmpty { return "<none>" }
        let statuses = o["status", "currentMetrics"].list
        for (i, spec) in specs.enumerated() {
            let status: TObj? = i < statuses.count ? statuses[i] : nil
            switch spec["type"].string {
            case "Resource", "ContainerResource":
                let key = spec["type"].string == "Resource" ? "resource" : "containerResource"
                let src = spec[key]
                let cur = status?[key]["current"]
                if let avg = src["target", "averageValue"].intOrString {
                    list.append("\(src["name"].string): \(cur?["averageValue"].intOrString ?? "<unknown>")/\(avg)")
                } else {
                    let current = cur?["averageUtilization"].int.map { "\($0)%" } ?? "<unknown>"
                    let target = src["target", "averageUtilization"].int.map { "\($0)%" } ?? "<auto>"
                    list.append("\(src["name"].string): \(current)/\(target)")
                }
            case "Pods", "Object", "External":
                let key = spec["type"].string.lowercased()
                let target = spec[key]["target"]
                let cur = status?[key]["current"]
                let t = target["averageValue"].intOrString ?? target["value"].intOrString ?? "<unknown>"
                let c = cur?["averageValue"].intOrString ?? cur?["value"].intOrString ?? "<unknown>"
                let avg = target["averageValue"].exists && spec["type"].string != "Pods" ? " (avg)" : ""
                list.append("\(c)/\(t)\(avg)")
            default:
                list.append("<unknown type>")
            }
        }
        if list.count > 2 { return list.prefix(2).joined(separator: ", ") + " + \(list.count - 2) more..." }
        return list.joined(separator: ", ")
    }

    static let pdb = Printer(
        [.name, .string("Min Available", "The minimum number of pods that must be available."),
         .string("Max Unavailable", "The maximum number of pods that may be unavailable."),
         .integer("Allowed Disruptions", "Calculated number of pods that may be disrupted at this time."), .age]
    ) { o, now in
        [o.nameCell, .string(o["spec", "minAvailable"].intOrString ?? "N/A"),
         .string(o["spec", "maxUnavailable"].intOrString ?? "N/A"), .int(o["status", "disruptionsAllowed"].intOrZero),
         o.age(now)]
    }

    static let controllerRevision = Printer(
        [.name, .string("Controller", "Controller of the object"),
         .string("Revision", "Revision indicates the revision of the state represented by Data."), .age]
    ) { o, now in
        var controller = "<none>"
        if let ref = o["metadata", "ownerReferences"].list.first(where: { $0["controller"].bool == true }) {
            let apiVersion = ref["apiVersion"].string
            let group = apiVersion.contains("/") ? String(apiVersion.split(separator: "/")[0]) : ""
            let kind = group.isEmpty ? ref["kind"].string : "\(ref["kind"].string).\(group)"
            controller = "\(kind.lowercased())/\(ref["name"].string)"
        }
        return [o.nameCell, .string(controller), .int(o["revision"].intOrZero), o.age(now)]
    }
}
