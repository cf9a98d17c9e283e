import ClusterAPI
import StructuredData

/// The PersistentVolume controller: binds claims to volumes (static ones matched by class, size,
/// access modes, volume mode and selector; or volumes the `local-path` provisioner makes as host
/// directories), honours `volumeBindingMode` (Immediate, WaitForFirstConsumer), keeps phases, runs
/// the reclaim policy when a claim goes (Delete removes the volume and its directory, Retain marks
/// it Released) and the `kubernetes.io/pvc-protection` finalizer. Pure: file work is returned in
/// the plan for the caller to carry out.
enum PersistentVolumeBinder {
    static let provisioner = "helmctl.io/local-path"
    static let defaultClassName = "local-path"
    static let protectionFinalizer = "kubernetes.io/pvc-protection"
    static let selectedNode = "volume.kubernetes.io/selected-node"
    static let controllerName = "persistentvolume-controller"

    /// Actions plus the host directories to create (before the actions) and remove (after).
    struct Plan: Sendable {
        var actions: [WorkloadAction] = []
        var makeDirectories: [String] = []
        var removeDirectories: [String] = []
    }

    /// The `local-path` StorageClass made at start-up, marked as the default class.
    static func defaultStorageClass() -> Value {
        .map([
            "apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
            "metadata": .map(["name": .string(defaultClassName),
                              "annotations": .map(["storageclass.kubernetes.io/is-default-class": "true"])]),
            "provisioner": .string(provisioner), "reclaimPolicy": "Delete", "volumeBindingMode": "WaitForFirstConsumer",
        ])
    }

    static func isDefault(_ sc: Value) -> Bool {
        let ann = sc.meta("annotations")
        return ann?["storageclass.kubernetes.io/is-default-class"]?.stringValue == "true"
            || ann?["storageclass.beta.kubernetes.io/is-default-class"]?.stringValue == "true"
    }

    /// `volumesRoot`: where provisioned volumes live (`<data>/volumes`); nil disables provisioning.
    static func reconcile(_ view: WorkloadView, volumesRoot: String?) -> Plan {
        var plan = Plan()
        let classes = Dictionary(view.of("storage.k8s.io", "storageclasses").map { ($0.object.name, $0.object) }, uniquingKeysWith: { a, _ in a })
        let defaultClass = classes.values.filter(isDefault).map(\.name).sorted().first
        let pvs = view.of("", "persistentvolumes")
        let claims = view.of("", "persistentvolumeclaims")
        let pods = view.of("", "pods")
        var claimByKey: [String: Reconciler.Stored] = [:]
        for c in claims { claimByKey[(c.namespace ?? "") + "/" + c.object.name] = c }
        var pvByName: [String: Reconciler.Stored] = [:]
        for pv in pvs { pvByName[pv.object.name] = pv }

        // Pods using each claim (not finished): for WaitForFirstConsumer and pvc-protection.
        var users: [String: [Value]] = [:]
        for pod in pods where Workload.phase(pod.object) != "Succeeded" && Workload.phase(pod.object) != "Failed" {
            for v in pod.object["spec"]?["volumes"]?.listValue ?? [] {
                if let claim = v["persistentVolumeClaim"]?["claimName"]?.stringValue {
                    users[(pod.namespace ?? "") + "/" + claim, default: []].append(pod.object)
                }
            }
        }

        for pv in pvs where !pv.object.isBeingDeleted {
            volumePass(pv, claimByKey: claimByKey, volumesRoot: volumesRoot, &plan)
        }
        // Volumes a claim names in spec.volumeName are kept for it.
        var taken = Set(claims.compactMap { $0.object["spec"]?["volumeName"]?.stringValue })
        for claim in claims.sorted(by: { $0.object.name < $1.object.name }) {
            let key = (claim.namespace ?? "") + "/" + claim.object.name
            let inUse = !(users[key] ?? []).isEmpty
            if claim.object.isBeingDeleted {
                if claim.object.finalizers.contains(protectionFinalizer) && !inUse {
                    plan.actions.append(.update(claim) { o in
                        o.setMeta("finalizers", .list(o.finalizers.filter { $0 != protectionFinalizer }.map { .string($0) }))
                    })
                }
                continue
            }
            if !claim.object.finalizers.contains(protectionFinalizer) {
                plan.actions.append(.update(claim) { o in
                    o.setMeta("finalizers", .list((o.finalizers + [protectionFinalizer]).map { .string($0) }))
                })
            }
            claimPass(claim, classes: classes, defaultClass: defaultClass, pvs: pvs, pvByName: pvByName,
                      consumers: users[key] ?? [], volumesRoot: volumesRoot, taken: &taken, &plan)
            // Waiting events once, when the claim is first seen (the pass that adds pvc-protection).
            if !claim.object.finalizers.contains(protectionFinalizer) {
                plan.actions += pendingEvents(claim, classes: classes, pvs: pvs, consumers: users[key] ?? [])
            }
        }
        return plan
    }

