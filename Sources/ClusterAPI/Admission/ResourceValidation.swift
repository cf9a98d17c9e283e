import StructuredData

/// Validation for storage, networking, RBAC, apiextensions, coordination, events, autoscaling and
/// policy kinds (the rules clients actually trip over).
enum ResourceValidation {
    static func none(_ o: [String: Value], _ old: [String: Value]?, _ gvk: GroupVersionKind) -> [FieldCause] { [] }

    static func persistentVolumeClaim(_ o: [String: Value], _ old: [String: Value]?, _ gvk: GroupVersionKind) -> [FieldCause] {
        let spec = V.map(o["spec"]) ?? [:]
        var causes: [FieldCause] = []
        let modes = (V.list(spec["accessModes"]) ?? []).map { $0.stringValue ?? "" }
        if modes.isEmpty { causes.append(Cause.required("spec.accessModes", "at least 1 access mode is required")) }
        if let sel = V.map(spec["selector"]) { causes += LabelSelectorCheck.validate(sel, path: "spec.selector") }
        let supported = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"]
        for m in modes where !supported.contains(m) {
            causes.append(Cause.notSupported("spec.accessModes", .string(m), supported))
        }
        if modes.contains("ReadWriteOncePod"), modes.contains(where: { $0 != "ReadWriteOncePod" }) {
            causes.append(Cause.forbidden("spec.accessModes", "may not use ReadWriteOncePod with other access modes"))
        }
        if spec["resources"]?["requests"]?["storage"] == nil {
            causes.append(Cause.required("spec.resources[storage]"))
        }
        let cls = V.str(spec, "storageClassName")
        if !cls.isEmpty {
            for msg in NameRules.dns1123Subdomain(cls) { causes.append(Cause.invalid("spec.storageClassName", .string(cls), msg)) }
        }
        let mode = V.str(spec, "volumeMode")
        if !V.isAbsent(spec, "volumeMode"), !["Block", "Filesystem"].contains(mode) {
            causes.append(Cause.notSupported("spec.volumeMode", .string(mode), ["Block", "Filesystem"]))
        }
        if let old { causes += persistentVolumeClaimUpdate(o, old) }
        return causes
    }

    /// `ValidatePersistentVolumeClaimUpdate`: the spec is frozen except a first `volumeName`, a first
    /// `storageClassName` (the default class), and storage growth on bound claims. Kubernetes appends a
    /// `cmp.Diff` of the specs to the message; that diff is not reproduced.
    private static func persistentVolumeClaimUpdate(_ o: [String: Value], _ old: [String: Value]) -> [FieldCause] {
        var new = V.map(o["spec"]) ?? [:], was = V.map(old["spec"]) ?? [:]
        if V.str(was, "volumeName").isEmpty { was["volumeName"] = new["volumeName"] }
        if V.isAbsent(was, "storageClassName") { new.removeValue(forKey: "storageClassName") }
        new.removeValue(forKey: "volumeAttributesClassName")
        was.removeValue(forKey: "volumeAttributesClassName")
        let bound = V.str(V.map(o["status"]) ?? V.map(old["status"]), "phase") == "Bound"
        if bound {
            new.withMap("resources") { r in r.withMap("requests") { $0["storage"] = was["resources"]?["requests"]?["storage"] } }
        }
        if Semantic.normalize(.map(new)) != Semantic.normalize(.map(was)) {
            return [Cause.forbidden("spec", "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims")]
        }
        return []
    }

