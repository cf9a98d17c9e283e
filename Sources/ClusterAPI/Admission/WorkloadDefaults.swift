import StructuredData

/// Defaulting of apps/v1 and batch/v1 workloads (Kubernetes 1.32 `apps/v1` and `batch/v1`
/// `defaults.go`, plus the Job strategy's generated selector).
enum WorkloadDefaults {
    static func deployment(_ o: inout [String: Value]) {
        o.withMap("spec", create: true) { s in
            s.setDefault("replicas", .int(1))
            s.withMap("strategy", create: true) { st in
                st.setDefaultString("type", "RollingUpdate")
                if V.str(st, "type") == "RollingUpdate" {
                    st.withMap("rollingUpdate", create: true) { ru in
                        ru.setDefault("maxUnavailable", "25%")
                        ru.setDefault("maxSurge", "25%")
                    }
                }
            }
            s.setDefault("revisionHistoryLimit", .int(10))
            s.setDefault("progressDeadlineSeconds", .int(600))
            s.withMap("template", create: true) { PodDefaults.template(&$0) }
        }
    }

    static func replicaSet(_ o: inout [String: Value]) {
        o.withMap("spec", create: true) { s in
            s.setDefault("replicas", .int(1))
            s.withMap("template", create: true) { PodDefaults.template(&$0) }
        }
    }

    /// core/v1 ReplicationController: the selector and labels come from the template labels.
    static func replicationController(_ o: inout [String: Value]) {
        var templateLabels: Value?
        o.withMap("spec", create: true) { s in
            s.setDefault("replicas", .int(1))
            templateLabels = s["template"]?["metadata"]?["labels"]
            if let tl = templateLabels, V.map(s["selector"])?.isEmpty ?? true { s["selector"] = tl }
            s.withMap("template") { PodDefaults.template(&$0) }
        }
        if let tl = templateLabels {
            o.withMap("metadata", create: true) { m in
                if V.map(m["labels"])?.isEmpty ?? true { m["labels"] = tl }
            }
        }
    }

    static func statefulSet(_ o: inout [String: Value]) {
        o.withMap("spec", create: true) { s in
            s.setDefaultString("podManagementPolicy", "OrderedReady")
            s.withMap("updateStrategy", create: true) { st in
                st.setDefaultString("type", "RollingUpdate")
                if V.str(st, "type") == "RollingUpdate" {
                    st.withMap("rollingUpdate", create: true) { $0.setDefault("partition", .int(0)) }
                }
            }
            s.withMap("persistentVolumeClaimRetentionPolicy", create: true) { p in
                p.setDefaultString("whenDeleted", "Retain")
                p.setDefaultString("whenScaled", "Retain")
            }
            s.setDefault("replicas", .int(1))
            s.setDefault("revisionHistoryLimit", .int(10))
            s.withMap("template", create: true) { PodDefaults.template(&$0) }
            s.withEachMap("volumeClaimTemplates") { pvc in
                pvc.setDefaultString("apiVersion", "v1")
                pvc.setDefaultString("kind", "PersistentVolumeClaim")
                pvc.withMap("spec", create: true) { $0.setDefaultString("volumeMode", "Filesystem") }
                pvc.withMap("status", create: true) { $0.setDefaultString("phase", "Pending") }
            }
        }
    }

    static func daemonSet(_ o: inout [String: Value]) {
        o.withMap("spec", create: true) { s in
            s.withMap("updateStrategy", create: true) { st in
                st.setDefaultString("type", "RollingUpdate")
                if V.str(st, "type") == "RollingUpdate" {
                    st.withMap("rollingUpdate", create: true) { ru in
                        ru.setDefault("maxUnavailable", .int(1))
                        ru.setDefault("maxSurge", .int(0))
                    }
                }
            }
            s.setDefault("revisionHistoryLimit", .int(10))
            s.withMap("template", create: true) { PodDefaults.template(&$0) }
        }
    }

    /// batch/v1 Job, including the `PrepareForCreate` selector generation keyed on `metadata.uid`
    /// (skipped when `spec.manualSelector` is true or the uid is not set yet).
    static func job(_ o: inout [String: Value]) {
        let meta = V.map(o["metadata"]) ?? [:]
        let name = V.str(meta, "name"), uid = V.str(meta, "uid")
        // Decoding defaults the Job's labels from the user's template labels before the selector is
        // generated; only when there were none does the read-back see the generated ones.
        let userTemplateLabels = o["spec"]?["template"]?["metadata"]?["labels"]
        o.withMap("spec", create: true) { s in
            if V.bool(s["manualSelector"]) != true, !uid.isEmpty {
                s.withMap("template", create: true) { t in
                    t.withMap("metadata", create: true) { m in
                        m.withMap("labels", create: true) { l in
                            l.setDefault("controller-uid", .string(uid))
                            l.setDefault("batch.kubernetes.io/controller-uid", .string(uid))
                            l.setDefault("job-name", .string(name))
                            l.setDefault("batch.kubernetes.io/job-name", .string(name))
                        }
                    }
                }
                s.withMap("selector", create: true) { sel in
                    sel.withMap("matchLabels", create: true) { $0.setDefault("batch.kubernetes.io/controller-uid", .string(uid)) }
                }
            }
            if V.isAbsent(s, "completions") && V.isAbsent(s, "parallelism") {
                s["completions"] = .int(1)
                s["parallelism"] = .int(1)
            }
            s.setDefault("parallelism", .int(1))
            s.setDefault("backoffLimit", .int(V.isAbsent(s, "backoffLimitPerIndex") ? 6 : 2_147_483_647))
            s.setDefault("completionMode", "NonIndexed")
            s.setDefault("suspend", .bool(false))
            let hasFailurePolicy = !V.isAbsent(s, "podFailurePolicy")
            s.withMap("podFailurePolicy") { p in
                p.withEachMap("rules") { r in r.withEachMap("onPodConditions") { $0.setDefault("status", "True") } }
            }
            s.setDefault("podReplacementPolicy", hasFailurePolicy ? "Failed" : "TerminatingOrFailed")
            s.withMap("template", create: true) { PodDefaults.template(&$0) }
        }
        var labels = userTemplateLabels
        if labels?.mapValue?.isEmpty ?? true {
            // The generated labels reach metadata.labels on read-back, which only happens when the
            // create validated; an invalid one (a name over 63 bytes) must not add causes here.
            let generated = o["spec"]?["template"]?["metadata"]?["labels"]
            if V.stringMap(generated).values.allSatisfy({ NameRules.labelValue($0).isEmpty }) { labels = generated }
        }
        if let tl = labels, !(tl.mapValue?.isEmpty ?? true) {
            o.withMap("metadata", create: true) { m in
                if V.map(m["labels"])?.isEmpty ?? true { m["labels"] = tl }
            }
        }
    }

    static func cronJob(_ o: inout [String: Value]) {
        o.withMap("spec", create: true) { s in
            s.setDefaultString("concurrencyPolicy", "Allow")
            s.setDefault("suspend", .bool(false))
            s.setDefault("successfulJobsHistoryLimit", .int(3))
            s.setDefault("failedJobsHistoryLimit", .int(1))
            s.withMap("jobTemplate", create: true) { jt in
                jt.withMap("spec", create: true) { js in
                    js.withMap("template", create: true) { PodDefaults.template(&$0) }
                }
            }
        }
    }
}