    // MARK: Volumes

    private static func volumePass(_ pv: Reconciler.Stored, claimByKey: [String: Reconciler.Stored], volumesRoot: String?, _ plan: inout Plan) {
        let o = pv.object
        let phase = o["status"]?["phase"]?.stringValue ?? ""
        guard let ref = o["spec"]?["claimRef"], let refName = ref["name"]?.stringValue, !refName.isEmpty else {
            if phase != "Available" && phase != "Failed" { plan.actions.append(.status(pv, status(o, "Available"))) }
            return
        }
        let refUID = ref["uid"]?.stringValue ?? ""
        let claim = claimByKey[(ref["namespace"]?.stringValue ?? "") + "/" + refName]
        if let claim, refUID.isEmpty || refUID == claim.object.uid {
            let boundHere = claim.object["spec"]?["volumeName"]?.stringValue == o.name
            if boundHere && !refUID.isEmpty && phase != "Bound" { plan.actions.append(.status(pv, status(o, "Bound"))) }
            if !boundHere && phase != "Available" && phase != "Pending" && refUID.isEmpty {
                plan.actions.append(.status(pv, status(o, "Available")))
            }
            return
        }
        if refUID.isEmpty {
            // Pre-bound to a claim that does not exist yet: waits for it.
            if phase != "Available" { plan.actions.append(.status(pv, status(o, "Available"))) }
            return
        }
        // Its claim is gone: reclaim.
        let policy = o["spec"]?["persistentVolumeReclaimPolicy"]?.stringValue ?? "Retain"
        if policy == "Delete" {
            if o.meta("annotations")?["pv.kubernetes.io/provisioned-by"]?.stringValue == provisioner {
                plan.actions.append(.delete(pv))
                if let dir = provisionedDirectory(o, volumesRoot: volumesRoot) { plan.removeDirectories.append(dir) }
            } else if phase != "Failed" {
                plan.actions.append(.status(pv, status(o, "Failed", message: "error getting deleter volume plugin for volume \"\(o.name)\": no deletable volume plugin matched")))
            }
        } else if phase != "Released" && phase != "Failed" {
            plan.actions.append(.status(pv, status(o, "Released")))
        }
    }

    /// The directory of a volume this provisioner made, only when it lies directly in `volumesRoot`.
    static func provisionedDirectory(_ pv: Value, volumesRoot: String?) -> String? {
        guard let root = volumesRoot, let path = pv["spec"]?["hostPath"]?["path"]?.stringValue ?? pv["spec"]?["local"]?["path"]?.stringValue,
              path.hasPrefix(root + "/pvc-")
        else { return nil }
        let leaf = path.dropFirst(root.count + 1)
        guard !leaf.contains("/"), !leaf.contains("..") else { return nil }
        return path
    }

    private static func status(_ pv: Value, _ phase: String, message: String? = nil) -> Value {
        var s = pv["status"]?.mapValue ?? [:]
        s["phase"] = .string(phase)
        if let message { s["message"] = .string(message) } else { s.removeValue(forKey: "message") }
        return .map(s)
    }

    // MARK: Claims

