import ClusterAPI
import NIOConcurrencyHelpers
import Testing
import StructuredData
@testable import ClusterCore

/// How a pass orders its workload actions: by the object they are about, so writes about different
/// objects go to the store together and those about one object keep their order.
@Suite struct WorkloadActionGroupTests {
    static let deployments = "/apis/apps/v1/namespaces/default/deployments"

    func stored(_ h: WorkloadHarness, _ plural: String, _ object: Value) throws -> Reconciler.Stored {
        let info = try #require(h.api.handler.catalog.withLockedValue { $0 }.resources.first { $0.plural == plural })
        return Reconciler.Stored(info: info, namespace: "default", object: object)
    }

    static func object(_ name: String, uid: String, owner: String? = nil) -> Value {
        var meta: [String: Value] = ["name": .string(name), "namespace": "default", "uid": .string(uid)]
        if let owner { meta["ownerReferences"] = [["uid": .string(owner), "controller": true, "kind": "Deployment", "name": "x"]] }
        return .map(["metadata": .map(meta)])
    }

    /// A label for each action, to compare groups.
    static func label(_ a: WorkloadAction) -> String {
        switch a {
        case .create(_, let plural, _, let o): "create \(plural) \(o.name)"
        case .update(let s, _): "update \(s.object.name)"
        case .status(let s, _): "status \(s.object.name)"
        case .delete(let s): "delete \(s.object.name)"
        case .bind(let s, _): "bind \(s.object.name)"
        case .event(let s, _, let reason, _, _): "event \(s.object.name) \(reason)"
        }
    }

    @Test func actionsAboutOneObjectStayTogetherInOrder() async throws {
        let h = try await WorkloadHarness.make()
        let a = try stored(h, "deployments", Self.object("a", uid: "ua"))
        let b = try stored(h, "deployments", Self.object("b", uid: "ub"))
        let pod = try stored(h, "pods", Self.object("p", uid: "up"))
        let actions: [WorkloadAction] = [
            .create(group: "apps", plural: "replicasets", namespace: "default", object: Self.object("a-1", uid: "", owner: "ua")),
            .create(group: "apps", plural: "replicasets", namespace: "default", object: Self.object("b-1", uid: "", owner: "ub")),
            .update(a) { _ in },
            .event(b, warning: false, reason: "ScalingReplicaSet", message: "", component: "deployment-controller"),
            .status(a, .map([:])),
            .delete(pod),
            // Unowned new objects: one group per kind and name.
            .create(group: "", plural: "endpoints", namespace: "default", object: Self.object("svc", uid: "")),
            .create(group: "discovery.k8s.io", plural: "endpointslices", namespace: "default", object: Self.object("svc", uid: "")),
            .status(b, .map([:])),
        ]
        let groups = Reconciler.groupedByObject(actions).map { $0.map(Self.label) }
        #expect(groups == [
            ["create replicasets a-1", "update a", "status a"],
            ["create replicasets b-1", "event b ScalingReplicaSet", "status b"],
            ["delete p"],
            ["create endpoints svc"],
            ["create endpointslices svc"],
        ])
    }

    @Test func severalDeploymentsRollOutInTheSamePasses() async throws {
        let h = try await WorkloadHarness.make()
        for name in ["a", "b", "c", "d", "e"] {
            #expect(await h.create(Self.deployments, #"""
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"\#(name)"},"spec":{"replicas":2,
                 "selector":{"matchLabels":{"app":"\#(name)"}},"template":\#(WorkloadHarness.podTemplate(#""app":"\#(name)""#))}}
                """#).code == 201)
        }
        await h.settle()
        let sets = await h.items("/apis/apps/v1/namespaces/default/replicasets")
        #expect(sets.map { $0.owners() }.sorted { $0.first ?? "" < $1.first ?? "" } == [["a"], ["b"], ["c"], ["d"], ["e"]])
        #expect(await h.pods().count == 10)
        await h.runAllPending()
        for name in ["a", "b", "c", "d", "e"] {
            let d = await h.get(Self.deployments + "/" + name)
            #expect(d[path: "metadata.annotations"]?["deployment.kubernetes.io/revision"]?.stringValue == "1")
            #expect(d.int("status.availableReplicas") == 2 && d.conditionStatus("Available") == "True")
        }
        // Every creation was announced once, on its owner.
        let events = await h.items("/api/v1/namespaces/default/events")
        #expect(events.filter { $0["reason"] == "SuccessfulCreate" }.count == 10)
        #expect(events.filter { $0["reason"] == "ScalingReplicaSet" }.count == 5)
    }
}
