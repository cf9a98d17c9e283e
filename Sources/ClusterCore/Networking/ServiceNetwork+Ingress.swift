import NIOHTTP1
import StructuredData

/// The Ingress controller as a Service, as k3s exposes Traefik: `kube-system/helmctl-ingress` (port
/// 80, no selector) whose Endpoints point at the controller's listener on the host. Pods reach the
/// Ingress through its ClusterIP or DNS name (`helmctl-ingress.kube-system`); the Service proxy
/// forwards to the listener the way it forwards `default/kubernetes` to the API server.
extension ServiceNetwork {
    static let ingressServiceNamespace = "kube-system"
    static let ingressServiceName = "helmctl-ingress"

    /// Creates the Service when missing and points its Endpoints at the bound listener; with no
    /// listener (Ingress off, or its port was busy) the Endpoints go, so nothing forwards to a port
    /// another program may hold.
    func publishIngressService() async {
        let (ns, name) = (Self.ingressServiceNamespace, Self.ingressServiceName)
        guard let port = ingressPort else {
            let reply = await api.call(.DELETE, "/api/v1/namespaces/\(ns)/endpoints/\(name)")
            if !reply.ok && reply.code != 404 { log("ingress controller: cannot remove the \(name) Endpoints: \(reply.message)") }
            return
        }
        let service: Value = .map([
            "apiVersion": "v1", "kind": "Service",
            "metadata": .map(["name": .string(name), "namespace": .string(ns),
                              "labels": .map(["app.kubernetes.io/name": .string(name), "app.kubernetes.io/component": "controller"])]),
            "spec": .map([
                "type": "ClusterIP",
                "ports": .list([.map(["name": "http", "port": 80, "protocol": "TCP", "targetPort": .int(Int64(port))])]),
            ]),
        ])
        let made = await api.call(.POST, "/api/v1/namespaces/\(ns)/services", service)
        if !made.ok && made.code != 409 { log("ingress controller: cannot create the \(name) Service: \(made.message)") }
        let host = configuration.ingressHost == "0.0.0.0" ? "127.0.0.1" : configuration.ingressHost
        await publishEndpoints(namespace: ns, name: name, address: ServiceBackend(ip: host, port: port), portName: "http")
    }

    /// Creates or updates the Endpoints `namespace/name` (of a Service without a selector) to one
    /// address and port.
    func publishEndpoints(namespace: String, name: String, address: ServiceBackend, portName: String) async {
        let subsets: Value = .list([.map([
            "addresses": .list([.map(["ip": .string(address.ip)])]),
            "ports": .list([.map(["name": .string(portName), "port": .int(Int64(address.port)), "protocol": "TCP"])]),
        ])])
        let path = "/api/v1/namespaces/\(namespace)/endpoints/\(name)"
        let current = await api.call(.GET, path)
        if current.ok {
            guard current.body["subsets"] != subsets else { return }
            var updated = current.body
            updated.setField("subsets", subsets)
            let reply = await api.call(.PUT, path, updated)
            if !reply.ok { log("service network: cannot update the \(namespace)/\(name) Endpoints: \(reply.message)") }
        } else {
            let object: Value = .map(["apiVersion": "v1", "kind": "Endpoints",
                                      "metadata": .map(["name": .string(name), "namespace": .string(namespace)]), "subsets": subsets])
            let reply = await api.call(.POST, "/api/v1/namespaces/\(namespace)/endpoints", object)
            if !reply.ok && reply.code != 409 { log("service network: cannot create the \(namespace)/\(name) Endpoints: \(reply.message)") }
        }
    }
}
