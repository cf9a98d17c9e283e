import StructuredData

/// Which field labels each kind accepts in a field selector and how an object's values for them are read,
/// after kube-apiserver 1.32's per-kind field label conversion functions and `GetAttrs`.
enum FieldLabels {
    static let meta = ["metadata.name", "metadata.namespace"]
    static let involved = ["kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"]

    private static func extra(_ r: ResourceInfo) -> [String]? {
        switch (r.group, r.kind) {
        case ("", "Pod"):
            return ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
                    "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"]
        case ("", "Event"):
            return involved.map { "involvedObject." + $0 } + ["reason", "reportingComponent", "source", "type"]
        case ("events.k8s.io", "Event"):
            return involved.map { "regarding." + $0 } + ["reason", "reportingController", "type"]
        case ("", "Namespace"): return ["status.phase"]
        case ("", "Secret"): return ["type"]
        case ("", "Node"): return ["spec.unschedulable"]
        case ("", "ReplicationController"): return ["status.replicas"]
        case ("apps", "ReplicaSet"): return ["status.replicas"]
        case ("batch", "Job"): return ["status.successful"]
        case ("", _): return []
        default: return nil
        }
    }

    static func supported(for resource: ResourceInfo?) -> [String] {
        guard let resource else { return meta }
        return meta + (extra(resource) ?? [])
    }

    static func check(_ field: String, for resource: ResourceInfo?) throws(SelectorError) {
        if meta.contains(field) { return }
        guard let resource else {
            throw SelectorError("\"\(field)\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"")
        }
        switch extra(resource) {
        case let fields? where fields.contains(field): return
        case .some:
            if resource.group == "apps" && resource.kind == "ReplicaSet" {
                throw SelectorError("field label not supported for appsv1.ReplicaSet: \(field)")
            }
            throw SelectorError("field label not supported: \(field)")
        case nil:
            if resource.isCustomResource { throw SelectorError("field label not supported: \(field)") }
            throw SelectorError("\"\(field)\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"")
        }
    }

    private static func str(_ v: Value?) -> String {
        switch v {
        case .string(let s)?: return s
        case .bool(let b)?: return b ? "true" : "false"
        default:
            if let i = ResourceValue.int(v) { return String(i) }
            return ""
        }
    }

    /// The field label values of an object; fields the kind does not define are absent.
    static func values(of o: Value, resource: ResourceInfo?) -> [String: String] {
        var f: [String: String] = [
            "metadata.name": str(o["metadata"]?["name"]),
            "metadata.namespace": str(o["metadata"]?["namespace"]),
        ]
        guard let resource else { return f }
        switch (resource.group, resource.kind) {
        case ("", "Pod"):
            let spec = o["spec"], status = o["status"]
            f["spec.nodeName"] = str(spec?["nodeName"])
            f["spec.restartPolicy"] = str(spec?["restartPolicy"])
            f["spec.schedulerName"] = str(spec?["schedulerName"])
            f["spec.serviceAccountName"] = str(spec?["serviceAccountName"])
            f["spec.hostNetwork"] = spec?["hostNetwork"] == .bool(true) ? "true" : "false"
            f["status.phase"] = str(status?["phase"])
            var ip = str(status?["podIP"])
            if let first = status?["podIPs"]?.listValue?.first { ip = str(first["ip"]) }
            f["status.podIP"] = ip
            f["status.nominatedNodeName"] = str(status?["nominatedNodeName"])
        case ("", "Event"):
            for k in involved { f["involvedObject." + k] = str(o["involvedObject"]?[k]) }
            f["reason"] = str(o["reason"])
            f["reportingComponent"] = str(o["reportingComponent"])
            f["source"] = str(o["source"]?["component"])
            f["type"] = str(o["type"])
        case ("events.k8s.io", "Event"):
            for k in involved { f["regarding." + k] = str(o["regarding"]?[k]) }
            f["reason"] = str(o["reason"])
            f["reportingController"] = str(o["reportingController"])
            f["type"] = str(o["type"])
        case ("", "Namespace"): f["status.phase"] = str(o["status"]?["phase"])
        case ("", "Secret"): f["type"] = str(o["type"])
        case ("", "Node"): f["spec.unschedulable"] = o["spec"]?["unschedulable"] == .bool(true) ? "true" : "false"
        case ("", "ReplicationController"), ("apps", "ReplicaSet"):
            f["status.replicas"] = String(ResourceValue.int(o["status"]?["replicas"]) ?? 0)
        case ("batch", "Job"): f["status.successful"] = String(ResourceValue.int(o["status"]?["succeeded"]) ?? 0)
        default: break
        }
        return f
    }
}