    private static func claimPass(_ claim: Reconciler.Stored, classes: [String: Value], defaultClass: String?, pvs: [Reconciler.Stored],
                                  pvByName: [String: Reconciler.Stored], consumers: [Value], volumesRoot: String?,
                                  taken: inout Set<String>, _ plan: inout Plan)
    {
        let o = claim.object
        let spec = o["spec"] ?? .map([:])
        let phase = o["status"]?["phase"]?.stringValue ?? ""
        guard let className = spec["storageClassName"]?.stringValue else {
            // Claims made before a default class existed get it now (retroactive default class).
            if let defaultClass { plan.actions.append(.update(claim) { $0.set(path: ["spec", "storageClassName"], to: .string(defaultClass)) }) }
            else if phase.isEmpty { plan.actions.append(.status(claim, claimStatus(o, "Pending", pv: nil))) }
            return
        }
        if let volumeName = spec["volumeName"]?.stringValue, !volumeName.isEmpty {
            guard let pv = pvByName[volumeName] else {
                if phase == "Bound" { plan.actions.append(.status(claim, claimStatus(o, "Lost", pv: nil))) }
                else if phase.isEmpty { plan.actions.append(.status(claim, claimStatus(o, "Pending", pv: nil))) }
                return
            }
            let ref = pv.object["spec"]?["claimRef"]
            let refMatches = ref?["name"]?.stringValue == o.name && ref?["namespace"]?.stringValue == claim.namespace
            let refUID = ref?["uid"]?.stringValue ?? ""
            if ref == nil || ref == .null || (refMatches && refUID.isEmpty) {
                // Pre-bound claim: complete the volume's side.
                bind(claim, pv, &plan)
            } else if refMatches && refUID == o.uid {
                if phase != "Bound" { plan.actions.append(.status(claim, claimStatus(o, "Bound", pv: pv.object))) }
                if o.meta("annotations")?["pv.kubernetes.io/bind-completed"]?.stringValue != "yes" {
                    plan.actions.append(.update(claim) { $0.set(path: ["metadata", "annotations", "pv.kubernetes.io/bind-completed"], to: "yes") })
                }
            } else if phase.isEmpty {
                plan.actions.append(.status(claim, claimStatus(o, "Pending", pv: nil)))
            }
            taken.insert(volumeName)
            return
        }
        let sc = classes[className]
        let waits = sc?["volumeBindingMode"]?.stringValue == "WaitForFirstConsumer"
        let selected = o.meta("annotations")?[selectedNode]?.stringValue.map { !$0.isEmpty } ?? false
            || consumers.contains { !($0["spec"]?["nodeName"]?.stringValue ?? "").isEmpty }
        if waits && !selected {
            if phase.isEmpty { plan.actions.append(.status(claim, claimStatus(o, "Pending", pv: nil))) }
            return
        }
        if let pv = match(claim, className: className, pvs: pvs, taken: taken) {
            taken.insert(pv.object.name)
            bind(claim, pv, &plan)
            return
        }
        if phase.isEmpty { plan.actions.append(.status(claim, claimStatus(o, "Pending", pv: nil))) }
        guard let sc, sc["provisioner"]?.stringValue == provisioner, let root = volumesRoot, !o.uid.isEmpty,
              pvByName["pvc-" + o.uid] == nil
        else { return }
        let name = "pvc-" + o.uid
        let path = root + "/" + name
        plan.makeDirectories.append(path)
        let accessModes = spec["accessModes"]?.listValue.flatMap { $0.isEmpty ? nil : $0 } ?? ["ReadWriteOnce"]
        plan.actions.append(.create(group: "", plural: "persistentvolumes", namespace: "", object: .map([
            "apiVersion": "v1", "kind": "PersistentVolume",
            "metadata": .map(["name": .string(name), "annotations": .map(["pv.kubernetes.io/provisioned-by": .string(provisioner)])]),
            "spec": .map([
                "capacity": .map(["storage": spec["resources"]?["requests"]?["storage"] ?? "1Gi"]),
                "accessModes": .list(accessModes),
                "persistentVolumeReclaimPolicy": sc["reclaimPolicy"] ?? "Delete",
                "storageClassName": .string(className),
                "volumeMode": spec["volumeMode"] ?? "Filesystem",
                "hostPath": .map(["path": .string(path), "type": "DirectoryOrCreate"]),
                "claimRef": claimRef(claim),
            ]),
        ])))
        plan.actions.append(.event(claim, warning: false, reason: "ProvisioningSucceeded",
                                   message: "Successfully provisioned volume \(name)", component: provisioner))
    }

    /// Why a new unbound claim waits, as the PersistentVolume controller reports it.
    private static func pendingEvents(_ claim: Reconciler.Stored, classes: [String: Value], pvs: [Reconciler.Stored],
                                      consumers: [Value]) -> [WorkloadAction]
    {
        let spec = claim.object["spec"]
        guard (spec?["volumeName"]?.stringValue ?? "").isEmpty, let className = spec?["storageClassName"]?.stringValue else { return [] }
        let sc = classes[className]
        if sc?["volumeBindingMode"]?.stringValue == "WaitForFirstConsumer",
           !consumers.contains(where: { !($0["spec"]?["nodeName"]?.stringValue ?? "").isEmpty })
        {
            return [.event(claim, warning: false, reason: "WaitForFirstConsumer",
                           message: "waiting for first consumer to be created before binding", component: controllerName)]
        }
        if match(claim, className: className, pvs: pvs, taken: []) != nil { return [] }
        if className.isEmpty {
            return [.event(claim, warning: false, reason: "FailedBinding",
                           message: "no persistent volumes available for this claim and no storage class is set", component: controllerName)]
        }
        guard let sc else {
            return [.event(claim, warning: true, reason: "ProvisioningFailed",
                           message: "storageclass.storage.k8s.io \"\(className)\" not found", component: controllerName)]
        }
        let p = sc["provisioner"]?.stringValue ?? ""
        guard p != provisioner else { return [] }
        return [.event(claim, warning: false, reason: "ExternalProvisioning",
                       message: "Waiting for a volume to be created either by the external provisioner '\(p)' or manually by the system administrator. "
                           + "If volume creation is delayed, please verify that the provisioner is running and correctly registered.",
                       component: controllerName)]
    }

