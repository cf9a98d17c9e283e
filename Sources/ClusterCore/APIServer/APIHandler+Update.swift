import ClusterAPI
import ClusterStore
import NIOConcurrencyHelpers
import NIOHTTP1
import StructuredData

/// PUT and the shared read-modify-write loop every update, patch and subresource write goes
/// through: compare-and-swap on the stored revision, retried when a concurrent writer won unless
/// the client pinned `metadata.resourceVersion` (then 409, never a lost update).
extension APIHandler {
    func update(_ rr: ResourceRequest) async throws -> APIResponse {
        let r = rr.request
        try checkParams(r, allowed: Self.writeParams)
        let options = try WriteOptions(r)
        var proposed = try BodyDecoding.map(r)
        try checkTypeMeta(&proposed, rr)
        let name = rr.name ?? ""
        if proposed.name.isEmpty { proposed.setMeta("name", .string(name)) }
        guard proposed.name == name else {
            throw StatusError.badRequest("the name of the object (\(proposed.name)) does not match the name on the URL (\(name))")
        }
        var warnings: [String] = []
        try checkFields(proposed, rr, options: options, warnings: &warnings)
        let pinned = proposed.metaString("resourceVersion").flatMap { $0.isEmpty ? nil : $0 }
        let result = try await readModifyWrite(rr, options: options, pinnedVersion: pinned, subresource: nil) { _ in proposed }
        return .full(status: .ok, contentType: "application/json",
                     body: Array(JSON.encode(result, escapeHTML: false).utf8), headers: warningHeaders(warnings))
    }

    /// Reads the object, asks `change` for the new one, and commits it. `pinnedVersion` is the
    /// client's precondition; `recordManager` false when the change already updated managedFields
    /// (server-side apply).
    func readModifyWrite(_ rr: ResourceRequest, options: WriteOptions, pinnedVersion: String?, subresource: String?,
                         recordManager: Bool = true, change: (Value) throws -> Value) async throws -> Value
    {
        for _ in 0..<16 {
            guard let kv = try await store.get(rr.key), let current = ObjectCodec.decode(kv) else {
                throw StatusError.notFound(rr.plural, group: rr.group, name: rr.name ?? "")
            }
            if let pinnedVersion, pinnedVersion != String(kv.modRevision) {
                throw StatusError.conflict(rr.plural, group: rr.group, name: rr.name ?? "")
            }
            let proposed = try change(current)
            guard let next = try prepareUpdate(current: current, proposed: proposed, rr, options: options,
                                               subresource: subresource, recordManager: recordManager)
            else { return current }
            if options.dryRun { return next }
            switch await commitOutcome(next, current: current, revision: kv.modRevision, rr) {
            case .success(let stored):
                return stored
            case .failure(.conflict), .failure(.notFound):
                if pinnedVersion != nil { throw StatusError.conflict(rr.plural, group: rr.group, name: rr.name ?? "") }
                continue
            case .failure(let error):
                throw error
            }
        }
        throw StatusError.conflict(rr.plural, group: rr.group, name: rr.name ?? "",
                                   message: "too many concurrent writers; try again")
    }

    private func commitOutcome(_ next: Value, current: Value, revision: Int64, _ rr: ResourceRequest) async -> Result<Value, StoreError> {
        do {
            return .success(try await commit(next, current: current, revision: revision, rr))
        } catch {
            return .failure(error)
        }
    }

    /// Writes `next` over revision `revision`, or deletes it when its last finalizer went away
    /// during deletion. Returns what was stored, with its new resourceVersion.
    func commit(_ next: Value, current: Value, revision: Int64, _ rr: ResourceRequest) async throws(StoreError) -> Value {
        var stored = next
        if Self.readyToGo(next, rr) {
            let kv = try await store.delete(rr.key, expectedModRevision: revision)
            stored.setMeta("resourceVersion", .string(String(kv.modRevision)))
            await afterDelete(stored, rr)
            return stored
        }
        let kv = try await store.update(rr.key, value: ObjectCodec.encode(next), expectedModRevision: revision, lease: 0)
        stored.setMeta("resourceVersion", .string(String(kv.modRevision)))
        return stored
    }

    /// A deleted object leaves the store once its last finalizer is gone — for namespaces also the
    /// `spec.finalizers` the namespace controller clears; pods on a node wait for their kubelet.
    static func readyToGo(_ o: Value, _ rr: ResourceRequest) -> Bool {
        guard o.isBeingDeleted, o.finalizers.isEmpty else { return false }
        if rr.plural == "namespaces" && rr.group.isEmpty { return (o["spec"]?["finalizers"]?.listValue ?? []).isEmpty }
        if rr.plural == "pods" && rr.group.isEmpty { return (o["spec"]?["nodeName"]?.stringValue ?? "").isEmpty }
        return true
    }

