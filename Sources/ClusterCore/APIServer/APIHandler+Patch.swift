import ClusterAPI
import ClusterStore
import NIOConcurrencyHelpers
import NIOHTTP1
import StructuredData

/// PATCH in its four media types: JSON patch (RFC 6902), merge patch (RFC 7386), strategic merge
/// patch (built-in kinds only, as Kubernetes), and server-side apply (creates when absent → 201).
extension APIHandler {
    static let patchParams: Set<String> = writeParams.union(["force"])

    func patch(_ rr: ResourceRequest, subresource: String? = nil) async throws -> APIResponse {
        let r = rr.request
        try checkParams(r, allowed: Self.patchParams)
        let options = try WriteOptions(r)
        let type = r.contentType
        if type == "application/apply-patch+yaml" {
            guard subresource == nil || subresource == "status" else {
                throw StatusError.unsupportedMediaType(type)
            }
            return try await apply(rr, options: options, subresource: subresource)
        }
        if options.force { throw StatusError.badRequest("force is only allowed for apply patches (application/apply-patch+yaml)") }
        let patchDoc = try BodyDecoding.json(r.body)
        let kind: PatchKind
        switch type {
        case "application/json-patch+json":
            guard case .list = patchDoc else { throw StatusError.badRequest("a JSON patch must be a list of operations") }
            kind = .json
        case "application/merge-patch+json":
            guard case .map = patchDoc else { throw StatusError.badRequest("a merge patch must be a JSON object") }
            kind = .merge
        case "application/strategic-merge-patch+json":
            guard case .map = patchDoc else { throw StatusError.badRequest("a strategic merge patch must be a JSON object") }
            guard isBuiltIn(rr.info) else {
                throw StatusError(code: 415, reason: "UnsupportedMediaType",
                                  message: "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml")
            }
            kind = .strategic
        default:
            throw StatusError(code: 415, reason: "UnsupportedMediaType",
                              message: "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got \"\(type)\")")
        }
        let pinned = patchDoc["metadata"]?["resourceVersion"]?.stringValue
        let schema = self.schema(rr)
        var warnings: [String] = []
        let result = try await readModifyWrite(rr, options: options, pinnedVersion: pinned, subresource: subresource) { current in
            warnings = []
            var patched: Value
            do {
                switch kind {
                case .json: patched = try JSONPatch.apply(patchDoc, to: current)
                case .merge: patched = MergePatch.apply(patchDoc, to: current)
                case .strategic:
                    guard let schema else { patched = MergePatch.apply(patchDoc, to: current); break }
                    patched = try StrategicMergePatch.apply(patchDoc, to: current, schema: schema, schemas: BuiltinSchemas.all)
                }
            } catch let e as PatchError {
                let reason = [400: "BadRequest", 413: "RequestEntityTooLarge", 415: "UnsupportedMediaType"][e.httpStatus] ?? "Invalid"
                throw StatusError(code: e.httpStatus, reason: reason, message: e.message)
            } catch {
                throw StatusError(code: 422, reason: "Invalid", message: "the patch could not be applied: \(error)")
            }
            guard case .map = patched else { throw StatusError.badRequest("the patched object is not an object") }
            if patched.name != (rr.name ?? "") {
                throw StatusError.badRequest("the patch changes the object's name; metadata.name is immutable")
            }
            // The patched object is what Kubernetes decodes strictly (subresources have their own kinds).
            if subresource == nil { try checkFields(patched, rr, options: options, warnings: &warnings) }
            return patched
        }
        return .json(.ok, JSON.encode(result, escapeHTML: false), headers: warningHeaders(warnings))
    }

    enum PatchKind { case json, merge, strategic }

    /// Server-side apply: merge the applied configuration, track ownership, 409 on conflicts.
    func apply(_ rr: ResourceRequest, options: WriteOptions, subresource: String?) async throws -> APIResponse {
        let r = rr.request
        guard let manager = options.fieldManager else {
            throw StatusError.invalid(kind: "PatchOptions", group: "meta.k8s.io", name: "", causes: [(
                "FieldValueRequired", "Required value: is required for apply patch", "fieldManager")])
        }
        var config = try BodyDecoding.yaml(r.body)
        guard case .map = config else { throw StatusError.badRequest("an apply patch must be an object") }
        try checkTypeMeta(&config, rr)
        let name = rr.name ?? ""
        if config.name.isEmpty { config.setMeta("name", .string(name)) }
        guard config.name == name else {
            throw StatusError.badRequest("the name of the object (\(config.name)) does not match the name on the URL (\(name))")
        }
        var warnings: [String] = []
        try checkFields(config, rr, options: options, warnings: &warnings)
        let schema = self.schema(rr)
        let now = Timestamps.rfc3339(clock.now())
        for _ in 0..<8 {
            if try await store.get(rr.key) == nil {
                guard subresource == nil else { throw StatusError.notFound(rr.plural, group: rr.group, name: name) }
                // Apply creates: 201 with the object.
                var object = try applied(live: nil, config: config, manager: manager, options: options, time: now,
                                         schema: schema, rr)
                let fields = object.meta("managedFields")
                object.setMeta("managedFields", nil)
                try await admitNew(&object, rr, options: options, warnings: &warnings, appliedFields: fields ?? .list([]))
                do {
                    let created = try await store(object, rr, options: options)
                    return .full(status: .created, contentType: "application/json",
                                 body: Array(JSON.encode(created, escapeHTML: false).utf8), headers: warningHeaders(warnings))
                } catch let e as StatusError where e.reason == "AlreadyExists" {
                    continue
                }
            }
            do {
                let result = try await readModifyWrite(rr, options: options, pinnedVersion: config.metaString("resourceVersion"),
                                                       subresource: subresource, recordManager: false) { current in
                    try self.applied(live: current, config: config, manager: manager, options: options, time: now,
                                     schema: schema, rr)
                }
                return .full(status: .ok, contentType: "application/json",
                             body: Array(JSON.encode(result, escapeHTML: false).utf8), headers: warningHeaders(warnings))
            } catch let e as StatusError where e.code == 404 {
                continue
            }
        }
        throw StatusError.conflict(rr.plural, group: rr.group, name: name, message: "the object kept changing; try again")
    }

    private func applied(live: Value?, config: Value, manager: String, options: WriteOptions, time: String,
                         schema: MessageSchema?, _ rr: ResourceRequest) throws -> Value
    {
        do {
            // Through the main resource, apply leaves `status` alone where a status subresource owns it.
            let hasStatus = rr.info.subresource("status") != nil
            return try ServerSideApply.apply(live: live, config: config, manager: manager, force: options.force, time: time,
                                             schema: schema, schemas: BuiltinSchemas.all,
                                             ignoreStatus: hasStatus && rr.subresource == nil, subresource: rr.subresource)
        } catch let error {
            if case .conflicts(let conflicts) = error {
                let causes: [Value] = conflicts.map {
                    .map(["reason": "FieldManagerConflict", "message": .string($0.causeMessage), "field": .string($0.field)])
                }
                throw StatusError(code: 409, reason: "Conflict", message: error.description,
                                  details: StatusError.details(name: rr.name, group: rr.group, kind: rr.plural, causes: causes))
            }
            throw StatusError.badRequest("\(error)")
        }
    }
}