    private static func claimRef(_ claim: Reconciler.Stored) -> Value {
        .map(["kind": "PersistentVolumeClaim", "apiVersion": "v1", "namespace": .string(claim.namespace ?? ""),
              "name": .string(claim.object.name), "uid": .string(claim.object.uid),
              "resourceVersion": .string(claim.object.metaString("resourceVersion") ?? "")])
    }

    /// Binds both sides: the volume's claimRef (and phase), then the claim's volumeName and phase.
    private static func bind(_ claim: Reconciler.Stored, _ pv: Reconciler.Stored, _ plan: inout Plan) {
        let ref = claimRef(claim)
        let preBound = pv.object["spec"]?["claimRef"]?["uid"]?.stringValue == claim.object.uid
        if !preBound {
            plan.actions.append(.update(pv) { o in
                o.set(path: ["spec", "claimRef"], to: ref)
                o.set(path: ["metadata", "annotations", "pv.kubernetes.io/bound-by-controller"], to: "yes")
            })
        }
        plan.actions.append(.status(pv, status(pv.object, "Bound")))
        let pvName = pv.object.name
        let byController = claim.object["spec"]?["volumeName"]?.stringValue != pvName
        plan.actions.append(.update(claim) { o in
            o.set(path: ["spec", "volumeName"], to: .string(pvName))
            o.set(path: ["metadata", "annotations", "pv.kubernetes.io/bind-completed"], to: "yes")
            if byController { o.set(path: ["metadata", "annotations", "pv.kubernetes.io/bound-by-controller"], to: "yes") }
            if pv.object.meta("annotations")?["pv.kubernetes.io/provisioned-by"]?.stringValue == provisioner {
                o.set(path: ["metadata", "annotations", "volume.kubernetes.io/storage-provisioner"], to: .string(provisioner))
                o.set(path: ["metadata", "annotations", "volume.beta.kubernetes.io/storage-provisioner"], to: .string(provisioner))
            }
        })
        plan.actions.append(.status(claim, claimStatus(claim.object, "Bound", pv: pv.object)))
    }

    private static func claimStatus(_ claim: Value, _ phase: String, pv: Value?) -> Value {
        var s = claim["status"]?.mapValue ?? [:]
        s["phase"] = .string(phase)
        if let pv {
            s["accessModes"] = pv["spec"]?["accessModes"] ?? .list([])
            s["capacity"] = pv["spec"]?["capacity"] ?? .map([:])
        } else if phase != "Lost" {
            s.removeValue(forKey: "accessModes")
            s.removeValue(forKey: "capacity")
        }
        return .map(s)
    }

    /// The best available volume for a claim: one pre-bound to it, else the smallest that fits.
    static func match(_ claim: Reconciler.Stored, className: String, pvs: [Reconciler.Stored], taken: Set<String>) -> Reconciler.Stored? {
        let o = claim.object
        let spec = o["spec"] ?? .map([:])
        let wanted = Set((spec["accessModes"]?.listValue ?? []).compactMap(\.stringValue))
        let request = ResourceQuantity.units(spec["resources"]?["requests"]?["storage"])
        let mode = spec["volumeMode"]?.stringValue ?? "Filesystem"
        let selector: LabelSelector? = spec["selector"].flatMap { $0.isNull ? nil : ((try? LabelSelector(object: $0)) ?? .nothing) }
        var best: (Reconciler.Stored, Int64)?
        for pv in pvs where !pv.object.isBeingDeleted && !taken.contains(pv.object.name) {
            let p = pv.object["spec"] ?? .map([:])
            let ref = p["claimRef"]
            let free = ref == nil || ref == .null
            let refUID = ref?["uid"]?.stringValue ?? ""
            let preBound = !free && ref?["name"]?.stringValue == o.name && ref?["namespace"]?.stringValue == claim.namespace
                && (refUID.isEmpty || refUID == o.uid)
            guard free || preBound else { continue }
            let phase = pv.object["status"]?["phase"]?.stringValue ?? ""
            guard phase != "Released" && phase != "Failed" else { continue }
            guard (p["storageClassName"]?.stringValue ?? "") == className,
                  (p["volumeMode"]?.stringValue ?? "Filesystem") == mode,
                  wanted.isSubset(of: Set((p["accessModes"]?.listValue ?? []).compactMap(\.stringValue)))
            else { continue }
            let size = ResourceQuantity.units(p["capacity"]?["storage"])
            guard size >= request else { continue }
            if let selector, !preBound, !selector.matches(object: pv.object) { continue }
            if preBound { return pv }
            if best.map({ size < $0.1 }) ?? true { best = (pv, size) }
        }
        return best?.0
    }
}
