import ClusterAPI
import ClusterStore
import NIOConcurrencyHelpers
import NIOHTTP1
import StructuredData

/// One pass of the control plane's controllers over a consistent snapshot of the store.
struct Reconciler {
    let handler: APIHandler
    /// Objects decoded by earlier passes, reused while their revision is unchanged (n-workloads: a
    /// pass no longer re-parses thousands of unchanged pods and events).
    var cache: DecodeCache? = nil

    struct Stored: Sendable {
        var info: ResourceInfo
        var namespace: String?
        var object: Value
    }

    /// What a pass did: writes by the workload controllers, and when time alone (minReadySeconds,
    /// progress deadlines) next needs a pass.
    struct PassResult: Sendable {
        var writes = 0
        var requeueAfter: Int64?
    }

    @discardableResult
    func pass() async -> PassResult {
        guard let snapshot = try? await handler.store.list(prefix: ObjectKeys.all, after: nil, limit: 0, revision: 0) else { return PassResult() }
        let catalog = handler.catalog.withLockedValue { $0 }
        var objects: [Stored] = []
        let previous = cache?.entries.withLockedValue { $0 } ?? [:]
        var decoded: [String: (Int64, Value)] = [:]
        decoded.reserveCapacity(snapshot.items.count)
        for kv in snapshot.items {
            guard let (info, namespace) = Self.resource(of: kv.key, catalog: catalog) else { continue }
            let object: Value
            if let (revision, cached) = previous[kv.key], revision == kv.modRevision {
                object = cached
            } else if let fresh = ObjectCodec.decode(kv) {
                object = fresh
            } else {
                continue
            }
            if cache != nil { decoded[kv.key] = (kv.modRevision, object) }
            objects.append(Stored(info: info, namespace: namespace, object: object))
        }
        cache?.entries.withLockedValue { $0 = decoded }
        await customResourceDefinitions(objects)
        await namespaces(objects, catalog: catalog)
        await garbageCollect(objects)
        return await workloads(objects, catalog: catalog)
    }

    /// `/registry/<group|core>/<plural>/[<ns>/]<name>` → the resource and namespace.
    static func resource(of key: String, catalog: ResourceCatalog) -> (ResourceInfo, String?)? {
        let parts = key.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count >= 4, parts[0] == "registry" else { return nil }
        let group = parts[1] == "core" ? "" : String(parts[1])
        let plural = String(parts[2])
        guard let info = catalog.resources.first(where: { $0.group == group && $0.plural == plural }) else { return nil }
        return (info, info.namespaced && parts.count >= 5 ? String(parts[3]) : nil)
    }

    func request(_ s: Stored) -> ResourceRequest {
        var headers = HTTPHeaders()
        headers.add(name: "User-Agent", value: "helmctl-controller-manager")
        let r = APIRequest(method: .PUT, path: "", query: [], headers: headers, body: [], user: "system:controller-manager")
        return ResourceRequest(info: s.info, namespace: s.namespace, name: s.object.name, subresource: nil, request: r)
    }

    func delete(_ s: Stored, policy: String = "Background") async {
        _ = try? await handler.deleteObject(request(s), options: DeleteOptions(propagationPolicy: policy))
    }

    /// Rewrites an object through the normal update path (defaults, managedFields, CAS retries).
    func modify(_ s: Stored, subresource: String? = nil, manager: String, _ change: @escaping (inout Value) -> Void) async {
        var rr = request(s)
        rr.request.query = [("fieldManager", manager)]
        guard let options = try? WriteOptions(rr.request) else { return }
        _ = try? await handler.readModifyWrite(rr, options: options, pinnedVersion: nil, subresource: subresource) { current in
            var next = current
            change(&next)
            return next
        }
    }

    func removeFinalizer(_ s: Stored, _ finalizer: String) async {
        await modify(s, manager: "helmctl-controller-manager") { o in
            o.setMeta("finalizers", .list(o.finalizers.filter { $0 != finalizer }.map { .string($0) }))
        }
    }
}

extension DeleteOptions {
    init(propagationPolicy: String) {
        self.propagationPolicy = propagationPolicy
    }
}

/// Decoded objects by store key with their modRevision, kept between passes.
final class DecodeCache: Sendable {
    let entries = NIOLockedValueBox<[String: (Int64, Value)]>([:])
}
