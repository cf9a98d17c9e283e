/// The built-in resources the bundled cluster serves, with names, verbs, categories and subresources as
/// kube-apiserver 1.32 reports them in discovery (see reference/kubernetes-api.md §1.4).

extension SubresourceInfo {
    static let rwVerbs = ["get", "patch", "update"]
    static let proxyVerbs = ["create", "delete", "get", "patch", "update"]

    static func status(_ kind: String) -> SubresourceInfo { SubresourceInfo(name: "status", kind: kind, verbs: rwVerbs) }

    /// `autoscaling/v1 Scale`, shared by every scalable kind.
    static let scale = SubresourceInfo(name: "scale", kind: "Scale", group: "autoscaling", version: "v1", verbs: rwVerbs)
}

enum BuiltInResources {
    typealias S = SubresourceInfo

    static let core: [ResourceInfo] = [
        ResourceInfo(group: "", version: "v1", kind: "Binding", plural: "bindings", namespaced: true,
                     verbs: ["create"]),
        ResourceInfo(group: "", version: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true,
                     shortNames: ["cm"]),
        ResourceInfo(group: "", version: "v1", kind: "Endpoints", plural: "endpoints", singular: "endpoints",
                     namespaced: true, shortNames: ["ep"]),
        ResourceInfo(group: "", version: "v1", kind: "Event", plural: "events", namespaced: true, shortNames: ["ev"]),
        ResourceInfo(group: "", version: "v1", kind: "LimitRange", plural: "limitranges", namespaced: true,
                     shortNames: ["limits"]),
        ResourceInfo(group: "", version: "v1", kind: "Namespace", plural: "namespaces", namespaced: false,
                     shortNames: ["ns"], verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
                     subresources: [S(name: "finalize", kind: "Namespace", verbs: ["update"]), .status("Namespace")]),
        ResourceInfo(group: "", version: "v1", kind: "Node", plural: "nodes", namespaced: false, shortNames: ["no"],
                     subresources: [S(name: "proxy", kind: "NodeProxyOptions", verbs: S.proxyVerbs), .status("Node")]),
        ResourceInfo(group: "", version: "v1", kind: "PersistentVolumeClaim", plural: "persistentvolumeclaims",
                     namespaced: true, shortNames: ["pvc"], subresources: [.status("PersistentVolumeClaim")]),
        ResourceInfo(group: "", version: "v1", kind: "PersistentVolume", plural: "persistentvolumes",
                     namespaced: false, shortNames: ["pv"], subresources: [.status("PersistentVolume")]),
        ResourceInfo(group: "", version: "v1", kind: "Pod", plural: "pods", namespaced: true, shortNames: ["po"],
                     categories: ["all"],
                     subresources: [
                        S(name: "attach", kind: "PodAttachOptions", verbs: ["create", "get"]),
                        S(name: "binding", kind: "Binding", verbs: ["create"]),
                        S(name: "ephemeralcontainers", kind: "Pod", verbs: S.rwVerbs),
                        S(name: "eviction", kind: "Eviction", group: "policy", version: "v1", verbs: ["create"]),
                        S(name: "exec", kind: "PodExecOptions", verbs: ["create", "get"]),
                        S(name: "log", kind: "Pod", verbs: ["get"]),
                        S(name: "portforward", kind: "PodPortForwardOptions", verbs: ["create", "get"]),
                        S(name: "proxy", kind: "PodProxyOptions", verbs: S.proxyVerbs),
                        .status("Pod"),
                     ]),
        ResourceInfo(group: "", version: "v1", kind: "ReplicationController", plural: "replicationcontrollers",
                     namespaced: true, shortNames: ["rc"], categories: ["all"],
                     subresources: [.scale, .status("ReplicationController")]),
        ResourceInfo(group: "", version: "v1", kind: "ResourceQuota", plural: "resourcequotas", namespaced: true,
                     shortNames: ["quota"], subresources: [.status("ResourceQuota")]),
        ResourceInfo(group: "", version: "v1", kind: "Secret", plural: "secrets", namespaced: true),
        ResourceInfo(group: "", version: "v1", kind: "ServiceAccount", plural: "serviceaccounts", namespaced: true,
                     shortNames: ["sa"],
                     subresources: [S(name: "token", kind: "TokenRequest", group: "authentication.k8s.io",
                                      version: "v1", verbs: ["create"])]),
        ResourceInfo(group: "", version: "v1", kind: "Service", plural: "services", namespaced: true,
                     shortNames: ["svc"], categories: ["all"],
                     subresources: [S(name: "proxy", kind: "ServiceProxyOptions", verbs: S.proxyVerbs),
                                    .status("Service")]),
    ]

