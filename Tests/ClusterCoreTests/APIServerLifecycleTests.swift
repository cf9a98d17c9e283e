import Testing
import NIOHTTP1
import StructuredData
@testable import ClusterCore

/// Deletion: finalizers, propagation policies and the garbage collector, namespace termination,
/// CRD registration (each controller pass is run explicitly: no sleeps).
@Suite struct APIServerLifecycleTests {
    func pass(_ api: TestAPI) async { await Reconciler(handler: api.handler).pass() }

    @Test func finalizersHoldDeletionUntilRemoved() async throws {
        let api = try await TestAPI.make()
        await api.call(.POST, "/api/v1/namespaces/default/configmaps",
                       json: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"f","finalizers":["example.com/keep"]}}"#)
        let deleted = await api.call(.DELETE, "/api/v1/namespaces/default/configmaps/f")
        #expect(deleted.code == 200)
        #expect(deleted.body[path: "metadata.deletionTimestamp"] != nil)
        #expect(await api.call(.GET, "/api/v1/namespaces/default/configmaps/f").code == 200)
        let added = await api.call(.PATCH, "/api/v1/namespaces/default/configmaps/f",
                                   json: #"{"metadata":{"finalizers":["example.com/keep","other"]}}"#, contentType: "application/merge-patch+json")
        #expect(added.code == 422)
        await api.call(.PATCH, "/api/v1/namespaces/default/configmaps/f", json: #"[{"op":"remove","path":"/metadata/finalizers"}]"#,
                       contentType: "application/json-patch+json")
        #expect(await api.call(.GET, "/api/v1/namespaces/default/configmaps/f").code == 404)
    }

    func makeOwnerAndChild(_ api: TestAPI) async -> String {
        let owner = await api.call(.POST, "/api/v1/namespaces/default/configmaps",
                                   json: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"owner"}}"#)
        let uid = owner.body[path: "metadata.uid"]?.stringValue ?? ""
        await api.call(.POST, "/api/v1/namespaces/default/configmaps", json: #"""
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"child","ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"owner","uid":"\#(uid)","controller":true,"blockOwnerDeletion":true}]}}
            """#)
        return uid
    }

    @Test(arguments: ["Background", "Foreground", "Orphan"])
    func propagationPolicies(_ policy: String) async throws {
        let api = try await TestAPI.make()
        _ = await makeOwnerAndChild(api)
        let reply = await api.call(.DELETE, "/api/v1/namespaces/default/configmaps/owner", json: #"{"propagationPolicy":"\#(policy)"}"#)
        #expect(reply.code == 200)
        for _ in 0..<4 { await pass(api) }
        let owner = await api.call(.GET, "/api/v1/namespaces/default/configmaps/owner")
        let child = await api.call(.GET, "/api/v1/namespaces/default/configmaps/child")
        #expect(owner.code == 404)
        switch policy {
        case "Orphan":
            #expect(child.code == 200)
            #expect(child.body[path: "metadata.ownerReferences"] == nil)
        default:
            #expect(child.code == 404)
        }
    }

    @Test func foregroundOwnerWaitsForItsDependents() async throws {
        let api = try await TestAPI.make()
        _ = await makeOwnerAndChild(api)
        // The child cannot go yet: it has a finalizer of its own.
        await api.call(.PATCH, "/api/v1/namespaces/default/configmaps/child", json: #"{"metadata":{"finalizers":["example.com/slow"]}}"#,
                       contentType: "application/merge-patch+json")
        await api.call(.DELETE, "/api/v1/namespaces/default/configmaps/owner", json: #"{"propagationPolicy":"Foreground"}"#)
        await pass(api)
        await pass(api)
        let owner = await api.call(.GET, "/api/v1/namespaces/default/configmaps/owner")
        #expect(owner.code == 200)
        #expect(owner.body[path: "metadata.finalizers.0"] == "foregroundDeletion")
        await api.call(.PATCH, "/api/v1/namespaces/default/configmaps/child", json: #"{"metadata":{"finalizers":null}}"#,
                       contentType: "application/merge-patch+json")
        await pass(api)
        await pass(api)
        #expect(await api.call(.GET, "/api/v1/namespaces/default/configmaps/owner").code == 404)
    }

    @Test func namespaceTerminationEmptiesAndRemovesIt() async throws {
        let api = try await TestAPI.make()
        await api.call(.POST, "/api/v1/namespaces", json: #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team"}}"#)
        await api.call(.POST, "/api/v1/namespaces/team/configmaps", json: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}"#)
        let deleted = await api.call(.DELETE, "/api/v1/namespaces/team")
        #expect(deleted.body[path: "status.phase"] == "Terminating")
        let refused = await api.call(.POST, "/api/v1/namespaces/team/configmaps", json: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"d"}}"#)
        #expect(refused.code == 403)
        #expect(refused.reason == "Forbidden")
        for _ in 0..<3 { await pass(api) }
        #expect(await api.call(.GET, "/api/v1/namespaces/team/configmaps/c").code == 404)
        #expect(await api.call(.GET, "/api/v1/namespaces/team").code == 404)
    }

    @Test func customResourceDefinitionsServeTheirKinds() async throws {
        let api = try await TestAPI.make()
        let crd = #"""
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.com"},
             "spec":{"group":"example.com","scope":"Namespaced","names":{"plural":"widgets","singular":"widget","kind":"Widget","shortNames":["wd"]},
             "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}},"subresources":{"status":{}}}]}}
            """#
        #expect(await api.call(.POST, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", json: crd).code == 201)
        await pass(api)
        let got = await api.call(.GET, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com")
        let established = got.body[path: "status.conditions"]?.listValue?.contains { $0["type"] == "Established" && $0["status"] == "True" }
        #expect(established == true)
        let discovery = await api.call(.GET, "/apis/example.com/v1")
        #expect(discovery.body[path: "resources.0.name"] == "widgets")
        let w = await api.call(.POST, "/apis/example.com/v1/namespaces/default/widgets",
                               json: #"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w1"},"spec":{"size":3}}"#)
        #expect(w.code == 201)
        #expect(w.body[path: "metadata.generation"] == 1)
        let smp = await api.call(.PATCH, "/apis/example.com/v1/namespaces/default/widgets/w1", json: #"{"spec":{"size":4}}"#,
                                 contentType: "application/strategic-merge-patch+json")
        #expect(smp.code == 415)
        // Deleting the definition deletes its objects, then the definition.
        await api.call(.DELETE, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com")
        for _ in 0..<3 { await pass(api) }
        #expect(await api.call(.GET, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com").code == 404)
        #expect(await api.call(.GET, "/apis/example.com/v1/namespaces/default/widgets/w1").code == 404)
    }
}
