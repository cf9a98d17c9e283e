import ClusterAPI
import NIOHTTP1
import StructuredData

/// Runs the workload controllers over the pass's snapshot and carries out their actions with the
/// `kube-controller-manager` field manager.
extension Reconciler {
    static let workloadManager = "kube-controller-manager"

    func workloads(_ objects: [Stored], catalog: ResourceCatalog) async -> PassResult {
        let view = WorkloadView(now: handler.clock.now(), objects: objects)
        var actions: [WorkloadAction] = []
        actions += ServiceAccountController.reconcile(view)
        actions += RootCAPublisher.reconcile(view, ca: handler.config.tls?.clientCAPEM)
        actions += NodeLifecycleController.reconcile(view)
        // Bindings (and their Events) are independent of each other: several at once, so a burst of
        // pending pods is not bound one store round trip at a time.
        var result = PassResult()
        result.writes += await performConcurrently(Scheduler.reconcile(view), catalog: catalog)
        // The Deployments see the ReplicaSet statuses this pass writes: a rollout's next step and its
        // status come a pass sooner (Kubernetes' two controllers would take a round trip each).
        let replicaSetActions = ReplicaSetController.reconcile(view)
        actions += DeploymentController.reconcile(view.withStatuses(of: replicaSetActions))
        actions += replicaSetActions
        actions += JobController.reconcile(view)
        actions += DaemonSetController.reconcile(view)
        actions += CronJobController.reconcile(view)
        actions += EndpointsController.reconcile(view)
        var groups = Self.groupedByObject(actions)
        // Kept in their order as a whole: a StatefulSet's claims (not owned by it) before its pods, and
        // the PV/PVC binder's actions (a PV's claimRef, then its claim; n-volumes).
        for ordered in [StatefulSetController.reconcile(view), await persistentVolumes(view)] where !ordered.isEmpty {
            groups.append(ordered)
        }
        result.writes += await performGroups(groups, catalog: catalog)
        result.requeueAfter = [DeploymentController.requeueAfter(view), ReplicaSetController.requeueAfter(view), JobController.requeueAfter(view),
                               StatefulSetController.requeueAfter(view), CronJobController.requeueAfter(view),
                               NodeLifecycleController.requeueAfter(view)]
            .compactMap { $0 }.min()
        return result
    }

    /// Carries out independent actions, up to `width` at a time; the number that wrote.
    func performConcurrently(_ actions: [WorkloadAction], catalog: ResourceCatalog, width: Int = 8) async -> Int {
        await performGroups(actions.map { [$0] }, catalog: catalog, width: width)
    }

    /// Carries out groups of actions, up to `width` groups at a time, each group's actions one after
    /// another in their order; the number of actions that wrote. The actions of a pass are all planned
    /// from one snapshot, so only those about the same object need an order (a Deployment's new
    /// ReplicaSet, then its revision annotation, then its status): sent one at a time, the writes of a
    /// pass with several workloads queued behind each other although the store takes them in batches.
    func performGroups(_ groups: [[WorkloadAction]], catalog: ResourceCatalog, width: Int = 8) async -> Int {
        await withTaskGroup(of: Int.self) { tasks in
            var writes = 0, running = 0
            for actions in groups {
                if running >= width, let wrote = await tasks.next() {
                    running -= 1
                    writes += wrote
                }
                tasks.addTask {
                    var wrote = 0
                    for action in actions where await self.perform(action, catalog: catalog) { wrote += 1 }
                    return wrote
                }
                running += 1
            }
            for await wrote in tasks { writes += wrote }
            return writes
        }
    }

    /// `actions` in groups by the object they are about — an object created for a controlling owner
    /// counts as about that owner — keeping the order of the first action of each group and, within
    /// a group, the actions' order.
    static func groupedByObject(_ actions: [WorkloadAction]) -> [[WorkloadAction]] {
        var index: [String: Int] = [:]
        var groups: [[WorkloadAction]] = []
        for action in actions {
            let key = action.subjectKey
            if let i = index[key] {
                groups[i].append(action)
            } else {
                index[key] = groups.count
                groups.append([action])
            }
        }
        return groups
    }

    /// Carries out one action; true when something was written.
    func perform(_ action: WorkloadAction, catalog: ResourceCatalog) async -> Bool {
        switch action {
        case .create(let group, let plural, let namespace, let object):
            guard let info = catalog.resources.first(where: { $0.group == group && $0.plural == plural }) else { return false }
            var rr = request(Stored(info: info, namespace: namespace, object: object))
            rr.name = nil
            rr.request.method = .POST
            rr.request.query = [("fieldManager", Self.workloadManager)]
            guard let options = try? WriteOptions(rr.request) else { return false }
            var o = object
            var warnings: [String] = []
            do {
                try await handler.admitNew(&o, rr, options: options, warnings: &warnings)
                let stored = try await handler.store(o, rr, options: options)
                await announceCreate(stored, plural: plural, catalog: catalog)
                return true
            } catch {
                return false
            }
        case .update(let s, let change):
            return await write(s, subresource: nil, change)
        case .status(let s, let status):
            return await write(s, subresource: "status") { $0.setField("status", status) }
        case .bind(let pod, let node):
            return await bind(pod, node: node)
        case .delete(let s):
            guard !s.object.isBeingDeleted else { return false }
            await delete(s)
            if s.info.plural == "pods", s.info.group.isEmpty { await announcePod(s.object, reason: "SuccessfulDelete", verb: "Deleted", catalog: catalog) }
            return true
        case .event(let s, let warning, let reason, let message, let component):
            await recordEvent(about: s.object, warning: warning, reason: reason, message: message, component: component, catalog: catalog)
            return false
        }
    }