    static func storageClass(_ o: [String: Value], _ old: [String: Value]?, _ gvk: GroupVersionKind) -> [FieldCause] {
        var causes: [FieldCause] = []
        let provisioner = V.str(o, "provisioner")
        if provisioner.isEmpty {
            causes.append(Cause.required("provisioner"))
        } else {
            for msg in NameRules.qualifiedName(provisioner.lowercased()) {
                causes.append(Cause.invalid("provisioner", .string(provisioner), msg))
            }
        }
        let reclaim = V.str(o, "reclaimPolicy")
        if !["Delete", "Retain"].contains(reclaim) {
            causes.append(Cause.notSupported("reclaimPolicy", .string(reclaim), ["Delete", "Retain"]))
        }
        let binding = V.str(o, "volumeBindingMode")
        if !["Immediate", "WaitForFirstConsumer"].contains(binding) {
            causes.append(Cause.notSupported("volumeBindingMode", .string(binding), ["Immediate", "WaitForFirstConsumer"]))
        }
        if let old {
            if Semantic.normalize(o["parameters"] ?? .map([:])) != Semantic.normalize(old["parameters"] ?? .map([:])) {
                causes.append(Cause.forbidden("parameters", "updates to parameters are forbidden."))
            }
            if provisioner != V.str(old, "provisioner") {
                causes.append(Cause.forbidden("provisioner", "updates to provisioner are forbidden."))
            }
            if reclaim != V.str(old, "reclaimPolicy") {
                causes.append(Cause.forbidden("reclaimPolicy", "updates to reclaimPolicy are forbidden."))
            }
            if binding != V.str(old, "volumeBindingMode") {
                causes.append(Cause.invalid("volumeBindingMode", .string(binding), "field is immutable"))
            }
        }
        return causes
    }

    static func ingress(_ o: [String: Value], _ old: [String: Value]?, _ gvk: GroupVersionKind) -> [FieldCause] {
        let spec = V.map(o["spec"]) ?? [:]
        var causes: [FieldCause] = []
        let rules = V.list(spec["rules"])
        if (rules?.isEmpty ?? true), V.isAbsent(spec, "defaultBackend") {
            let rendered = rules == nil ? "[]networking.IngressRule(nil)" : "[]networking.IngressRule{}"
            causes.append(Cause.invalid("spec", rendered: rendered, "either `defaultBackend` or `rules` must be specified"))
        }
        if let backend = V.map(spec["defaultBackend"]) { causes += ingressBackend(backend, path: "spec.defaultBackend") }
        for (i, r) in (rules ?? []).enumerated() {
            let rp = "spec.rules[\(i)]"
            let rule = r.mapValue ?? [:]
            let host = V.str(rule, "host")
            if !host.isEmpty {
                if IPText.isValid(host) {
                    causes.append(Cause.invalid(rp + ".host", .string(host), "must be a DNS name, not an IP address"))
                }
                if host.contains("*") {
                    if !(host.hasPrefix("*.") && NameRules.matchesSubdomain(String(host.dropFirst(2)))) || host.utf8.count > 253 {
                        causes.append(Cause.invalid(rp + ".host", .string(host), NameRules.regexError(
                            "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character",
                            "\\*\\." + NameRules.dns1123SubdomainFmt, "*.example.com")))
                    }
                } else {
                    for msg in NameRules.dns1123Subdomain(host) { causes.append(Cause.invalid(rp + ".host", .string(host), msg)) }
                }
            }
            guard let http = V.map(rule["http"]) else { continue }
            let paths = V.list(http["paths"]) ?? []
            if paths.isEmpty { causes.append(Cause.required(rp + ".http.paths")) }
            for (j, p) in paths.enumerated() {
                causes += ingressPath(p.mapValue ?? [:], path: "\(rp).http.paths[\(j)]")
            }
        }
        let cls = V.str(spec, "ingressClassName")
        if !cls.isEmpty {
            for msg in NameRules.dns1123Subdomain(cls) { causes.append(Cause.invalid("spec.ingressClassName", .string(cls), msg)) }
        }
        return causes
    }

