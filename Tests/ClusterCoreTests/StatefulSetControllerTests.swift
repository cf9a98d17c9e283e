import Testing
import ClusterAPI
import NIOConcurrencyHelpers
import NIOHTTP1
import StructuredData
@testable import ClusterCore

/// The StatefulSet controller: ordinals, claims, ordering, scale-down, rolling update with partition, OnDelete.
@Suite struct StatefulSetControllerTests {
    static let path = "/apis/apps/v1/namespaces/default/statefulsets"

    /// A node for the pods, so their deletion is graceful (a kubelet must confirm it) as on a real cluster.
    func makeSet(_ h: WorkloadHarness, replicas: Int = 3, extra: String = "") async {
        #expect(await h.create("/api/v1/nodes", #"{"apiVersion":"v1","kind":"Node","metadata":{"name":"n1"}}"#).code == 201)
        await h.mergePatch("/api/v1/nodes/n1/status", #"""
            {"status":{"allocatable":{"cpu":"8","memory":"8Gi","pods":"110"},"conditions":[{"type":"Ready","status":"True"}]}}
            """#)
        let reply = await h.create(Self.path, #"""
            {"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"web"},
             "spec":{"replicas":\#(replicas),"serviceName":"web","selector":{"matchLabels":{"app":"web"}},\#(extra)
              "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"nginx:1.27",
                "volumeMounts":[{"name":"data","mountPath":"/data"}]}],"volumes":[{"name":"data","emptyDir":{}}]}},
              "volumeClaimTemplates":[{"metadata":{"name":"data"},
                "spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}]}}
            """#)
        #expect(reply.code == 201, "\(reply.text)")
    }

    func live(_ h: WorkloadHarness) async -> [String] {
        await h.pods().filter { $0.meta("deletionTimestamp") == nil }.map(\.name).sorted()
    }

    func pod(_ h: WorkloadHarness, _ name: String) async -> Value { await h.get("/api/v1/namespaces/default/pods/\(name)") }

    /// What the kubelet does when a pod is deleted: it goes.
    func gone(_ h: WorkloadHarness, _ name: String) async {
        await h.api.call(.DELETE, "/api/v1/namespaces/default/pods/\(name)?gracePeriodSeconds=0")
    }

    func set(_ h: WorkloadHarness) async -> Value { await h.get(Self.path + "/web") }

    /// Runs every pending pod, one settle at a time, until nothing new appears.
    func runAll(_ h: WorkloadHarness) async {
        for _ in 0..<10 {
            let pending = await h.pods().filter { $0[path: "status.phase"]?.stringValue == "Pending" && $0.meta("deletionTimestamp") == nil }
            if pending.isEmpty { return }
            for p in pending { await h.run(p) }
            await h.settle()
        }
    }

    @Test func orderedReadyCreatesOneOrdinalAtATime() async throws {
        let h = try await WorkloadHarness.make()
        await makeSet(h)
        await h.settle()
        #expect(await live(h) == ["web-0"])
        let p0 = await pod(h, "web-0")
        #expect(p0[path: "spec.hostname"]?.stringValue == "web-0" && p0[path: "spec.subdomain"]?.stringValue == "web")
        #expect(p0.labels["statefulset.kubernetes.io/pod-name"] == "web-0" && p0.labels["apps.kubernetes.io/pod-index"] == "0")
        #expect(p0.owners() == ["web"])
        let volumes = p0[path: "spec.volumes"]?.listValue ?? []
        #expect(volumes.count == 1 && volumes.first?[path: "persistentVolumeClaim.claimName"]?.stringValue == "data-web-0")
        let claim = await h.get("/api/v1/namespaces/default/persistentvolumeclaims/data-web-0")
        #expect(claim.labels["app"] == "web" && claim[path: "spec.resources.requests.storage"]?.stringValue == "1Gi")
        // Not ready yet: web-1 waits.
        await h.run(p0, ready: false)
        await h.settle()
        #expect(await live(h) == ["web-0"])
        await h.run(p0)
        await h.settle()
        #expect(await live(h) == ["web-0", "web-1"])
        await runAll(h)
        #expect(await live(h) == ["web-0", "web-1", "web-2"])
        let s = await set(h)
        let revision = try #require(s[path: "status.updateRevision"]?.stringValue)
        #expect(s.int("status.replicas") == 3 && s.int("status.readyReplicas") == 3 && s.int("status.availableReplicas") == 3)
        #expect(s.int("status.currentReplicas") == 3 && s.int("status.updatedReplicas") == 3)
        #expect(s[path: "status.currentRevision"]?.stringValue == revision && revision.hasPrefix("web-"))
        #expect(s.int("status.observedGeneration") == s.int("metadata.generation"))
        #expect(p0.labels["controller-revision-hash"] == revision)
        let revisions = await h.items("/apis/apps/v1/namespaces/default/controllerrevisions")
        #expect(revisions.map(\.name) == [revision] && revisions.first?.int("revision") == 1)
        #expect(revisions.first?[path: "data.spec.template.spec.containers"]?.listValue?.count == 1)
    }

    @Test func parallelCreatesEveryOrdinalAtOnce() async throws {
        let h = try await WorkloadHarness.make()
        await makeSet(h, extra: #""podManagementPolicy":"Parallel","#)
        await h.settle()
        #expect(await live(h) == ["web-0", "web-1", "web-2"])
        let claims = await h.items("/api/v1/namespaces/default/persistentvolumeclaims").map(\.name).sorted()
        #expect(claims == ["data-web-0", "data-web-1", "data-web-2"])
    }

    @Test func scalesDownFromTheHighestOrdinalOneAtATime() async throws {
        let h = try await WorkloadHarness.make()
        await makeSet(h)
        await h.settle()
        await runAll(h)
        await h.mergePatch(Self.path + "/web", #"{"spec":{"replicas":1}}"#)
        await h.settle()
        // web-2 terminates first; web-1 waits for it.
        #expect(await live(h) == ["web-0", "web-1"])
        #expect(await pod(h, "web-2").meta("deletionTimestamp") != nil)
        await gone(h, "web-2")
        await h.settle()
        #expect(await live(h) == ["web-0"])
        await gone(h, "web-1")
        await h.settle()
        #expect(await live(h) == ["web-0"])
        #expect(await set(h).int("status.replicas") == 1)
        // Claims stay (Retain).
        #expect(await h.items("/api/v1/namespaces/default/persistentvolumeclaims").count == 3)
    }

    @Test func rollingUpdateHonoursPartitionFromTheTop() async throws {
        let h = try await WorkloadHarness.make()
        await makeSet(h, extra: #""updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":2}},"#)
        await h.settle()
        await runAll(h)
        let old = try #require(await set(h)[path: "status.currentRevision"]?.stringValue)
        await h.mergePatch(Self.path + "/web", #"{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"nginx:1.28"}]}}}}"#)
        await h.settle()
        var s = await set(h)
        let new = try #require(s[path: "status.updateRevision"]?.stringValue)
        #expect(new != old && s[path: "status.currentRevision"]?.stringValue == old)
        #expect(await pod(h, "web-2").meta("deletionTimestamp") != nil)
        #expect(await pod(h, "web-1").meta("deletionTimestamp") == nil)
        await gone(h, "web-2")
        await h.settle()
        let p2 = await pod(h, "web-2")
        #expect(p2.labels["controller-revision-hash"] == new)
        #expect(p2[path: "spec.containers"]?.listValue?.first?["image"]?.stringValue == "nginx:1.28")
        await runAll(h)
        // Partition 2 holds web-0 and web-1 back.
        #expect(await h.pods().allSatisfy { $0.meta("deletionTimestamp") == nil })
        s = await set(h)
        #expect(s.int("status.updatedReplicas") == 1 && s.int("status.currentReplicas") == 2 && s[path: "status.currentRevision"]?.stringValue == old)
        // Partition 0: web-1, then web-0.
        await h.mergePatch(Self.path + "/web", #"{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}"#)
        await h.settle()
        let (w1, w0) = (await pod(h, "web-1"), await pod(h, "web-0"))
        #expect(w1.meta("deletionTimestamp") != nil && w0.meta("deletionTimestamp") == nil)
        await gone(h, "web-1")
        await h.settle()
        await runAll(h)
        #expect(await pod(h, "web-0").meta("deletionTimestamp") != nil)
        await gone(h, "web-0")
        await h.settle()
        await runAll(h)
        s = await set(h)
        #expect(s[path: "status.currentRevision"]?.stringValue == new && s.int("status.updatedReplicas") == 3)
        #expect(s.int("status.currentReplicas") == 3 && s.int("status.readyReplicas") == 3)
        #expect(await h.items("/apis/apps/v1/namespaces/default/controllerrevisions").count == 2)
    }

    @Test func onDeleteReplacesOnlyDeletedPods() async throws {
        let h = try await WorkloadHarness.make()
        await makeSet(h, replicas: 2, extra: #""updateStrategy":{"type":"OnDelete"},"#)
        await h.settle()
        await runAll(h)
        await h.mergePatch(Self.path + "/web", #"{"spec":{"template":{"metadata":{"labels":{"app":"web","v":"2"}}}}}"#)
        await h.settle()
        #expect(await h.pods().allSatisfy { $0.meta("deletionTimestamp") == nil })
        let new = try #require(await set(h)[path: "status.updateRevision"]?.stringValue)
        await gone(h, "web-0")
        await h.settle()
        #expect(await pod(h, "web-0").labels["controller-revision-hash"] == new)
        let (p0, p1) = (await pod(h, "web-0"), await pod(h, "web-1"))
        #expect(p0.labels["v"] == "2" && p1.labels["v"] == nil)
    }

    @Test func failedPodIsRecreated() async throws {
        let h = try await WorkloadHarness.make()
        await makeSet(h, replicas: 1)
        await h.settle()
        await runAll(h)
        let uid = await pod(h, "web-0").uid
        await h.finish(await pod(h, "web-0"), phase: "Failed")
        await h.settle()
        await gone(h, "web-0")
        await h.settle()
        let again = await pod(h, "web-0")
        #expect(again.uid != uid && !again.uid.isEmpty)
    }

    @Test func hugeReplicaCountsAreBoundedPerPass() async throws {
        let h = try await WorkloadHarness.make()
        await makeSet(h, replicas: 3, extra: #""podManagementPolicy":"Parallel","ordinals":{"start":9223372036854775000},"#)
        await h.mergePatch(Self.path + "/web", #"{"spec":{"replicas":2000000000000}}"#)
        let info = try #require(h.api.handler.catalog.withLockedValue { $0 }.resources.first { $0.plural == "statefulsets" })
        let set = await h.get(Self.path + "/web")
        let stored = Reconciler.Stored(info: info, namespace: "default", object: set)
        let actions = StatefulSetController.reconcile(stored, view: WorkloadView(now: h.clock.now(), objects: [stored]))
        let pods = actions.filter { if case .create(_, "pods", _, _) = $0 { return true } else { return false } }
        #expect(pods.count == ReplicaSetController.burst)
    }

    @Test(arguments: [("web-0", 0), ("web-12", 12), ("web-01", nil), ("web-", nil), ("webx-1", nil), ("web-1a", nil)] as [(String, Int?)])
    func ordinals(name: String, expected: Int?) {
        #expect(StatefulSetController.ordinal(of: name, set: "web") == expected)
    }
}
