import ClusterAPI
import ClusterStore
import NIOConcurrencyHelpers
import NIOHTTP1
import StructuredData

/// POST: decode, check kind and namespace against the URL, name (or `generateName`), admission
/// (defaults, validation, strict fields), server-set metadata, managedFields, store.
extension APIHandler {
    static let writeParams: Set<String> = ["dryRun", "fieldManager", "fieldValidation"]

    func create(_ rr: ResourceRequest) async throws -> APIResponse {
        let r = rr.request
        try checkParams(r, allowed: Self.writeParams)
        let options = try WriteOptions(r)
        var object = try BodyDecoding.map(r)
        var warnings: [String] = []
        try checkTypeMeta(&object, rr)
        try await admitNew(&object, rr, options: options, warnings: &warnings)
        let created = try await store(object, rr, options: options)
        if rr.plural == "customresourcedefinitions" && !options.dryRun {
            registerCRD(created)
            background.poke()
        }
        return .full(status: .created, contentType: "application/json",
                     body: Array(JSON.encode(created, escapeHTML: false).utf8), headers: warningHeaders(warnings))
    }

    /// Everything a new object goes through before it is stored (create, and apply/PUT that create).
    /// `appliedFields`: the managedFields server-side apply computed (nil = record this write as an Update).
    func admitNew(_ object: inout Value, _ rr: ResourceRequest, options: WriteOptions, warnings: inout [String],
                  appliedFields: Value? = nil) async throws
    {
        try checkNamespace(&object, rr)
        if let ns = object.namespace, rr.info.namespaced {
            try await requireActiveNamespace(ns)
        }
        if let rv = object.metaString("resourceVersion"), !rv.isEmpty {
            throw StatusError.badRequest("resourceVersion should not be set on objects to be created")
        }
        try checkFields(object, rr, options: options, warnings: &warnings)
        object = prepareForCreate(object, rr)
        if object.name.isEmpty {
            guard let prefix = object.metaString("generateName"), !prefix.isEmpty else {
                throw StatusError.invalid(kind: rr.info.kind, group: rr.group, name: "", causes: [(
                    "FieldValueRequired", "Required value: name or generateName is required", "metadata.name")])
            }
            object.setMeta("name", .string(NameGenerator.generate(prefix: prefix)))
        }
        object = try await kindSpecificCreate(object, rr)
        if let custom = customSchema(rr) { object = custom.check(object).pruned }
        do {
            object = Admission.applyDefaults(object, gvk: rr.info.groupVersionKind)
            try validate(object, old: nil, rr)
        } catch {
            await releaseAllocations(object, rr)
            throw error
        }
        if let appliedFields {
            object.setMeta("managedFields", appliedFields.listValue?.isEmpty == true ? Value?.none : appliedFields)
            return
        }
        object = ServerSideApply.recordUpdate(old: nil, new: object, manager: options.manager(r: rr.request),
                                              subresource: nil, time: Timestamps.rfc3339(clock.now()),
                                              schema: schema(rr), schemas: BuiltinSchemas.all)
    }

    /// Stores a prepared new object (retrying `generateName` collisions); dry runs stop short. What
    /// admission allocated for an object that is not stored (a dry run, a failed create) is released,
    /// so a `--dry-run=server` or a refused create never keeps a Service's cluster IP or node port.
    func store(_ object: Value, _ rr: ResourceRequest, options: WriteOptions) async throws -> Value {
        do {
            let stored = try await storeOnce(object, rr, options: options)
            if options.dryRun { await releaseAllocations(object, rr) }
            return stored
        } catch {
            await releaseAllocations(object, rr)
            throw error
        }
    }

    /// Gives back the cluster IP and node ports a Service object holds.
    func releaseAllocations(_ object: Value, _ rr: ResourceRequest) async {
        if rr.plural == "services" && rr.group.isEmpty { await allocator.release(object) }
    }

