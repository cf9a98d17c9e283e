import StructuredData

/// What node-backed pod subresources (log, exec, attach) resolve first: the kubelet serving the
/// pod's node and the container the request names.
extension APIHandler {
    /// The agent of the node the pod is bound to (400 when unbound, 503 when no kubelet serves it).
    func podAgent(_ pod: Value) throws -> any NodeAgent {
        let node = pod["spec"]?["nodeName"]?.stringValue ?? ""
        if node.isEmpty { throw StatusError.badRequest("pod \(pod.name) does not have a host assigned") }
        guard let agent = config.nodeAgents.agent(node) else {
            throw StatusError(code: 503, reason: "ServiceUnavailable", message: "no kubelet serves node \(node)")
        }
        return agent
    }

    /// The `container` parameter checked against the pod's containers and init containers; without
    /// one, `unnamed` decides (the only container for logs, the first one for exec and attach).
    func podContainer(_ pod: Value, _ r: APIRequest, unnamed: ([String]) throws -> String) throws -> String {
        let names = (pod["spec"]?["containers"]?.listValue ?? []).compactMap { $0["name"]?.stringValue }
        let initNames = (pod["spec"]?["initContainers"]?.listValue ?? []).compactMap { $0["name"]?.stringValue }
        if let c = r.param("container"), !c.isEmpty {
            guard names.contains(c) || initNames.contains(c) else {
                throw StatusError.badRequest("container \(c) is not valid for pod \(pod.name)")
            }
            return c
        }
        return try unnamed(names)
    }
}
