import Testing
import NIOHTTP1
import StructuredData
@testable import ClusterCore

/// The Deployment controller: ReplicaSet naming and revisions, status and conditions as kubectl
/// rollout status and kstatus read them.
@Suite struct WorkloadDeploymentTests {
    static let path = "/apis/apps/v1/namespaces/default/deployments"
    static let rsPath = "/apis/apps/v1/namespaces/default/replicasets"

    static func deployment(replicas: Int, image: String = "nginx:1.27", extra: String = "") -> String {
        #"""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":\#(replicas),\#(extra)
         "selector":{"matchLabels":{"app":"web"}},"template":\#(WorkloadHarness.podTemplate(#""app":"web""#, image: image))}}
        """#
    }

    func replicaSets(_ h: WorkloadHarness) async -> [Value] {
        await h.items(Self.rsPath).sorted { DeploymentController.revision($0) < DeploymentController.revision($1) }
    }

    func setImage(_ h: WorkloadHarness, _ image: String) async {
        await h.mergePatch(Self.path + "/web", #"{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"\#(image)"}]}}}}"#)
    }

    @Test func firstRolloutNamesReplicaSetAndCompletes() async throws {
        let h = try await WorkloadHarness.make()
        #expect(await h.create(Self.path, Self.deployment(replicas: 3)).code == 201)
        await h.settle()
        let sets = await replicaSets(h)
        try #require(sets.count == 1)
        let rs = sets[0]
        let hash = rs[path: "metadata.labels.pod-template-hash"]?.stringValue ?? ""
        #expect(rs.name == "web-" + hash && !hash.isEmpty)
        #expect(hash.allSatisfy { "bcdfghjklmnpqrstvwxz2456789".contains($0) })
        #expect(rs[path: "spec.selector.matchLabels.pod-template-hash"]?.stringValue == hash)
        #expect(rs[path: "spec.template.metadata.labels.pod-template-hash"]?.stringValue == hash)
        #expect(rs[path: "metadata.annotations"] == ["deployment.kubernetes.io/revision": "1", "deployment.kubernetes.io/desired-replicas": "3",
                                                    "deployment.kubernetes.io/max-replicas": "4"])
        #expect(rs.owners() == ["web"])
        var d = await h.get(Self.path + "/web")
        #expect(d[path: "metadata.annotations.deployment.kubernetes.io/revision"] == nil)  // dotted key: read below
        #expect(d[path: "metadata.annotations"]?["deployment.kubernetes.io/revision"]?.stringValue == "1")
        #expect(d.int("status.observedGeneration") == 1 && d.int("status.replicas") == 3 && d.int("status.updatedReplicas") == 3)
        #expect(d.conditionStatus("Available") == "False" && d.conditionReason("Available") == "MinimumReplicasUnavailable")
        #expect(d.conditionStatus("Progressing") == "True")
        #expect(["NewReplicaSetCreated", "ReplicaSetUpdated"].contains(d.conditionReason("Progressing") ?? ""))
        #expect(d.int("status.unavailableReplicas") == 3)
        await h.runAllPending()
        d = await h.get(Self.path + "/web")
        #expect(d.int("status.readyReplicas") == 3 && d.int("status.availableReplicas") == 3 && d[path: "status.unavailableReplicas"] == nil)
        #expect(d.conditionReason("Available") == "MinimumReplicasAvailable" && d.conditionStatus("Available") == "True")
        #expect(d.conditionReason("Progressing") == "NewReplicaSetAvailable")
        let message = (d[path: "status.conditions"]?.listValue ?? []).first { $0["type"] == "Progressing" }?["message"]?.stringValue
        #expect(message == "ReplicaSet \"\(rs.name)\" has successfully progressed.")
        // Settled means settled: nothing more to write.
        #expect(await Reconciler(handler: h.api.handler).pass().writes == 0)
    }

    @Test func hashIsStableAndUsesKubernetesAlphabet() {
        #expect(PodTemplateHash.encode("0123456789") == "456789bcdf")
        let t: Value = ["spec": ["containers": [["name": "c", "image": "x"]]]]
        #expect(PodTemplateHash.compute(template: t, collisionCount: nil) == PodTemplateHash.compute(template: t, collisionCount: nil))
        #expect(PodTemplateHash.compute(template: t, collisionCount: 1) != PodTemplateHash.compute(template: t, collisionCount: nil))
    }

    @Test(arguments: [
        (10, "25%", "25%", 3, 2), (1, "25%", "25%", 1, 0), (3, "0", "0", 0, 1), (5, "50%", "2", 3, 2), (4, "1", "0", 1, 0),
    ])
    func rollingBoundsRoundLikeKubernetes(_ replicas: Int64, _ surge: String, _ unavailable: String, _ wantSurge: Int64, _ wantUnavailable: Int64) {
        func v(_ s: String) -> Value { Int64(s).map { .int($0) } ?? .string(s) }
        let bounds = DeploymentController.Plan.rollingBounds(["maxSurge": v(surge), "maxUnavailable": v(unavailable)], desired: replicas)
        #expect(bounds.0 == wantSurge && bounds.1 == wantUnavailable)
    }

    @Test func rollingUpdateRespectsSurgeAndUnavailability() async throws {
        let h = try await WorkloadHarness.make()
        _ = await h.create(Self.path, Self.deployment(replicas: 4))
        await h.settle()
        await h.runAllPending()
        await setImage(h, "nginx:1.28")
        await h.settle()
        var sets = await replicaSets(h)
        try #require(sets.count == 2)
        // maxSurge 1, maxUnavailable 1 (25% of 4): old 3, new 2 before any new pod is ready.
        #expect(sets.map { $0.int("spec.replicas") } == [3, 2])
        #expect(DeploymentController.revision(sets[1]) == 2)
        var d = await h.get(Self.path + "/web")
        #expect(d.int("status.observedGeneration") == 2 && d.int("status.updatedReplicas") == 2)
        #expect(d.conditionStatus("Progressing") == "True" && d.conditionReason("Progressing") == "ReplicaSetUpdated")
        for _ in 0..<6 {
            await h.runAllPending()
            sets = await replicaSets(h)
            let total = sets.reduce(0) { $0 + $1.int("spec.replicas") }
            let available = sets.reduce(0) { $0 + $1.int("status.availableReplicas") }
            #expect(total <= 5 && available >= 3)
        }
        #expect(sets.map { $0.int("spec.replicas") } == [0, 4])
        d = await h.get(Self.path + "/web")
        #expect(d.int("status.updatedReplicas") == 4 && d.int("status.availableReplicas") == 4 && d.int("status.replicas") == 4)
        #expect(d.conditionReason("Progressing") == "NewReplicaSetAvailable")
        #expect(d[path: "metadata.annotations"]?["deployment.kubernetes.io/revision"]?.stringValue == "2")
        #expect(await h.pods().allSatisfy { $0[path: "spec.containers.0.image"]?.stringValue == "nginx:1.28" })
    }

    /// The Kubernetes documentation's proportional-scaling example: 10 replicas, maxSurge 3,
    /// maxUnavailable 2, a rollout stuck on an unpullable image (8 old + 5 new), scaled to 15 → 11 + 7.
    @Test func scalingMidRolloutIsProportional() async throws {
        let h = try await WorkloadHarness.make()
        _ = await h.create(Self.path, Self.deployment(replicas: 10, extra: #""strategy":{"rollingUpdate":{"maxSurge":3,"maxUnavailable":2}},"#))
        await h.runAllPending()
        await setImage(h, "nginx:sometag")
        await h.settle()
        #expect(await replicaSets(h).map { $0.int("spec.replicas") } == [8, 5])
        await h.mergePatch(Self.path + "/web", #"{"spec":{"replicas":15}}"#)
        await h.settle()
        let sets = await replicaSets(h)
        #expect(sets.map { $0.int("spec.replicas") } == [11, 7])
        #expect(sets.allSatisfy { $0[path: "metadata.annotations"]?["deployment.kubernetes.io/desired-replicas"]?.stringValue == "15" })
        #expect(sets.allSatisfy { $0[path: "metadata.annotations"]?["deployment.kubernetes.io/max-replicas"]?.stringValue == "18" })
    }

    @Test func undoReusesThePreviousReplicaSetAsNewRevision() async throws {
        let h = try await WorkloadHarness.make()
        _ = await h.create(Self.path, Self.deployment(replicas: 2))
        await h.runAllPending()
        await setImage(h, "nginx:1.28")
        for _ in 0..<5 { await h.runAllPending() }
        // What `kubectl rollout undo` does: the template of the ReplicaSet with the previous revision.
        let previous = try #require(await replicaSets(h).first { DeploymentController.revision($0) == 1 })
        var template = try #require(previous[path: "spec.template"])
        template.set(path: ["metadata", "labels", "pod-template-hash"], to: nil)
        await h.api.call(.PATCH, Self.path + "/web", json: #"[{"op":"replace","path":"/spec/template","value":\#(JSON.encode(template))}]"#,
                         contentType: "application/json-patch+json")
        for _ in 0..<5 { await h.runAllPending() }
        let sets = await replicaSets(h)
        #expect(sets.count == 2)
        let current = try #require(sets.last)
        #expect(current.name == previous.name)
        #expect(current[path: "metadata.annotations"]?["deployment.kubernetes.io/revision"]?.stringValue == "3")
        #expect(current[path: "metadata.annotations"]?["deployment.kubernetes.io/revision-history"]?.stringValue == "1")
        #expect(current.int("spec.replicas") == 2 && sets[0].int("spec.replicas") == 0)
        await h.mergePatch(Self.path + "/web", #"{"metadata":{"annotations":{"kubernetes.io/change-cause":"undo to 1"}}}"#)
        await h.settle()
        let after = await replicaSets(h)
        #expect(after.last?[path: "metadata.annotations"]?["kubernetes.io/change-cause"]?.stringValue == "undo to 1")
        #expect(after.first?[path: "metadata.annotations"]?["kubernetes.io/change-cause"] == nil)
        let d = await h.get(Self.path + "/web")
        #expect(d[path: "metadata.annotations"]?["deployment.kubernetes.io/revision"]?.stringValue == "3")
        #expect(d.conditionReason("Progressing") == "NewReplicaSetAvailable")
    }

    @Test func recreateScalesOldToZeroBeforeCreatingNew() async throws {
        let h = try await WorkloadHarness.make()
        _ = await h.create(Self.path, Self.deployment(replicas: 2, extra: #""strategy":{"type":"Recreate"},"#))
        await h.runAllPending()
        await setImage(h, "nginx:1.28")
        await h.settle()
        // Old pods are deleted at once here (unscheduled pods need no kubelet), so the new set follows.
        let sets = await replicaSets(h)
        #expect(sets.map { $0.int("spec.replicas") } == [0, 2])
        let images = await h.pods().compactMap { $0[path: "spec.containers.0.image"]?.stringValue }
        #expect(images == ["nginx:1.28", "nginx:1.28"])
        let rs = sets[1]
        #expect(rs[path: "metadata.annotations"]?["deployment.kubernetes.io/max-replicas"]?.stringValue == "2")
    }

    @Test func recreateWaitsForOldPodsToGo() async throws {
        let h = try await WorkloadHarness.make()
        _ = await h.create(Self.path, Self.deployment(replicas: 1, extra: #""strategy":{"type":"Recreate"},"#))
        await h.settle()
        // A scheduled pod is deleted gracefully: it lingers (Terminating) until its kubelet confirms.
        let pod = await h.pods()[0]
        await h.api.call(.POST, "/api/v1/namespaces/default/pods/\(pod.name)/binding",
                         json: #"{"apiVersion":"v1","kind":"Binding","metadata":{"name":"\#(pod.name)"},"target":{"kind":"Node","name":"n1"}}"#)
        await h.run(await h.pods()[0])
        await setImage(h, "nginx:1.28")
        await h.settle()
        #expect(await replicaSets(h).count == 1)
        await h.api.call(.DELETE, "/api/v1/namespaces/default/pods/\(pod.name)?gracePeriodSeconds=0")
        await h.settle()
        #expect(await replicaSets(h).map { $0.int("spec.replicas") } == [0, 1])
    }

    @Test func pausedDeploymentDoesNotRollOut() async throws {
        let h = try await WorkloadHarness.make()
        _ = await h.create(Self.path, Self.deployment(replicas: 1))
        await h.runAllPending()
        await h.mergePatch(Self.path + "/web", #"{"spec":{"paused":true}}"#)
        await setImage(h, "nginx:1.28")
        await h.settle()
        #expect(await replicaSets(h).count == 1)
        var d = await h.get(Self.path + "/web")
        #expect(d.conditionStatus("Progressing") == "Unknown" && d.conditionReason("Progressing") == "DeploymentPaused")
        #expect(d.int("status.observedGeneration") == d.int("metadata.generation"))
        await h.mergePatch(Self.path + "/web", #"{"spec":{"paused":false}}"#)
        for _ in 0..<4 { await h.runAllPending() }
        #expect(await replicaSets(h).count == 2)
        d = await h.get(Self.path + "/web")
        #expect(d.conditionReason("Progressing") == "NewReplicaSetAvailable")
    }

    @Test func progressDeadlineExceeded() async throws {
        let h = try await WorkloadHarness.make()
        _ = await h.create(Self.path, Self.deployment(replicas: 1, extra: #""progressDeadlineSeconds":30,"#))
        await h.settle()
        h.clock.advance(20)
        await h.settle()
        #expect(await h.get(Self.path + "/web").conditionStatus("Progressing") == "True")
        #expect(await Reconciler(handler: h.api.handler).pass().requeueAfter == 11)
        h.clock.advance(11)
        await h.settle()
        let d = await h.get(Self.path + "/web")
        #expect(d.conditionStatus("Progressing") == "False" && d.conditionReason("Progressing") == "ProgressDeadlineExceeded")
    }

    @Test func scalingAndRevisionHistoryLimit() async throws {
        let h = try await WorkloadHarness.make()
        _ = await h.create(Self.path, Self.deployment(replicas: 2, extra: #""revisionHistoryLimit":1,"#))
        await h.runAllPending()
        for image in ["a:1", "a:2", "a:3"] {
            await setImage(h, image)
            for _ in 0..<5 { await h.runAllPending() }
        }
        let sets = await replicaSets(h)
        #expect(sets.map { DeploymentController.revision($0) } == [3, 4])
        await h.mergePatch(Self.path + "/web", #"{"spec":{"replicas":5}}"#)
        await h.runAllPending()
        await h.mergePatch(Self.path + "/web", #"{"spec":{"replicas":1}}"#)
        await h.settle()
        #expect(await h.pods().count == 1)
        let d = await h.get(Self.path + "/web")
        #expect(d.int("status.replicas") == 1 && d.int("status.availableReplicas") == 1)
    }
}

/// Deleting a Deployment takes its ReplicaSets and pods with it (garbage collector over the
/// controllers' ownerReferences).
@Suite struct WorkloadCascadeTests {
    @Test(arguments: ["Background", "Foreground"])
    func deletingADeploymentRemovesItsReplicaSetsAndPods(_ policy: String) async throws {
        let h = try await WorkloadHarness.make()
        _ = await h.create(WorkloadDeploymentTests.path, WorkloadDeploymentTests.deployment(replicas: 2))
        await h.settle()
        #expect(await h.pods().count == 2)
        await h.api.call(.DELETE, WorkloadDeploymentTests.path + "/web?propagationPolicy=\(policy)")
        await h.settle()
        #expect(await h.pods().isEmpty)
        #expect(await h.items(WorkloadDeploymentTests.rsPath).isEmpty)
        #expect(await h.api.call(.GET, WorkloadDeploymentTests.path + "/web").code == 404)
    }
}

/// A ReplicaSet name taken by another template bumps `status.collisionCount` and rehashes.
@Suite struct WorkloadHashCollisionTests {
    @Test func collisionCountRehashes() async throws {
        let h = try await WorkloadHarness.make()
        let path = WorkloadDeploymentTests.path, rsPath = WorkloadDeploymentTests.rsPath
        _ = await h.create(path, WorkloadDeploymentTests.deployment(replicas: 1))
        await h.settle()
        let first = try #require(await h.items(rsPath).first)
        await h.api.call(.DELETE, path + "/web?propagationPolicy=Orphan")
        await h.settle()
        // The orphan now belongs to nobody and no longer matches the selector or the template.
        await h.mergePatch(rsPath + "/\(first.name)", #"{"metadata":{"labels":{"app":"other"}},"spec":{"replicas":0}}"#)
        await h.settle()
        _ = await h.create(path, WorkloadDeploymentTests.deployment(replicas: 1))
        await h.settle()
        let d = await h.get(path + "/web")
        #expect(d.int("status.collisionCount") == 1)
        let sets = await h.items(rsPath).filter { $0.owners() == ["web"] }
        #expect(sets.count == 1 && sets[0].name != first.name && sets[0].name.hasPrefix("web-"))
        #expect(d.conditionStatus("Available") == "False")
    }

    @Test func aReadyPodMakesItsDeploymentAvailableInOnePass() async throws {
        let h = try await WorkloadHarness.make()
        #expect(await h.create(WorkloadDeploymentTests.path, WorkloadDeploymentTests.deployment(replicas: 1)).code == 201)
        await h.settle()
        for p in await h.pods() { await h.run(p) }
        // One pass writes the ReplicaSet's status and the Deployment's, computed from it.
        await Reconciler(handler: h.api.handler).pass()
        let d = await h.get(WorkloadDeploymentTests.path + "/web")
        #expect(d.int("status.availableReplicas") == 1 && d.conditionStatus("Available") == "True")
        let rs = try #require(await WorkloadDeploymentTests().replicaSets(h).first)
        #expect(rs.int("status.availableReplicas") == 1)
    }
}