    /// `SuccessfulCreate` on the owner of a pod a controller created.
    private func announceCreate(_ object: Value, plural: String, catalog: ResourceCatalog) async {
        if plural == "pods" { await announcePod(object, reason: "SuccessfulCreate", verb: "Created", catalog: catalog) }
    }

    private func announcePod(_ pod: Value, reason: String, verb: String, catalog: ResourceCatalog) async {
        guard let ref = (pod.meta("ownerReferences")?.listValue ?? []).first(where: { $0["controller"] == .bool(true) }),
              let kind = ref["kind"]?.stringValue, let name = ref["name"]?.stringValue
        else { return }
        let owner: Value = .map(["apiVersion": ref["apiVersion"] ?? "", "kind": .string(kind),
                                 "metadata": .map(["name": .string(name), "namespace": .string(pod.namespace ?? ""), "uid": ref["uid"] ?? ""])])
        let component = ["Job": "job-controller", "StatefulSet": "statefulset-controller", "DaemonSet": "daemonset-controller"][kind]
            ?? "replicaset-controller"
        await recordEvent(about: owner, warning: false, reason: reason, message: "\(verb) pod: \(pod.name)", component: component, catalog: catalog)
    }

    /// Stores a core/v1 Event (`<name>.<16 hex digits>`, as client-go names them; count 1, both timestamps now); failures are ignored
    /// as Kubernetes' event recorder does.
    func recordEvent(about o: Value, warning: Bool, reason: String, message: String, component: String, catalog: ResourceCatalog) async {
        let ns = o.namespace ?? "default"
        let time = Timestamps.rfc3339(handler.clock.now())
        var involved: [String: Value] = ["apiVersion": o["apiVersion"] ?? "", "kind": o["kind"] ?? "", "name": .string(o.name),
                                         "uid": .string(o.uid)]
        if let namespace = o.namespace { involved["namespace"] = .string(namespace) }
        if let rv = o.meta("resourceVersion") { involved["resourceVersion"] = rv }
        let event: Value = .map([
            "apiVersion": "v1", "kind": "Event",
            "metadata": .map(["name": .string(o.name + "." + String(UUID4.random().filter(\.isHexDigit).prefix(16))), "namespace": .string(ns)]),
            "involvedObject": .map(involved), "reason": .string(reason), "message": .string(message),
            "type": .string(warning ? "Warning" : "Normal"), "source": .map(["component": .string(component)]),
            "firstTimestamp": .string(time), "lastTimestamp": .string(time), "count": 1,
            "reportingComponent": .string(component), "reportingInstance": "",
        ])
        _ = await perform(.create(group: "", plural: "events", namespace: ns, object: event), catalog: catalog)
    }

    private func bind(_ pod: Stored, node: String) async -> Bool {
        let ns = pod.namespace ?? ""
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/api/v1/namespaces/\(ns)/pods/\(pod.object.name)/binding")
        head.headers.add(name: "Content-Type", value: "application/json")
        head.headers.add(name: "User-Agent", value: "kube-scheduler")
        let binding: Value = .map(["apiVersion": "v1", "kind": "Binding",
                                   "metadata": .map(["name": .string(pod.object.name), "namespace": .string(ns), "uid": .string(pod.object.uid)]),
                                   "target": .map(["apiVersion": "v1", "kind": "Node", "name": .string(node)])])
        // The binding itself sets PodScheduled=True.
        let response = await handler.handle(head: head, body: Array(JSON.encode(binding).utf8), identity: .user("system:kube-scheduler"))
        guard case .full(let status, _, _, _) = response, status == .created else { return false }
        return true
    }

    private func write(_ s: Stored, subresource: String?, _ change: @escaping (inout Value) -> Void) async -> Bool {
        var rr = request(s)
        rr.request.query = [("fieldManager", Self.workloadManager)]
        guard let options = try? WriteOptions(rr.request) else { return false }
        let stored = try? await handler.readModifyWrite(rr, options: options, pinnedVersion: nil, subresource: subresource) { current in
            var next = current
            change(&next)
            return next
        }
        guard let stored else { return false }
        return stored.metaString("resourceVersion") != s.object.metaString("resourceVersion")
    }
}