    static func apps(_ v: String) -> [ResourceInfo] {
        [
            ResourceInfo(group: "apps", version: v, kind: "ControllerRevision", plural: "controllerrevisions",
                         namespaced: true),
            ResourceInfo(group: "apps", version: v, kind: "DaemonSet", plural: "daemonsets", namespaced: true,
                         shortNames: ["ds"], categories: ["all"], subresources: [.status("DaemonSet")]),
            ResourceInfo(group: "apps", version: v, kind: "Deployment", plural: "deployments", namespaced: true,
                         shortNames: ["deploy"], categories: ["all"], subresources: [.scale, .status("Deployment")]),
            ResourceInfo(group: "apps", version: v, kind: "ReplicaSet", plural: "replicasets", namespaced: true,
                         shortNames: ["rs"], categories: ["all"], subresources: [.scale, .status("ReplicaSet")]),
            ResourceInfo(group: "apps", version: v, kind: "StatefulSet", plural: "statefulsets", namespaced: true,
                         shortNames: ["sts"], categories: ["all"], subresources: [.scale, .status("StatefulSet")]),
        ]
    }

    static func hpa(_ v: String) -> ResourceInfo {
        ResourceInfo(group: "autoscaling", version: v, kind: "HorizontalPodAutoscaler",
                     plural: "horizontalpodautoscalers", namespaced: true, shortNames: ["hpa"], categories: ["all"],
                     subresources: [.status("HorizontalPodAutoscaler")])
    }

    /// Every built-in resource, grouped in the order kube-apiserver lists groups in `/apis` (core first);
    /// within a group the preferred version comes first, within a version resources sort by name.
    static let all: [ResourceInfo] = core + apps("v1") + [
        ResourceInfo(group: "events.k8s.io", version: "v1", kind: "Event", plural: "events", namespaced: true,
                     shortNames: ["ev"]),
        hpa("v2"), hpa("v1"),
        ResourceInfo(group: "batch", version: "v1", kind: "CronJob", plural: "cronjobs", namespaced: true,
                     shortNames: ["cj"], categories: ["all"], subresources: [.status("CronJob")]),
        ResourceInfo(group: "batch", version: "v1", kind: "Job", plural: "jobs", namespaced: true,
                     categories: ["all"], subresources: [.status("Job")]),
        ResourceInfo(group: "networking.k8s.io", version: "v1", kind: "IngressClass", plural: "ingressclasses",
                     namespaced: false),
        ResourceInfo(group: "networking.k8s.io", version: "v1", kind: "Ingress", plural: "ingresses",
                     namespaced: true, shortNames: ["ing"], subresources: [.status("Ingress")]),
        ResourceInfo(group: "networking.k8s.io", version: "v1", kind: "NetworkPolicy", plural: "networkpolicies",
                     singular: "networkpolicy", namespaced: true, shortNames: ["netpol"]),
        ResourceInfo(group: "policy", version: "v1", kind: "PodDisruptionBudget", plural: "poddisruptionbudgets",
                     namespaced: true, shortNames: ["pdb"], subresources: [.status("PodDisruptionBudget")]),
        ResourceInfo(group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRoleBinding",
                     plural: "clusterrolebindings", namespaced: false),
        ResourceInfo(group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRole", plural: "clusterroles",
                     namespaced: false),
        ResourceInfo(group: "rbac.authorization.k8s.io", version: "v1", kind: "RoleBinding", plural: "rolebindings",
                     namespaced: true),
        ResourceInfo(group: "rbac.authorization.k8s.io", version: "v1", kind: "Role", plural: "roles",
                     namespaced: true),
        ResourceInfo(group: "storage.k8s.io", version: "v1", kind: "CSIDriver", plural: "csidrivers",
                     namespaced: false),
        ResourceInfo(group: "storage.k8s.io", version: "v1", kind: "StorageClass", plural: "storageclasses",
                     namespaced: false, shortNames: ["sc"]),
        ResourceInfo(group: "apiextensions.k8s.io", version: "v1", kind: "CustomResourceDefinition",
                     plural: "customresourcedefinitions", namespaced: false, shortNames: ["crd", "crds"],
                     categories: ["api-extensions"], subresources: [.status("CustomResourceDefinition")]),
        ResourceInfo(group: "scheduling.k8s.io", version: "v1", kind: "PriorityClass", plural: "priorityclasses",
                     namespaced: false, shortNames: ["pc"]),
        ResourceInfo(group: "coordination.k8s.io", version: "v1", kind: "Lease", plural: "leases", namespaced: true),
        ResourceInfo(group: "discovery.k8s.io", version: "v1", kind: "EndpointSlice", plural: "endpointslices",
                     namespaced: true),
    ]
}
