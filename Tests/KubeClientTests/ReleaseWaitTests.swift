import Testing
import StructuredData
import Foundation
@testable import ChartEngine
@testable import KubeClient

/// A watch source fed by the test: each poll returns the next batch and advances the fake clock.
final class ScriptedWatch: WatchSource {
    var added: [(String, String?)] = []
    var selectors: [String] = []
    var batches: [[WatchEvent]]
    var now = 0.0
    let step: Double
    private(set) var allSynced = false

    init(batches: [[WatchEvent]], step: Double = 1) {
        self.batches = batches
        self.step = step
    }

    func add(_ r: APIResource, namespace: String?, labelSelector: String, fieldSelector: String) throws(KubeError) -> Int {
        added.append((r.name, namespace))
        selectors.append(fieldSelector)
        return added.count - 1
    }

    func poll(timeoutMilliseconds: Int) throws(KubeError) -> [WatchEvent] {
        now += step
        guard !batches.isEmpty else { return [] }
        let b = batches.removeFirst()
        if b.contains(where: { $0.type == "SYNCED" }) { allSynced = true }
        return b
    }
}

@Suite struct ReleaseWaitTests {
    static let deploy = APIResource(group: "apps", version: "v1", name: "deployments", kind: "Deployment", namespaced: true)
    static let svc = APIResource(group: "", version: "v1", name: "services", kind: "Service", namespaced: true)

    func objects() -> [ReleaseObject] {
        [ReleaseObject(object: [:], resource: Self.svc, namespace: "apps", name: "web"),
         ReleaseObject(object: [:], resource: Self.deploy, namespace: "apps", name: "web")]
    }

    static func ev(_ type: String, _ stream: Int, _ json: String) -> WatchEvent {
        WatchEvent(type: type, object: ReadinessTests.obj(json), stream: stream)
    }

