import Testing
import StructuredData
@testable import ChartEngine
@testable import KubeClient

/// `uninstall` when deletions fail, as Helm v4: every object is still asked to go, then
/// `failed to delete release: NAME` with the record left `uninstalling`.
@Suite(.serialized) struct UninstallFailureTests {
    static let api = #"{"kind":"APIVersions","versions":["v1"]}"#
    static let coreV1 = #"""
    {"kind":"APIResourceList","groupVersion":"v1","resources":[{"name":"configmaps","namespaced":true,"kind":"ConfigMap"},
     {"name":"services","namespaced":true,"kind":"Service"}]}
    """#
    static let groups = #"{"kind":"APIGroupList","groups":[]}"#
    static let discovery: [(Int, String)] = [(200, api), (200, coreV1), (200, groups)]
    static let manifest = """
        ---
        # Source: web/templates/cm.yaml
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: web-cfg
        ---
        # Source: web/templates/svc.yaml
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        """

    func context(_ server: FakeAPIServer) throws -> (ReleaseContext, MemoryReleaseDriver) {
        let client = try KubeClient(config: KubeConfig(server: "http://127.0.0.1:\(server.port)", namespace: "team"))
        client.sleeper = { _ in }
        client.retryAttempts = 1
        let driver = MemoryReleaseDriver(namespace: "team")
        var r = Release(name: "web", namespace: "team", version: 1)
        r.info.status = .deployed
        r.info.description = "Install complete"
        r.manifest = Self.manifest
        try driver.create(r)
        return (ReleaseContext(client: client, store: ReleaseStore(driver: driver)), driver)
    }

    @Test func aRefusedDeletionStopsAfterEveryObjectWasAskedFor() throws {
        let forbidden = #"{"kind":"Status","reason":"Forbidden","message":"services \"web\" is forbidden","code":403}"#
        let server = try FakeAPIServer(responses: Self.discovery + [(403, forbidden), (200, #"{"kind":"Status"}"#)])
        let (ctx, driver) = try context(server)
        #expect { try UninstallAction.run(ctx, options: UninstallOptions(releaseName: "web")) } throws: { e in
            (e as? ChartEngineError)?.message == "failed to delete release: web"
        }
        // The Service was refused, the ConfigMap still deleted.
        #expect(Array(server.recorded.suffix(2)) == ["DELETE /api/v1/namespaces/team/services/web HTTP/1.1",
                                                     "DELETE /api/v1/namespaces/team/configmaps/web-cfg HTTP/1.1"])
        let left = try #require(try driver.list(releaseName: "web").first)
        #expect(left.info.status == .uninstalling && left.info.description == "Deletion in progress (or silently failed)")
    }

    @Test func deletedObjectsAndGoneOnesCompleteTheUninstall() throws {
        let notFound = #"{"kind":"Status","reason":"NotFound","message":"not found","code":404}"#
        let server = try FakeAPIServer(responses: Self.discovery + [(404, notFound), (200, #"{"kind":"Status"}"#)])
        let (ctx, driver) = try context(server)
        let result = try UninstallAction.run(ctx, options: UninstallOptions(releaseName: "web"))
        #expect(result.release?.info.status == .uninstalled && result.kept.isEmpty)
        #expect(try driver.list(releaseName: "web").isEmpty)
    }
}