    /// An update that leaves out a Service's allocated cluster IP or node ports keeps them (as
    /// `kubectl replace` and client-side apply expect); changing them is validation's business.
    static func keepAllocations(_ next: inout Value, from current: Value) {
        let ip = next["spec"]?["clusterIP"]?.stringValue ?? ""
        if ip.isEmpty, let old = current["spec"]?["clusterIP"] {
            next.set(path: ["spec", "clusterIP"], to: old)
            for f in ["clusterIPs", "ipFamilies", "ipFamilyPolicy"] where next["spec"]?[f] == nil {
                next.set(path: ["spec", f], to: current["spec"]?[f])
            }
        }
        guard var ports = next["spec"]?["ports"]?.listValue, let oldPorts = current["spec"]?["ports"]?.listValue else { return }
        for i in ports.indices where ports[i]["nodePort"] == nil {
            if let match = oldPorts.first(where: { $0["port"] == ports[i]["port"] }), let np = match["nodePort"] {
                ports[i].setField("nodePort", np)
            }
        }
        next.set(path: ["spec", "ports"], to: .list(ports))
    }

    /// The object to store for an update of `current` to `proposed`; nil when nothing changed.
    func prepareUpdate(current: Value, proposed: Value, _ rr: ResourceRequest, options: WriteOptions,
                       subresource: String?, recordManager: Bool) throws -> Value?
    {
        guard case .map = proposed else {
            throw StatusError.internalError("the updated \(rr.info.kind) is not an object; nothing was stored")
        }
        var next: Value
        let hasStatus = rr.info.subresources.contains(where: { $0.name == "status" })
        switch subresource {
        case "status":
            next = current
            next.setField("status", proposed["status"])
            if case .map(let labels)? = proposed.meta("labels") { next.setMeta("labels", .map(labels)) }
            if case .map(let ann)? = proposed.meta("annotations") { next.setMeta("annotations", .map(ann)) }
        case "finalize":
            next = current
            next.set(path: ["spec", "finalizers"], to: proposed["spec"]?["finalizers"])
        default:
            next = proposed
            next.setField("apiVersion", .string(rr.info.apiVersion))
            next.setField("kind", .string(rr.info.kind))
            // A binding also sets PodScheduled=True (as Kubernetes' BindingREST does); other writes keep the status.
            if hasStatus && subresource != "binding" { next.setField("status", current["status"]) }
            if rr.plural == "namespaces" { next.set(path: ["spec"], to: current["spec"]) }
        }
        if rr.plural == "services" && rr.group.isEmpty && subresource == nil { Self.keepAllocations(&next, from: current) }
        // Server-owned metadata always comes from the stored object.
        for f in ["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "name", "namespace"] {
            next.setMeta(f, current.meta(f))
        }
        if !recordManager { next.setMeta("managedFields", proposed.meta("managedFields")) }
        else if subresource == nil, next.meta("managedFields") == nil { next.setMeta("managedFields", current.meta("managedFields")) }
        next.setMeta("resourceVersion", nil)
        if current.isBeingDeleted {
            let added = Set(next.finalizers).subtracting(current.finalizers)
            if !added.isEmpty {
                throw StatusError.invalid(kind: rr.info.kind, group: rr.group, name: current.name, causes: [(
                    "FieldValueForbidden", "Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers \(added.sorted())",
                    "metadata.finalizers")])
            }
        }
        if subresource == nil {
            next = Admission.applyDefaults(next, gvk: rr.info.groupVersionKind)
        }
        if let custom = customSchema(rr) { next = custom.check(next).pruned }
        let specWrite = subresource == nil || subresource == "scale"
        if tracksGeneration(rr.info), specWrite,
           Admission.specChanged(old: current, new: next, gvk: rr.info.groupVersionKind) || (current.isBeingDeleted && next != current)
        {
            next.setMeta("generation", .int((current.meta("generation")?.intValue ?? 0) + 1))
        }
        if subresource != "binding" { try validate(next, old: current, rr) }
        if recordManager {
            next = ServerSideApply.recordUpdate(old: current, new: next, manager: options.manager(r: rr.request),
                                                subresource: subresource, time: Timestamps.rfc3339(clock.now()),
                                                schema: schema(rr), schemas: BuiltinSchemas.all)
        }
        // A write that changes only managedFields counts (kubectl's client-side → server-side apply
        // upgrade is a JSON patch of /metadata/managedFields); their timestamps alone do not.
        var a = next
        var b = current
        a.setMeta("managedFields", Self.withoutTimes(next.meta("managedFields")))
        b.setMeta("managedFields", Self.withoutTimes(current.meta("managedFields")))
        b.setMeta("resourceVersion", nil)
        // `Value` is ExpressibleByNilLiteral: spell the optional out, or `nil` becomes `.null`.
        return a == b ? Value?.none : next
    }
}

extension APIHandler {
    /// managedFields entries without their `time`, for telling real changes from re-stamped ones.
    static func withoutTimes(_ fields: Value?) -> Value? {
        guard case .list(let entries)? = fields else { return fields }
        return .list(entries.map { entry in
            guard case .map(var m) = entry else { return entry }
            m["time"] = nil
            return .map(m)
        })
    }
}