    private static func ingressPath(_ p: [String: Value], path: String) -> [FieldCause] {
        guard let pathType = p["pathType"]?.stringValue else {
            return [Cause.required(path + ".pathType", "pathType must be specified")]
        }
        var causes: [FieldCause] = []
        let value = V.str(p, "path")
        switch pathType {
        case "Exact", "Prefix":
            if !value.hasPrefix("/") { causes.append(Cause.invalid(path + ".path", .string(value), "must be an absolute path")) }
            if !value.isEmpty {
                for seq in ["//", "/./", "/../", "%2f", "%2F"] where value.contains(seq) {
                    causes.append(Cause.invalid(path + ".path", .string(value), "must not contain '\(seq)'"))
                }
                for suffix in ["/..", "/."] where value.hasSuffix(suffix) {
                    causes.append(Cause.invalid(path + ".path", .string(value), "cannot end with '\(suffix)'"))
                }
            }
        case "ImplementationSpecific":
            if !value.isEmpty, !value.hasPrefix("/") {
                causes.append(Cause.invalid(path + ".path", .string(value), "must be an absolute path"))
            }
        default:
            causes.append(Cause.notSupported(path + ".pathType", .string(pathType), ["Exact", "ImplementationSpecific", "Prefix"]))
        }
        causes += ingressBackend(V.map(p["backend"]) ?? [:], path: path + ".backend")
        return causes
    }

    private static func ingressBackend(_ b: [String: Value], path: String) -> [FieldCause] {
        let resource = !V.isAbsent(b, "resource"), service = V.map(b["service"])
        if resource, service != nil { return [Cause.invalid(path, "", "cannot set both resource and service backends")] }
        if resource { return [] }
        guard let service else { return [Cause.invalid(path, "", "resource or service backend is required")] }
        var causes: [FieldCause] = []
        let name = V.str(service, "name")
        if name.isEmpty {
            causes.append(Cause.required(path + ".service.name"))
        } else {
            for msg in NameRules.dns1035Label(name) { causes.append(Cause.invalid(path + ".service.name", .string(name), msg)) }
        }
        let port = V.map(service["port"]) ?? [:]
        let portName = V.str(port, "name"), number = V.int(port["number"]) ?? 0
        if !portName.isEmpty, number != 0 {
            causes.append(Cause.invalid(path, "", "cannot set both port name & port number"))
        } else if !portName.isEmpty {
            for msg in NameRules.portName(portName) { causes.append(Cause.invalid(path + ".service.port.name", .string(portName), msg)) }
        } else if number != 0 {
            for msg in NameRules.portNumber(number) { causes.append(Cause.invalid(path + ".service.port.number", .int(number), msg)) }
        } else {
            causes.append(Cause.required(path, "port name or number is required"))
        }
        return causes
    }

    static func role(_ o: [String: Value], _ old: [String: Value]?, _ gvk: GroupVersionKind) -> [FieldCause] {
        let namespaced = gvk.kind == "Role"
        var causes: [FieldCause] = []
        for (i, r) in (V.list(o["rules"]) ?? []).enumerated() {
            let rp = "rules[\(i)]"
            let rule = r.mapValue ?? [:]
            let count = { (key: String) in V.list(rule[key])?.count ?? 0 }
            if count("verbs") == 0 { causes.append(Cause.required(rp + ".verbs", "verbs must contain at least one value")) }
            if count("nonResourceURLs") > 0 {
                let urls = rule["nonResourceURLs"] ?? .null
                if namespaced {
                    causes.append(Cause.invalid(rp + ".nonResourceURLs", urls, "namespaced rules cannot apply to non-resource URLs"))
                }
                if count("apiGroups") > 0 || count("resources") > 0 || count("resourceNames") > 0 {
                    causes.append(Cause.invalid(rp + ".nonResourceURLs", urls, "rules cannot apply to both regular resources and non-resource URLs"))
                }
                continue
            }
            if count("apiGroups") == 0 { causes.append(Cause.required(rp + ".apiGroups", "resource rules must supply at least one api group")) }
            if count("resources") == 0 { causes.append(Cause.required(rp + ".resources", "resource rules must supply at least one resource")) }
        }
        return causes
    }

