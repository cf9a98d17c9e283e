import ClusterAPI
import NIOConcurrencyHelpers
import NIOHTTP1
import StructuredData

/// One resolved resource request.
struct ResourceRequest: Sendable {
    var info: ResourceInfo
    var namespace: String?
    var name: String?
    var subresource: String?
    var request: APIRequest

    var group: String { info.group }
    var plural: String { info.plural }
    var key: String { ObjectKeys.key(group: info.group, plural: info.plural, namespace: namespace, name: name ?? "") }
    var prefix: String { ObjectKeys.prefix(group: info.group, plural: info.plural, namespace: namespace) }
}

extension APIHandler {
    func route(_ r: APIRequest) async throws -> APIResponse {
        let catalogSnapshot = catalog.withLockedValue { $0 }
        let route = Route.parse(r.path) { g, v, plural in
            catalogSnapshot.resource(group: g, version: v, plural: plural)?.namespaced
        }
        switch route {
        case .apiVersions, .apiGroups, .group, .groupVersion, .openAPIIndex, .openAPIDocument, .openAPIV2:
            guard r.method == .GET || r.method == .HEAD else { throw StatusError.methodNotAllowed("\(r.method) is not allowed on \(r.path)") }
            return try discovery(route, request: r, catalog: catalogSnapshot)
        case .notFound:
            throw StatusError.notFoundPath(r.path)
        case .resource(let t):
            guard let info = catalogSnapshot.resource(group: t.group, version: t.version, plural: t.plural) else {
                throw StatusError.notFoundPath(r.path)
            }
            if info.namespaced && t.name != nil && t.namespace == nil {
                throw StatusError.notFoundPath(r.path)
            }
            if let sub = t.subresource, !info.subresources.contains(where: { $0.name == sub }) {
                throw StatusError.notFoundPath(r.path)
            }
            let rr = ResourceRequest(info: info, namespace: info.namespaced ? t.namespace : nil, name: t.name,
                                     subresource: t.subresource, request: r)
            return try await dispatch(rr)
        }
    }

    private func dispatch(_ rr: ResourceRequest) async throws -> APIResponse {
        let r = rr.request
        switch (r.method, rr.name, rr.subresource) {
        case (.GET, nil, nil), (.HEAD, nil, nil):
            if r.flag("watch") { return try await watch(rr) }
            return try await list(rr)
        case (.GET, _?, nil), (.HEAD, _?, nil):
            return try await get(rr)
        case (.POST, nil, nil):
            return try await create(rr)
        case (.PUT, _?, nil):
            return try await update(rr)
        case (.PATCH, _?, nil):
            return try await patch(rr)
        case (.DELETE, _?, nil):
            return try await delete(rr)
        case (.DELETE, nil, nil):
            return try await deleteCollection(rr)
        case (_, _?, let sub?):
            return try await subresource(rr, sub)
        default:
            throw StatusError.methodNotAllowed("the server does not allow this method on the requested resource")
        }
    }

    /// Refuses query parameters the verb does not understand, by name (STYLE §10).
    func checkParams(_ r: APIRequest, allowed: Set<String>) throws {
        let always: Set<String> = ["timeout", "pretty"]
        for p in r.query where !allowed.contains(p.name) && !always.contains(p.name) {
            throw StatusError.badRequest("unknown query parameter \"\(p.name)\" for \(r.method) \(r.path)")
        }
    }
}
