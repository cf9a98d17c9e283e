import Testing
import StructuredData
@testable import ChartEngine
@testable import KubeClient

/// Concurrent requests (Helm's per-kind batches) over the client's connection pool.
@Suite(.serialized) struct ConcurrentRequestTests {
    static let cm = APIResource(group: "", version: "v1", name: "configmaps", kind: "ConfigMap", namespaced: true)
    static let svc = APIResource(group: "", version: "v1", name: "services", kind: "Service", namespaced: true)

    @Test func aBatchSendsEveryRequestAndKeepsTheOrderOfResults() throws {
        let server = try FakeAPIServer(responses: Array(repeating: (200, #"{"kind":"ConfigMap"}"#), count: 5))
        let c = try KubeClient(config: KubeConfig(server: "http://127.0.0.1:\(server.port)", namespace: "team"))
        let paths = (0..<5).map { "/api/v1/namespaces/team/configmaps/c\($0)" }
        let results = c.requestAll(paths.map { KubeRequest("GET", $0) })
        #expect(results.count == 5)
        #expect(results.allSatisfy { (try? $0.get())?["kind"] == "ConfigMap" })
        #expect(Set(server.recorded) == Set(paths.map { "GET \($0) HTTP/1.1" }))
    }

    @Test func statusErrorsComeBackPerRequest() throws {
        let notFound = #"{"kind":"Status","reason":"NotFound","message":"not found","code":404}"#
        let server = try FakeAPIServer(responses: [(404, notFound), (404, notFound)])
        let c = try KubeClient(config: KubeConfig(server: "http://127.0.0.1:\(server.port)"))
        let results = c.requestAll([KubeRequest("GET", "/a"), KubeRequest("GET", "/b")])
        #expect(results.allSatisfy { if case .failure(let e) = $0 { return e.isNotFound } else { return false } })
    }

    @Test func anUnreachableServerIsAnErrorPerRequest() throws {
        let c = try KubeClient(config: KubeConfig(server: "http://127.0.0.1:1"))
        c.retryAttempts = 1
        let results = c.requestAll([KubeRequest("GET", "/a"), KubeRequest("GET", "/b")])
        #expect(results.allSatisfy { if case .failure(let e) = $0 { return e.message.contains("unreachable") } else { return false } })
    }

    @Test func batchesAreRunsOfOneKind() {
        func o(_ r: APIResource, _ n: String) -> ReleaseObject { ReleaseObject(object: [:], resource: r, namespace: "a", name: n) }
        let batches = ReleaseContext.kindBatches([o(Self.cm, "a"), o(Self.cm, "b"), o(Self.svc, "s"), o(Self.cm, "c")])
        #expect(batches.map { $0.map(\.name) } == [["a", "b"], ["s"], ["c"]])
    }

    @Test func ownershipIsCheckedForEveryObject() throws {
        let notFound = #"{"kind":"Status","reason":"NotFound","message":"not found","code":404}"#
        let foreign = #"{"kind":"ConfigMap","metadata":{"name":"b","annotations":{"meta.helm.sh/release-name":"other","meta.helm.sh/release-namespace":"a"}}}"#
        let server = try FakeAPIServer(responses: [(404, notFound), (200, foreign)])
        let client = try KubeClient(config: KubeConfig(server: "http://127.0.0.1:\(server.port)"))
        let ctx = ReleaseContext(client: client, store: ReleaseStore(driver: MemoryReleaseDriver(namespace: "a")))
        let objs = ["a", "b"].map { ReleaseObject(object: [:], resource: Self.cm, namespace: "a", name: $0) }
        #expect { try ctx.checkOwnership(objs, release: "web", namespace: "a", verb: "install") } throws: { e in
            // Either object may have drawn the foreign answer: the error names the one that did.
            let m = ReleaseContext.message(e)
            return m.hasPrefix("Unable to continue with install: ConfigMap \"") && m.contains("current value is \"other\"")
        }
    }

    @Test func uninstallDeletesEveryKindWhateverFailedBefore() throws {
        // Uninstall order: the Service batch first (its DELETE is refused), then the ConfigMaps (one already gone).
        let forbidden = #"{"kind":"Status","reason":"Forbidden","message":"services \"s\" is forbidden","code":403}"#
        let notFound = #"{"kind":"Status","reason":"NotFound","message":"not found","code":404}"#
        let server = try FakeAPIServer(responses: [(403, forbidden), (200, #"{"kind":"Status"}"#), (404, notFound)])
        let client = try KubeClient(config: KubeConfig(server: "http://127.0.0.1:\(server.port)"))
        client.retryAttempts = 1
        let ctx = ReleaseContext(client: client, store: ReleaseStore(driver: MemoryReleaseDriver(namespace: "a")))
        let kept: Value = ["metadata": ["annotations": ["helm.sh/resource-policy": "keep"]]]
        let objs = [ReleaseObject(object: [:], resource: Self.cm, namespace: "a", name: "a"),
                    ReleaseObject(object: [:], resource: Self.svc, namespace: "a", name: "s"),
                    ReleaseObject(object: kept, resource: Self.cm, namespace: "a", name: "k"),
                    ReleaseObject(object: [:], resource: Self.cm, namespace: "a", name: "b")]
        let result = ctx.deleteAll(objs, propagation: "Background")
        #expect(result.kept == ["[ConfigMap] k"])
        #expect(result.failures.map(\.message) == [#"services "s" is forbidden"#])
        #expect(server.recorded.count == 3 && server.recorded.first == "DELETE /api/v1/namespaces/a/services/s HTTP/1.1")
        #expect(Set(server.recorded.dropFirst()) == ["DELETE /api/v1/namespaces/a/configmaps/a HTTP/1.1",
                                                     "DELETE /api/v1/namespaces/a/configmaps/b HTTP/1.1"])
    }

    @Test func droppedObjectsAreReadLiveAndTheirFailuresPassedOver() throws {
        // Upgrade/rollback: the live object decides `keep`, a gone object is skipped, a refused deletion
        // does not fail the operation.
        let notFound = #"{"kind":"Status","reason":"NotFound","message":"not found","code":404}"#
        let forbidden = #"{"kind":"Status","reason":"Forbidden","message":"forbidden","code":403}"#
        let keptLive = #"{"kind":"ConfigMap","metadata":{"name":"k","annotations":{"helm.sh/resource-policy":"keep"}}}"#
        // One object: its GET, then its DELETE (refused).
        let server = try FakeAPIServer(responses: [(200, #"{"kind":"Service","metadata":{"name":"s"}}"#), (403, forbidden)])
        let client = try KubeClient(config: KubeConfig(server: "http://127.0.0.1:\(server.port)"))
        client.retryAttempts = 1
        let ctx = ReleaseContext(client: client, store: ReleaseStore(driver: MemoryReleaseDriver(namespace: "a")))
        let objs = [ReleaseObject(object: [:], resource: Self.svc, namespace: "a", name: "s")]
        ctx.deleteDropped(objs)
        #expect(server.recorded == ["GET /api/v1/namespaces/a/services/s HTTP/1.1", "DELETE /api/v1/namespaces/a/services/s HTTP/1.1"])
        // A gone object and one kept live: read, neither deleted.
        let server2 = try FakeAPIServer(responses: [(404, notFound), (200, keptLive)])
        let client2 = try KubeClient(config: KubeConfig(server: "http://127.0.0.1:\(server2.port)"))
        client2.retryAttempts = 1
        let ctx2 = ReleaseContext(client: client2, store: ReleaseStore(driver: MemoryReleaseDriver(namespace: "a")))
        ctx2.deleteDropped([ReleaseObject(object: [:], resource: Self.cm, namespace: "a", name: "gone"),
                            ReleaseObject(object: [:], resource: Self.cm, namespace: "a", name: "k")])
        #expect(server2.recorded.allSatisfy { $0.hasPrefix("GET ") } && server2.recorded.count == 2)
    }
}
