import StructuredData

/// ConfigMap and Secret validation (keys, the 1 MiB size limit, Secret types, immutability).
enum ConfigValidation {
    static let maxSize = 1024 * 1024

    static func configMap(_ o: [String: Value], _ old: [String: Value]?, _ gvk: GroupVersionKind) -> [FieldCause] {
        var causes: [FieldCause] = []
        if let old { causes += immutable(o, old, keys: ["data", "binaryData"]) }
        let data = V.map(o["data"]) ?? [:], binary = V.map(o["binaryData"]) ?? [:]
        var total = 0
        for k in data.keys.sorted() {
            for msg in NameRules.configMapKey(k) { causes.append(Cause.invalid("data[\(k)]", .string(k), msg)) }
            if binary[k] != nil { causes.append(Cause.invalid("data[\(k)]", .string(k), "duplicate of key present in binaryData")) }
            total += data[k]?.stringValue?.utf8.count ?? 0
        }
        for k in binary.keys.sorted() {
            for msg in NameRules.configMapKey(k) { causes.append(Cause.invalid("binaryData[\(k)]", .string(k), msg)) }
            if data[k] != nil { causes.append(Cause.invalid("binaryData[\(k)]", .string(k), "duplicate of key present in data")) }
            total += decodedSize(binary[k])
        }
        if total > maxSize { causes.append(Cause.tooLong("", max: maxSize)) }
        return causes
    }

    static func secret(_ o: [String: Value], _ old: [String: Value]?, _ gvk: GroupVersionKind) -> [FieldCause] {
        var causes: [FieldCause] = []
        let type = V.str(o, "type")
        if let old {
            let oldType = V.str(old, "type")
            if oldType != type { causes.append(Cause.invalid("type", .string(type), "field is immutable")) }
            causes += immutable(o, old, keys: ["data"])
        }
        let data = V.map(o["data"]) ?? [:]
        var total = 0
        for k in data.keys.sorted() {
            for msg in NameRules.configMapKey(k) { causes.append(Cause.invalid("data[\(k)]", .string(k), msg)) }
            total += decodedSize(data[k])
        }
        if total > maxSize { causes.append(Cause.tooLong("data", max: maxSize)) }
        switch type {
        case "kubernetes.io/service-account-token":
            let annotations = V.stringMap(o["metadata"]?["annotations"])
            if (annotations["kubernetes.io/service-account.name"] ?? "").isEmpty {
                causes.append(Cause.required("metadata.annotations[kubernetes.io/service-account.name]"))
            }
        case "kubernetes.io/dockercfg":
            if data[".dockercfg"] == nil { causes.append(Cause.required("data[.dockercfg]")) }
        case "kubernetes.io/dockerconfigjson":
            if data[".dockerconfigjson"] == nil { causes.append(Cause.required("data[.dockerconfigjson]")) }
        case "kubernetes.io/basic-auth":
            if data["username"] == nil, data["password"] == nil {
                causes.append(Cause.required("data[username]"))
                causes.append(Cause.required("data[password]"))
            }
        case "kubernetes.io/ssh-auth":
            if decodedSize(data["ssh-privatekey"]) == 0 { causes.append(Cause.required("data[ssh-privatekey]")) }
        case "kubernetes.io/tls":
            if data["tls.crt"] == nil { causes.append(Cause.required("data[tls.crt]")) }
            if data["tls.key"] == nil { causes.append(Cause.required("data[tls.key]")) }
        default: break
        }
        return causes
    }

    /// Once `immutable: true` is stored, the flag and the payload may not change.
    private static func immutable(_ o: [String: Value], _ old: [String: Value], keys: [String]) -> [FieldCause] {
        guard V.bool(old["immutable"]) == true else { return [] }
        var causes: [FieldCause] = []
        if V.bool(o["immutable"]) != true {
            causes.append(Cause.forbidden("immutable", "field is immutable when `immutable` is set"))
        }
        for key in keys where Semantic.normalize(o[key] ?? .map([:])) != Semantic.normalize(old[key] ?? .map([:])) {
            causes.append(Cause.forbidden(key, "field is immutable when `immutable` is set"))
        }
        return causes
    }

    /// Bytes a base64 `[]byte` field holds (its text length when it is not valid base64).
    private static func decodedSize(_ v: Value?) -> Int {
        guard let s = v?.stringValue else { return 0 }
        return Base64Codec.decode(s, strict: true)?.count ?? s.utf8.count
    }
}
