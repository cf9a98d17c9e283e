import ClusterAPI
import StructuredData

/// The EndpointSlice and Endpoints controllers for Services with a selector: one IPv4 slice
/// (`generateName: <svc>-`, `kubernetes.io/service-name`) listing every selected pod with a podIP and
/// its ready/serving/terminating conditions, and the legacy `Endpoints` object of the same name
/// (ready pods in `addresses`, the rest in `notReadyAddresses`). Ports resolve named targetPorts
/// through the pods' container ports. `publishNotReadyAddresses` lists every pod as ready;
/// ExternalName Services get none.
enum EndpointsController {
    static let serviceNameLabel = "kubernetes.io/service-name"
    static let managedByLabel = "endpointslice.kubernetes.io/managed-by"
    static let managedBy = "endpointslice-controller.k8s.io"
    /// The annotation the endpoints controller stamps; it marks Endpoints objects it owns.
    static let triggerAnnotation = "endpoints.kubernetes.io/last-change-trigger-time"

    static func reconcile(_ view: WorkloadView) -> [WorkloadAction] {
        var actions: [WorkloadAction] = []
        var selected: Set<String> = []
        for svc in view.of("", "services") {
            guard let ns = svc.namespace, !svc.object.isBeingDeleted, let selector = selectorLabels(svc.object),
                  svc.object["spec"]?["type"]?.stringValue != "ExternalName"
            else { continue }
            selected.insert(ns + "/" + svc.object.name)
            let pods = view.of("", "pods", in: ns).filter { p in
                let labels = p.object.labels
                return selector.allSatisfy { labels[$0.key] == $0.value } && !(podIP(p.object) ?? "").isEmpty
                    && Workload.phase(p.object) != "Succeeded" && Workload.phase(p.object) != "Failed"
            }.sorted { $0.object.name < $1.object.name }
            actions += slice(svc, pods: pods.map(\.object), view: view)
            actions += endpoints(svc, pods: pods.map(\.object), view: view)
        }
        // Endpoints this controller wrote whose Service is gone or lost its selector.
        for ep in view.of("", "endpoints") where ep.object.meta("annotations")?[triggerAnnotation] != nil {
            if !selected.contains((ep.namespace ?? "") + "/" + ep.object.name) { actions.append(.delete(ep)) }
        }
        return actions
    }

    static func selectorLabels(_ svc: Value) -> [String: String]? {
        guard case .map(let m)? = svc["spec"]?["selector"], !m.isEmpty else { return nil }
        var out: [String: String] = [:]
        for (k, v) in m { if let s = v.stringValue { out[k] = s } }
        return out
    }

    static func podIP(_ pod: Value) -> String? { pod["status"]?["podIP"]?.stringValue }

    /// The endpoint hostname the cluster DNS publishes as `<hostname>.<service>.<ns>.svc`: a pod's
    /// `spec.hostname` when its `spec.subdomain` names this Service (StatefulSet pods).
    static func hostname(_ pod: Value, service: String) -> String? {
        guard pod["spec"]?["subdomain"]?.stringValue == service, let h = pod["spec"]?["hostname"]?.stringValue, !h.isEmpty else { return nil }
        return h
    }

    /// Service ports with their resolved target ports (a named port no pod declares is left out).
    static func ports(_ svc: Value, pods: [Value]) -> [Value] {
        (svc["spec"]?["ports"]?.listValue ?? []).compactMap { p -> Value? in
            let target = p["targetPort"] ?? p["port"] ?? .null
            var number = target.intValue
            if number == nil, let name = target.stringValue {
                number = pods.lazy.compactMap { pod in
                    (pod["spec"]?["containers"]?.listValue ?? []).lazy.flatMap { $0["ports"]?.listValue ?? [] }
                        .first { $0["name"]?.stringValue == name }?["containerPort"]?.intValue
                }.first
            }
            guard let number else { return nil }
            var port: [String: Value] = ["port": .int(number), "protocol": p["protocol"] ?? "TCP"]
            port["name"] = p["name"] ?? ""
            if let ap = p["appProtocol"] { port["appProtocol"] = ap }
            return .map(port)
        }
    }

    static func targetRef(_ pod: Value) -> Value {
        .map(["kind": "Pod", "name": .string(pod.name), "namespace": .string(pod.namespace ?? ""), "uid": .string(pod.uid)])
    }

