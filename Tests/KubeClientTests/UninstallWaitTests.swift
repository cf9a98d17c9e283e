import Testing
import StructuredData
@testable import ChartEngine
@testable import KubeClient

/// `uninstall --wait`: the release's objects and then the pods of its workloads are awaited and shown.
@Suite struct UninstallWaitTests {
    typealias T = ReleaseWaitTests
    static let podRunning = #"""
    {"kind":"Pod","metadata":{"name":"web-5d-x","namespace":"apps","uid":"p1","ownerReferences":[{"uid":"r1","controller":true}]},
     "spec":{"containers":[{"name":"web"}]},"status":{"phase":"Running","containerStatuses":[{"name":"web","ready":true,"state":{"running":{}}}]}}
    """#
    static let podTerminating = #"""
    {"kind":"Pod","metadata":{"name":"web-5d-x","namespace":"apps","uid":"p1","deletionTimestamp":"2026-01-01T00:00:09Z",
     "ownerReferences":[{"uid":"r1","controller":true}]},
     "spec":{"containers":[{"name":"web"}]},"status":{"phase":"Running","containerStatuses":[{"name":"web","ready":true,"state":{"running":{}}}]}}
    """#
    static let strangerPod = #"""
    {"kind":"Pod","metadata":{"name":"other","namespace":"apps","uid":"p9","ownerReferences":[{"uid":"zz"}]},"status":{"phase":"Running"}}
    """#

    func waiter(_ source: ScriptedWatch, progress: @escaping (WaitProgress) -> Void) throws -> ReleaseWaiter {
        var settings = WaitSettings()
        settings.clock = { source.now }
        settings.progress = progress
        let related = ReleaseWaiter.Related(
            pods: APIResource(group: "", version: "v1", name: "pods", kind: "Pod", namespaced: true),
            replicaSets: APIResource(group: "apps", version: "v1", name: "replicasets", kind: "ReplicaSet", namespaced: true),
            events: nil)
        return try ReleaseWaiter(objects: ReleaseWaitTests().objects(), release: "web", source: source, related: related,
                                 settings: settings, strategy: .watcher, deleting: true)
    }

    @Test func podsOfDeletedWorkloadsAreAwaitedAndShown() throws {
        // Streams: 0 services, 1 deployments, 2 pods, 3 replicasets.
        let source = ScriptedWatch(batches: [
            // Primed before anything is deleted.
            [T.ev("ADDED", 0, T.svcLive), T.ev("ADDED", 1, T.deployReady), T.ev("ADDED", 2, Self.podRunning),
             T.ev("ADDED", 2, Self.strangerPod), T.ev("ADDED", 3, T.rs), WatchEvent(type: "SYNCED", object: .null, stream: 0)],
            // Deleted: the Service and Deployment go, the ReplicaSet's pod terminates.
            [T.ev("DELETED", 0, T.svcLive), T.ev("DELETED", 1, T.deployReady), T.ev("MODIFIED", 2, Self.podTerminating)],
            [T.ev("DELETED", 3, T.rs)],
            [T.ev("DELETED", 2, Self.podTerminating)],
        ])
        var seen: [WaitProgress] = []
        let w = try waiter(source) { seen.append($0) }
        try w.prime()
        try w.wait(timeoutSeconds: 60)
        // Objects gone, but the pod still terminating: not complete yet.
        let objectsGone = try #require(seen.first { $0.readyCount == 2 })
        #expect(!objectsGone.isComplete)
        #expect(objectsGone.pods.map(\.name) == ["web-5d-x"])
        #expect(seen.last?.isComplete == true && seen.last?.pods.isEmpty == true)
        // The stranger's pod is never shown.
        #expect(!seen.contains { $0.pods.contains { $0.name == "other" } })
    }

    @Test func timeoutNamesThePodsLeft() {
        let gone = WaitProgress.Resource(kind: "Deployment", namespace: "apps", name: "web", readiness: Readiness(.current),
                                         podProblems: [])
        let pod = WaitProgress.Pod(namespace: "apps", name: "web-5d-x",
                                   summary: PodSummary.describe(ReadinessTests.obj(Self.podTerminating)))
        let p = WaitProgress(release: "web", strategy: .watcher, deleting: true, resources: [gone], pods: [pod],
                             warnings: [], elapsedSeconds: 3, timeoutSeconds: 3, synced: true)
        #expect(!p.isComplete)
        #expect(p.timeoutMessage.hasPrefix("pod apps/web-5d-x still exists: "))
    }
}
