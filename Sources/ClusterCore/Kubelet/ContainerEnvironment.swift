import StructuredData

/// A container's environment as the kubelet builds it: `envFrom` (ConfigMaps and Secrets, with a
/// prefix) first, then `env` in order — literal values, `fieldRef` for the pod's own fields,
/// `resourceFieldRef`, `configMapKeyRef` and `secretKeyRef` — with `$(VAR)` references expanded (in
/// later values, command and args) as Kubernetes does: `$$` escapes, unknown references stay as written.
enum ContainerEnvironment {
    /// `name=value` pairs without looking anything up: ConfigMap and Secret references give "".
    static func variables(pod: Value, container: Value, hostname: String) -> [(String, String)] {
        (try? resolve(pod: pod, container: container, hostname: hostname, objects: nil)) ?? [("HOSTNAME", hostname)]
    }

    /// `name=value` pairs (a later definition of a name replaces the earlier value in place).
    /// With `objects`, a missing non-optional ConfigMap, Secret or key throws with Kubernetes'
    /// message; without, such references give "".
    static func resolve(pod: Value, container: Value, hostname: String, objects: ReferencedObjects?,
                        node: NodeCapacity = NodeCapacity(cpuMilli: 1000, memoryBytes: 0, ephemeralBytes: 0))
        throws(ContainerConfigError) -> [(String, String)]
    {
        var out: [(String, String)] = [("HOSTNAME", hostname)]
        var index: [String: Int] = ["HOSTNAME": 0]
        var known: [String: String] = [:]
        func define(_ name: String, _ value: String) {
            known[name] = value
            if let i = index[name] { out[i].1 = value } else { index[name] = out.count; out.append((name, value)) }
        }
        let namespace = pod.namespace ?? "default"
        for source in container["envFrom"]?.listValue ?? [] {
            let prefix = source["prefix"]?.stringValue ?? ""
            let secret = source["secretRef"] != nil
            guard let ref = source["configMapRef"] ?? source["secretRef"], let name = ref["name"]?.stringValue else { continue }
            guard let object = lookup(objects, name, secret: secret) else {
                if ref["optional"] == .bool(true) || objects == nil { continue }
                throw ContainerConfigError("\(secret ? "secret" : "configmap") \"\(name)\" not found")
            }
            let entries = ReferencedObjects.entries(object, secret: secret)
            // Keys that are not valid variable names are skipped, as the kubelet does.
            for key in entries.keys.sorted() where isVariableName(prefix + key) {
                define(prefix + key, String(decoding: entries[key] ?? [], as: UTF8.self))
            }
        }
        for e in container["env"]?.listValue ?? [] {
            guard let name = e["name"]?.stringValue, !name.isEmpty else { continue }
            let from = e["valueFrom"]
            if let literal = e["value"]?.stringValue {
                define(name, expand(literal, known))
            } else if let path = from?["fieldRef"]?["fieldPath"]?.stringValue {
                define(name, field(pod, path))
            } else if let ref = from?["resourceFieldRef"] {
                do {
                    define(name, try PodVolumes.resourceValue(ref, pod: pod, container: container["name"]?.stringValue, node: node))
                } catch {
                    throw ContainerConfigError(error.description)
                }
            } else if let ref = from?["configMapKeyRef"] ?? from?["secretKeyRef"] {
                let secret = from?["secretKeyRef"] != nil
                let objectName = ref["name"]?.stringValue ?? ""
                let key = ref["key"]?.stringValue ?? ""
                let optional = ref["optional"] == .bool(true)
                guard let object = lookup(objects, objectName, secret: secret) else {
                    if objects == nil { define(name, "") }
                    if optional || objects == nil { continue }
                    throw ContainerConfigError("\(secret ? "secret" : "configmap") \"\(objectName)\" not found")
                }
                guard let bytes = ReferencedObjects.entries(object, secret: secret)[key] else {
                    if optional { continue }
                    throw ContainerConfigError("couldn't find key \(key) in \(secret ? "Secret" : "ConfigMap") \(namespace)/\(objectName)")
                }
                define(name, String(decoding: bytes, as: UTF8.self))
            } else {
                define(name, "")
            }
        }
        return out
    }

    private static func lookup(_ objects: ReferencedObjects?, _ name: String, secret: Bool) -> Value? {
        objects?.lookup(name, secret: secret)
    }

    /// Names of the ConfigMaps and Secrets a container's env and envFrom refer to.
    static func references(_ container: Value) -> (configMaps: [String], secrets: [String]) {
        var cms: [String] = []
        var secrets: [String] = []
        for source in container["envFrom"]?.listValue ?? [] {
            if let n = source["configMapRef"]?["name"]?.stringValue { cms.append(n) }
            if let n = source["secretRef"]?["name"]?.stringValue { secrets.append(n) }
        }
        for e in container["env"]?.listValue ?? [] {
            if let n = e["valueFrom"]?["configMapKeyRef"]?["name"]?.stringValue { cms.append(n) }
            if let n = e["valueFrom"]?["secretKeyRef"]?["name"]?.stringValue { secrets.append(n) }
        }
        return (cms, secrets)
    }

    /// Kubernetes' `IsEnvVarName`: `[-._a-zA-Z][-._a-zA-Z0-9]*`.
    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.first, !first.isNumber else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }
    }

    /// The pod field a `fieldRef` names (`metadata.name`, `metadata.labels['app']`, `status.hostIP`, …).
    static func field(_ pod: Value, _ path: String) -> String {
        for map in ["labels", "annotations"] {
            let prefix = "metadata.\(map)['"
            if path.hasPrefix(prefix) && path.hasSuffix("']") {
                let key = String(path.dropFirst(prefix.count).dropLast(2))
                return pod["metadata"]?[map]?[key]?.stringValue ?? ""
            }
        }
        switch path {
        case "status.hostIP": return PodStatusBuilder.hostIP
        case "status.hostIPs": return PodStatusBuilder.hostIP
        case "spec.serviceAccountName": return pod["spec"]?["serviceAccountName"]?.stringValue ?? "default"
        default:
            return pod.lookup(path.split(separator: ".").map(String.init))?.stringValue ?? ""
        }
    }

    /// Expands `$(NAME)` from `known`; `$$` becomes `$`; anything else is kept.
    static func expand(_ text: String, _ known: [String: String]) -> String {
        guard text.contains("$") else { return text }
        var out = ""
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            let next = text.index(after: i)
            if c == "$", next < text.endIndex {
                if text[next] == "$" {
                    out.append("$")
                    i = text.index(after: next)
                    continue
                }
                if text[next] == "(", let close = text[next...].firstIndex(of: ")") {
                    let name = String(text[text.index(after: next)..<close])
                    if let value = known[name] {
                        out += value
                        i = text.index(after: close)
                        continue
                    }
                }
            }
            out.append(c)
            i = next
        }
        return out
    }
}

/// Why a container's configuration cannot be generated (`CreateContainerConfigError`).
struct ContainerConfigError: Error, Sendable, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
