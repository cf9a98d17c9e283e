import StructuredData

/// apps/v1 and batch/v1 validation (Kubernetes 1.32 `apps/validation`, `batch/validation` and the
/// registry strategies' update rules).
enum WorkloadValidation {
    static func nonNegative(_ v: Value?, _ path: String) -> [FieldCause] {
        guard let i = V.int(v), i < 0 else { return [] }
        return [Cause.invalid(path, .int(i), "must be greater than or equal to 0")]
    }

    /// Selector required, well-formed and non-empty, then the template checked against it
    /// (`ValidatePodTemplateSpecForReplicaSet` and its StatefulSet/DaemonSet twins).
    /// `podSpec` false for StatefulSets: Kubernetes checks only the template's labels and annotations
    /// there (its pod spec mounts `volumeClaimTemplates` volumes that `spec.volumes` does not list).
    static func selectorAndTemplate(_ spec: [String: Value], kindWord: String, restartAlwaysOnly: Bool,
                                    podSpec validatePodSpec: Bool = true) -> [FieldCause]
    {
        var causes: [FieldCause] = []
        let sel = V.map(spec["selector"])
        if let sel {
            causes += LabelSelectorCheck.validate(sel, path: "spec.selector")
            if LabelSelectorCheck.isEmpty(sel) {
                causes.append(Cause.invalid("spec.selector", rendered: GoFormat.labelSelector(.map(sel)),
                                            "empty selector is invalid for \(kindWord)"))
            }
        } else {
            causes.append(Cause.required("spec.selector"))
        }
        guard LabelSelectorCheck.convertible(sel) else {
            causes.append(Cause.invalid("spec.selector", rendered: GoFormat.labelSelector(spec["selector"]), "invalid label selector"))
            return causes
        }
        guard let template = V.map(spec["template"]) else {
            causes.append(Cause.required("spec.template"))
            return causes
        }
        let labelsValue = template["metadata"]?["labels"]
        let selectorIsEverything = sel.map(LabelSelectorCheck.isEmpty) ?? false
        if !selectorIsEverything, !LabelSelectorCheck.matches(sel, labels: V.stringMap(labelsValue)) {
            causes.append(Cause.invalid("spec.template.metadata.labels", rendered: LabelSelectorCheck.renderLabels(labelsValue),
                                        "`selector` does not match template `labels`"))
        }
        if validatePodSpec {
            causes += PodValidation.template(template, path: "spec.template")
        } else {
            // ValidatePodTemplateSpecForStatefulSet: these paths lack `.metadata`, as upstream's do.
            let meta = V.map(template["metadata"]) ?? [:]
            causes += MetadataValidation.labels(meta["labels"], path: "spec.template.labels")
            causes += MetadataValidation.annotations(meta["annotations"], path: "spec.template.annotations")
        }
        let podSpec = V.map(template["spec"]) ?? [:]
        if restartAlwaysOnly, V.str(podSpec, "restartPolicy") != "Always" {
            causes.append(Cause.notSupported("spec.template.spec.restartPolicy", .string(V.str(podSpec, "restartPolicy")), ["Always"]))
        }
        if restartAlwaysOnly, !V.isAbsent(podSpec, "activeDeadlineSeconds") {
            causes.append(Cause.forbidden("spec.template.spec.activeDeadlineSeconds", "activeDeadlineSeconds in \(kindWord == "statefulset" ? "StatefulSet" : "ReplicaSet") is not Supported"))
        }
        return causes
    }

    static func selectorImmutable(_ spec: [String: Value], _ oldSpec: [String: Value]?) -> [FieldCause] {
        guard let oldSpec else { return [] }
        if Semantic.normalize(spec["selector"] ?? .null) != Semantic.normalize(oldSpec["selector"] ?? .null) {
            let rendered = V.isAbsent(spec, "selector") ? "null" : GoFormat.labelSelector(spec["selector"])
            return [Cause.invalid("spec.selector", rendered: rendered, "field is immutable")]
        }
        return []
    }

    static func intOrPercent(_ v: Value?, _ path: String) -> [FieldCause] {
        guard let v else { return [] }
        if let i = V.int(v) {
            return i < 0 ? [Cause.invalid(path, .int(i), "must be greater than or equal to 0")] : []
        }
        if let s = v.stringValue {
            guard s.hasSuffix("%"), let n = Int64(s.dropLast()) else {
                return [Cause.invalid(path, .string(s), NameRules.regexError(
                    "a valid percent string must be a numeric string followed by an ending '%'", "[0-9]+%", "1%", "93%"))]
            }
            if n > 100 { return [Cause.invalid(path, .string(s), "must not be greater than 100%")] }
        }
        return []
    }

    private static func isZero(_ v: Value?) -> Bool {
        if let i = V.int(v) { return i == 0 }
        if let s = v?.stringValue { return s == "0%" || s == "0" }
        return v == nil
    }