    static func roleBinding(_ o: [String: Value], _ old: [String: Value]?, _ gvk: GroupVersionKind) -> [FieldCause] {
        let namespaced = gvk.kind == "RoleBinding"
        var causes: [FieldCause] = []
        if let old, let oldRef = V.map(old["roleRef"]) {
            let ref = V.map(o["roleRef"]) ?? [:]
            if ["apiGroup", "kind", "name"].contains(where: { V.str(ref, $0) != V.str(oldRef, $0) }) {
                let rendered = "rbac.RoleRef{APIGroup:\(GoFormat.quote(V.str(ref, "apiGroup"))), Kind:\(GoFormat.quote(V.str(ref, "kind"))), Name:\(GoFormat.quote(V.str(ref, "name")))}"
                causes.append(Cause.invalid("roleRef", rendered: rendered, "cannot change roleRef"))
            }
        }
        let ref = V.map(o["roleRef"]) ?? [:]
        let group = V.str(ref, "apiGroup")
        if group != "rbac.authorization.k8s.io" {
            causes.append(Cause.notSupported("roleRef.apiGroup", .string(group), ["rbac.authorization.k8s.io"]))
        }
        let kind = V.str(ref, "kind")
        let kinds = namespaced ? ["Role", "ClusterRole"] : ["ClusterRole"]
        if !kinds.contains(kind) { causes.append(Cause.notSupported("roleRef.kind", .string(kind), kinds)) }
        let name = V.str(ref, "name")
        if name.isEmpty {
            causes.append(Cause.required("roleRef.name"))
        } else {
            for msg in NameRules.pathSegment(name) { causes.append(Cause.invalid("roleRef.name", .string(name), msg)) }
        }
        for (i, s) in (V.list(o["subjects"]) ?? []).enumerated() {
            let sp = "subjects[\(i)]"
            let subject = s.mapValue ?? [:]
            let sname = V.str(subject, "name"), apiGroup = V.str(subject, "apiGroup")
            if sname.isEmpty { causes.append(Cause.required(sp + ".name")) }
            switch V.str(subject, "kind") {
            case "ServiceAccount":
                if !sname.isEmpty {
                    for msg in NameRules.dns1123Subdomain(sname) { causes.append(Cause.invalid(sp + ".name", .string(sname), msg)) }
                }
                if !apiGroup.isEmpty { causes.append(Cause.notSupported(sp + ".apiGroup", .string(apiGroup), [""])) }
                if !namespaced, V.str(subject, "namespace").isEmpty { causes.append(Cause.required(sp + ".namespace")) }
            case "User", "Group":
                if apiGroup != "rbac.authorization.k8s.io" {
                    causes.append(Cause.notSupported(sp + ".apiGroup", .string(apiGroup), ["rbac.authorization.k8s.io"]))
                }
            case let other:
                causes.append(Cause.notSupported(sp + ".kind", .string(other), ["ServiceAccount", "User", "Group"]))
            }
        }
        return causes
    }