    private func storeOnce(_ object: Value, _ rr: ResourceRequest, options: WriteOptions) async throws -> Value {
        var object = object
        if options.dryRun { return object }
        for attempt in 0..<8 {
            let key = ObjectKeys.key(group: rr.group, plural: rr.plural, namespace: object.namespace, name: object.name)
            let lease = rr.plural == "events" ? try await eventLease() : 0
            let outcome: Result<KeyValue, StoreError>
            do {
                outcome = .success(try await store.create(key, value: ObjectCodec.encode(object), lease: lease))
            } catch {
                outcome = .failure(error)
            }
            switch outcome {
            case .success(let kv):
                object.setMeta("resourceVersion", .string(String(kv.modRevision)))
                return object
            case .failure(.keyExists):
                if let prefix = object.metaString("generateName"), !prefix.isEmpty, attempt < 7,
                   object.name.hasPrefix(prefix)
                {
                    object.setMeta("name", .string(NameGenerator.generate(prefix: prefix)))
                    continue
                }
                throw StatusError.alreadyExists(rr.plural, group: rr.group, name: object.name)
            case .failure(let e):
                throw e
            }
        }
        throw StatusError.alreadyExists(rr.plural, group: rr.group, name: object.name)
    }

    /// `apiVersion`/`kind` in the body must name the URL's resource (they are filled in when absent).
    func checkTypeMeta(_ object: inout Value, _ rr: ResourceRequest) throws {
        let apiVersion = object["apiVersion"]?.stringValue ?? ""
        let kind = object["kind"]?.stringValue ?? ""
        if !apiVersion.isEmpty && apiVersion != rr.info.apiVersion {
            throw StatusError.badRequest("the API version in the data (\(apiVersion)) does not match the expected API version (\(rr.info.apiVersion))")
        }
        if !kind.isEmpty && kind != rr.info.kind {
            throw StatusError.badRequest("the kind in the data (\(kind)) does not match the expected kind (\(rr.info.kind)) of \(rr.info.plural)")
        }
        object.setField("apiVersion", .string(rr.info.apiVersion))
        object.setField("kind", .string(rr.info.kind))
        if object["metadata"] == nil { object.setField("metadata", .map([:])) }
        guard case .map? = object["metadata"] else { throw StatusError.badRequest("metadata must be an object") }
    }

    func checkNamespace(_ object: inout Value, _ rr: ResourceRequest) throws {
        guard rr.info.namespaced else {
            object.setMeta("namespace", nil)
            return
        }
        let given = object.namespace ?? ""
        guard let urlNamespace = rr.namespace else {
            throw StatusError.badRequest("a namespace is required for \(rr.plural): use /namespaces/<namespace>/\(rr.plural)")
        }
        if !given.isEmpty && given != urlNamespace {
            throw StatusError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
        }
        object.setMeta("namespace", .string(urlNamespace))
    }

    /// 404 for a missing namespace, 403 for one being deleted.
    func requireActiveNamespace(_ ns: String) async throws {
        let key = ObjectKeys.key(group: "", plural: "namespaces", namespace: nil, name: ns)
        guard let kv = try await store.get(key), let namespace = ObjectCodec.decode(kv) else {
            throw StatusError.notFound("namespaces", group: "", name: ns)
        }
        if namespace.isBeingDeleted {
            throw StatusError.forbidden("unable to create new content in namespace \(ns) because it is being terminated")
        }
    }

    /// `fieldValidation`: Strict refuses unknown fields (400), Warn reports them in `Warning:` headers.
    func checkFields(_ object: Value, _ rr: ResourceRequest, options: WriteOptions, warnings: inout [String]) throws {
        if let custom = customSchema(rr) {
            // Custom resources: fields their schema does not declare are pruned (or refused when strict).
            let unknown = custom.check(object).unknown
            guard !unknown.isEmpty, options.fieldValidation != "Ignore" else { return }
            let texts = unknown.map { "unknown field \"\($0)\"" }
            if options.fieldValidation == "Strict" {
                throw StatusError.badRequest("strict decoding error: " + texts.joined(separator: ", "))
            }
            warnings += texts
            return
        }
        if let typeError = SchemaTypeCheck.firstError(in: object, gvk: rr.info.groupVersionKind) {
            throw StatusError.badRequest("\(rr.info.kind) in version \"\(rr.info.version)\" cannot be handled as a \(rr.info.kind): \(typeError)")
        }
        guard options.fieldValidation != "Ignore" else { return }
        let unknown = SchemaValidation.unknownFields(in: object, gvk: rr.info.groupVersionKind)
        guard !unknown.isEmpty else { return }
        let texts = unknown.map { "unknown field \"\($0.hasPrefix(".") ? String($0.dropFirst()) : $0)\"" }
        if options.fieldValidation == "Strict" {
            let gvk = rr.info.groupVersionKind
            throw StatusError.badRequest("\(gvk.kind) in version \"\(gvk.version)\" cannot be handled as a \(gvk.kind): "
                + "strict decoding error: " + texts.joined(separator: ", "))
        }
        warnings += texts
    }

