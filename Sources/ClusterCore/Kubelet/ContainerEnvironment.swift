import StructuredData

/// A container's environment as the kubelet builds it: `env` in order, with `valueFrom.fieldRef`
/// for the pod's own fields, and `$(VAR)` references expanded (in later values, command and args)
/// as Kubernetes does — `$$` escapes, unknown references stay as written.
enum ContainerEnvironment {
    /// `name=value` pairs; sources other than literal values and field references give "".
    static func variables(pod: Value, container: Value, hostname: String) -> [(String, String)] {
        var out: [(String, String)] = [("HOSTNAME", hostname)]
        var known: [String: String] = [:]
        for e in container["env"]?.listValue ?? [] {
            guard let name = e["name"]?.stringValue, !name.isEmpty else { continue }
            let value: String
            if let literal = e["value"]?.stringValue {
                value = expand(literal, known)
            } else if let path = e["valueFrom"]?["fieldRef"]?["fieldPath"]?.stringValue {
                value = field(pod, path)
            } else {
                value = ""
            }
            known[name] = value
            out.append((name, value))
        }
        return out
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
