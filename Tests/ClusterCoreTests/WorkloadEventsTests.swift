import Testing
import NIOHTTP1
import StructuredData
@testable import ClusterCore

/// The Events the controllers record (what `kubectl describe` shows).
@Suite struct WorkloadEventsTests {
    func events(_ h: WorkloadHarness) async -> [(String, String, String)] {
        await h.items("/api/v1/namespaces/default/events").map {
            ($0[path: "involvedObject.kind"]?.stringValue ?? "", $0["reason"]?.stringValue ?? "", $0["message"]?.stringValue ?? "")
        }
    }

    @Test func deploymentReplicaSetSchedulerAndJobEvents() async throws {
        let h = try await WorkloadHarness.make()
        _ = await h.create(WorkloadDeploymentTests.path, WorkloadDeploymentTests.deployment(replicas: 2))
        await h.settle()
        let rs = try #require(await h.items(WorkloadDeploymentTests.rsPath).first)
        var all = await events(h)
        #expect(all.contains { $0 == ("Deployment", "ScalingReplicaSet", "Scaled up replica set \(rs.name) from 0 to 2") })
        let created = all.filter { $0.0 == "ReplicaSet" && $0.1 == "SuccessfulCreate" }.map(\.2)
        #expect(Set(created) == Set(await h.pods().map { "Created pod: \($0.name)" }))
        #expect(all.contains { $0.0 == "Pod" && $0.1 == "FailedScheduling" && $0.2 == "no nodes available to schedule pods" })
        await h.mergePatch(WorkloadDeploymentTests.path + "/web", #"{"spec":{"replicas":1}}"#)
        await h.settle()
        all = await events(h)
        #expect(all.contains { $0 == ("Deployment", "ScalingReplicaSet", "Scaled down replica set \(rs.name) from 2 to 1") })
        #expect(all.contains { $0.0 == "ReplicaSet" && $0.1 == "SuccessfulDelete" })
        // Settled controllers record nothing more.
        let count = all.count
        await h.settle()
        #expect(await events(h).count == count)
    }

    @Test func jobCompletedEvent() async throws {
        let h = try await WorkloadHarness.make()
        _ = await h.create("/apis/batch/v1/namespaces/default/jobs", #"""
            {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"once"},"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"m","image":"b"}]}}}}
            """#)
        await h.settle()
        await h.finish(await h.pods()[0], phase: "Succeeded")
        await h.settle()
        #expect(await events(h).contains { $0 == ("Job", "Completed", "Job completed") })
    }
}
