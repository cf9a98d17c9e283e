import NIOHTTP1
import StructuredData

/// The kubelet's way to the API: requests go straight to the in-process handler (the kubelet runs in
/// the API server's process), as the node's own user.
struct KubeletAPI: Sendable {
    let handler: APIHandler
    let user: String

    struct Reply: Sendable {
        var code: Int
        var body: Value
        var ok: Bool { (200..<300).contains(code) }
        var message: String { body["message"]?.stringValue ?? "HTTP \(code)" }
    }

    func call(_ method: HTTPMethod, _ uri: String, _ body: Value? = nil, contentType: String = "application/json") async -> Reply {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: uri)
        head.headers.add(name: "Content-Type", value: contentType)
        head.headers.add(name: "Accept", value: "application/json")
        head.headers.add(name: "User-Agent", value: "helmctl-kubelet/1.0")
        let bytes = body.map { Array(JSON.encode($0, escapeHTML: false).utf8) } ?? []
        switch await handler.handle(head: head, body: bytes, identity: .user(user)) {
        case .full(let status, _, let b, _):
            return Reply(code: Int(status.code), body: (try? JSON.decodeKeepingIntegers(b)) ?? .null)
        case .stream:
            return Reply(code: 500, body: .null)
        }
    }

    /// Renews (or creates) the node's Lease in `kube-node-lease`: the heartbeat node lifecycle reads.
    func renewLease(node: String, now: Int64) async {
        let path = "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/\(node)"
        let renew = Value.string(Kubelet.microTime(now))
        let lease = await call(.GET, path)
        if lease.ok {
            var l = lease.body
            l.set(path: ["spec", "renewTime"], to: renew)
            _ = await call(.PUT, path, l)
        } else {
            let l: Value = .map([
                "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                "metadata": .map(["name": .string(node), "namespace": "kube-node-lease"]),
                "spec": .map(["holderIdentity": .string(node), "leaseDurationSeconds": 40, "renewTime": renew]),
            ])
            _ = await call(.POST, "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", l)
        }
    }

    static func podPath(_ namespace: String, _ name: String) -> String {
        "/api/v1/namespaces/\(namespace)/pods/\(name)"
    }
}
