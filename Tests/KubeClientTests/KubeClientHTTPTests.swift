import Testing
import StructuredData
import Foundation
@testable import ChartEngine
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
        c.retryAttempts = 1
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

@Suite(.serialized) struct ReleaseDriverHTTPTests {
    @Test func secretDriverListsAndDecodesHelmRecords() throws {
        let record = try ReleaseRecordTests.fixture("helm-sdk-webapp-release.txt")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let secret: Value = ["apiVersion": "v1", "kind": "Secret", "type": "helm.sh/release.v1",
                             "metadata": ["name": "sh.helm.release.v1.fixture.v1", "namespace": "fixture",
                                          "labels": ["name": "fixture", "owner": "helm", "status": "deployed",
                                                     "version": "1", "team": "x"]],
                             "data": ["release": .string(Base64Codec.encode(Array(record.utf8)))]]
        let junk: Value = ["kind": "Secret", "metadata": ["name": "broken"], "data": ["release": "@@@"]]
        let list: Value = ["kind": "SecretList", "items": [secret, junk]]
        let server = try FakeAPIServer(responses: [(200, JSON.encode(list))])
        let client = try KubeClient(config: KubeConfig(server: "http://127.0.0.1:\(server.port)"))
        let store = ReleaseStore(driver: KubeReleaseDriver(client: client, kind: .secret, namespace: "fixture"))
        let hist = try store.history("fixture")
        #expect(hist.count == 1)
        #expect(hist.first?.labels == ["team": "x"])
        #expect(hist.first?.info.status == .deployed)
        #expect(server.recorded == ["GET /api/v1/namespaces/fixture/secrets?labelSelector=name%3Dfixture%2Cowner%3Dhelm HTTP/1.1"])
    }
}
