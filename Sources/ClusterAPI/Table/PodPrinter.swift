import StructuredData

/// `kubectl get pods`: the derived STATUS (init progress, waiting/terminated reasons, Terminating), READY
/// counts including restartable init containers (sidecars), and RESTARTS with the "(5m ago)" suffix.
enum PodPrinter {
    static let columns: [TableColumn] = [
        .name,
        .string("Ready", "The aggregate readiness state of this pod for accepting traffic."),
        .string("Status", "The aggregate status of the containers in this pod."),
        .string("Restarts",
                "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
        .age,
        .string("IP", "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.",
                wide: true),
        .string("Node",
                "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet for this node becomes responsible for the lifecycle of this pod. This field should not be used to express a desire for the pod to be scheduled on a specific node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename",
                wide: true),
        .string("Nominated Node",
                "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.",
                wide: true),
        .string("Readiness Gates",
                "If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to \"True\" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates",
                wide: true),
    ]

    static let printer = Printer(columns: columns, rows: row)

    private static func terminatedReason(_ t: TObj, prefix: String) -> String {
        let reason = t["reason"].string
        if !reason.isEmpty { return prefix + reason }
        if let sig = t["signal"].int, sig != 0 { return "\(prefix)Signal:\(sig)" }
        return "\(prefix)ExitCode:\(t["exitCode"].intOrZero)"
    }

    static func row(_ pod: TObj, _ now: Int64) -> PrintedRow {
        let spec = pod["spec"], status = pod["status"]
        var restarts: Int64 = 0
        var sidecarRestarts: Int64 = 0
        var totalContainers = spec["containers"].list.count
        var readyContainers = 0
        var lastRestart: Int64?
        var lastSidecarRestart: Int64?

        let phase = status["phase"].string
        var reason = phase
        if !status["reason"].string.isEmpty { reason = status["reason"].string }
        for c in status["conditions"].list where c["type"].string == "PodScheduled" && c["reason"].string == "SchedulingGated" {
            reason = "SchedulingGated"
        }
        var conditions: [Value] = []
        if phase == "Succeeded" {
            conditions = [["type": "Completed", "status": "True", "reason": "Succeeded",
                           "message": "The pod has completed successfully."]]
        } else if phase == "Failed" {
            conditions = [["type": "Completed", "status": "True", "reason": "Failed", "message": "The pod failed."]]
        }

        var sidecars = Set<String>()
        let initSpecs = spec["initContainers"].list
        for c in initSpecs where c["restartPolicy"].string == "Always" {
            sidecars.insert(c["name"].string)
            totalContainers += 1
        }

        func later(_ a: Int64?, _ b: Int64?) -> Int64? {
            guard let b else { return a }
            guard let a else { return b }
            return max(a, b)
        }

        var initializing = false
        for (i, c) in status["initContainerStatuses"].list.enumerated() {
            let count = c["restartCount"].intOrZero
            restarts &+= count
            let finished = TableTime.parse(c["lastState", "terminated", "finishedAt"].string)
            lastRestart = later(lastRestart, finished)
            let isSidecar = sidecars.contains(c["name"].string)
            if isSidecar {
                sidecarRestarts &+= count
                lastSidecarRestart = later(lastSidecarRestart, finished)
            }
            let state = c["state"]
            if state["terminated"].exists && state["terminated", "exitCode"].intOrZero == 0 { continue }
            if isSidecar && c["started"].bool == true {
                if c["ready"].bool == true { readyContainers += 1 }
                continue
            }
            if state["terminated"].exists {
                reason = terminatedReason(state["terminated"], prefix: "Init:")
            } else if !state["waiting", "reason"].string.isEmpty && state["waiting", "reason"].string != "PodInitializing" {
                reason = "Init:" + state["waiting", "reason"].string
            } else {
                reason = "Init:\(i)/\(initSpecs.count)"
            }
            initializing = true
            break
        }

        let initialized = status["conditions"].list.contains { $0["type"].string == "Initialized" && $0["status"].string == "True" }
        if !initializing || initialized {
            restarts = sidecarRestarts
            lastRestart = lastSidecarRestart
            var hasRunning = false
            for c in status["containerStatuses"].list.reversed() {
                restarts &+= c["restartCount"].intOrZero
                lastRestart = later(lastRestart, TableTime.parse(c["lastState", "terminated", "finishedAt"].string))
                let state = c["state"]
                if !state["waiting", "reason"].string.isEmpty {
                    reason = state["waiting", "reason"].string
                } else if state["terminated"].exists {
                    reason = terminatedReason(state["terminated"], prefix: "")
                } else if c["ready"].bool == true && state["running"].exists {
                    hasRunning = true
                    readyContainers += 1
                }
            }
            if reason == "Completed" && hasRunning {
                let ready = status["conditions"].list.contains { $0["type"].string == "Ready" && $0["status"].string == "True" }
                reason = ready ? "Running" : "NotReady"
            }
        }

        if pod["metadata", "deletionTimestamp"].exists {
            if status["reason"].string == "NodeLost" {
                reason = "Unknown"
            } else if phase != "Succeeded" && phase != "Failed" {
                reason = "Terminating"
            }
        }

        var restartsCell = String(restarts)
        if restarts != 0, let last = lastRestart {
            restartsCell = "\(restarts) (\(TableTime.humanDuration(seconds: now &- last)) ago)"
        }

        var ip = status["podIP"].string
        if let first = status["podIPs"].list.first, !first["ip"].string.isEmpty { ip = first["ip"].string }
        var gates = "<none>"
        let gateSpecs = spec["readinessGates"].list
        if !gateSpecs.isEmpty {
            var trueCount = 0
            for g in gateSpecs {
                if let c = status["conditions"].list.first(where: { $0["type"].string == g["conditionType"].string }),
                   c["status"].string == "True"
                {
                    trueCount += 1
                }
            }
            gates = "\(trueCount)/\(gateSpecs.count)"
        }
        func orNone(_ s: String) -> Value { .string(s.isEmpty ? "<none>" : s) }
        let cells: [Value] = [
            pod.nameCell, .string("\(readyContainers)/\(totalContainers)"), .string(reason), .string(restartsCell),
            pod.age(now), orNone(ip), orNone(spec["nodeName"].string), orNone(status["nominatedNodeName"].string),
            .string(gates),
        ]
        return PrintedRow(cells: cells, conditions: conditions)
    }
}
