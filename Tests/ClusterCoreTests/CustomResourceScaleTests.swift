import ClusterStore
import NIOHTTP1
import StructuredData
import Testing

@testable import ClusterCore

/// Found with the real kubectl: `kubectl scale widget w --replicas=5` on a custom resource whose CRD
/// declares `subresources.scale.specReplicasPath: .spec.size` answered "scaled" but wrote `spec.replicas`
/// (a field the CR does not have) and left `spec.size` alone. The Scale now follows the CRD's paths.
@Suite struct CustomResourceScaleTests {
    static let crd = """
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.e2e.example.com"},
         "spec":{"group":"e2e.example.com","scope":"Namespaced","names":{"plural":"widgets","singular":"widget","kind":"Widget"},
          "versions":[{"name":"v1","served":true,"storage":true,
           "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}},
           "subresources":{"status":{},"scale":{"specReplicasPath":".spec.size","statusReplicasPath":".status.size",
                                                "labelSelectorPath":".status.selector"}}}]}}
        """

    static func send(_ h: APIHandler, _ method: HTTPMethod, _ uri: String, _ body: String = "",
                     type: String = "application/json") async -> (code: UInt, value: Value)
    {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: type)
        let head = HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: headers)
        guard case .full(let status, _, let bytes, _) = await h.handle(head: head, body: Array(body.utf8), identity: .user("admin"))
        else { return (0, .null) }
        return (status.code, (try? JSON.decodeKeepingIntegers(bytes)) ?? .null)
    }

    @Test func scaleFollowsTheCRDPaths() async throws {
        let h = try await APIHandler.start(config: APIServerConfiguration(tls: nil, tokens: [:], store: MemoryStore()))
        #expect(await Self.send(h, .POST, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Self.crd).code == 201)
        let base = "/apis/e2e.example.com/v1/namespaces/default/widgets"
        let w = #"{"apiVersion":"e2e.example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"size":2}}"#
        #expect(await Self.send(h, .POST, base, w).code == 201)
        let status = #"{"status":{"size":2,"selector":"app=w"}}"#
        #expect(await Self.send(h, .PATCH, base + "/w/status", status, type: "application/merge-patch+json").code == 200)

        let before = await Self.send(h, .GET, base + "/w/scale")
        #expect(before.code == 200)
        #expect(before.value["spec"]?["replicas"]?.intValue == 2)
        #expect(before.value["status"]?["replicas"]?.intValue == 2)
        #expect(before.value["status"]?["selector"]?.stringValue == "app=w")

        let scaled = await Self.send(h, .PATCH, base + "/w/scale", #"{"spec":{"replicas":5}}"#, type: "application/merge-patch+json")
        #expect(scaled.code == 200)
        #expect(scaled.value["spec"]?["replicas"]?.intValue == 5)
        let after = await Self.send(h, .GET, base + "/w")
        #expect(after.value["spec"]?["size"]?.intValue == 5)
        #expect(after.value["spec"]?["replicas"] == nil)
    }

    @Test func builtInKindsKeepSpecReplicas() async throws {
        let h = try await APIHandler.start(config: APIServerConfiguration(tls: nil, tokens: [:], store: MemoryStore()))
        let d = #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"app":"d"}},"template":{"metadata":{"labels":{"app":"d"}},"spec":{"containers":[{"name":"c","image":"x"}]}}}}"#
        #expect(await Self.send(h, .POST, "/apis/apps/v1/namespaces/default/deployments", d).code == 201)
        let scaled = await Self.send(h, .PATCH, "/apis/apps/v1/namespaces/default/deployments/d/scale",
                                     #"{"spec":{"replicas":3}}"#, type: "application/merge-patch+json")
        #expect(scaled.code == 200)
        #expect(scaled.value["status"]?["selector"]?.stringValue == "app=d")
        let after = await Self.send(h, .GET, "/apis/apps/v1/namespaces/default/deployments/d")
        #expect(after.value["spec"]?["replicas"]?.intValue == 3)
    }
}
