import ClusterAPI
import NIOConcurrencyHelpers
import NIOHTTP1
import StructuredData

/// `/api`, `/apis` (legacy or aggregated v2, by the client's Accept), per-group-version resource
/// lists, and the OpenAPI v3 stub that makes `kubectl apply` and Helm skip client-side validation.
extension APIHandler {
    func discovery(_ route: Route, request r: APIRequest, catalog: ResourceCatalog) throws -> APIResponse {
        try checkParams(r, allowed: ["hash"])
        let aggregated = r.accept.contains("as=APIGroupDiscoveryList")
        let host = r.headers.first(name: "host") ?? "\(config.host):\(config.port)"
        switch route {
        case .apiVersions:
            if aggregated {
                return .full(status: .ok, contentType: Discovery.aggregatedContentType,
                             body: Array(JSON.encode(Discovery.aggregated(catalog, core: true), escapeHTML: false).utf8), headers: [])
            }
            return .json(.ok, JSON.encode(Discovery.apiVersions(serverAddress: host), escapeHTML: false))
        case .apiGroups:
            if aggregated {
                return .full(status: .ok, contentType: Discovery.aggregatedContentType,
                             body: Array(JSON.encode(Discovery.aggregated(catalog, core: false), escapeHTML: false).utf8), headers: [])
            }
            return .json(.ok, JSON.encode(Discovery.groupList(catalog), escapeHTML: false))
        case .group(let g):
            guard let doc = Discovery.group(catalog, name: g) else { throw StatusError.notFoundPath(r.path) }
            return .json(.ok, JSON.encode(doc, escapeHTML: false))
        case .groupVersion(let g, let v):
            guard let doc = Discovery.resourceList(catalog, group: g, version: v) else { throw StatusError.notFoundPath(r.path) }
            return .json(.ok, JSON.encode(doc, escapeHTML: false))
        case .openAPIIndex:
            return .json(.ok, JSON.encode(OpenAPIStub.index(catalog), escapeHTML: false))
        case .openAPIDocument(let path):
            guard let doc = OpenAPIStub.document(catalog, path: path) else { throw StatusError.notFoundPath(r.path) }
            return .json(.ok, JSON.encode(doc, escapeHTML: false))
        case .resource, .notFound:
            throw StatusError.notFoundPath(r.path)
        }
    }
}