    static func deployment(_ o: [String: Value], _ old: [String: Value]?, _ gvk: GroupVersionKind) -> [FieldCause] {
        let spec = V.map(o["spec"]) ?? [:]
        var causes = nonNegative(spec["replicas"], "spec.replicas")
        causes += selectorAndTemplate(spec, kindWord: "deployment", restartAlwaysOnly: true)
        let strategy = V.map(spec["strategy"]) ?? [:]
        switch V.str(strategy, "type") {
        case "Recreate":
            if !V.isAbsent(strategy, "rollingUpdate") {
                causes.append(Cause.forbidden("spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'"))
            }
        case "RollingUpdate":
            if let ru = V.map(strategy["rollingUpdate"]) {
                causes += intOrPercent(ru["maxUnavailable"], "spec.strategy.rollingUpdate.maxUnavailable")
                causes += intOrPercent(ru["maxSurge"], "spec.strategy.rollingUpdate.maxSurge")
                if isZero(ru["maxUnavailable"]), isZero(ru["maxSurge"]) {
                    causes.append(Cause.invalid("spec.strategy.rollingUpdate.maxUnavailable", ru["maxUnavailable"] ?? .int(0),
                                                "may not be 0 when `maxSurge` is 0"))
                }
            } else {
                causes.append(Cause.required("spec.strategy.rollingUpdate", "this should be defaulted and never be nil"))
            }
        case let other:
            causes.append(Cause.notSupported("spec.strategy.type", .string(other), ["Recreate", "RollingUpdate"]))
        }
        causes += nonNegative(spec["minReadySeconds"], "spec.minReadySeconds")
        causes += nonNegative(spec["revisionHistoryLimit"], "spec.revisionHistoryLimit")
        if let pds = V.int(spec["progressDeadlineSeconds"]) {
            causes += nonNegative(.int(pds), "spec.progressDeadlineSeconds")
            if pds <= (V.int(spec["minReadySeconds"]) ?? 0) {
                causes.append(Cause.invalid("spec.progressDeadlineSeconds", .int(pds), "must be greater than minReadySeconds"))
            }
        }
        causes += selectorImmutable(spec, old.flatMap { V.map($0["spec"]) })
        return causes
    }

    static func replicaSet(_ o: [String: Value], _ old: [String: Value]?, _ gvk: GroupVersionKind) -> [FieldCause] {
        let spec = V.map(o["spec"]) ?? [:]
        var causes = nonNegative(spec["replicas"], "spec.replicas")
        causes += nonNegative(spec["minReadySeconds"], "spec.minReadySeconds")
        causes += selectorAndTemplate(spec, kindWord: "deployment", restartAlwaysOnly: true)
        causes += selectorImmutable(spec, old.flatMap { V.map($0["spec"]) })
        return causes
    }

    static func statefulSet(_ o: [String: Value], _ old: [String: Value]?, _ gvk: GroupVersionKind) -> [FieldCause] {
        let spec = V.map(o["spec"]) ?? [:]
        var causes: [FieldCause] = []
        switch V.str(spec, "podManagementPolicy") {
        case "OrderedReady", "Parallel": break
        case "": causes.append(Cause.required("spec.podManagementPolicy"))
        case let other:
            causes.append(Cause.invalid("spec.podManagementPolicy", .string(other),
                                        "must be 'OrderedReady' or 'Parallel'"))
        }
        let us = V.map(spec["updateStrategy"]) ?? [:]
        switch V.str(us, "type") {
        case "RollingUpdate":
            if let ru = V.map(us["rollingUpdate"]) {
                causes += nonNegative(ru["partition"], "spec.updateStrategy.rollingUpdate.partition")
            }
        case "OnDelete":
            if !V.isAbsent(us, "rollingUpdate") {
                causes.append(Cause.invalid("spec.updateStrategy.rollingUpdate", rendered: "&apps.RollingUpdateStatefulSetStrategy{...}",
                                            "only allowed for updateStrategy 'RollingUpdate'"))
            }
        case "": causes.append(Cause.required("spec.updateStrategy", ""))
        case let other:
            causes.append(Cause.invalid("spec.updateStrategy", .string(other),
                                        "must be 'RollingUpdate' or 'OnDelete'"))
        }
        let policy = V.map(spec["persistentVolumeClaimRetentionPolicy"]) ?? [:]
        for key in ["whenDeleted", "whenScaled"] {
            let v = V.str(policy, key)
            if !["Retain", "Delete"].contains(v) {
                causes.append(Cause.notSupported("spec.persistentVolumeClaimRetentionPolicy.\(key)", .string(v), ["Retain", "Delete"]))
            }
        }
        causes += nonNegative(spec["replicas"], "spec.replicas")
        causes += nonNegative(spec["minReadySeconds"], "spec.minReadySeconds")
        causes += selectorAndTemplate(spec, kindWord: "statefulset", restartAlwaysOnly: true, podSpec: false)
        if let oldSpec = old.flatMap({ V.map($0["spec"]) }) {
            var a = spec, b = oldSpec
            for key in ["replicas", "template", "updateStrategy", "minReadySeconds", "ordinals", "persistentVolumeClaimRetentionPolicy"] {
                a.removeValue(forKey: key)
                b.removeValue(forKey: key)
            }
            if Semantic.normalize(.map(a)) != Semantic.normalize(.map(b)) {
                causes.append(Cause.forbidden("spec", "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"))
            }
        }
        return causes
    }