    static let svcLive = #"{"kind":"Service","metadata":{"name":"web","namespace":"apps","uid":"s1"},"spec":{"clusterIP":"10.0.0.9"}}"#
    static let deployPending = #"""
    {"kind":"Deployment","metadata":{"name":"web","namespace":"apps","uid":"d1","generation":1},"spec":{"replicas":1},
     "status":{"observedGeneration":1,"replicas":1,"updatedReplicas":1}}
    """#
    static let deployReady = #"""
    {"kind":"Deployment","metadata":{"name":"web","namespace":"apps","uid":"d1","generation":1},"spec":{"replicas":1},
     "status":{"observedGeneration":1,"replicas":1,"updatedReplicas":1,"readyReplicas":1,"availableReplicas":1}}
    """#
    static let rs = #"""
    {"kind":"ReplicaSet","metadata":{"name":"web-5d","namespace":"apps","uid":"r1","ownerReferences":[{"uid":"d1","controller":true}]}}
    """#
    static let pod = #"""
    {"kind":"Pod","metadata":{"name":"web-5d-x","namespace":"apps","uid":"p1","ownerReferences":[{"uid":"r1","controller":true}]},
     "spec":{"containers":[{"name":"web"}]},
     "status":{"phase":"Pending","containerStatuses":[{"name":"web","ready":false,
       "state":{"waiting":{"reason":"ImagePullBackOff","message":"Back-off pulling image \"nosuch:1\""}}}]}}
    """#
    static let warning = #"""
    {"kind":"Event","type":"Warning","reason":"Failed","message":"Failed to pull image \"nosuch:1\"","metadata":{"name":"e1","namespace":"apps"},
     "involvedObject":{"kind":"Pod","name":"web-5d-x","uid":"p1"},"lastTimestamp":"2026-01-01T00:00:01Z"}
    """#
    static let otherWarning = #"""
    {"kind":"Event","type":"Warning","reason":"Noise","message":"not ours","metadata":{"name":"e2","namespace":"apps"},
     "involvedObject":{"kind":"Pod","name":"other","uid":"zz"}}
    """#

    func waiter(_ source: ScriptedWatch, deleting: Bool = false, progress: @escaping (WaitProgress) -> Void = { _ in })
        throws -> ReleaseWaiter
    {
        var settings = WaitSettings()
        settings.clock = { source.now }
        settings.progress = progress
        // Streams: 0 services, 1 deployments, then (not when deleting) 2 pods, 3 replicasets, 4 events.
        let related = ReleaseWaiter.Related(
            pods: APIResource(group: "", version: "v1", name: "pods", kind: "Pod", namespaced: true),
            replicaSets: APIResource(group: "apps", version: "v1", name: "replicasets", kind: "ReplicaSet", namespaced: true),
            events: APIResource(group: "", version: "v1", name: "events", kind: "Event", namespaced: true))
        return try ReleaseWaiter(objects: objects(), release: "web", source: source, related: deleting ? nil : related,
                                 settings: settings, strategy: .watcher, deleting: deleting)
    }

    @Test func returnsOnceEverythingIsReady() throws {
        let source = ScriptedWatch(batches: [
            [Self.ev("ADDED", 0, Self.svcLive), Self.ev("ADDED", 1, Self.deployPending), WatchEvent(type: "SYNCED", object: .null, stream: 0)],
            [Self.ev("MODIFIED", 1, Self.deployReady)],
        ])
        var seen: [WaitProgress] = []
        try waiter(source) { seen.append($0) }.wait(timeoutSeconds: 60)
        #expect(seen.first?.readyCount == 1)
        #expect(seen.last?.isComplete == true)
        #expect(source.added.map(\.0) == ["services", "deployments", "pods", "replicasets", "events"])
        // Only Warning events are asked for (the reported ones); the other streams take every object.
        #expect(source.selectors == ["", "", "", "", "type=Warning"])
    }

    @Test func timeoutNamesTheResourceAndWhy() throws {
        let source = ScriptedWatch(batches: [
            [Self.ev("ADDED", 0, Self.svcLive), Self.ev("ADDED", 1, Self.deployPending), Self.ev("ADDED", 2, Self.pod),
             Self.ev("ADDED", 3, Self.rs), Self.ev("ADDED", 4, Self.warning), Self.ev("ADDED", 4, Self.otherWarning),
             WatchEvent(type: "SYNCED", object: .null, stream: 0)],
        ], step: 10)
        var last: WaitProgress?
        #expect {
            try waiter(source) { last = $0 }.wait(timeoutSeconds: 30)
        } throws: { e in
            (e as? ChartEngineError)?.message == """
                resource not ready, name: web, kind: Deployment, status: InProgress: Deployment apps/web: 0/1 replicas \
                available; pod web-5d-x: ImagePullBackOff, ready 0/1 (Back-off pulling image "nosuch:1")
                last warning event: Failed Pod/web-5d-x: Failed to pull image "nosuch:1"
                context deadline exceeded
                """
        }
        #expect(last?.pods.map(\.name) == ["web-5d-x"])
        #expect(last?.warnings == [#"Failed Pod/web-5d-x: Failed to pull image "nosuch:1""#])
        #expect(last?.elapsedSeconds == 30)
    }

    @Test func notYetSyncedIsNotReady() throws {
        let source = ScriptedWatch(batches: [[Self.ev("ADDED", 0, Self.svcLive)]], step: 5)
        var last: WaitProgress?
        #expect(throws: ChartEngineError.self) { try waiter(source) { last = $0 }.wait(timeoutSeconds: 10) }
        #expect(last?.synced == false)
        #expect(last?.resources.last?.readiness == Readiness(.inProgress, "waiting for the watch"))
    }

    @Test func deletionWaitsUntilGone() throws {
        let source = ScriptedWatch(batches: [
            [Self.ev("ADDED", 0, Self.svcLive), Self.ev("ADDED", 1, Self.deployReady), WatchEvent(type: "SYNCED", object: .null, stream: 0)],
            [Self.ev("DELETED", 0, Self.svcLive)],
            [Self.ev("DELETED", 1, Self.deployReady)],
        ])
        var counts: [Int] = []
        try waiter(source, deleting: true) { counts.append($0.readyCount) }.wait(timeoutSeconds: 60)
        #expect(counts == [0, 1, 2])
    }

    @Test func progressBlockGolden() throws {
        let source = ScriptedWatch(batches: [
            [Self.ev("ADDED", 0, Self.svcLive), Self.ev("ADDED", 1, Self.deployPending), Self.ev("ADDED", 2, Self.pod),
             Self.ev("ADDED", 3, Self.rs), Self.ev("ADDED", 4, Self.warning), WatchEvent(type: "SYNCED", object: .null, stream: 0)],
        ], step: 7)
        var last: WaitProgress?
        _ = try? waiter(source) { last = $0 }.wait(timeoutSeconds: 7)
        let p = try #require(last)
        #expect(p.blocking == [#"Deployment apps/web: 0/1 replicas available; pod web-5d-x: ImagePullBackOff, ready 0/1 (Back-off pulling image "nosuch:1")"#])
        #expect(p.readyCount == 1 && p.resources.count == 2)
    }

    @Test func pendingReleaseMessageGivesTheWayOut() {
        var r = Release(name: "web", namespace: "apps", version: 6)
        r.info.status = .pendingUpgrade
        #expect(ReleaseContext.pendingMessage(r) == """
            another operation (install/upgrade/rollback) is in progress
            revision 6 of release "web" is pending-upgrade; if no other helmctl or helm is working on it, that \
            operation was interrupted: recover with `helmctl rollback web` (to revision 5) or `helmctl rollback web REVISION`
            """)
        r.version = 1
        r.info.status = .pendingInstall
        #expect(ReleaseContext.pendingMessage(r).hasSuffix("recover with `helmctl uninstall web`"))
    }

    @Test func legacyTimeoutWordingAndDeletion() {
        let gone = WaitProgress.Resource(kind: "Service", namespace: "apps", name: "web", readiness: Readiness(.current),
                                         podProblems: [])
        let left = WaitProgress.Resource(kind: "ConfigMap", namespace: nil, name: "c", readiness: Readiness(.inProgress, "still exists"),
                                         podProblems: [])
        let p = WaitProgress(release: "web", strategy: .legacy, deleting: true, resources: [gone, left], pods: [],
                             warnings: [], elapsedSeconds: 3, timeoutSeconds: 3, synced: true)
        #expect(p.timeoutMessage == """
            resource not ready, name: c, kind: ConfigMap, status: Terminating: ConfigMap c: still exists
            timed out waiting for the condition
            """)
        #expect(!p.isComplete && p.readyCount == 1)
    }
}
