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
        case .openAPIV2:
            return .full(status: .ok, contentType: Self.openAPIV2ContentType, body: Self.openAPIV2Document, headers: [])
        case .resource, .notFound:
            throw StatusError.notFoundPath(r.path)
        }
    }
}

extension APIHandler {
    /// What kube-openapi answers (the requested `…v2@v1.0+protobuf` is not a valid media type for Go's parser).
    static let openAPIV2ContentType = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"

    /// An OpenAPI v2 document with no paths and no definitions, protobuf-encoded (gnostic `Document`:
    /// 1 swagger, 2 info {1 title, 2 version}). kubectl validates a `kind: List` file against v2 (v3 has
    /// no List schema) and fails on a 404; with no definitions it skips schema checks for the items, as
    /// the server still validates them strictly.
    static let openAPIV2Document: [UInt8] = {
        func field(_ number: UInt8, _ bytes: [UInt8]) -> [UInt8] { [number << 3 | 2, UInt8(bytes.count)] + bytes }
        let info = field(1, Array("Kubernetes".utf8)) + field(2, Array("v1.32.0".utf8))
        return field(1, Array("2.0".utf8)) + field(2, info)
    }()
}