    static func daemonSet(_ o: [String: Value], _ old: [String: Value]?, _ gvk: GroupVersionKind) -> [FieldCause] {
        let spec = V.map(o["spec"]) ?? [:]
        var causes = selectorAndTemplate(spec, kindWord: "daemonset", restartAlwaysOnly: true)
        causes += nonNegative(spec["minReadySeconds"], "spec.minReadySeconds")
        let us = V.map(spec["updateStrategy"]) ?? [:]
        switch V.str(us, "type") {
        case "RollingUpdate":
            if let ru = V.map(us["rollingUpdate"]) {
                causes += intOrPercent(ru["maxUnavailable"], "spec.updateStrategy.rollingUpdate.maxUnavailable")
                causes += intOrPercent(ru["maxSurge"], "spec.updateStrategy.rollingUpdate.maxSurge")
                if isZero(ru["maxUnavailable"]), isZero(ru["maxSurge"]) {
                    causes.append(Cause.invalid("spec.updateStrategy.rollingUpdate.maxUnavailable", ru["maxUnavailable"] ?? .int(0),
                                                "may not be 0 when `maxSurge` is 0"))
                }
            }
        case "OnDelete": break
        case let other:
            causes.append(Cause.notSupported("spec.updateStrategy.type", .string(other), ["OnDelete", "RollingUpdate"]))
        }
        causes += nonNegative(spec["revisionHistoryLimit"], "spec.revisionHistoryLimit")
        causes += selectorImmutable(spec, old.flatMap { V.map($0["spec"]) })
        return causes
    }

    /// `validateJobSpec` without the selector part (shared with CronJob's job template).
    static func jobSpecCommon(_ spec: [String: Value], path: String) -> [FieldCause] {
        var causes = nonNegative(spec["parallelism"], path + ".parallelism")
        causes += nonNegative(spec["completions"], path + ".completions")
        causes += nonNegative(spec["activeDeadlineSeconds"], path + ".activeDeadlineSeconds")
        causes += nonNegative(spec["backoffLimit"], path + ".backoffLimit")
        causes += nonNegative(spec["ttlSecondsAfterFinished"], path + ".ttlSecondsAfterFinished")
        let mode = V.str(spec, "completionMode")
        if !mode.isEmpty, !["NonIndexed", "Indexed"].contains(mode) {
            causes.append(Cause.notSupported(path + ".completionMode", .string(mode), ["NonIndexed", "Indexed"]))
        }
        if mode == "Indexed", V.isAbsent(spec, "completions") {
            causes.append(Cause.required(path + ".completions", "when completion mode is Indexed"))
        }
        let template = V.map(spec["template"]) ?? [:]
        causes += PodValidation.template(template, path: path + ".template")
        let rp = V.str(V.map(template["spec"]), "restartPolicy")
        if rp != "OnFailure", rp != "Never" {
            causes.append(Cause.notSupported(path + ".template.spec.restartPolicy", .string(rp), ["OnFailure", "Never"]))
        }
        return causes
    }