    static func customResourceDefinition(_ o: [String: Value], _ old: [String: Value]?, _ gvk: GroupVersionKind) -> [FieldCause] {
        let spec = V.map(o["spec"]) ?? [:]
        var causes: [FieldCause] = []
        let group = V.str(spec, "group")
        if group.isEmpty {
            causes.append(Cause.required("spec.group"))
        } else if !NameRules.dns1123Subdomain(group).isEmpty {
            causes.append(Cause.invalid("spec.group", .string(group), NameRules.dns1123Subdomain(group).joined(separator: ",")))
        } else if !group.contains(".") {
            causes.append(Cause.invalid("spec.group", .string(group), "should be a domain with at least one dot"))
        }
        let scope = V.str(spec, "scope")
        if scope.isEmpty {
            causes.append(Cause.required("spec.scope"))
        } else if !["Cluster", "Namespaced"].contains(scope) {
            causes.append(Cause.notSupported("spec.scope", .string(scope), ["Cluster", "Namespaced"]))
        }
        let versions = V.list(spec["versions"]) ?? []
        var storage = 0
        var seen = Set<String>()
        var unique = true
        for (i, v) in versions.enumerated() {
            let m = v.mapValue ?? [:]
            if V.bool(m["storage"]) == true { storage += 1 }
            let name = V.str(m, "name")
            if !seen.insert(name).inserted { unique = false }
            let errs = NameRules.dns1035Label(name)
            if !errs.isEmpty {
                causes.append(Cause.invalid("spec.versions[\(i)].name", .string(name), errs.joined(separator: ",")))
            }
            if m["schema"]?["openAPIV3Schema"] == nil {
                causes.append(Cause.required("spec.versions[\(i)].schema.openAPIV3Schema", "schemas are required"))
            }
        }
        // A nil slice prints as Go's typed nil; a populated one as JSON (Go would print the structs).
        let versionsRendered = versions.isEmpty ? "[]apiextensions.CustomResourceDefinitionVersion(nil)"
            : GoFormat.render(spec["versions"] ?? .null)
        if !unique { causes.append(Cause.invalid("spec.versions", rendered: versionsRendered, "must contain unique version names")) }
        if storage != 1 {
            causes.append(Cause.invalid("spec.versions", rendered: versionsRendered, "must have exactly one version marked as storage version"))
        }
        let names = V.map(spec["names"]) ?? [:]
        for key in ["plural", "singular"] {
            let v = V.str(names, key)
            if !v.isEmpty, !NameRules.dns1035Label(v).isEmpty {
                causes.append(Cause.invalid("spec.names.\(key)", .string(v), NameRules.dns1035Label(v).joined(separator: ",")))
            }
        }
        for key in ["kind", "listKind"] {
            let v = V.str(names, key)
            if !v.isEmpty, !NameRules.dns1035Label(v.lowercased()).isEmpty {
                causes.append(Cause.invalid("spec.names.\(key)", .string(v),
                                            "may have mixed case, but should otherwise match: " + NameRules.dns1035Label(v.lowercased()).joined(separator: ",")))
            }
        }
        for key in ["plural", "kind", "listKind"] where V.str(names, key).isEmpty {
            causes.append(Cause.required("spec.names.\(key)"))
        }
        if !V.str(names, "kind").isEmpty, V.str(names, "kind") == V.str(names, "listKind") {
            causes.append(Cause.invalid("spec.names.listKind", .string(V.str(names, "listKind")), "kind and listKind may not be the same"))
        }
        if let oldSpec = old.flatMap({ V.map($0["spec"]) }) {
            if V.str(oldSpec, "group") != group { causes.append(Cause.invalid("spec.group", .string(group), "field is immutable")) }
            if V.str(oldSpec, "scope") != scope { causes.append(Cause.invalid("spec.scope", .string(scope), "field is immutable")) }
        }
        return causes
    }

    static func lease(_ o: [String: Value], _ old: [String: Value]?, _ gvk: GroupVersionKind) -> [FieldCause] {
        let spec = V.map(o["spec"]) ?? [:]
        var causes: [FieldCause] = []
        if let d = V.int(spec["leaseDurationSeconds"]), d <= 0 {
            causes.append(Cause.invalid("spec.leaseDurationSeconds", .int(d), "must be greater than 0"))
        }
        if let t = V.int(spec["leaseTransitions"]), t < 0 {
            causes.append(Cause.invalid("spec.leaseTransitions", .int(t), "must be greater than or equal to 0"))
        }
        return causes
    }

    /// core/v1 Event: the involved object's namespace must be the event's (or, for cluster-scoped
    /// objects, the event lives in `default` or no namespace).
    static func event(_ o: [String: Value], _ old: [String: Value]?, _ gvk: GroupVersionKind) -> [FieldCause] {
        let ns = V.str(V.map(o["metadata"]), "namespace")
        let involved = V.str(V.map(o["involvedObject"]), "namespace")
        if involved.isEmpty {
            if !ns.isEmpty, ns != "default" {
                return [Cause.invalid("involvedObject.namespace", .string(involved), "does not match event.namespace")]
            }
        } else if ns != involved {
            return [Cause.invalid("involvedObject.namespace", .string(involved), "does not match event.namespace")]
        }
        return []
    }

