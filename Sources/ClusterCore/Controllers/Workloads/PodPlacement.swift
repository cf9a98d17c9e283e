import ClusterAPI
import StructuredData

/// Where pods already run, for the scheduler's required pod anti-affinity (`InterPodAffinity`
/// filter): a node fails when a pod in the same topology domain (same value of the term's
/// `topologyKey` label, e.g. `kubernetes.io/hostname`) matches one of the incoming pod's required
/// anti-affinity terms, or when the incoming pod matches a term of such a pod.
struct PodPlacement {
    private(set) var byNode: [String: [Value]] = [:]
    /// Pods that carry required anti-affinity terms, with their node.
    private var withTerms: [(pod: Value, node: String)] = []

    static func terms(_ pod: Value) -> [Value] {
        pod["spec"]?["affinity"]?["podAntiAffinity"]?["requiredDuringSchedulingIgnoredDuringExecution"]?.listValue ?? []
    }

    mutating func add(_ pod: Value, node: String) {
        byNode[node, default: []].append(pod)
        if !Self.terms(pod).isEmpty { withTerms.append((pod, node)) }
    }

    /// Whether a term (of a pod in `ownerNamespace`) selects `candidate`.
    static func selects(_ term: Value, ownerNamespace: String, candidate: Value) -> Bool {
        let namespaces = (term["namespaces"]?.listValue ?? []).compactMap(\.stringValue)
        let ns = candidate.namespace ?? ""
        if namespaces.isEmpty ? ns != ownerNamespace : !namespaces.contains(ns) {
            // `namespaceSelector: {}` selects every namespace.
            guard case .map(let m)? = term["namespaceSelector"], m.isEmpty else { return false }
        }
        guard let selector = try? LabelSelector(object: term["labelSelector"]), term["labelSelector"] != nil else { return false }
        return selector.matches(object: candidate)
    }

    func antiAffinityFailure(_ pod: Value, node: Value, nodes: [String: Value]) -> [String]? {
        let own = Self.terms(pod)
        let ns = pod.namespace ?? ""
        for term in own {
            guard let key = term["topologyKey"]?.stringValue, let domain = node.labels[key] else { continue }
            for (name, pods) in byNode where nodes[name]?.labels[key] == domain {
                if pods.contains(where: { Workload.isActive($0) && Self.selects(term, ownerNamespace: ns, candidate: $0) }) {
                    return ["node(s) didn't match pod anti-affinity rules"]
                }
            }
        }
        for (other, otherNode) in withTerms where Workload.isActive(other) {
            for term in Self.terms(other) {
                guard let key = term["topologyKey"]?.stringValue, let domain = node.labels[key],
                      nodes[otherNode]?.labels[key] == domain,
                      Self.selects(term, ownerNamespace: other.namespace ?? "", candidate: pod)
                else { continue }
                return ["node(s) didn't satisfy existing pods anti-affinity rules"]
            }
        }
        return nil
    }
}
