import ClusterStore
import NIOHTTP1
import Testing

@testable import ClusterCore

/// Found with the real kubectl: `kubectl apply|create -f` of a `kind: List` file failed with "error
/// validating data: the server could not find the requested resource" — kubectl validates List items
/// against OpenAPI v2 (v3 has no List schema) and a 404 there is fatal. The server now answers with an
/// empty v2 document, protobuf-encoded, under a media type Go's `mime.ParseMediaType` accepts.
@Suite struct OpenAPIV2Tests {
    @Test func servesAnEmptyProtobufDocument() async throws {
        let handler = try await APIHandler.start(config: APIServerConfiguration(tls: nil, tokens: [:], store: MemoryStore()))
        var headers = HTTPHeaders()
        headers.add(name: "Accept", value: "application/com.github.proto-openapi.spec.v2@v1.0+protobuf")
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/openapi/v2?timeout=32s", headers: headers)
        guard case .full(let status, let type, let body, _) = await handler.handle(head: head, body: [], identity: .user("admin")) else {
            Issue.record("expected a full response")
            return
        }
        #expect(status == .ok)
        #expect(type == "application/com.github.proto-openapi.spec.v2.v1.0+protobuf")
        #expect(!type.contains("@"))
        // swagger = "2.0" (field 1), info (field 2) = {title "Kubernetes", version "v1.32.0"}.
        let expected: [UInt8] = [0x0A, 3] + Array("2.0".utf8) + [0x12, 21, 0x0A, 10] + Array("Kubernetes".utf8)
            + [0x12, 7] + Array("v1.32.0".utf8)
        #expect(body == expected)
    }

    @Test func otherOpenAPIVersionsAreNotFound() async throws {
        let handler = try await APIHandler.start(config: APIServerConfiguration(tls: nil, tokens: [:], store: MemoryStore()))
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/openapi/v1", headers: HTTPHeaders())
        guard case .full(let status, _, _, _) = await handler.handle(head: head, body: [], identity: .user("admin")) else {
            Issue.record("expected a full response")
            return
        }
        #expect(status == .notFound)
    }
}
