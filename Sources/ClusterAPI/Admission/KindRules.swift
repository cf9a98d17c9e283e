import StructuredData

/// Per-kind validation: how `metadata.name` is checked, whether the kind is namespaced, and the
/// strategy's own checks.
struct KindRule: Sendable {
    typealias Validator = @Sendable ([String: Value], [String: Value]?, GroupVersionKind) -> [FieldCause]
    let name: NameRule
    let namespaced: Bool
    let validate: Validator
}

enum KindRules {
    static func rule(for gvk: GroupVersionKind) -> KindRule? { table["\(gvk.group)/\(gvk.kind)"] }

    private static func ns(_ name: NameRule = .dns1123Subdomain, _ v: @escaping KindRule.Validator = ResourceValidation.none) -> KindRule {
        KindRule(name: name, namespaced: true, validate: v)
    }

    private static func cluster(_ name: NameRule = .dns1123Subdomain, _ v: @escaping KindRule.Validator = ResourceValidation.none) -> KindRule {
        KindRule(name: name, namespaced: false, validate: v)
    }

    private static let table: [String: KindRule] = [
        "/Pod": ns(.dns1123Subdomain) { o, old, _ in PodValidation.pod(o, old: old) },
        "/PodTemplate": ns(.dns1123Subdomain) { o, _, _ in PodValidation.template(V.map(o["template"]), path: "template") },
        "/ReplicationController": ns(.dns1123Subdomain, WorkloadValidation.replicationController),
        "/Service": ns(.dns1035Label, ServiceValidation.validate),
        "/ConfigMap": ns(.dns1123Subdomain, ConfigValidation.configMap),
        "/Secret": ns(.dns1123Subdomain, ConfigValidation.secret),
        "/ServiceAccount": ns(),
        "/Endpoints": ns(),
        "/Event": ns(.dns1123Subdomain, ResourceValidation.event),
        "/PersistentVolumeClaim": ns(.dns1123Subdomain, ResourceValidation.persistentVolumeClaim),
        "/LimitRange": ns(),
        "/ResourceQuota": ns(),
        "/Namespace": cluster(.dns1123Label),
        "/Node": cluster(),
        "/PersistentVolume": cluster(),
        "apps/Deployment": ns(.dns1123Subdomain, WorkloadValidation.deployment),
        "apps/ReplicaSet": ns(.dns1123Subdomain, WorkloadValidation.replicaSet),
        "apps/StatefulSet": ns(.dns1123Label, WorkloadValidation.statefulSet),
        "apps/DaemonSet": ns(.dns1123Subdomain, WorkloadValidation.daemonSet),
        "apps/ControllerRevision": ns(),
        "batch/Job": ns(.dns1123Subdomain, WorkloadValidation.job),
        "batch/CronJob": ns(.dns1123Subdomain, WorkloadValidation.cronJob),
        "autoscaling/HorizontalPodAutoscaler": ns(.dns1123Subdomain, ResourceValidation.horizontalPodAutoscaler),
        "policy/PodDisruptionBudget": ns(.dns1123Subdomain, ResourceValidation.podDisruptionBudget),
        "networking.k8s.io/Ingress": ns(.dns1123Subdomain, ResourceValidation.ingress),
        "networking.k8s.io/IngressClass": cluster(),
        "networking.k8s.io/NetworkPolicy": ns(.dns1123Subdomain, ResourceValidation.networkPolicy),
        "discovery.k8s.io/EndpointSlice": ns(),
        "coordination.k8s.io/Lease": ns(.dns1123Subdomain, ResourceValidation.lease),
        "events.k8s.io/Event": ns(),
        "storage.k8s.io/StorageClass": cluster(.dns1123Subdomain, ResourceValidation.storageClass),
        "storage.k8s.io/CSIDriver": cluster(),
        "scheduling.k8s.io/PriorityClass": cluster(.dns1123Subdomain, ResourceValidation.priorityClass),
        "rbac.authorization.k8s.io/Role": ns(.pathSegment, ResourceValidation.role),
        "rbac.authorization.k8s.io/ClusterRole": cluster(.pathSegment, ResourceValidation.role),
        "rbac.authorization.k8s.io/RoleBinding": ns(.pathSegment, ResourceValidation.roleBinding),
        "rbac.authorization.k8s.io/ClusterRoleBinding": cluster(.pathSegment, ResourceValidation.roleBinding),
        "apiextensions.k8s.io/CustomResourceDefinition": cluster(.customResourceDefinition, ResourceValidation.customResourceDefinition),
        "admissionregistration.k8s.io/ValidatingWebhookConfiguration": cluster(),
        "admissionregistration.k8s.io/MutatingWebhookConfiguration": cluster(),
        "apiregistration.k8s.io/APIService": cluster(),
    ]
}
