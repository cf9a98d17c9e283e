import StructuredData

/// Defaulting of the non-workload kinds (core, storage, networking, autoscaling, scheduling, RBAC,
/// discovery, apiextensions), Kubernetes 1.32.
enum ResourceDefaults {
    static func service(_ o: inout [String: Value]) {
        o.withMap("spec", create: true) { s in
            s.setDefaultString("sessionAffinity", "None")
            if V.str(s, "sessionAffinity") == "None" {
                s.removeValue(forKey: "sessionAffinityConfig")
            } else if V.str(s, "sessionAffinity") == "ClientIP" {
                s.withMap("sessionAffinityConfig", create: true) { c in
                    c.withMap("clientIP", create: true) { $0.setDefault("timeoutSeconds", .int(10800)) }
                }
            }
            s.setDefaultString("type", "ClusterIP")
            let type = V.str(s, "type")
            s.withEachMap("ports") { p in
                p.setDefaultString("protocol", "TCP")
                let tp = p["targetPort"]
                if tp == nil || tp == .null || V.int(tp) == 0 || tp == .string("") {
                    if let port = p["port"] { p["targetPort"] = port }
                }
            }
            let externalIPs = V.list(s["externalIPs"]) ?? []
            let externallyAccessible = type == "LoadBalancer" || type == "NodePort" || (type == "ClusterIP" && !externalIPs.isEmpty)
            if externallyAccessible { s.setDefaultString("externalTrafficPolicy", "Cluster") }
            if ["ClusterIP", "NodePort", "LoadBalancer"].contains(type) {
                s.setDefaultString("internalTrafficPolicy", "Cluster")
            }
            if type == "LoadBalancer" { s.setDefault("allocateLoadBalancerNodePorts", .bool(true)) }
            // The REST layer's IP-family defaults, once a cluster IP (or `None`) is present.
            let clusterIP = V.str(s, "clusterIP")
            if type != "ExternalName", !clusterIP.isEmpty {
                if V.list(s["clusterIPs"])?.isEmpty ?? true { s["clusterIPs"] = [.string(clusterIP)] }
                s.setDefaultString("ipFamilyPolicy", "SingleStack")
                if V.list(s["ipFamilies"])?.isEmpty ?? true {
                    s["ipFamilies"] = [.string(clusterIP.contains(":") ? "IPv6" : "IPv4")]
                }
            }
        }
    }

    /// Secret `type` Opaque, and the write-only `stringData` folded into base64 `data`.
    static func secret(_ o: inout [String: Value]) {
        o.setDefaultString("type", "Opaque")
        if case .map(let sd)? = o["stringData"] {
            var data = V.map(o["data"]) ?? [:]
            for (k, v) in sd {
                if let s = v.stringValue { data[k] = .string(Base64Codec.encode(Array(s.utf8))) }
            }
            // Go drops an empty `data` map (omitempty).
            o["data"] = data.isEmpty ? nil : .map(data)
        }
        o.removeValue(forKey: "stringData")
    }

    static func namespace(_ o: inout [String: Value]) {
        let name = V.str(V.map(o["metadata"]), "name")
        if !name.isEmpty {
            o.withMap("metadata", create: true) { m in
                m.withMap("labels", create: true) { $0["kubernetes.io/metadata.name"] = .string(name) }
            }
        }
        o.withMap("spec", create: true) { s in
            if V.list(s["finalizers"])?.isEmpty ?? true { s["finalizers"] = ["kubernetes"] }
        }
        o.withMap("status", create: true) { $0.setDefaultString("phase", "Active") }
    }

    static func persistentVolumeClaim(_ o: inout [String: Value]) {
        o.withMap("spec", create: true) { $0.setDefaultString("volumeMode", "Filesystem") }
        o.withMap("status", create: true) { $0.setDefaultString("phase", "Pending") }
    }

    static func persistentVolume(_ o: inout [String: Value]) {
        o.withMap("spec", create: true) { s in
            s.setDefaultString("persistentVolumeReclaimPolicy", "Retain")
            s.setDefaultString("volumeMode", "Filesystem")
            s.withMap("hostPath") { $0.setDefault("type", "") }
        }
        o.withMap("status", create: true) { $0.setDefaultString("phase", "Pending") }
    }

