import Testing
import NIOHTTP1
import StructuredData
@testable import ClusterCore

/// The running control plane (not explicit passes): store events wake the workload controllers.
@Suite struct WorkloadRuntimeTests {
    @Test(.timeLimit(.minutes(1)))
    func deploymentCreatesReplicaSetAndPodsWithoutExplicitPasses() async throws {
        let api = try await TestAPI.make()
        let background = Task { try await api.handler.runBackground() }
        defer { background.cancel() }
        let reader = try #require(await api.watch("/api/v1/namespaces/default/pods?watch=true"))
        let created = await api.call(.POST, "/apis/apps/v1/namespaces/default/deployments",
                                     json: WorkloadDeploymentTests.deployment(replicas: 2))
        #expect(created.code == 201)
        var names: Set<String> = []
        while names.count < 2, let (type, pod) = await reader.next() {
            if type == "ADDED" { names.insert(pod.name) }
        }
        #expect(names.count == 2 && names.allSatisfy { $0.hasPrefix("web-") })
        let sets = await api.call(.GET, "/apis/apps/v1/namespaces/default/replicasets").body["items"]?.listValue ?? []
        #expect(sets.count == 1)
    }
}
