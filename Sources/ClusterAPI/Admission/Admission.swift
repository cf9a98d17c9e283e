public import StructuredData

/// The API server's pure admission steps for built-in kinds: scheme defaulting, registry-strategy
/// validation, the 422 message, and the generation rule. Kinds it does not know get no defaults
/// and no causes. Everything here is a function of its arguments (no clock, no I/O); what needs
/// cluster state (cluster IP and node port allocation, the default StorageClass, the
/// ServiceAccount token volume) is left to the caller.
public enum Admission {
    /// Kubernetes 1.32 scheme defaulting (plus the Job selector generation, the Namespace and Pod
    /// admission defaults) for a create or update. Call after the server has set `metadata.name`
    /// (from `generateName`), `metadata.namespace` and `metadata.uid`.
    public static func applyDefaults(_ object: Value, gvk: GroupVersionKind) -> Value {
        guard case .map(var o) = object else { return object }
        switch (gvk.group, gvk.kind) {
        case ("", "Pod"): PodDefaults.pod(&o)
        case ("", "PodTemplate"): ResourceDefaults.podTemplate(&o)
        case ("", "ReplicationController"): WorkloadDefaults.replicationController(&o)
        case ("", "Service"): ResourceDefaults.service(&o)
        case ("", "Secret"): ResourceDefaults.secret(&o)
        case ("", "Namespace"): ResourceDefaults.namespace(&o)
        case ("", "PersistentVolumeClaim"): ResourceDefaults.persistentVolumeClaim(&o)
        case ("", "PersistentVolume"): ResourceDefaults.persistentVolume(&o)
        case ("", "Endpoints"): ResourceDefaults.endpoints(&o)
        case ("apps", "Deployment"): WorkloadDefaults.deployment(&o)
        case ("apps", "ReplicaSet"): WorkloadDefaults.replicaSet(&o)
        case ("apps", "StatefulSet"): WorkloadDefaults.statefulSet(&o)
        case ("apps", "DaemonSet"): WorkloadDefaults.daemonSet(&o)
        case ("batch", "Job"): WorkloadDefaults.job(&o)
        case ("batch", "CronJob"): WorkloadDefaults.cronJob(&o)
        case ("storage.k8s.io", "StorageClass"): ResourceDefaults.storageClass(&o)
        case ("networking.k8s.io", "NetworkPolicy"): ResourceDefaults.networkPolicy(&o)
        case ("discovery.k8s.io", "EndpointSlice"): ResourceDefaults.endpointSlice(&o)
        case ("autoscaling", "HorizontalPodAutoscaler"): ResourceDefaults.horizontalPodAutoscaler(&o, version: gvk.version)
        case ("scheduling.k8s.io", "PriorityClass"): ResourceDefaults.priorityClass(&o)
        case ("rbac.authorization.k8s.io", "RoleBinding"), ("rbac.authorization.k8s.io", "ClusterRoleBinding"):
            ResourceDefaults.roleBinding(&o)
        case ("apiextensions.k8s.io", "CustomResourceDefinition"): ResourceDefaults.customResourceDefinition(&o)
        default: break
        }
        return .map(o)
    }

    /// Validation as the API server's registry strategies run it (`Validate` on create,
    /// `ValidateUpdate` when `old`, the stored object, is given). Empty means valid. Causes come in
    /// Kubernetes' order with its exact messages (map keys, which Go visits randomly, are sorted).
    /// Pass the defaulted object, as the server does (Secret `stringData` is folded in by
    /// defaulting). On a Service update, first copy the stored `clusterIP`/`clusterIPs`/node ports
    /// into a new object that omits them, as the server's REST layer does.
    public static func validate(_ object: Value, old: Value?, gvk: GroupVersionKind) -> [FieldCause] {
        guard case .map(let o) = object else { return [] }
        guard let rule = KindRules.rule(for: gvk) else { return [] }
        var causes = MetadataValidation.validate(o, old: old?.mapValue, nameRule: rule.name, namespaced: rule.namespaced)
        causes += rule.validate(o, old?.mapValue, gvk)
        return causes
    }

