import StructuredData

/// `ValidatePodSpec` and `ValidatePodTemplateSpec` (core validation), the parts clients hit.
enum PodValidation {
    /// A pod template at `path` (`spec.template`): its labels and annotations, then its spec.
    static func template(_ t: [String: Value]?, path: String) -> [FieldCause] {
        guard let t else { return [Cause.required(path)] }
        let meta = V.map(t["metadata"]) ?? [:]
        // Kubernetes names these `spec.template.labels`, not `.metadata.labels` (its field path quirk).
        var causes = MetadataValidation.labels(meta["labels"], path: path + ".labels")
        causes += MetadataValidation.annotations(meta["annotations"], path: path + ".annotations")
        causes += spec(V.map(t["spec"]) ?? [:], path: path + ".spec", isPod: false)
        return causes
    }

    static func spec(_ s: [String: Value], path: String, isPod: Bool) -> [FieldCause] {
        var causes: [FieldCause] = []
        let volumeNames = volumes(V.list(s["volumes"]) ?? [], path: path + ".volumes", causes: &causes)
        let containers = V.list(s["containers"]) ?? []
        if containers.isEmpty {
            causes.append(Cause.required(path + ".containers"))
        }
        var names = Set<String>()
        for (i, c) in containers.enumerated() {
            let cp = "\(path).containers[\(i)]"
            let m = c.mapValue ?? [:]
            causes += container(m, path: cp, volumes: volumeNames)
            let name = V.str(m, "name")
            if !names.insert(name).inserted { causes.append(Cause.duplicate(cp + ".name", .string(name))) }
        }
        for (i, c) in (V.list(s["initContainers"]) ?? []).enumerated() {
            let cp = "\(path).initContainers[\(i)]"
            let m = c.mapValue ?? [:]
            causes += container(m, path: cp, volumes: volumeNames)
            let name = V.str(m, "name")
            if !names.insert(name).inserted { causes.append(Cause.duplicate(cp + ".name", .string(name))) }
        }
        switch V.str(s, "restartPolicy") {
        case "Always", "OnFailure", "Never": break
        case "": causes.append(Cause.required(path + ".restartPolicy"))
        case let other: causes.append(Cause.notSupported(path + ".restartPolicy", .string(other), ["Always", "OnFailure", "Never"]))
        }
        switch V.str(s, "dnsPolicy") {
        case "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None": break
        case "": causes.append(Cause.required(path + ".dnsPolicy"))
        case let other:
            causes.append(Cause.notSupported(path + ".dnsPolicy", .string(other),
                                             ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]))
        }
        causes += MetadataValidation.labels(s["nodeSelector"], path: path + ".nodeSelector")
        let sa = V.str(s, "serviceAccountName")
        if !sa.isEmpty {
            for msg in NameRules.dns1123Subdomain(sa) { causes.append(Cause.invalid(path + ".serviceAccountName", .string(sa), msg)) }
        }
        if let ads = V.int(s["activeDeadlineSeconds"]), ads < 1 || ads > 2_147_483_647 {
            causes.append(Cause.invalid(path + ".activeDeadlineSeconds", .int(ads), "must be between 1 and 2147483647, inclusive"))
        }
        for key in ["hostname", "subdomain"] {
            let v = V.str(s, key)
            if !v.isEmpty {
                for msg in NameRules.dns1123Label(v) { causes.append(Cause.invalid(path + "." + key, .string(v), msg)) }
            }
        }
        if let g = V.int(s["terminationGracePeriodSeconds"]), g < 0 {
            causes.append(Cause.invalid(path + ".terminationGracePeriodSeconds", .int(g), "must be greater than or equal to 0"))
        }
        return causes
    }

    /// `ValidateVolumes`: returns the names of the volumes that validated (mounts may refer to those).
    static func volumes(_ list: [Value], path: String, causes: inout [FieldCause]) -> Set<String> {
        var valid = Set<String>()
        var seen = Set<String>()
        for (i, v) in list.enumerated() {
            let vp = "\(path)[\(i)]"
            let m = v.mapValue ?? [:]
            var el: [FieldCause] = []
            let sources = PodDefaults.volumeSources.filter { !V.isAbsent(m, $0) }
            if sources.isEmpty {
                el.append(Cause.required(vp, "must specify a volume type"))
            } else if sources.count > 1 {
                el.append(Cause.forbidden(vp + "." + sources[1], "may not specify more than 1 volume type"))
            } else {
                let src = V.map(m[sources[0]]) ?? [:]
                switch sources[0] {
                case "configMap" where V.str(src, "name").isEmpty:
                    el.append(Cause.required(vp + ".configMap.name"))
                case "secret" where V.str(src, "secretName").isEmpty:
                    el.append(Cause.required(vp + ".secret.secretName"))
                case "persistentVolumeClaim" where V.str(src, "claimName").isEmpty:
                    el.append(Cause.required(vp + ".persistentVolumeClaim.claimName"))
                case "hostPath" where V.str(src, "path").isEmpty:
                    el.append(Cause.required(vp + ".hostPath.path"))
                default: break
                }
            }
            let name = V.str(m, "name")
            if name.isEmpty {
                el.append(Cause.required(vp + ".name"))
            } else {
                for msg in NameRules.dns1123Label(name) { el.append(Cause.invalid(vp + ".name", .string(name), msg)) }
            }
            if seen.contains(name) { el.append(Cause.duplicate(vp + ".name", .string(name))) }
            if el.isEmpty {
                seen.insert(name)
                valid.insert(name)
            } else {
                causes += el
            }
        }
        return valid
    }

    static func container(_ c: [String: Value], path: String, volumes: Set<String>) -> [FieldCause] {
        var causes: [FieldCause] = []
        let name = V.str(c, "name")
        if name.isEmpty {
            causes.append(Cause.required(path + ".name"))
        } else {
            for msg in NameRules.dns1123Label(name) { causes.append(Cause.invalid(path + ".name", .string(name), msg)) }
        }
        if V.str(c, "image").isEmpty { causes.append(Cause.required(path + ".image")) }
        switch V.str(c, "terminationMessagePolicy") {
        case "File", "FallbackToLogsOnError": break
        case "": causes.append(Cause.required(path + ".terminationMessagePolicy"))
        case let other:
            causes.append(Cause.notSupported(path + ".terminationMessagePolicy", .string(other), ["File", "FallbackToLogsOnError"]))
        }
        var portNames = Set<String>()
        for (i, p) in (V.list(c["ports"]) ?? []).enumerated() {
            let pp = "\(path).ports[\(i)]"
            let m = p.mapValue ?? [:]
            let pn = V.str(m, "name")
            if !pn.isEmpty {
                let msgs = NameRules.portName(pn)
                if !msgs.isEmpty {
                    for msg in msgs { causes.append(Cause.invalid(pp + ".name", .string(pn), msg)) }
                } else if !portNames.insert(pn).inserted {
                    causes.append(Cause.duplicate(pp + ".name", .string(pn)))
                }
            }
            let cport = V.int(m["containerPort"]) ?? 0
            if cport == 0 {
                causes.append(Cause.required(pp + ".containerPort"))
            } else {
                for msg in NameRules.portNumber(cport) { causes.append(Cause.invalid(pp + ".containerPort", .int(cport), msg)) }
            }
            if let hp = V.int(m["hostPort"]), hp != 0 {
                for msg in NameRules.portNumber(hp) { causes.append(Cause.invalid(pp + ".hostPort", .int(hp), msg)) }
            }
            causes += protocolCheck(V.str(m, "protocol"), path: pp + ".protocol")
        }
        for (i, e) in (V.list(c["env"]) ?? []).enumerated() {
            let en = V.str(e.mapValue, "name")
            if en.isEmpty {
                causes.append(Cause.required("\(path).env[\(i)].name"))
            } else {
                for msg in NameRules.envVarName(en) { causes.append(Cause.invalid("\(path).env[\(i)].name", .string(en), msg)) }
            }
        }
        var mountPaths = Set<String>()
        for (i, mnt) in (V.list(c["volumeMounts"]) ?? []).enumerated() {
            let mp = "\(path).volumeMounts[\(i)]"
            let m = mnt.mapValue ?? [:]
            let vn = V.str(m, "name")
            if vn.isEmpty { causes.append(Cause.required(mp + ".name")) }
            if !volumes.contains(vn) { causes.append(Cause.notFound(mp + ".name", .string(vn))) }
            let mpath = V.str(m, "mountPath")
            if mpath.isEmpty { causes.append(Cause.required(mp + ".mountPath")) }
            if !mountPaths.insert(mpath).inserted {
                causes.append(Cause.invalid(mp + ".mountPath", .string(mpath), "must be unique"))
            }
        }
        switch V.str(c, "imagePullPolicy") {
        case "Always", "IfNotPresent", "Never": break
        case "": causes.append(Cause.required(path + ".imagePullPolicy"))
        case let other:
            causes.append(Cause.notSupported(path + ".imagePullPolicy", .string(other), ["Always", "IfNotPresent", "Never"]))
        }
        return causes
    }

    static func protocolCheck(_ p: String, path: String) -> [FieldCause] {
        if p.isEmpty { return [Cause.required(path)] }
        if !["SCTP", "TCP", "UDP"].contains(p) { return [Cause.notSupported(path, .string(p), ["SCTP", "TCP", "UDP"])] }
        return []
    }

    /// `ValidatePodCreate` / `ValidatePodUpdate` for a Pod object.
    static func pod(_ o: [String: Value], old: [String: Value]?) -> [FieldCause] {
        let spec = V.map(o["spec"]) ?? [:]
        var causes = self.spec(spec, path: "spec", isPod: true)
        // `validateContainersOnlyForPod`: templates may carry " " as a placeholder image, Pods may not.
        for key in ["containers", "initContainers"] {
            for (i, c) in (V.list(spec[key]) ?? []).enumerated() {
                let image = V.str(c.mapValue, "image")
                if image != image.trimmingSpaces {
                    causes.append(Cause.invalid("spec.\(key)[\(i)].image", .string(image), "must not have leading or trailing whitespace"))
                }
            }
        }
        if let old, let oldSpec = V.map(old["spec"]) {
            if mutableStripped(spec) != mutableStripped(oldSpec) {
                causes.append(Cause.forbidden("spec", "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"))
            }
        }
        return causes
    }

    /// A pod spec without the fields an update may change, for comparing old against new.
    private static func mutableStripped(_ s: [String: Value]) -> Value {
        var s = s
        for key in ["activeDeadlineSeconds", "tolerations", "terminationGracePeriodSeconds", "schedulingGates", "nodeName"] {
            s.removeValue(forKey: key)
        }
        for key in ["containers", "initContainers"] {
            s.withEachMap(key) { $0.removeValue(forKey: "image") }
        }
        return Semantic.normalize(.map(s))
    }
}

extension String {
    /// The string without leading and trailing Unicode whitespace (Go's `strings.TrimSpace`).
    var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[start...end])
    }
}
