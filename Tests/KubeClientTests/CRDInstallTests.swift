import Testing
import StructuredData
import Foundation
@testable import ChartEngine
@testable import KubeClient

/// `crds/` handling: created first, awaited until Established, discovery refreshed; errors for a
/// rejected name and for a CRD that never becomes Established.
@Suite(.serialized) struct CRDInstallTests {
    static let api = #"{"kind":"APIVersions","versions":["v1"]}"#
    static let coreV1 = #"{"kind":"APIResourceList","groupVersion":"v1","resources":[]}"#
    static let groups = #"{"kind":"APIGroupList","groups":[{"name":"apiextensions.k8s.io","versions":[{"groupVersion":"apiextensions.k8s.io/v1"}]}]}"#
    static let apiext = #"{"kind":"APIResourceList","groupVersion":"apiextensions.k8s.io/v1","resources":[{"name":"customresourcedefinitions","namespaced":false,"kind":"CustomResourceDefinition"}]}"#
    static let discovery: [(Int, String)] = [(200, api), (200, coreV1), (200, groups), (200, apiext)]
    static let crdText = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.example.com
        spec:
          group: example.com
          names: {kind: Widget, plural: widgets}
          scope: Namespaced
          versions: [{name: v1, served: true, storage: true}]
        """

    static func crd(_ conditions: String) -> String {
        #"{"kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.com"},"status":{"conditions":[\#(conditions)]}}"#
    }

    func context(_ server: FakeAPIServer, clock: @escaping () -> Double = { 0 }) throws -> ReleaseContext {
        let client = try KubeClient(config: KubeConfig(server: "http://127.0.0.1:\(server.port)", namespace: "team"))
        client.sleeper = { _ in }
        client.retryAttempts = 1
        var ctx = ReleaseContext(client: client, store: ReleaseStore(driver: MemoryReleaseDriver(namespace: "team")))
        ctx.wait.clock = clock
        return ctx
    }

    func chart() throws -> Chart {
        try ChartLoader.load(files: [
            ChartFile(name: "Chart.yaml", data: Array("apiVersion: v2\nname: withcrd\nversion: 0.1.0\n".utf8)),
            ChartFile(name: "crds/widgets.yaml", data: Array(Self.crdText.utf8)),
        ])
    }

    @Test func createdThenAwaitedUntilEstablished() throws {
        let server = try FakeAPIServer(responses: Self.discovery + [
            (201, Self.crd("")),
            (200, Self.crd(#"{"type":"NamesAccepted","status":"True"}"#)),
            (200, Self.crd(#"{"type":"NamesAccepted","status":"True"},{"type":"Established","status":"True"}"#)),
        ])
        let created = try context(server).installCRDs(try chart(), namespace: "team")
        #expect(created == ["widgets.example.com"])
        #expect(Array(server.recorded.suffix(3)) == [
            "POST /apis/apiextensions.k8s.io/v1/customresourcedefinitions?fieldManager=helmctl HTTP/1.1",
            "GET /apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com HTTP/1.1",
            "GET /apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com HTTP/1.1",
        ])
    }

    @Test func anExistingCRDIsLeftAloneAndNotAwaited() throws {
        let server = try FakeAPIServer(responses: Self.discovery + [
            (409, #"{"kind":"Status","reason":"AlreadyExists","message":"exists","code":409}"#),
        ])
        let created = try context(server).installCRDs(try chart(), namespace: "team")
        #expect(created.isEmpty)
        #expect(server.recorded.count == Self.discovery.count + 1)
    }

    @Test func rejectedNamesFailAtOnce() throws {
        let server = try FakeAPIServer(responses: Self.discovery + [
            (201, Self.crd("")),
            (200, Self.crd(#"{"type":"NamesAccepted","status":"False","reason":"MultipleNamesNotAllowed","message":"\"widgets\" is already in use"}"#)),
        ])
        #expect { try context(server).installCRDs(try chart(), namespace: "team") } throws: { e in
            let m = ReleaseContext.message(e)
            return m.contains("widgets.example.com") && m.contains("MultipleNamesNotAllowed") && m.contains("already in use")
        }
    }

    @Test func neverEstablishedTimesOutNamingTheCRD() throws {
        // Each clock reading advances 20 s: the third poll is past Helm's 60 s.
        let ticks = Ticks()
        let server = try FakeAPIServer(responses: Self.discovery + [(201, Self.crd(""))]
            + Array(repeating: (200, Self.crd(#"{"type":"NamesAccepted","status":"True"}"#)), count: 8))
        let ctx = try context(server, clock: { ticks.next() })
        #expect { try ctx.installCRDs(try chart(), namespace: "team") } throws: { e in
            let m = ReleaseContext.message(e)
            return m.contains("not Established after 60s") && m.contains("widgets.example.com")
                && m.contains("NamesAccepted=True")
        }
    }

    @Test func stateSummary() throws {
        let s = CRDState(try JSON.decode(Self.crd(#"{"type":"Established","status":"True"}"#)))
        #expect(s.established && s.namesRejected == nil)
        #expect(CRDState(try JSON.decode(Self.crd(""))).summary == "no conditions yet")
    }
}

final class Ticks: @unchecked Sendable {
    private var t = 0.0
    func next() -> Double { defer { t += 20 }; return t }
}