    /// Server-owned metadata of a new object, and the status a new object starts with.
    func prepareForCreate(_ object: Value, _ rr: ResourceRequest) -> Value {
        var o = object
        for f in ["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink", "managedFields", "generation"] {
            o.setMeta(f, nil)
        }
        o.setMeta("uid", .string(UUID4.random()))
        o.setMeta("creationTimestamp", .string(Timestamps.rfc3339(clock.now())))
        if tracksGeneration(rr.info) { o.setMeta("generation", .int(1)) }
        if rr.info.subresources.contains(where: { $0.name == "status" }) && rr.plural != "namespaces" {
            // Custom resources keep no status on create (their status subresource owns it).
            let initial: Value? = rr.plural == "pods" ? .map(["phase": "Pending"]) : (rr.info.isCustomResource ? Value?.none : .map([:]))
            o.setField("status", initial)
        }
        return o
    }

    /// Kinds whose spec changes bump `metadata.generation` (controllers report observedGeneration).
    func tracksGeneration(_ info: ResourceInfo) -> Bool {
        if !isBuiltIn(info) { return true }
        switch info.plural {
        case "pods", "configmaps", "secrets", "events", "endpoints", "serviceaccounts", "leases", "namespaces", "nodes",
             "services", "persistentvolumes", "persistentvolumeclaims", "endpointslices", "bindings":
            return false
        default:
            return true
        }
    }

    func isBuiltIn(_ info: ResourceInfo) -> Bool { ResourceCatalog.builtIn.resource(group: info.group, version: info.version, plural: info.plural) != nil }

    func validate(_ object: Value, old: Value?, _ rr: ResourceRequest) throws {
        var causes = rr.info.isCustomResource
            ? Admission.validateObjectMeta(object, old: old, namespaced: rr.info.namespaced)
            : Admission.validate(object, old: old, gvk: rr.info.groupVersionKind)
        if let custom = customSchema(rr) { causes += custom.check(object).causes }
        guard !causes.isEmpty else { return }
        throw StatusError.invalid(kind: rr.info.kind, group: rr.group, name: object.name,
                                  causes: causes.map { ($0.reason, $0.message, $0.field) })
    }

    func schema(_ rr: ResourceRequest) -> MessageSchema? { BuiltinSchemas.all.root(for: rr.info.groupVersionKind) }

    func warningHeaders(_ warnings: [String]) -> [(String, String)] {
        warnings.map { ("Warning", "299 - \"\($0.replacingQuotes)\"") }
    }

    /// Events expire after an hour, as the API server's `--event-ttl` default.
    func eventLease() async throws -> Int64 {
        try await store.grantLease(ttlSeconds: 3600)
    }
}

extension String {
    var replacingQuotes: String { String(map { $0 == "\"" ? "'" : $0 }) }
}

/// `dryRun`, `fieldManager`, `fieldValidation`.
struct WriteOptions: Sendable {
    var dryRun = false
    var fieldManager: String?
    var fieldValidation = "Strict"
    var force = false

    init(_ r: APIRequest) throws {
        for v in r.params("dryRun") {
            guard v == "All" else { throw StatusError.badRequest("Invalid dry run value \"\(v)\": the only supported value is All") }
            dryRun = true
        }
        if let m = r.param("fieldManager") {
            guard m.utf8.count <= 128, !m.isEmpty else {
                throw StatusError.badRequest("fieldManager must be 1 to 128 characters long")
            }
            fieldManager = m
        }
        if let v = r.param("fieldValidation") {
            guard ["Strict", "Warn", "Ignore"].contains(v) else {
                throw StatusError.badRequest("fieldValidation must be Ignore, Warn or Strict, not \"\(v)\"")
            }
            fieldValidation = v
        } else {
            // Kubernetes' default when the parameter is absent.
            fieldValidation = "Warn"
        }
        if let f = r.param("force") {
            guard f == "true" || f == "false" else { throw StatusError.badRequest("force must be true or false, not \"\(f)\"") }
            force = f == "true"
        }
    }

    /// The manager recorded for non-apply writes: `fieldManager`, else the client's User-Agent
    /// program name (as Kubernetes derives it), else `unknown`.
    func manager(r: APIRequest) -> String {
        if let fieldManager { return fieldManager }
        let agent = r.headers.first(name: "user-agent") ?? ""
        let program = agent.split(separator: "/").first.map(String.init) ?? ""
        return program.isEmpty ? "unknown" : program
    }
}

