import StructuredData

/// How a kind's `metadata.name` is checked.
enum NameRule {
    case dns1123Subdomain, dns1123Label, dns1035Label, pathSegment
    /// A DNS subdomain that must also equal `spec.names.plural + "." + spec.group`.
    case customResourceDefinition

    /// The messages for `name`; `prefix` is the `generateName` mode where a trailing `-` is fine.
    func check(_ name: String, prefix: Bool = false, object: [String: Value] = [:]) -> [String] {
        var n = name
        if prefix, n.hasSuffix("-") { n = String(n.dropLast()) + "a" }
        switch self {
        case .dns1123Subdomain: return NameRules.dns1123Subdomain(n)
        case .customResourceDefinition:
            var errs = NameRules.dns1123Subdomain(n)
            let spec = V.map(object["spec"])
            if name != V.str(V.map(spec?["names"]), "plural") + "." + V.str(spec, "group") {
                errs.append("must be spec.names.plural+\".\"+spec.group")
            }
            return errs
        case .dns1123Label: return NameRules.dns1123Label(n)
        case .dns1035Label: return NameRules.dns1035Label(n)
        case .pathSegment:
            return prefix ? NameRules.pathSegment(n).filter { !$0.hasPrefix("may not be") } : NameRules.pathSegment(n)
        }
    }
}

/// `ValidateObjectMeta` / `ValidateObjectMetaUpdate` (apimachinery), in Kubernetes' order.
enum MetadataValidation {
    static let totalAnnotationSizeLimit = 256 * 1024

    static func validate(_ o: [String: Value], old: [String: Value]?, nameRule: NameRule, namespaced: Bool) -> [FieldCause] {
        let meta = V.map(o["metadata"]) ?? [:]
        var causes: [FieldCause] = []
        let generateName = V.str(meta, "generateName")
        if !generateName.isEmpty {
            for msg in nameRule.check(generateName, prefix: true, object: o) {
                causes.append(Cause.invalid("metadata.generateName", .string(generateName), msg))
            }
        }
        let name = V.str(meta, "name")
        if name.isEmpty {
            causes.append(Cause.required("metadata.name", "name or generateName is required"))
        } else {
            for msg in nameRule.check(name, object: o) { causes.append(Cause.invalid("metadata.name", .string(name), msg)) }
        }
        let namespace = V.str(meta, "namespace")
        if namespaced {
            if namespace.isEmpty {
                causes.append(Cause.required("metadata.namespace"))
            } else {
                for msg in NameRules.dns1123Label(namespace) {
                    causes.append(Cause.invalid("metadata.namespace", .string(namespace), msg))
                }
            }
        } else if !namespace.isEmpty {
            causes.append(Cause.forbidden("metadata.namespace", "not allowed on this type"))
        }
        if let g = V.int(meta["generation"]), g < 0 {
            causes.append(Cause.invalid("metadata.generation", .int(g), "must be greater than or equal to 0"))
        }
        causes += labels(meta["labels"], path: "metadata.labels")
        causes += annotations(meta["annotations"], path: "metadata.annotations")
        causes += ownerReferences(meta["ownerReferences"])
        for f in V.list(meta["finalizers"]) ?? [] {
            let s = f.stringValue ?? ""
            for msg in NameRules.qualifiedName(s) { causes.append(Cause.invalid("metadata.finalizers", .string(s), msg)) }
        }
        if let oldMeta = old.flatMap({ V.map($0["metadata"]) }) {
            for key in ["name", "namespace", "uid"] {
                let was = V.str(oldMeta, key), now = V.str(meta, key)
                if !was.isEmpty, was != now {
                    causes.append(Cause.invalid("metadata.\(key)", .string(now), "field is immutable"))
                }
            }
        }
        return causes
    }

    /// `ValidateLabels`: keys as qualified names, values as label values (keys sorted for a stable order).
    static func labels(_ v: Value?, path: String) -> [FieldCause] {
        var causes: [FieldCause] = []
        let m = V.map(v) ?? [:]
        for k in m.keys.sorted() {
            for msg in NameRules.qualifiedName(k) { causes.append(Cause.invalid(path, .string(k), msg)) }
            let value = m[k]?.stringValue ?? ""
            for msg in NameRules.labelValue(value) { causes.append(Cause.invalid(path, .string(value), msg)) }
        }
        return causes
    }

    static func annotations(_ v: Value?, path: String) -> [FieldCause] {
        var causes: [FieldCause] = []
        let m = V.map(v) ?? [:]
        var total = 0
        for k in m.keys.sorted() {
            for msg in NameRules.qualifiedName(k.lowercased()) { causes.append(Cause.invalid(path, .string(k), msg)) }
            total += k.utf8.count + (m[k]?.stringValue?.utf8.count ?? 0)
        }
        if total > totalAnnotationSizeLimit { causes.append(Cause.tooLong(path, max: totalAnnotationSizeLimit)) }
        return causes
    }

    static func ownerReferences(_ v: Value?) -> [FieldCause] {
        var causes: [FieldCause] = []
        var controllers = 0
        for ref in V.list(v) ?? [] {
            let r = ref.mapValue ?? [:]
            let apiVersion = V.str(r, "apiVersion")
            if apiVersion.isEmpty || apiVersion.hasSuffix("/") {
                causes.append(Cause.invalid("metadata.ownerReferences.apiVersion", .string(apiVersion), "version must not be empty"))
            }
            if V.str(r, "kind").isEmpty {
                causes.append(Cause.invalid("metadata.ownerReferences.kind", "", "kind must not be empty"))
            }
            if V.str(r, "name").isEmpty {
                causes.append(Cause.invalid("metadata.ownerReferences.name", "", "name must not be empty"))
            }
            if V.str(r, "uid").isEmpty {
                causes.append(Cause.invalid("metadata.ownerReferences.uid", "", "uid must not be empty"))
            }
            if V.bool(r["controller"]) == true { controllers += 1 }
        }
        if controllers > 1 {
            causes.append(Cause.invalid("metadata.ownerReferences", rendered: "[]v1.OwnerReference{...}",
                                        "Only one reference can have Controller set to true"))
        }
        return causes
    }
}