    static func horizontalPodAutoscaler(_ o: [String: Value], _ old: [String: Value]?, _ gvk: GroupVersionKind) -> [FieldCause] {
        let spec = V.map(o["spec"]) ?? [:]
        var causes: [FieldCause] = []
        let ref = V.map(spec["scaleTargetRef"]) ?? [:]
        for key in ["kind", "name"] {
            let v = V.str(ref, key)
            if v.isEmpty {
                causes.append(Cause.required("spec.scaleTargetRef.\(key)"))
            } else {
                for msg in NameRules.pathSegment(v) { causes.append(Cause.invalid("spec.scaleTargetRef.\(key)", .string(v), msg)) }
            }
        }
        let minR = V.int(spec["minReplicas"]) ?? 1
        if minR < 1 {
            causes.append(Cause.invalid("spec.minReplicas", .int(minR), "must be greater than or equal to 1"))
        }
        let maxR = V.int(spec["maxReplicas"]) ?? 0
        if maxR < 1 {
            causes.append(Cause.invalid("spec.maxReplicas", .int(maxR), "must be greater than 0"))
        }
        if maxR < minR {
            causes.append(Cause.invalid("spec.maxReplicas", .int(maxR), "must be greater than or equal to `minReplicas`"))
        }
        return causes
    }

    static func podDisruptionBudget(_ o: [String: Value], _ old: [String: Value]?, _ gvk: GroupVersionKind) -> [FieldCause] {
        let spec = V.map(o["spec"]) ?? [:]
        var causes: [FieldCause] = []
        if !V.isAbsent(spec, "minAvailable"), !V.isAbsent(spec, "maxUnavailable") {
            causes.append(Cause.invalid("spec", rendered: "policy.PodDisruptionBudgetSpec{...}", "minAvailable and maxUnavailable cannot be both set"))
        }
        causes += WorkloadValidation.intOrPercent(spec["minAvailable"], "spec.minAvailable")
        causes += WorkloadValidation.intOrPercent(spec["maxUnavailable"], "spec.maxUnavailable")
        if let sel = V.map(spec["selector"]) { causes += LabelSelectorCheck.validate(sel, path: "spec.selector") }
        return causes
    }

    static func networkPolicy(_ o: [String: Value], _ old: [String: Value]?, _ gvk: GroupVersionKind) -> [FieldCause] {
        let spec = V.map(o["spec"]) ?? [:]
        var causes = LabelSelectorCheck.validate(V.map(spec["podSelector"]) ?? [:], path: "spec.podSelector")
        let types = (V.list(spec["policyTypes"]) ?? []).map { $0.stringValue ?? "" }
        for (i, t) in types.enumerated() where !["Ingress", "Egress"].contains(t) {
            causes.append(Cause.notSupported("spec.policyTypes[\(i)]", .string(t), ["Ingress", "Egress", "Ingress,Egress"]))
        }
        if types.count > 2 {
            causes.append(Cause.invalid("spec.policyTypes", spec["policyTypes"] ?? .null, "may not specify more than two policyTypes"))
        }
        return causes
    }

    static func priorityClass(_ o: [String: Value], _ old: [String: Value]?, _ gvk: GroupVersionKind) -> [FieldCause] {
        var causes: [FieldCause] = []
        let policy = V.str(o, "preemptionPolicy")
        if !["Never", "PreemptLowerPriority"].contains(policy) {
            causes.append(Cause.notSupported("preemptionPolicy", .string(policy), ["Never", "PreemptLowerPriority"]))
        }
        if let old {
            if V.int(o["value"]) != V.int(old["value"]) {
                causes.append(Cause.forbidden("value", "may not be changed in an update."))
            }
            if V.str(old, "preemptionPolicy") != policy {
                causes.append(Cause.invalid("preemptionPolicy", .string(policy), "field is immutable"))
            }
        }
        return causes
    }
}
