import Testing
import NIOHTTP1
import StructuredData
@testable import ClusterCore

/// The ReplicaSet controller driven through the API, one explicit pass at a time.
@Suite struct WorkloadReplicaSetTests {
    static let path = "/apis/apps/v1/namespaces/default/replicasets"

    func makeRS(_ h: WorkloadHarness, replicas: Int, minReady: Int = 0) async -> TestAPI.Reply {
        await h.create(Self.path, #"""
            {"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"fe"},"spec":{"replicas":\#(replicas),"minReadySeconds":\#(minReady),
             "selector":{"matchLabels":{"app":"fe"}},"template":\#(WorkloadHarness.podTemplate(#""app":"fe","tier":"x""#))}}
            """#)
    }

    @Test func createsPodsAndReportsStatus() async throws {
        let h = try await WorkloadHarness.make()
        #expect(await makeRS(h, replicas: 3).code == 201)
        await h.settle()
        let pods = await h.pods()
        #expect(pods.count == 3)
        for p in pods {
            #expect(p.name.hasPrefix("fe-") && p.name.count == 8)
            #expect(p[path: "metadata.generateName"]?.stringValue == "fe-")
            #expect(p[path: "metadata.labels.tier"]?.stringValue == "x")
            let ref = p[path: "metadata.ownerReferences.0"]
            #expect(ref?["kind"]?.stringValue == "ReplicaSet" && ref?["controller"] == .bool(true) && ref?["blockOwnerDeletion"] == .bool(true))
        }
        var rs = await h.get(Self.path + "/fe")
        #expect(rs.int("status.replicas") == 3 && rs.int("status.fullyLabeledReplicas") == 3 && rs.int("status.readyReplicas") == 0)
        #expect(rs.int("status.observedGeneration") == 1)
        await h.run(pods[0])
        await h.run(pods[1])
        await h.settle()
        rs = await h.get(Self.path + "/fe")
        #expect(rs.int("status.readyReplicas") == 2 && rs.int("status.availableReplicas") == 2)
        // A deleted pod is replaced.
        await h.api.call(.DELETE, "/api/v1/namespaces/default/pods/\(pods[2].name)")
        await h.settle()
        #expect(await h.pods().count == 3)
    }

    @Test func scaleDownPrefersPendingThenNotReady() async throws {
        let h = try await WorkloadHarness.make()
        _ = await makeRS(h, replicas: 3)
        await h.settle()
        let pods = await h.pods()
        await h.run(pods[0], ready: true)
        await h.run(pods[1], ready: false)
        await h.mergePatch(Self.path + "/fe", #"{"spec":{"replicas":2}}"#)
        await h.settle()
        #expect(Set(await h.pods().map(\.name)) == [pods[0].name, pods[1].name])
        await h.mergePatch(Self.path + "/fe", #"{"spec":{"replicas":1}}"#)
        await h.settle()
        #expect(await h.pods().map(\.name) == [pods[0].name])
        let rs = await h.get(Self.path + "/fe")
        #expect(rs.int("status.replicas") == 1 && rs.int("status.observedGeneration") == 3)
    }

    @Test func adoptsOrphansAndReleasesMismatches() async throws {
        let h = try await WorkloadHarness.make()
        await h.create("/api/v1/namespaces/default/pods",
                       #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"stray","labels":{"app":"fe"}},"spec":{"containers":[{"name":"c","image":"x"}]}}"#)
        _ = await makeRS(h, replicas: 1)
        await h.settle()
        var pods = await h.pods()
        #expect(pods.map(\.name) == ["stray"])
        #expect(pods[0].owners() == ["fe"])
        var rs = await h.get(Self.path + "/fe")
        #expect(rs.int("status.replicas") == 1 && rs.int("status.fullyLabeledReplicas") == 0)
        await h.mergePatch("/api/v1/namespaces/default/pods/stray", #"{"metadata":{"labels":{"app":"other"}}}"#)
        await h.settle()
        pods = await h.pods()
        #expect(pods.count == 2)
        #expect(pods.first { $0.name == "stray" }?.owners() == [])
        rs = await h.get(Self.path + "/fe")
        #expect(rs.int("status.fullyLabeledReplicas") == 1)
    }

    @Test func minReadySecondsDelaysAvailability() async throws {
        let h = try await WorkloadHarness.make()
        _ = await makeRS(h, replicas: 1, minReady: 30)
        await h.settle()
        await h.run(await h.pods()[0])
        await h.settle()
        var rs = await h.get(Self.path + "/fe")
        #expect(rs.int("status.readyReplicas") == 1 && rs.int("status.availableReplicas") == 0)
        #expect(await Reconciler(handler: h.api.handler).pass().requeueAfter == 30)
        h.clock.advance(30)
        await h.settle()
        rs = await h.get(Self.path + "/fe")
        #expect(rs.int("status.availableReplicas") == 1)
    }
}
