import StructuredData

/// apps/v1 and batch/v1 validation (Kubernetes 1.32 `apps/validation`, `batch/validation` and the
/// registry strategies' update rules).
enum WorkloadValidation {
    static func nonNegative(_ v: Value?, _ path: String) -> [FieldCause] {
        guard let i = V.int(v), i < 0 else { return [] }
        return [Cause.invalid(path, .int(i), "must be greater than or equal to 0")]
    }

    /// Which controller's template rules apply.
    enum TemplateRules {
        /// `ValidatePodTemplateSpecForReplicaSet` (Deployments and ReplicaSets): the full pod spec.
        case replicaSet
        /// `ValidatePodTemplateSpecForStatefulSet`: only the template's labels and annotations (the pod
        /// spec is not validated, a long-standing Kubernetes TODO).
        case statefulSet
    }

    /// Selector required, well-formed and non-empty, then the template checked against it.
    static func selectorAndTemplate(_ spec: [String: Value], kindWord: String, rules: TemplateRules) -> [FieldCause] {
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
            let detail = rules == .replicaSet ? "invalid label selector" : ""
            causes.append(Cause.invalid("spec.selector", rendered: GoFormat.labelSelector(spec["selector"]), detail))
            return causes
        }
        let template = V.map(spec["template"]) ?? [:]
        let labelsValue = template["metadata"]?["labels"]
        // A nil selector selects nothing (so it never matches); an empty one selects everything.
        let selectorIsEverything = sel.map(LabelSelectorCheck.isEmpty) ?? false
        if !selectorIsEverything, !LabelSelectorCheck.matches(sel, labels: V.stringMap(labelsValue)) {
            causes.append(Cause.invalid("spec.template.metadata.labels", rendered: LabelSelectorCheck.renderLabels(labelsValue),
                                        "`selector` does not match template `labels`"))
        }
        let podSpec = V.map(template["spec"]) ?? [:]
        switch rules {
        case .replicaSet:
            causes += PodValidation.template(template, path: "spec.template")
            if V.str(podSpec, "restartPolicy") != "Always" {
                causes.append(Cause.notSupported("spec.template.spec.restartPolicy", .string(V.str(podSpec, "restartPolicy")), ["Always"]))
            }
            if !V.isAbsent(podSpec, "activeDeadlineSeconds") {
                causes.append(Cause.forbidden("spec.template.spec.activeDeadlineSeconds", "activeDeadlineSeconds in ReplicaSet is not Supported"))
            }
        case .statefulSet:
            let meta = V.map(template["metadata"]) ?? [:]
            causes += MetadataValidation.labels(meta["labels"], path: "spec.template.labels")
            causes += MetadataValidation.annotations(meta["annotations"], path: "spec.template.annotations")
            if V.str(podSpec, "restartPolicy") != "Always" {
                causes.append(Cause.notSupported("spec.template.spec.restartPolicy", .string(V.str(podSpec, "restartPolicy")), ["Always"]))
            }
            if !V.isAbsent(podSpec, "activeDeadlineSeconds") {
                causes.append(Cause.forbidden("spec.template.spec.activeDeadlineSeconds", "activeDeadlineSeconds in StatefulSet is not Supported"))
            }
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

    /// `ValidatePositiveIntOrPercent` (an IntOrString prints through its String() method, unquoted).
    static func positiveIntOrPercent(_ v: Value?, _ path: String) -> [FieldCause] {
        guard let v else { return [] }
        if let i = V.int(v) {
            return i < 0 ? [Cause.invalid(path, .int(i), "must be greater than or equal to 0")] : []
        }
        if let s = v.stringValue, percent(s) == nil {
            return [Cause.invalid(path, rendered: s, NameRules.regexError(
                "a valid percent string must be a numeric string followed by an ending '%'", "[0-9]+%", "1%", "93%"))]
        }
        return []
    }

    /// `IsNotMoreThan100Percent`.
    static func notMoreThan100Percent(_ v: Value?, _ path: String) -> [FieldCause] {
        guard let s = v?.stringValue, let n = percent(s), n > 100 else { return [] }
        return [Cause.invalid(path, rendered: s, "must not be greater than 100%")]
    }

    /// Both checks, as PodDisruptionBudget applies them.
    static func intOrPercent(_ v: Value?, _ path: String) -> [FieldCause] {
        positiveIntOrPercent(v, path) + notMoreThan100Percent(v, path)
    }

    private static func percent(_ s: String) -> Int? {
        guard s.hasSuffix("%"), s.count > 1, s.dropLast().allSatisfy(\.isASCIIDigit) else { return nil }
        return Int(s.dropLast()) ?? Int.max
    }

    /// A strategy struct as `%#v` prints it; the pointer inside is only printable when nil.
    static func goStrategy(_ type: String, _ rollingType: String, _ strategy: [String: Value]) -> String {
        let rolling = V.isAbsent(strategy, "rollingUpdate") ? "(*\(rollingType))(nil)" : "&\(rollingType){...}"
        return "\(type){Type:\(GoFormat.quote(V.str(strategy, "type"))), RollingUpdate:\(rolling)}"
    }

    /// An IntOrString as its String() method prints it.
    static func intOrString(_ v: Value?) -> String {
        if let i = V.int(v) { return String(i) }
        return v?.stringValue ?? "0"
    }

    private static func isZero(_ v: Value?) -> Bool {
        if let i = V.int(v) { return i == 0 }
        // Go's getIntOrPercentValue: a percent's number, else the string's Atoi (0 when it fails).
        if let s = v?.stringValue { return (percent(s) ?? Int(s) ?? 0) == 0 }
        return v == nil
    }

    static func deployment(_ o: [String: Value], _ old: [String: Value]?, _ gvk: GroupVersionKind) -> [FieldCause] {
        let spec = V.map(o["spec"]) ?? [:]
        var causes = nonNegative(spec["replicas"], "spec.replicas")
        causes += selectorAndTemplate(spec, kindWord: "deployment", rules: .replicaSet)
        let strategy = V.map(spec["strategy"]) ?? [:]
        switch V.str(strategy, "type") {
        case "Recreate":
            if !V.isAbsent(strategy, "rollingUpdate") {
                causes.append(Cause.forbidden("spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'"))
            }
        case "RollingUpdate":
            if let ru = V.map(strategy["rollingUpdate"]) {
                causes += positiveIntOrPercent(ru["maxUnavailable"], "spec.strategy.rollingUpdate.maxUnavailable")
                causes += positiveIntOrPercent(ru["maxSurge"], "spec.strategy.rollingUpdate.maxSurge")
                if isZero(ru["maxUnavailable"]), isZero(ru["maxSurge"]) {
                    causes.append(Cause.invalid("spec.strategy.rollingUpdate.maxUnavailable", rendered: intOrString(ru["maxUnavailable"]),
                                                "may not be 0 when `maxSurge` is 0"))
                }
                causes += notMoreThan100Percent(ru["maxUnavailable"], "spec.strategy.rollingUpdate.maxUnavailable")
            } else {
                causes.append(Cause.required("spec.strategy.rollingUpdate", "this should be defaulted and never be nil"))
            }
        default:
            causes.append(FieldCause(reason: "FieldValueNotSupported",
                                     message: "Unsupported value: " + goStrategy("apps.DeploymentStrategy", "apps.RollingUpdateDeployment", strategy)
                                         + ": supported values: \"Recreate\", \"RollingUpdate\"",
                                     field: "spec.strategy"))
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
        causes += selectorAndTemplate(spec, kindWord: "deployment", rules: .replicaSet)
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
        default:
            causes.append(Cause.invalid("spec.updateStrategy",
                                        rendered: goStrategy("apps.StatefulSetUpdateStrategy", "apps.RollingUpdateStatefulSetStrategy", us),
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
        causes += selectorAndTemplate(spec, kindWord: "statefulset", rules: .statefulSet)
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
        var causes: [FieldCause] = []
        let sel = V.map(spec["selector"])
        if let sel { causes += LabelSelectorCheck.validate(sel, path: "spec.selector") }
        let template = V.map(spec["template"]) ?? [:]
        let labelsValue = template["metadata"]?["labels"]
        if LabelSelectorCheck.convertible(sel), !(sel.map(LabelSelectorCheck.isEmpty) ?? false),
           !LabelSelectorCheck.matches(sel, labels: V.stringMap(labelsValue))
        {
            causes.append(Cause.invalid("spec.template.metadata.labels", rendered: LabelSelectorCheck.renderLabels(labelsValue),
                                        "`selector` does not match template `labels`"))
        }
        if let sel, LabelSelectorCheck.isEmpty(sel) {
            causes.append(Cause.invalid("spec.selector", rendered: GoFormat.labelSelector(.map(sel)), "empty selector is invalid for daemonset"))
        }
        causes += PodValidation.template(template, path: "spec.template")
        let podSpec = V.map(template["spec"]) ?? [:]
        if V.str(podSpec, "restartPolicy") != "Always" {
            causes.append(Cause.notSupported("spec.template.spec.restartPolicy", .string(V.str(podSpec, "restartPolicy")), ["Always"]))
        }
        if !V.isAbsent(podSpec, "activeDeadlineSeconds") {
            causes.append(Cause.forbidden("spec.template.spec.activeDeadlineSeconds", "activeDeadlineSeconds in DaemonSet is not Supported"))
        }
        causes += nonNegative(spec["minReadySeconds"], "spec.minReadySeconds")
        let us = V.map(spec["updateStrategy"]) ?? [:]
        switch V.str(us, "type") {
        case "OnDelete": break
        case "RollingUpdate":
            if let ru = V.map(us["rollingUpdate"]) {
                let p = "spec.updateStrategy.rollingUpdate"
                causes += positiveIntOrPercent(ru["maxUnavailable"], p + ".maxUnavailable")
                causes += positiveIntOrPercent(ru["maxSurge"], p + ".maxSurge")
                causes += notMoreThan100Percent(ru["maxUnavailable"], p + ".maxUnavailable")
                causes += notMoreThan100Percent(ru["maxSurge"], p + ".maxSurge")
                let hasUnavailable = !isZero(ru["maxUnavailable"]), hasSurge = !isZero(ru["maxSurge"])
                if hasUnavailable, hasSurge {
                    causes.append(Cause.invalid(p + ".maxSurge", rendered: intOrString(ru["maxSurge"]), "may not be set when maxUnavailable is non-zero"))
                } else if !hasUnavailable, !hasSurge {
                    causes.append(Cause.required(p + ".maxUnavailable", "cannot be 0 when maxSurge is 0"))
                }
            } else {
                causes.append(Cause.required("spec.updateStrategy.rollingUpdate"))
            }
        default:
            causes.append(FieldCause(reason: "FieldValueNotSupported",
                                     message: "Unsupported value: " + goStrategy("apps.DaemonSetUpdateStrategy", "apps.RollingUpdateDaemonSet", us)
                                         + ": supported values: \"RollingUpdate\", \"OnDelete\"",
                                     field: "spec.updateStrategy"))
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

    /// `ValidateCronJobCreate`/`Update`: the spec first, then the 52-character name limit (the
    /// controller appends an 11-character suffix to the Jobs it creates).
    static func cronJob(_ o: [String: Value], _ old: [String: Value]?, _ gvk: GroupVersionKind) -> [FieldCause] {
        var causes: [FieldCause] = []
        let spec = V.map(o["spec"]) ?? [:]
        let schedule = V.str(spec, "schedule")
        if schedule.isEmpty {
            causes.append(Cause.required("spec.schedule"))
        } else {
            if let err = CronSchedule.parseError(schedule) {
                causes.append(Cause.invalid("spec.schedule", .string(schedule), err))
            }
            // A stored schedule that already used TZ keeps being accepted on update.
            let allowTZ = old.map { V.str(V.map($0["spec"]), "schedule").contains("TZ") } ?? false
            if schedule.contains("TZ") {
                if !allowTZ {
                    causes.append(Cause.invalid("spec.schedule", .string(schedule),
                                                "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"))
                } else if !V.isAbsent(spec, "timeZone") {
                    causes.append(Cause.invalid("spec.schedule", .string(schedule),
                                                "cannot use both timeZone field and TZ or CRON_TZ in schedule"))
                }
            }
        }
        causes += nonNegative(spec["startingDeadlineSeconds"], "spec.startingDeadlineSeconds")
        switch V.str(spec, "concurrencyPolicy") {
        case "Allow", "Forbid", "Replace": break
        case "": causes.append(Cause.required("spec.concurrencyPolicy"))
        case let other: causes.append(Cause.notSupported("spec.concurrencyPolicy", .string(other), ["Allow", "Forbid", "Replace"]))
        }
        let jobSpec = V.map(spec["jobTemplate"]?["spec"]) ?? [:]
        causes += jobSpecCommon(jobSpec, path: "spec.jobTemplate.spec")
        if !V.isAbsent(jobSpec, "selector") {
            causes.append(Cause.invalid("spec.jobTemplate.spec.selector", rendered: GoFormat.labelSelector(jobSpec["selector"]),
                                        "`selector` will be auto-generated"))
        }
        if V.bool(jobSpec["manualSelector"]) == true {
            causes.append(Cause.notSupported("spec.jobTemplate.spec.manualSelector", .bool(true), ["nil", "false"]))
        }
        causes += nonNegative(spec["successfulJobsHistoryLimit"], "spec.successfulJobsHistoryLimit")
        causes += nonNegative(spec["failedJobsHistoryLimit"], "spec.failedJobsHistoryLimit")
        let name = V.str(V.map(o["metadata"]), "name")
        if old == nil, name.utf8.count > 52 {
            causes.append(Cause.invalid("metadata.name", .string(name), "must be no more than 52 characters"))
        }
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