    /// The generic `ObjectMeta` checks alone (name as a DNS subdomain, namespace, labels,
    /// annotations, owner references, finalizers, immutable name/namespace/uid on update) — what
    /// the server applies to custom resources and to kinds `validate` does not know.
    public static func validateObjectMeta(_ object: Value, old: Value?, namespaced: Bool) -> [FieldCause] {
        guard case .map(let o) = object else { return [] }
        return MetadataValidation.validate(o, old: old?.mapValue, nameRule: .dns1123Subdomain, namespaced: namespaced)
    }

    /// The `Status.message` of a 422: `<Kind>.<group> "<name>" is invalid: <cause>` for one cause,
    /// `[<cause1>, <cause2>]` for several (duplicates dropped), each cause as `<field>: <message>`.
    public static func invalidMessage(kind: String, group: String, name: String, causes: [FieldCause]) -> String {
        let qualified = group.isEmpty ? kind : "\(kind).\(group)"
        var seen = Set<String>()
        var parts: [String] = []
        for c in causes {
            let text = c.description
            if seen.insert(text).inserted { parts.append(text) }
        }
        let aggregate = parts.count == 1 ? parts[0] : "[" + parts.joined(separator: ", ") + "]"
        return "\(qualified) \(GoFormat.quote(name)) is invalid: \(aggregate)"
    }

    /// Whether an update changes what bumps `metadata.generation`: `spec` for kinds that have one
    /// (old or new), otherwise anything outside `metadata` and `status` (`apiVersion`/`kind` ignored).
    /// Integral floats equal ints and null equals absent, as Go's semantic equality sees them.
    public static func specChanged(old: Value, new: Value, gvk: GroupVersionKind) -> Bool {
        let o = old.mapValue ?? [:], n = new.mapValue ?? [:]
        if o["spec"] != nil || n["spec"] != nil {
            return Semantic.normalize(o["spec"] ?? .null) != Semantic.normalize(n["spec"] ?? .null)
        }
        let ignored: Set<String> = ["metadata", "status", "apiVersion", "kind"]
        return Semantic.normalize(.map(o.filter { !ignored.contains($0.key) }))
            != Semantic.normalize(.map(n.filter { !ignored.contains($0.key) }))
    }

    /// True when a Service (already defaulted) still needs a cluster IP allocated: any type but
    /// `ExternalName` with an empty `spec.clusterIP` (`None` means headless, no allocation).
    public static func serviceNeedsClusterIP(_ service: Value) -> Bool {
        let spec = service["spec"]?.mapValue ?? [:]
        let type = V.str(spec, "type")
        if type == "ExternalName" { return false }
        return V.str(spec, "clusterIP").isEmpty
    }

    /// Indices into `spec.ports` that need a node port allocated: `NodePort` services, and
    /// `LoadBalancer` ones unless `allocateLoadBalancerNodePorts` is false, whose port has none.
    public static func serviceNodePortsNeeded(_ service: Value) -> [Int] {
        let spec = service["spec"]?.mapValue ?? [:]
        let type = V.str(spec, "type")
        let wants = type == "NodePort" || (type == "LoadBalancer" && V.bool(spec["allocateLoadBalancerNodePorts"]) != false)
        guard wants, let ports = V.list(spec["ports"]) else { return [] }
        return ports.indices.filter { (V.int(ports[$0]["nodePort"]) ?? 0) == 0 }
    }
}

/// Go's `apiequality.Semantic.DeepEqual` as far as JSON-shaped values can tell.
enum Semantic {
    static func normalize(_ v: Value, depth: Int = 0) -> Value {
        guard depth < 200 else { return v }
        switch v {
        case .float(let d):
            if let i = V.int(.float(d)) { return .int(i) }
            return v
        case .map(let m):
            var out: [String: Value] = [:]
            for (k, x) in m where !x.isNull { out[k] = normalize(x, depth: depth + 1) }
            return .map(out)
        case .list(let l):
            return .list(l.map { normalize($0, depth: depth + 1) })
        default:
            return v
        }
    }
}
