import StructuredData

/// Printers for networking, storage, RBAC, coordination and scheduling kinds.
enum ClusterPrinters {
    static let ingress = Printer(
        [.name, .string("Class", "The name of the IngressClass resource that should be used for additional configuration"),
         .string("Hosts", "Hosts that incoming requests are matched against before the ingress rule"),
         .string("Address", "Address is a list containing ingress points for the load-balancer"),
         .string("Ports", "Ports of TLS configurations that open"), .age]
    ) { o, now in
        let rules = o["spec", "rules"].list
        var hosts: [String] = []
        var more = false
        for r in rules {
            if hosts.count == 3 { more = true }
            if !more, !r["host"].string.isEmpty { hosts.append(r["host"].string) }
        }
        var hostText = hosts.isEmpty ? "*" : hosts.joined(separator: ",")
        if more, !hosts.isEmpty { hostText += " + \(rules.count - 3) more..." }
        let ports = o["spec", "tls"].list.isEmpty ? "80" : "80, 443"
        return [o.nameCell, .string(o["spec", "ingressClassName"].optionalString ?? "<none>"), .string(hostText),
                .string(CorePrinters.loadBalancer(o["status", "loadBalancer"])), .string(ports), o.age(now)]
    }

    static let ingressClass = Printer(
        [.name, .string("Controller", "Controller that is responsible for handling this class"),
         .string("Parameters", "A reference to a resource with additional parameters"), .age]
    ) { o, now in
        var params = "<none>"
        let p = o["spec", "parameters"]
        if p.exists {
            params = p["kind"].string
            if let g = p["apiGroup"].optionalString { params += "." + g }
            params += "/" + p["name"].string
        }
        return [o.nameCell, .string(o["spec", "controller"].string), .string(params), o.age(now)]
    }

    static let networkPolicy = Printer(
        [.name, .string("Pod-Selector", "podSelector selects the pods to which this NetworkPolicy object applies. The array of rules is applied to any pods selected by this field. An empty selector matches all pods in the policy's namespace. Multiple network policies can select the same set of pods. In this case, the ingress rules for each are combined additively. This field is NOT optional and follows standard label selector semantics. An empty podSelector matches all pods in this namespace."),
         .age]
    ) { o, now in
        [o.nameCell, .string(WorkloadPrinters.formatSelector(o["spec", "podSelector"])), o.age(now)]
    }

    static let storageClass = Printer(
        [.name, .string("Provisioner", "provisioner indicates the type of the provisioner."),
         .string("ReclaimPolicy", "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete."),
         .string("VolumeBindingMode", "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used. This field is only honored by servers that enable the VolumeScheduling feature."),
         .string("AllowVolumeExpansion", "allowVolumeExpansion shows whether the storage class allow volume expand."), .age]
    ) { o, now in
        var name = o["metadata", "name"].string
        let ann = o["metadata", "annotations"]
        if ann["storageclass.kubernetes.io/is-default-class"].string == "true"
            || ann["storageclass.beta.kubernetes.io/is-default-class"].string == "true"
        {
            name += " (default)"
        }
        return [.string(name), .string(o["provisioner"].string), .string(o["reclaimPolicy"].optionalString ?? "Delete"),
                .string(o["volumeBindingMode"].optionalString ?? "Immediate"),
                .bool(o["allowVolumeExpansion"].bool ?? false), o.age(now)]
    }

    static let csiDriver = Printer(
        [.name,
         TableColumn(name: "AttachRequired", type: "boolean", description: "attachRequired indicates this CSI volume driver requires an attach operation (because it implements the CSI ControllerPublishVolume() method), and that the Kubernetes attach detach controller should call the attach volume interface which checks the volumeattachment status and waits until the volume is attached before proceeding to mounting."),
         TableColumn(name: "PodInfoOnMount", type: "boolean", description: "podInfoOnMount indicates this CSI volume driver requires additional pod information (like podName, podUID, etc.) during mount operations."),
         TableColumn(name: "StorageCapacity", type: "boolean", description: "storageCapacity indicates that the CSI volume driver wants pod scheduling to consider the storage capacity that the driver deployment will report by creating CSIStorageCapacity objects with capacity information, if set to true."),
         .string("TokenRequests", "tokenRequests indicates the CSI driver needs pods' service account tokens it is mounting volume for to do necessary authentication."),
         TableColumn(name: "RequiresRepublish", type: "boolean", description: "requiresRepublish indicates the CSI driver wants `NodePublishVolume` being periodically called to reflect any possible change in the mounted volume."),
         .string("Modes", "volumeLifecycleModes defines what kind of volumes this CSI volume driver supports."), .age]
    ) { o, now in
        let s = o["spec"]
        let audiences = s["tokenRequests"].list.map { $0["audience"].string }
        let modes = s["volumeLifecycleModes"].list.map(\.string)
        return [o.nameCell, .bool(s["attachRequired"].bool ?? true), .bool(s["podInfoOnMount"].bool ?? false),
                .bool(s["storageCapacity"].bool ?? false),
                .string(audiences.isEmpty ? "<unset>" : audiences.joined(separator: ",")),
                .bool(s["requiresRepublish"].bool ?? false),
                .string(modes.isEmpty ? "<none>" : modes.joined(separator: ",")), o.age(now)]
    }