    static func endpoints(_ o: inout [String: Value]) {
        o.withEachMap("subsets") { s in s.withEachMap("ports") { $0.setDefaultString("protocol", "TCP") } }
    }

    static func endpointSlice(_ o: inout [String: Value]) {
        o.withEachMap("ports") { p in
            p.setDefault("name", "")
            p.setDefaultString("protocol", "TCP")
        }
    }

    static func storageClass(_ o: inout [String: Value]) {
        o.setDefaultString("reclaimPolicy", "Delete")
        o.setDefaultString("volumeBindingMode", "Immediate")
    }

    static func networkPolicy(_ o: inout [String: Value]) {
        o.withMap("spec", create: true) { s in
            for dir in ["ingress", "egress"] {
                s.withEachMap(dir) { rule in rule.withEachMap("ports") { $0.setDefaultString("protocol", "TCP") } }
            }
            if V.list(s["policyTypes"])?.isEmpty ?? true {
                var types: [Value] = ["Ingress"]
                if !(V.list(s["egress"])?.isEmpty ?? true) { types.append("Egress") }
                s["policyTypes"] = .list(types)
            }
        }
    }

    static func horizontalPodAutoscaler(_ o: inout [String: Value], version: String) {
        o.withMap("spec", create: true) { s in
            s.setDefault("minReplicas", .int(1))
            guard version != "v1" else { return }
            if V.list(s["metrics"])?.isEmpty ?? true {
                s["metrics"] = [[
                    "type": "Resource",
                    "resource": ["name": "cpu", "target": ["type": "Utilization", "averageUtilization": .int(80)]],
                ]]
            }
            s.withMap("behavior") { b in
                b.withMap("scaleUp", create: true) { up in
                    up.setDefault("stabilizationWindowSeconds", .int(0))
                    up.setDefaultString("selectPolicy", "Max")
                    if V.list(up["policies"])?.isEmpty ?? true {
                        up["policies"] = [
                            ["type": "Pods", "value": .int(4), "periodSeconds": .int(15)],
                            ["type": "Percent", "value": .int(100), "periodSeconds": .int(15)],
                        ]
                    }
                }
                b.withMap("scaleDown", create: true) { down in
                    down.setDefault("stabilizationWindowSeconds", .int(300))
                    down.setDefaultString("selectPolicy", "Max")
                    if V.list(down["policies"])?.isEmpty ?? true {
                        down["policies"] = [["type": "Percent", "value": .int(100), "periodSeconds": .int(15)]]
                    }
                }
            }
        }
    }

    static func priorityClass(_ o: inout [String: Value]) {
        o.setDefaultString("preemptionPolicy", "PreemptLowerPriority")
    }

    /// RBAC subjects: `apiGroup` is the RBAC group for users and groups (service accounts keep an
    /// empty one, which Go omits); `roleRef.apiGroup` is the RBAC group.
    static func roleBinding(_ o: inout [String: Value]) {
        o.withEachMap("subjects") { s in
            switch V.str(s, "kind") {
            case "User", "Group": s.setDefaultString("apiGroup", "rbac.authorization.k8s.io")
            default: break
            }
        }
        o.withMap("roleRef") { $0.setDefaultString("apiGroup", "rbac.authorization.k8s.io") }
    }

    static func customResourceDefinition(_ o: inout [String: Value]) {
        o.withMap("spec", create: true) { s in
            s.withMap("names", create: true) { n in
                let kind = V.str(n, "kind")
                if !kind.isEmpty {
                    n.setDefaultString("singular", kind.lowercased())
                    n.setDefaultString("listKind", kind + "List")
                }
            }
            s.withMap("conversion", create: true) { $0.setDefaultString("strategy", "None") }
        }
    }

    static func podTemplate(_ o: inout [String: Value]) {
        o.withMap("template", create: true) { PodDefaults.template(&$0) }
    }
}
