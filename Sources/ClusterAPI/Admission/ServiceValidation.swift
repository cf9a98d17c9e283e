import StructuredData

/// Service validation (`ValidateService`, `ValidateServiceUpdate`, Kubernetes 1.32).
enum ServiceValidation {
    static func validate(_ o: [String: Value], _ old: [String: Value]?, _ gvk: GroupVersionKind) -> [FieldCause] {
        let spec = V.map(o["spec"]) ?? [:]
        var causes: [FieldCause] = []
        if let old { causes += clusterIPUpdate(spec, V.map(old["spec"]) ?? [:]) }
        let type = V.str(spec, "type")
        let headless = V.str(spec, "clusterIP") == "None"
        let ports = V.list(spec["ports"]) ?? []
        if ports.isEmpty, !headless, type != "ExternalName" {
            causes.append(Cause.required("spec.ports"))
        }
        if type == "LoadBalancer" {
            for (i, p) in ports.enumerated() where V.int(p["port"]) == 10250 {
                causes.append(Cause.invalid("spec.ports[\(i)]", .int(10250), "may not expose port 10250 externally since it is used by kubelet"))
            }
        }
        if headless, type == "LoadBalancer" || type == "NodePort" {
            causes.append(Cause.invalid("spec.clusterIPs[0]", "None", "may not be set to 'None' for \(type) services"))
        }
        if type == "ExternalName" {
            if !(V.list(spec["clusterIPs"])?.isEmpty ?? true) {
                causes.append(Cause.forbidden("spec.clusterIPs", "may not be set for ExternalName services"))
            }
            if !(V.list(spec["ipFamilies"])?.isEmpty ?? true) {
                causes.append(Cause.forbidden("spec.ipFamilies", "may not be set for ExternalName services"))
            }
            if !V.isAbsent(spec, "ipFamilyPolicy") {
                causes.append(Cause.forbidden("spec.ipFamilyPolicy", "may not be set for ExternalName services"))
            }
            var cname = V.str(spec, "externalName")
            if cname.hasSuffix(".") { cname.removeLast() }
            if cname.isEmpty {
                causes.append(Cause.required("spec.externalName"))
            } else {
                for msg in NameRules.dns1123Subdomain(cname) { causes.append(Cause.invalid("spec.externalName", .string(cname), msg)) }
            }
        }
        var names = Set<String>()
        for (i, p) in ports.enumerated() {
            causes += port(p.mapValue ?? [:], path: "spec.ports[\(i)]", requireName: ports.count > 1, names: &names)
        }
        causes += MetadataValidation.labels(spec["selector"], path: "spec.selector")
        let affinity = V.str(spec, "sessionAffinity")
        if affinity.isEmpty {
            causes.append(Cause.required("spec.sessionAffinity"))
        } else if !["ClientIP", "None"].contains(affinity) {
            causes.append(Cause.notSupported("spec.sessionAffinity", .string(affinity), ["ClientIP", "None"]))
        }
        for (i, ip) in (V.list(spec["clusterIPs"]) ?? []).enumerated() {
            let s = ip.stringValue ?? ""
            if s != "None", !IPText.isValid(s) {
                causes.append(Cause.invalid("spec.clusterIPs[\(i)]", .string(s), "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"))
            }
        }
        if type.isEmpty {
            causes.append(Cause.required("spec.type"))
        } else if !["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"].contains(type) {
            causes.append(Cause.notSupported("spec.type", .string(type), ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]))
        }
        if type == "ClusterIP" {
            for (i, p) in ports.enumerated() where (V.int(p["nodePort"]) ?? 0) != 0 {
                causes.append(Cause.forbidden("spec.ports[\(i)].nodePort", "may not be used when `type` is 'ClusterIP'"))
            }
        }
        var nodePorts = Set<String>()
        for (i, p) in ports.enumerated() {
            guard let np = V.int(p["nodePort"]), np != 0 else { continue }
            let key = "\(V.str(p.mapValue, "protocol"))/\(np)"
            if !nodePorts.insert(key).inserted { causes.append(Cause.duplicate("spec.ports[\(i)].nodePort", .int(np))) }
        }
        var seen = Set<String>()
        for (i, p) in ports.enumerated() {
            let proto = V.str(p.mapValue, "protocol"), num = V.int(p["port"]) ?? 0
            if !seen.insert("\(proto)/\(num)").inserted {
                let rendered = "core.ServicePort{Name:\"\", Protocol:\(GoFormat.quote(proto)), AppProtocol:(*string)(nil), Port:\(num), TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}"
                causes.append(FieldCause(reason: "FieldValueDuplicate", message: "Duplicate value: " + rendered, field: "spec.ports[\(i)]"))
            }
        }
        return causes
    }

    static func port(_ p: [String: Value], path: String, requireName: Bool, names: inout Set<String>) -> [FieldCause] {
        var causes: [FieldCause] = []
        let name = V.str(p, "name")
        if requireName, name.isEmpty {
            causes.append(Cause.required(path + ".name"))
        } else if !name.isEmpty {
            for msg in NameRules.dns1123Label(name) { causes.append(Cause.invalid(path + ".name", .string(name), msg)) }
            if !names.insert(name).inserted { causes.append(Cause.duplicate(path + ".name", .string(name))) }
        }
        let num = V.int(p["port"]) ?? 0
        for msg in NameRules.portNumber(num) { causes.append(Cause.invalid(path + ".port", .int(num), msg)) }
        causes += PodValidation.protocolCheck(V.str(p, "protocol"), path: path + ".protocol")
        if let tp = p["targetPort"] {
            if let i = V.int(tp) {
                for msg in NameRules.portNumber(i) { causes.append(Cause.invalid(path + ".targetPort", .int(i), msg)) }
            } else if let s = tp.stringValue {
                for msg in NameRules.portName(s) { causes.append(Cause.invalid(path + ".targetPort", .string(s), msg)) }
            }
        }
        return causes
    }

    /// `validateUpgradeDowngradeClusterIPs`: a set cluster IP may not change. The caller copies
    /// the stored `clusterIP`/`clusterIPs` into an update that omits them before validating.
    static func clusterIPUpdate(_ spec: [String: Value], _ oldSpec: [String: Value]) -> [FieldCause] {
        if V.str(spec, "type") == "ExternalName" || V.str(oldSpec, "type") == "ExternalName" { return [] }
        let oldIPs = ips(oldSpec), newIPs = ips(spec)
        let rendered = newIPs.isEmpty ? "[]string(nil)" : GoFormat.render(.list(newIPs.map { .string($0) }))
        var causes: [FieldCause] = []
        if oldIPs.count == newIPs.count {
            for (i, ip) in oldIPs.enumerated() where ip != newIPs[i] {
                causes.append(Cause.invalid("spec.clusterIPs[\(i)]", rendered: rendered, "may not change once set"))
            }
        } else if oldIPs.count > newIPs.count {
            if newIPs.isEmpty {
                causes.append(Cause.invalid("spec.clusterIPs[0]", rendered: rendered, "primary clusterIP can not be unset"))
            } else if newIPs[0] != oldIPs[0] {
                causes.append(Cause.invalid("spec.clusterIPs[0]", rendered: rendered, "may not change once set"))
            }
        } else if !oldIPs.isEmpty, newIPs[0] != oldIPs[0] {
            causes.append(Cause.invalid("spec.clusterIPs[0]", rendered: rendered, "may not change once set"))
        }
        return causes
    }

    /// `clusterIPs`, or `[clusterIP]` when only the singular field is set.
    private static func ips(_ spec: [String: Value]) -> [String] {
        let list = (V.list(spec["clusterIPs"]) ?? []).compactMap(\.stringValue)
        if !list.isEmpty { return list }
        let one = V.str(spec, "clusterIP")
        return one.isEmpty ? [] : [one]
    }
}

