import ClusterAPI
import StructuredData

/// The root CA publisher: every active namespace has a `kube-root-ca.crt` ConfigMap holding the
/// cluster CA (`ca.crt`), which projected service-account volumes mount.
enum RootCAPublisher {
    static let name = "kube-root-ca.crt"
    static let description = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints "
        + "such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."

    static func reconcile(_ view: WorkloadView, ca: String?) -> [WorkloadAction] {
        guard let ca, !ca.isEmpty else { return [] }
        var existing: [String: Reconciler.Stored] = [:]
        for cm in view.of("", "configmaps") where cm.object.name == name { existing[cm.namespace ?? ""] = cm }
        return view.of("", "namespaces").compactMap { ns in
            let namespace = ns.object.name
            guard !ns.object.isBeingDeleted, !namespace.isEmpty else { return nil }
            let data: Value = .map(["ca.crt": .string(ca)])
            guard let current = existing[namespace] else {
                return .create(group: "", plural: "configmaps", namespace: namespace, object: .map([
                    "apiVersion": "v1", "kind": "ConfigMap",
                    "metadata": .map(["name": .string(name), "namespace": .string(namespace),
                                      "annotations": .map(["kubernetes.io/description": .string(description)])]),
                    "data": data,
                ]))
            }
            guard current.object["data"] != data, !current.object.isBeingDeleted else { return nil }
            return .update(current) { o in o.setField("data", data) }
        }
    }
}