    static let role = Printer([.name, .createdAt]) { o, _ in
        [o.nameCell, TableTime.parse(o["metadata", "creationTimestamp"].string).map { .string(TableTime.format($0)) } ?? .null]
    }

    static func roleBinding(_ what: String) -> Printer {
        Printer(
            [.name, .string("Role", "Role of the \(what)"), .age,
             .string("Users", "Users in the \(what)", wide: true), .string("Groups", "Groups in the \(what)", wide: true),
             .string("ServiceAccounts", "ServiceAccounts in the \(what)", wide: true)]
        ) { o, now in
            var users: [String] = [], groups: [String] = [], sas: [String] = []
            for s in o["subjects"].list {
                switch s["kind"].string {
                case "User": users.append(s["name"].string)
                case "Group": groups.append(s["name"].string)
                case "ServiceAccount": sas.append("\(s["namespace"].string)/\(s["name"].string)")
                default: break
                }
            }
            return [o.nameCell, .string("\(o["roleRef", "kind"].string)/\(o["roleRef", "name"].string)"), o.age(now),
                    .string(users.joined(separator: ", ")), .string(groups.joined(separator: ", ")),
                    .string(sas.joined(separator: ", "))]
        }
    }

    static let lease = Printer(
        [.name, .string("Holder", "holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader Election is used, the holder identity must be equal to the elected LeaseCandidate.metadata.name field."),
         .age]
    ) { o, now in
        [o.nameCell, .string(o["spec", "holderIdentity"].string), o.age(now)]
    }

    static let priorityClass = Printer(
        [.name,
         .integer("Value", "value represents the integer value of this priority class. This is the actual priority that pods receive when they have the name of this class in their pod spec."),
         TableColumn(name: "Global-Default", type: "boolean", description: "globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class. Only one PriorityClass can be marked as `globalDefault`. However, if more than one PriorityClasses exists with their `globalDefault` field set to true, the smallest value of such global default PriorityClasses will be used as the default priority."),
         .age,
         .string("PreemptionPolicy", "preemptionPolicy is the Policy for preempting pods with lower priority. One of Never, PreemptLowerPriority. Defaults to PreemptLowerPriority if unset.")]
    ) { o, now in
        [o.nameCell, .int(o["value"].intOrZero), .bool(o["globalDefault"].bool ?? false), o.age(now),
         .string(o["preemptionPolicy"].string)]
    }
}

/// The printer registry, keyed by group and kind.
enum Printers {
    static let byKind: [String: Printer] = [
        "/Pod": PodPrinter.printer,
        "/Service": CorePrinters.service,
        "/Node": CorePrinters.node,
        "/Namespace": CorePrinters.namespace,
        "/ConfigMap": CorePrinters.configMap,
        "/Secret": CorePrinters.secret,
        "/ServiceAccount": CorePrinters.serviceAccount,
        "/Event": CorePrinters.event,
        "events.k8s.io/Event": CorePrinters.eventsV1,
        "/Endpoints": CorePrinters.endpoints,
        "/PersistentVolume": CorePrinters.persistentVolume,
        "/PersistentVolumeClaim": CorePrinters.persistentVolumeClaim,
        "/LimitRange": CorePrinters.limitRange,
        "/ResourceQuota": CorePrinters.resourceQuota,
        "/ReplicationController": WorkloadPrinters.replicationController,
        "discovery.k8s.io/EndpointSlice": CorePrinters.endpointSlice,
        "apps/Deployment": WorkloadPrinters.deployment,
        "apps/ReplicaSet": WorkloadPrinters.replicaSet,
        "apps/StatefulSet": WorkloadPrinters.statefulSet,
        "apps/DaemonSet": WorkloadPrinters.daemonSet,
        "apps/ControllerRevision": WorkloadPrinters.controllerRevision,
        "batch/Job": WorkloadPrinters.job,
        "batch/CronJob": WorkloadPrinters.cronJob,
        "autoscaling/HorizontalPodAutoscaler": WorkloadPrinters.hpa,
        "policy/PodDisruptionBudget": WorkloadPrinters.pdb,
        "networking.k8s.io/Ingress": ClusterPrinters.ingress,
        "networking.k8s.io/IngressClass": ClusterPrinters.ingressClass,
        "networking.k8s.io/NetworkPolicy": ClusterPrinters.networkPolicy,
        "storage.k8s.io/StorageClass": ClusterPrinters.storageClass,
        "storage.k8s.io/CSIDriver": ClusterPrinters.csiDriver,
        "rbac.authorization.k8s.io/Role": ClusterPrinters.role,
        "rbac.authorization.k8s.io/ClusterRole": ClusterPrinters.role,
        "rbac.authorization.k8s.io/RoleBinding": ClusterPrinters.roleBinding("roleBinding"),
        "rbac.authorization.k8s.io/ClusterRoleBinding": ClusterPrinters.roleBinding("clusterRoleBinding"),
        "coordination.k8s.io/Lease": ClusterPrinters.lease,
        "scheduling.k8s.io/PriorityClass": ClusterPrinters.priorityClass,
    ]

    static func printer(for r: ResourceInfo) -> Printer? { byKind["\(r.group)/\(r.kind)"] }
}