/// IPv4 dotted-quad and IPv6 text syntax checks (no Foundation, no inet_pton).
enum IPText {
    static func isValid(_ s: String) -> Bool { isIPv4(s) || isIPv6(s) }

    static func isIPv4(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { p in
            guard !p.isEmpty, p.count <= 3, p.allSatisfy(\.isASCIIDigit), let v = Int(p) else { return false }
            return v <= 255 && !(p.count > 1 && p.hasPrefix("0"))
        }
    }

    static func isIPv6(_ s: String) -> Bool {
        guard s.contains(":") else { return false }
        let halves = s.components(separatedByDoubleColon: ())
        guard halves.count <= 2 else { return false }
        var groups = 0
        for (h, half) in halves.enumerated() {
            if half.isEmpty { continue }
            let parts = half.split(separator: ":", omittingEmptySubsequences: false)
            for (i, p) in parts.enumerated() {
                if h == halves.count - 1, i == parts.count - 1, p.contains(".") {
                    guard isIPv4(String(p)) else { return false }
                    groups += 2
                    continue
                }
                guard (1...4).contains(p.count), p.allSatisfy(\.isHexDigit) else { return false }
                groups += 1
            }
        }
        return halves.count == 2 ? groups < 8 : groups == 8
    }
}

extension String {
    /// Splits on the first `::` only (an address may hold at most one).
    fileprivate func components(separatedByDoubleColon _: ()) -> [String] {
        var out: [String] = []
        var rest = Substring(self)
        while let r = rest.firstRange(of: "::") {
            out.append(String(rest[..<r.lowerBound]))
            rest = rest[r.upperBound...]
        }
        out.append(String(rest))
        return out
    }
}
