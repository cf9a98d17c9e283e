import ClusterAPI
import StructuredData

/// The service account controller: every active namespace has a `default` ServiceAccount.
enum ServiceAccountController {
    static func reconcile(_ view: WorkloadView) -> [WorkloadAction] {
        let existing = Set(view.of("", "serviceaccounts").filter { $0.object.name == "default" }.compactMap(\.namespace))
        return view.of("", "namespaces").compactMap { ns in
            let name = ns.object.name
            guard !ns.object.isBeingDeleted, !name.isEmpty, !existing.contains(name) else { return nil }
            return .create(group: "", plural: "serviceaccounts", namespace: name, object: .map([
                "apiVersion": "v1", "kind": "ServiceAccount", "metadata": .map(["name": "default", "namespace": .string(name)]),
            ]))
        }
    }
}
