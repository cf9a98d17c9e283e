import ClusterAPI
import ClusterStore
import NIOConcurrencyHelpers
import NIOHTTP1
import StructuredData

/// DELETE with DeleteOptions (JSON or protobuf body, or query): preconditions, `dryRun`,
/// `propagationPolicy` (Background default; Foreground and Orphan through finalizers the garbage
/// collector honours), finalizers (deletionTimestamp set, object kept), namespaces (Terminating;
/// the namespace controller empties and finalizes them).
extension APIHandler {
    static let deleteParams: Set<String> = ["dryRun", "gracePeriodSeconds", "propagationPolicy", "orphanDependents"]

    func delete(_ rr: ResourceRequest) async throws -> APIResponse {
        let r = rr.request
        try checkParams(r, allowed: Self.deleteParams)
        let options = try DeleteOptions(r)
        let result = try await deleteObject(rr, options: options)
        return .json(.ok, JSON.encode(result, escapeHTML: false))
    }

    func deleteObject(_ rr: ResourceRequest, options: DeleteOptions) async throws -> Value {
        for _ in 0..<16 {
            guard let kv = try await store.get(rr.key), var object = ObjectCodec.decode(kv) else {
                throw StatusError.notFound(rr.plural, group: rr.group, name: rr.name ?? "")
            }
            if let uid = options.preconditionUID, uid != object.uid {
                throw StatusError.conflict(rr.plural, group: rr.group, name: object.name,
                                           message: "Precondition failed: UID in precondition: \(uid), UID in object meta: \(object.uid)")
            }
            if let rv = options.preconditionResourceVersion, rv != String(kv.modRevision) {
                throw StatusError.conflict(rr.plural, group: rr.group, name: object.name,
                                           message: "Precondition failed: ResourceVersion in precondition: \(rv), ResourceVersion in object meta: \(kv.modRevision)")
            }
            var finalizers = object.finalizers
            switch options.propagationPolicy {
            case "Foreground": if !finalizers.contains("foregroundDeletion") { finalizers.append("foregroundDeletion") }
            case "Orphan": if !finalizers.contains("orphan") { finalizers.append("orphan") }
            default: break
            }
            let graceful = rr.plural == "pods" && !(object["spec"]?["nodeName"]?.stringValue ?? "").isEmpty
                && (options.gracePeriodSeconds ?? 1) > 0
            if rr.plural == "namespaces" {
                if object.isBeingDeleted { return object }
                object.setMeta("deletionTimestamp", .string(Timestamps.rfc3339(clock.now())))
                object.setMeta("deletionGracePeriodSeconds", .int(0))
                object.set(path: ["status", "phase"], to: "Terminating")
            } else if !finalizers.isEmpty || graceful {
                if object.isBeingDeleted && finalizers == object.finalizers && !graceful { return object }
                if !object.isBeingDeleted {
                    let grace = graceful ? (options.gracePeriodSeconds ?? podGrace(object)) : 0
                    object.setMeta("deletionTimestamp", .string(Timestamps.rfc3339(clock.now() + grace)))
                    object.setMeta("deletionGracePeriodSeconds", .int(grace))
                    if tracksGeneration(rr.info) {
                        object.setMeta("generation", .int((object.meta("generation")?.intValue ?? 0) + 1))
                    }
                }
                object.setMeta("finalizers", .list(finalizers.map { .string($0) }))
            } else {
                if options.dryRun { return object }
                switch await removeNow(rr, revision: kv.modRevision) {
                case .done(let revision):
                    await afterDelete(object, rr)
                    object.setMeta("resourceVersion", .string(String(revision)))
                    return object
                case .retry:
                    continue
                case .failed(let error):
                    throw error
                }
            }
            if options.dryRun { return object }
            switch await storeUpdate(rr, object, revision: kv.modRevision) {
            case .done(let revision):
                object.setMeta("resourceVersion", .string(String(revision)))
                background.poke()
                return object
            case .retry:
                continue
            case .failed(let error):
                throw error
            }
        }
        throw StatusError.conflict(rr.plural, group: rr.group, name: rr.name ?? "", message: "the object kept changing; try again")
    }