    static func job(_ o: [String: Value], _ old: [String: Value]?, _ gvk: GroupVersionKind) -> [FieldCause] {
        let spec = V.map(o["spec"]) ?? [:]
        var causes = jobSpecCommon(spec, path: "spec")
        let sel = V.map(spec["selector"])
        if let sel {
            causes += LabelSelectorCheck.validate(sel, path: "spec.selector")
        } else {
            causes.append(Cause.required("spec.selector"))
        }
        let labelsValue = spec["template"]?["metadata"]?["labels"]
        if LabelSelectorCheck.convertible(sel),
           !(sel.map(LabelSelectorCheck.isEmpty) ?? false),
           !LabelSelectorCheck.matches(sel, labels: V.stringMap(labelsValue))
        {
            causes.append(Cause.invalid("spec.template.metadata.labels", rendered: LabelSelectorCheck.renderLabels(labelsValue),
                                        "`selector` does not match template `labels`"))
        }
        if let old, let oldSpec = V.map(old["spec"]) {
            for key in ["completions", "completionMode", "podFailurePolicy", "backoffLimitPerIndex"] {
                if Semantic.normalize(spec[key] ?? .null) != Semantic.normalize(oldSpec[key] ?? .null) {
                    causes.append(Cause.invalid("spec.\(key)", spec[key] ?? .null, "field is immutable"))
                }
            }
            causes += selectorImmutable(spec, oldSpec)
            if Semantic.normalize(spec["template"] ?? .null) != Semantic.normalize(oldSpec["template"] ?? .null) {
                causes.append(Cause.invalid("spec.template", rendered: "core.PodTemplateSpec{...}", "field is immutable"))
            }
        } else if V.bool(spec["manualSelector"]) != true, sel != nil {
            let uid = V.str(V.map(o["metadata"]), "uid")
            if uid.isEmpty { causes.append(Cause.required("metadata.uid")) }
            let expected: Value = ["matchLabels": ["batch.kubernetes.io/controller-uid": .string(uid)]]
            if Semantic.normalize(spec["selector"] ?? .null) != Semantic.normalize(expected) {
                causes.append(Cause.invalid("spec.selector", rendered: GoFormat.labelSelector(spec["selector"]), "`selector` not auto-generated"))
            }
        }
        return causes
    }

    static func cronJob(_ o: [String: Value], _ old: [String: Value]?, _ gvk: GroupVersionKind) -> [FieldCause] {
        var causes: [FieldCause] = []
        let name = V.str(V.map(o["metadata"]), "name")
        if old == nil, name.utf8.count > 52 {
            causes.append(Cause.invalid("metadata.name", .string(name), "must be no more than 52 characters"))
        }
        let spec = V.map(o["spec"]) ?? [:]
        let schedule = V.str(spec, "schedule")
        if schedule.isEmpty {
            causes.append(Cause.required("spec.schedule"))
        } else {
            if let err = CronSchedule.parseError(schedule) {
                causes.append(Cause.invalid("spec.schedule", .string(schedule), err))
            }
            let oldSchedule = old.flatMap { V.str(V.map($0["spec"]), "schedule") }
            if schedule.contains("TZ"), oldSchedule != schedule {
                causes.append(Cause.invalid("spec.schedule", .string(schedule),
                                            "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"))
            }
        }
        causes += nonNegative(spec["startingDeadlineSeconds"], "spec.startingDeadlineSeconds")
        switch V.str(spec, "concurrencyPolicy") {
        case "Allow", "Forbid", "Replace": break
        case "": causes.append(Cause.required("spec.concurrencyPolicy"))
        case let other: causes.append(Cause.notSupported("spec.concurrencyPolicy", .string(other), ["Allow", "Forbid", "Replace"]))
        }
        let jobSpec = V.map(spec["jobTemplate"]?["spec"]) ?? [:]
        causes += MetadataValidation.labels(spec["jobTemplate"]?["metadata"]?["labels"], path: "spec.jobTemplate.metadata.labels")
        causes += jobSpecCommon(jobSpec, path: "spec.jobTemplate.spec")
        if V.bool(jobSpec["manualSelector"]) == true {
            causes.append(Cause.notSupported("spec.jobTemplate.spec.manualSelector", .bool(true), ["nil", "false"]))
        }
        causes += nonNegative(spec["successfulJobsHistoryLimit"], "spec.successfulJobsHistoryLimit")
        causes += nonNegative(spec["failedJobsHistoryLimit"], "spec.failedJobsHistoryLimit")
        return causes
    }

    static func replicationController(_ o: [String: Value], _ old: [String: Value]?, _ gvk: GroupVersionKind) -> [FieldCause] {
        let spec = V.map(o["spec"]) ?? [:]
        var causes = nonNegative(spec["minReadySeconds"], "spec.minReadySeconds")
        let sel = V.stringMap(spec["selector"])
        if sel.isEmpty { causes.append(Cause.required("spec.selector")) }
        causes += MetadataValidation.labels(spec["selector"], path: "spec.selector")
        causes += nonNegative(spec["replicas"], "spec.replicas")
        if let template = V.map(spec["template"]) {
            let labelsValue = template["metadata"]?["labels"]
            let labels = V.stringMap(labelsValue)
            if !sel.isEmpty, !sel.allSatisfy({ labels[$0.key] == $0.value }) {
                causes.append(Cause.invalid("spec.template.metadata.labels", rendered: LabelSelectorCheck.renderLabels(labelsValue),
                                            "`selector` does not match template `labels`"))
            }
            causes += PodValidation.template(template, path: "spec.template")
            let rp = V.str(V.map(template["spec"]), "restartPolicy")
            if rp != "Always" { causes.append(Cause.notSupported("spec.template.spec.restartPolicy", .string(rp), ["Always"])) }
        } else {
            causes.append(Cause.required("spec.template"))
        }
        return causes
    }
}
