import Testing
import StructuredData
@testable import KubeClient

@Suite(.serialized) struct KubeClientHTTPTests {
    static let discoveryAPI = #"{"kind":"APIVersions","versions":["v1"]}"#
    static let coreV1 = #"{"kind":"APIResourceList","groupVersion":"v1","resources":[{"name":"configmaps","namespaced":true,"kind":"ConfigMap"},{"name":"namespaces","namespaced":false,"kind":"Namespace"}]}"#
    static let groups = #"{"kind":"APIGroupList","groups":[]}"#

    func client(_ server: FakeAPIServer) throws -> KubeClient {
        try KubeClient(config: KubeConfig(server: "http://127.0.0.1:\(server.port)", namespace: "team", token: "t0k"))
    }

    @Test func legacyDiscoveryThenApply() throws {
        let server = try FakeAPIServer(responses: [
            (200, Self.discoveryAPI), (200, Self.coreV1), (200, Self.groups),
            (201, #"{"kind":"ConfigMap","metadata":{"name":"c"}}"#),
        ])
        let c = try client(server)
        let r = try c.resource(apiVersion: "v1", kind: "ConfigMap")
        #expect(r == APIResource(group: "", version: "v1", name: "configmaps", kind: "ConfigMap", namespaced: true))
        let out = try c.apply(r, namespace: nil, name: "c", ["apiVersion": "v1", "kind": "ConfigMap"], force: true)
        #expect(out["metadata"]?["name"] == "c")
        #expect(server.recorded == [
            "GET /api HTTP/1.1", "GET /api/v1 HTTP/1.1", "GET /apis HTTP/1.1",
            "PATCH /api/v1/namespaces/team/configmaps/c?fieldManager=helmctl&force=true HTTP/1.1",
        ])
    }

    @Test func statusErrorsAreTyped() throws {
        let server = try FakeAPIServer(responses: [
            (404, #"{"kind":"Status","status":"Failure","reason":"NotFound","message":"configmaps \"x\" not found","code":404}"#),
            (409, #"{"kind":"Status","reason":"AlreadyExists","message":"exists","code":409}"#),
        ])
        let c = try client(server)
        let r = APIResource(group: "", version: "v1", name: "configmaps", kind: "ConfigMap", namespaced: true)
        #expect(try c.getIfExists(r, namespace: "a", name: "x") == nil)
        #expect(try c.createIfMissing(r, namespace: "a", ["kind": "ConfigMap"]) == nil)
    }

    @Test func transientErrorsAreRetried() throws {
        let server = try FakeAPIServer(responses: [(503, "{}"), (429, "{}"), (200, #"{"gitVersion":"v1.32.5"}"#)])
        let c = try client(server)
        var pauses: [Int] = []
        c.sleeper = { pauses.append($0) }
        #expect(try c.serverVersion()["gitVersion"] == "v1.32.5")
        #expect(server.recorded.count == 3)
        #expect(pauses == [100_000, 200_000])
    }

    @Test func nonJSONErrorsKeepTheStatus() throws {
        let server = try FakeAPIServer(responses: [(500, "boom")])
        let c = try client(server)
        #expect { try c.serverVersion() } throws: { e in
            (e as? KubeError)?.code == 500 && (e as? KubeError)?.message.contains("boom") == true
        }
    }

    @Test func unreachableServerIsAClearError() throws {
        let c = try KubeClient(config: KubeConfig(server: "http://127.0.0.1:1"))
        c.retryAttempts = 1
        #expect { try c.serverVersion() } throws: { e in
            (e as? KubeError)?.message.hasPrefix("Kubernetes cluster unreachable") == true
        }
    }
}