    enum WriteOutcome {
        case done(Int64)
        case retry
        case failed(any Error)
    }

    private func removeNow(_ rr: ResourceRequest, revision: Int64) async -> WriteOutcome {
        do {
            return .done(try await store.delete(rr.key, expectedModRevision: revision).modRevision)
        } catch {
            switch error {
            case .conflict: return .retry
            case .notFound: return .failed(StatusError.notFound(rr.plural, group: rr.group, name: rr.name ?? ""))
            default: return .failed(error)
            }
        }
    }

    private func storeUpdate(_ rr: ResourceRequest, _ object: Value, revision: Int64) async -> WriteOutcome {
        do {
            return .done(try await store.update(rr.key, value: ObjectCodec.encode(object), expectedModRevision: revision, lease: 0).modRevision)
        } catch {
            switch error {
            case .conflict, .notFound: return .retry
            default: return .failed(error)
            }
        }
    }

    private func podGrace(_ pod: Value) -> Int64 {
        pod["spec"]?["terminationGracePeriodSeconds"]?.intValue ?? 30
    }

    /// Releases what a deleted object held (Service IPs and ports) and wakes the garbage collector.
    func afterDelete(_ object: Value, _ rr: ResourceRequest) async {
        if rr.plural == "services" && rr.group.isEmpty { await allocator.release(object) }
        if rr.plural == "customresourcedefinitions" { unregisterCRD(object) }
        background.poke()
    }

    /// DELETE on a collection: every object matching the selectors, one by one.
    func deleteCollection(_ rr: ResourceRequest) async throws -> APIResponse {
        let r = rr.request
        try checkParams(r, allowed: Self.deleteParams.union(Self.listParams))
        let options = try DeleteOptions(r)
        let selectors = try Selectors(rr)
        let page = try await collect(rr, selectors: selectors, revision: 0, after: nil, limit: 0)
        var deleted: [Value] = []
        for object in page.items {
            var one = rr
            one.name = object.name
            one.namespace = object.namespace ?? rr.namespace
            if let d = try? await deleteObject(one, options: options) { deleted.append(d) }
        }
        return try respond(rr, objects: deleted, single: false, listMeta: .map(["resourceVersion": .string(String(page.revision))]))
    }
}

/// `DeleteOptions` from the body (JSON or protobuf, as Helm sends) and the query.
struct DeleteOptions: Sendable {
    var propagationPolicy: String?
    var gracePeriodSeconds: Int64?
    var dryRun = false
    var preconditionUID: String?
    var preconditionResourceVersion: String?

    init(_ r: APIRequest) throws {
        var body: Value = .map([:])
        if !r.body.isEmpty {
            body = try BodyDecoding.object(r)
            guard case .map = body else { throw StatusError.badRequest("DeleteOptions must be an object") }
        }
        propagationPolicy = r.param("propagationPolicy") ?? body["propagationPolicy"]?.stringValue
        if r.param("orphanDependents") == "true" || body["orphanDependents"] == .bool(true) { propagationPolicy = "Orphan" }
        if let p = propagationPolicy, !["Background", "Foreground", "Orphan"].contains(p) {
            throw StatusError.badRequest("propagationPolicy must be Background, Foreground or Orphan, not \"\(p)\"")
        }
        if let g = r.param("gracePeriodSeconds") {
            guard let n = Int64(g), n >= 0 else { throw StatusError.badRequest("gracePeriodSeconds must be a non-negative integer") }
            gracePeriodSeconds = n
        } else {
            gracePeriodSeconds = body["gracePeriodSeconds"]?.intValue
        }
        dryRun = r.params("dryRun").contains("All") || (body["dryRun"]?.listValue?.contains(.string("All")) ?? false)
        preconditionUID = body["preconditions"]?["uid"]?.stringValue
        preconditionResourceVersion = body["preconditions"]?["resourceVersion"]?.stringValue
    }
}
