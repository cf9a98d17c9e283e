import StructuredData

/// Required node affinity and `nodeSelector` as the scheduler and the DaemonSet controller evaluate
/// them (`component-helpers/scheduling/corev1/nodeaffinity`): `nodeSelectorTerms` are ORed, each
/// term's `matchExpressions` (labels) and `matchFields` (only `metadata.name`) ANDed; operators In,
/// NotIn, Exists, DoesNotExist, Gt, Lt. A term with no requirements matches nothing; malformed
/// requirements match nothing.
enum NodeAffinity {
    /// Both the pod's `nodeSelector` and its required node affinity admit the node.
    static func admits(_ podSpec: Value?, node: Value) -> Bool {
        if case .map(let selector)? = podSpec?["nodeSelector"] {
            let labels = node.labels
            guard selector.allSatisfy({ labels[$0.key] == $0.value.stringValue }) else { return false }
        }
        guard let required = podSpec?["affinity"]?["nodeAffinity"]?["requiredDuringSchedulingIgnoredDuringExecution"],
              !required.isNull
        else { return true }
        return matches(terms: required["nodeSelectorTerms"]?.listValue ?? [], node: node)
    }

    static func matches(terms: [Value], node: Value) -> Bool {
        terms.contains { matches(term: $0, node: node) }
    }

    static func matches(term: Value, node: Value) -> Bool {
        let expressions = term["matchExpressions"]?.listValue ?? []
        let fields = term["matchFields"]?.listValue ?? []
        guard !expressions.isEmpty || !fields.isEmpty else { return false }
        let labels = node.labels
        for e in expressions {
            guard let key = e["key"]?.stringValue, requirement(e, value: labels[key]) else { return false }
        }
        for f in fields {
            // Only `metadata.name` is a supported field.
            guard f["key"]?.stringValue == "metadata.name", requirement(f, value: node.name) else { return false }
        }
        return true
    }

    /// One requirement against the node's value for its key (nil = absent).
    static func requirement(_ r: Value, value: String?) -> Bool {
        let values = (r["values"]?.listValue ?? []).compactMap(\.stringValue)
        switch r["operator"]?.stringValue ?? "" {
        case "In": return value.map(values.contains) ?? false
        case "NotIn": return value.map { !values.contains($0) } ?? true
        case "Exists": return value != nil
        case "DoesNotExist": return value == nil
        case "Gt", "Lt":
            guard values.count == 1, let bound = Int64(values[0]), let v = value.flatMap({ Int64($0) }) else { return false }
            return r["operator"]?.stringValue == "Gt" ? v > bound : v < bound
        default: return false
        }
    }

    /// The node a DaemonSet pod is pinned to by `matchFields metadata.name In [node]`, else its `nodeName`.
    static func pinnedNode(_ pod: Value) -> String? {
        if let n = pod["spec"]?["nodeName"]?.stringValue, !n.isEmpty { return n }
        let terms = pod["spec"]?["affinity"]?["nodeAffinity"]?["requiredDuringSchedulingIgnoredDuringExecution"]?["nodeSelectorTerms"]?.listValue ?? []
        for t in terms {
            for f in t["matchFields"]?.listValue ?? [] where f["key"]?.stringValue == "metadata.name" && f["operator"]?.stringValue == "In" {
                if let values = f["values"]?.listValue, values.count == 1, let n = values[0].stringValue { return n }
            }
        }
        return nil
    }
}
