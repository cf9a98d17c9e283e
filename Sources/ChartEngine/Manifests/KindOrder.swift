/// Kubernetes kinds in the order Helm installs and uninstalls them (`releaseutil/kind_sorter.go`).
public enum KindOrder {
    public static let install: [String] = [
        "PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
        "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass",
        "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole",
        "ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding",
        "RoleBindingList", "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
        "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService",
        "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
    ]

    public static let uninstall: [String] = [
        "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "APIService", "Ingress",
        "IngressClass", "Service", "CronJob", "Job", "StatefulSet", "HorizontalPodAutoscaler", "Deployment",
        "ReplicaSet", "ReplicationController", "Pod", "DaemonSet", "RoleBindingList", "RoleBinding", "RoleList",
        "Role", "ClusterRoleBindingList", "ClusterRoleBinding", "ClusterRoleList", "ClusterRole",
        "CustomResourceDefinition", "PersistentVolumeClaim", "PersistentVolume", "StorageClass", "ConfigMap",
        "SecretList", "Secret", "ServiceAccount", "PodDisruptionBudget", "PodSecurityPolicy", "LimitRange",
        "ResourceQuota", "NetworkPolicy", "Namespace", "PriorityClass",
    ]

    /// Stable sort by kind: known kinds in `order`, then unknown kinds alphabetically (`""` first).
    public static func sorted<T>(_ items: [T], by order: [String] = install, kind: (T) -> String) -> [T] {
        var rank: [String: Int] = [:]
        for (i, k) in order.enumerated() where rank[k] == nil { rank[k] = i }
        let indexed = items.enumerated().map { (offset: $0.offset, item: $0.element, kind: kind($0.element)) }
        return indexed.sorted { a, b in
            let ra = rank[a.kind], rb = rank[b.kind]
            switch (ra, rb) {
            case (nil, nil):
                if a.kind != b.kind { return a.kind.utf8.lexicographicallyPrecedes(b.kind.utf8) }
            case (nil, _?): return false
            case (_?, nil): return true
            case (let x?, let y?):
                if x != y { return x < y }
            }
            return a.offset < b.offset
        }.map(\.item)
    }
}
