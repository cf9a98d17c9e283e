import StructuredData

/// Scheme defaulting for `PodSpec` and everything inside it (Kubernetes 1.32 `core/v1/defaults.go`),
/// shared by Pods and every pod template.
enum PodDefaults {
    /// Defaults a pod template (`{metadata, spec}`) in place.
    static func template(_ t: inout [String: Value]) {
        t.withMap("spec", create: true) { spec(&$0) }
    }

    /// Defaults a `PodSpec`.
    static func spec(_ s: inout [String: Value]) {
        s.setDefaultString("dnsPolicy", "ClusterFirst")
        s.setDefaultString("restartPolicy", "Always")
        s.setDefault("securityContext", .map([:]))
        s.setDefault("terminationGracePeriodSeconds", .int(30))
        s.setDefaultString("schedulerName", "default-scheduler")
        // The v1 conversion mirrors the deprecated `serviceAccount` and `serviceAccountName`.
        let sa = V.str(s, "serviceAccountName"), legacy = V.str(s, "serviceAccount")
        if sa.isEmpty, !legacy.isEmpty { s["serviceAccountName"] = .string(legacy) }
        if !V.str(s, "serviceAccountName").isEmpty { s["serviceAccount"] = s["serviceAccountName"] }
        for key in ["initContainers", "containers", "ephemeralContainers"] {
            s.withEachMap(key) { container(&$0) }
        }
        s.withEachMap("volumes") { volume(&$0) }
    }

    /// What the API server adds to a Pod only (not templates): `enableServiceLinks`, requests
    /// copied from limits, and the admission plugins ServiceAccount (name only), Priority and
    /// DefaultTolerationSeconds.
    static func pod(_ obj: inout [String: Value]) {
        obj.withMap("spec", create: true) { s in
            spec(&s)
            s.setDefault("enableServiceLinks", .bool(true))
            // Host ports follow container ports on the host network (Pods only: the gate that
            // would extend this to templates is off in 1.32).
            if V.bool(s["hostNetwork"]) == true {
                for key in ["initContainers", "containers"] {
                    s.withEachMap(key) { c in
                        c.withEachMap("ports") { p in
                            if V.isAbsent(p, "hostPort") || V.int(p["hostPort"]) == 0, let cp = p["containerPort"] {
                                p["hostPort"] = cp
                            }
                        }
                    }
                }
            }
            for key in ["initContainers", "containers"] {
                s.withEachMap(key) { c in
                    c.withMap("resources") { r in
                        guard let limits = V.map(r["limits"]), !limits.isEmpty else { return }
                        r.withMap("requests", create: true) { req in
                            for (k, v) in limits where req[k] == nil { req[k] = v }
                        }
                    }
                }
            }
            if V.str(s, "serviceAccountName").isEmpty {
                s["serviceAccountName"] = "default"
                s["serviceAccount"] = "default"
            }
            if V.str(s, "priorityClassName").isEmpty {
                s.setDefault("priority", .int(0))
            }
            s.setDefaultString("preemptionPolicy", "PreemptLowerPriority")
            var tolerations = V.list(s["tolerations"]) ?? []
            for key in ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"] {
                let covered = tolerations.contains { t in
                    let effect = V.str(t.mapValue, "effect")
                    let k = V.str(t.mapValue, "key")
                    return (k == key || k.isEmpty) && (effect.isEmpty || effect == "NoExecute")
                }
                if !covered {
                    tolerations.append(["key": .string(key), "operator": "Exists", "effect": "NoExecute",
                                        "tolerationSeconds": .int(300)])
                }
            }
            s["tolerations"] = .list(tolerations)
        }
    }

    static func container(_ c: inout [String: Value]) {
        c.setDefaultString("terminationMessagePath", "/dev/termination-log")
        c.setDefaultString("terminationMessagePolicy", "File")
        c.setDefaultString("imagePullPolicy", pullPolicy(forImage: V.str(c, "image")))
        c.setDefault("resources", .map([:]))
        c.withEachMap("ports") { $0.setDefaultString("protocol", "TCP") }
        c.withEachMap("env") { e in
            e.withMap("valueFrom") { vf in vf.withMap("fieldRef") { $0.setDefaultString("apiVersion", "v1") } }
        }
        for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
            c.withMap(probe) { p in
                p.setDefault("timeoutSeconds", .int(1))
                p.setDefault("periodSeconds", .int(10))
                p.setDefault("successThreshold", .int(1))
                p.setDefault("failureThreshold", .int(3))
                handler(&p)
            }
        }
        c.withMap("lifecycle") { l in
            l.withMap("postStart") { handler(&$0) }
            l.withMap("preStop") { handler(&$0) }
        }
    }

    private static func handler(_ h: inout [String: Value]) {
        h.withMap("httpGet") { g in
            g.setDefaultString("path", "/")
            g.setDefaultString("scheme", "HTTP")
        }
    }

    /// `Always` for `:latest` or untagged images, `IfNotPresent` otherwise (digests count as tagged).
    static func pullPolicy(forImage image: String) -> String {
        if image.contains("@") { return "IfNotPresent" }
        let lastSegment = image.split(separator: "/").last.map(String.init) ?? image
        guard let colon = lastSegment.lastIndex(of: ":") else { return "Always" }
        return lastSegment[lastSegment.index(after: colon)...] == "latest" ? "Always" : "IfNotPresent"
    }

    static let volumeSources = [
        "hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret", "nfs", "iscsi",
        "glusterfs", "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "downwardAPI", "fc",
        "azureFile", "configMap", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "projected",
        "portworxVolume", "scaleIO", "storageos", "csi", "ephemeral", "image",
    ]

    static func volume(_ v: inout [String: Value]) {
        if !volumeSources.contains(where: { !V.isAbsent(v, $0) }) {
            v["emptyDir"] = .map([:])
        }
        for key in ["secret", "configMap", "projected", "downwardAPI"] {
            v.withMap(key) { $0.setDefault("defaultMode", .int(420)) }
        }
        v.withMap("downwardAPI") { d in
            d.withEachMap("items") { i in i.withMap("fieldRef") { $0.setDefaultString("apiVersion", "v1") } }
        }
        v.withMap("projected") { p in
            p.withEachMap("sources") { src in
                src.withMap("serviceAccountToken") { $0.setDefault("expirationSeconds", .int(3600)) }
                src.withMap("downwardAPI") { d in
                    d.withEachMap("items") { i in i.withMap("fieldRef") { $0.setDefaultString("apiVersion", "v1") } }
                }
            }
        }
        v.withMap("hostPath") { $0.setDefault("type", "") }
        v.withMap("iscsi") { i in
            i.setDefaultString("iscsiInterface", "default")
        }
        v.withMap("rbd") { r in
            r.setDefaultString("pool", "rbd")
            r.setDefaultString("user", "admin")
            r.setDefaultString("keyring", "/etc/ceph/keyring")
        }
        v.withMap("azureDisk") { a in
            a.setDefaultString("cachingMode", "ReadWrite")
            a.setDefaultString("fsType", "ext4")
            a.setDefault("readOnly", .bool(false))
            a.setDefaultString("kind", "Shared")
        }
        v.withMap("scaleIO") { s in
            s.setDefaultString("storageMode", "ThinProvisioned")
            s.setDefaultString("fsType", "xfs")
        }
    }
}
