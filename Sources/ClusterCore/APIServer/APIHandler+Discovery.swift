import ClusterAPI
import NIOConcurrencyHelpers
import NIOHTTP1
import StructuredData

/// `/api`, `/apis` (legacy or aggregated v2, by the client's Accept), per-group-version resource
/// lists, and the OpenAPI v3 stub that makes `kubectl apply` and Helm skip client-side validation.
extension APIHandler {
    func discovery(_ route: Route, request r: APIRequest, catalog: ResourceCatalog) throws -> APIResponse {
        try checkParams(r, allowed: ["hash"])
        let aggregated = Discovery.acceptsAggregated(r.accept)
        let host = r.headers.first(name: "host") ?? "\(config.host):\(config.port)"
        switch route {
        case .apiVersions:
            if aggregated {
                return .full(status: .ok, contentType: Discovery.aggregatedContentType,
                             body: Array(JSON.encode(Discovery.aggregatedCore(catalog), escapeHTML: false).utf8), headers: [])
            }
            return .json(.ok, JSON.encode(Discovery.apiVersions(serverAddress: host), escapeHTML: false))
        case .apiGroups:
            if aggregated {
                return .full(status: .ok, contentType: Discovery.aggregatedContentType,
                             body: Array(JSON.encode(Discovery.aggregatedGroups(catalog), escapeHTML: false).utf8), headers: [])
            }
            return .json(.ok, JSON.encode(Discovery.apiGroupList(catalog), escapeHTML: false))
        case .group(let g):
            guard let doc = Discovery.apiGroup(catalog, group: g) else { throw StatusError.notFoundPath(r.path) }
            return .json(.ok, JSON.encode(doc, escapeHTML: false))
        case .groupVersion(let g, let v):
            guard let doc = Discovery.apiResourceList(catalog, group: g, version: v) else { throw StatusError.notFoundPath(r.path) }
            return .json(.ok, JSON.encode(doc, escapeHTML: false))
        case .openAPIIndex:
            return .json(.ok, JSON.encode(OpenAPIStub.index(catalog), escapeHTML: false))
        case .openAPIDocument(let path):
            guard let gv = OpenAPIStub.groupVersion(fromRelativePath: path),
                  let doc = OpenAPIStub.document(catalog, group: gv.group, version: gv.version)
            else { throw StatusError.notFoundPath(r.path) }
            return .json(.ok, JSON.encode(doc, escapeHTML: false))
        case .resource, .notFound:
            throw StatusError.notFoundPath(r.path)
        }
    }
}