    static func slice(_ svc: Reconciler.Stored, pods: [Value], view: WorkloadView) -> [WorkloadAction] {
        let ns = svc.namespace ?? ""
        let publishAll = svc.object["spec"]?["publishNotReadyAddresses"] == .bool(true)
        let endpoints: [Value] = pods.map { pod in
            let ready = (publishAll || Workload.isReady(pod)) && !pod.isBeingDeleted
            var e: [String: Value] = [
                "addresses": .list([.string(podIP(pod) ?? "")]),
                "conditions": .map(["ready": .bool(ready), "serving": .bool(Workload.isReady(pod)), "terminating": .bool(pod.isBeingDeleted)]),
                "targetRef": targetRef(pod),
            ]
            if let node = pod["spec"]?["nodeName"]?.stringValue, !node.isEmpty { e["nodeName"] = .string(node) }
            if let h = hostname(pod, service: svc.object.name) { e["hostname"] = .string(h) }
            return .map(e)
        }
        var labels = svc.object.meta("labels")?.mapValue ?? [:]
        labels[serviceNameLabel] = .string(svc.object.name)
        labels[managedByLabel] = .string(managedBy)
        let ports = ports(svc.object, pods: pods)
        let mine = view.of("discovery.k8s.io", "endpointslices", in: ns).filter {
            $0.object.labels[serviceNameLabel] == svc.object.name && $0.object.labels[managedByLabel] == managedBy
        }
        guard let current = mine.first else {
            let slice: Value = .map([
                "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                "metadata": .map(["generateName": .string(svc.object.name + "-"), "namespace": .string(ns), "labels": .map(labels),
                                  "ownerReferences": .list([Workload.ownerReference(apiVersion: "v1", kind: "Service", owner: svc.object)])]),
                "addressType": "IPv4", "endpoints": .list(endpoints), "ports": .list(ports),
            ])
            return [.create(group: "discovery.k8s.io", plural: "endpointslices", namespace: ns, object: slice)]
        }
        var actions: [WorkloadAction] = mine.dropFirst().map { .delete($0) }
        let o = current.object
        let labelsValue = Value.map(labels)
        if o["endpoints"]?.listValue ?? [] != endpoints || o["ports"]?.listValue ?? [] != ports || o.meta("labels")?.mapValue != labels {
            actions.append(.update(current) { s in
                s.setField("endpoints", .list(endpoints))
                s.setField("ports", .list(ports))
                s.setMeta("labels", labelsValue)
            })
        }
        return actions
    }

    static func endpoints(_ svc: Reconciler.Stored, pods: [Value], view: WorkloadView) -> [WorkloadAction] {
        let ns = svc.namespace ?? ""
        func address(_ pod: Value) -> Value {
            var a: [String: Value] = ["ip": .string(podIP(pod) ?? ""), "targetRef": targetRef(pod)]
            if let node = pod["spec"]?["nodeName"]?.stringValue, !node.isEmpty { a["nodeName"] = .string(node) }
            if let h = hostname(pod, service: svc.object.name) { a["hostname"] = .string(h) }
            return .map(a)
        }
        let live = pods.filter { !$0.isBeingDeleted }
        let publishAll = svc.object["spec"]?["publishNotReadyAddresses"] == .bool(true)
        let ready = live.filter { publishAll || Workload.isReady($0) }.map(address)
        let notReady = live.filter { !publishAll && !Workload.isReady($0) }.map(address)
        var subset: [String: Value] = ["ports": .list(ports(svc.object, pods: pods))]
        if !ready.isEmpty { subset["addresses"] = .list(ready) }
        if !notReady.isEmpty { subset["notReadyAddresses"] = .list(notReady) }
        let subsets: Value? = live.isEmpty ? nil : .list([.map(subset)])
        let labels = svc.object.meta("labels") ?? .map([:])
        let time = Timestamps.rfc3339(view.now)
        guard let current = view.of("", "endpoints", in: ns).first(where: { $0.object.name == svc.object.name }) else {
            var meta: [String: Value] = ["name": .string(svc.object.name), "namespace": .string(ns),
                                         "annotations": .map([triggerAnnotation: .string(time)])]
            if case .map(let m) = labels, !m.isEmpty { meta["labels"] = labels }
            var ep: [String: Value] = ["apiVersion": "v1", "kind": "Endpoints", "metadata": .map(meta)]
            ep["subsets"] = subsets
            return [.create(group: "", plural: "endpoints", namespace: ns, object: .map(ep))]
        }
        guard current.object["subsets"] != subsets else { return [] }
        return [.update(current) { o in
            o.setField("subsets", subsets)
            o.set(path: ["metadata", "annotations", triggerAnnotation], to: .string(time))
        }]
    }
}
