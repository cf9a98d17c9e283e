import Testing
import NIOHTTP1
import StructuredData
@testable import ClusterCore

/// The Job controller: pods per parallelism/completions, success and failure conditions.
@Suite struct WorkloadJobTests {
    static let path = "/apis/batch/v1/namespaces/default/jobs"

    func makeJob(_ h: WorkloadHarness, _ spec: String) async {
        let reply = await h.create(Self.path, #"""
            {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"migrate"},"spec":{\#(spec)
             "template":{"spec":{"restartPolicy":"Never","containers":[{"name":"m","image":"busybox"}]}}}}
            """#)
        #expect(reply.code == 201)
    }

    func activePods(_ h: WorkloadHarness) async -> [Value] {
        await h.pods().filter { $0[path: "status.phase"]?.stringValue == "Pending" || $0[path: "status.phase"]?.stringValue == "Running" }
    }

    @Test func completesAfterCompletionsSucceed() async throws {
        let h = try await WorkloadHarness.make()
        await makeJob(h, #""completions":2,"parallelism":1,"#)
        await h.settle()
        var pods = await activePods(h)
        try #require(pods.count == 1)
        #expect(pods[0][path: "metadata.generateName"]?.stringValue == "migrate-")
        #expect(pods[0][path: "metadata.labels.job-name"]?.stringValue == "migrate")
        #expect(pods[0][path: "metadata.labels"]?["batch.kubernetes.io/job-name"]?.stringValue == "migrate")
        #expect(pods[0].owners() == ["migrate"])
        var job = await h.get(Self.path + "/migrate")
        #expect(job.int("status.active") == 1 && job[path: "status.startTime"] != nil && job[path: "status.completionTime"] == nil)
        await h.run(pods[0])
        await h.settle()
        #expect(await h.get(Self.path + "/migrate").int("status.ready") == 1)
        await h.finish(pods[0], phase: "Succeeded")
        await h.settle()
        pods = await activePods(h)
        try #require(pods.count == 1)
        job = await h.get(Self.path + "/migrate")
        #expect(job.int("status.succeeded") == 1 && job.conditionStatus("Complete") == nil)
        // A counted pod that is deleted stays counted (no replacement for it).
        let done = try #require(await h.pods().first { $0[path: "status.phase"]?.stringValue == "Succeeded" })
        await h.api.call(.DELETE, "/api/v1/namespaces/default/pods/\(done.name)")
        await h.settle()
        #expect(await activePods(h).count == 1)
        #expect(await h.get(Self.path + "/migrate").int("status.succeeded") == 1)
        h.clock.advance(5)
        await h.finish(pods[0], phase: "Succeeded")
        await h.settle()
        job = await h.get(Self.path + "/migrate")
        #expect(job.int("status.succeeded") == 2 && job[path: "status.active"] == nil)
        #expect(job.conditionStatus("SuccessCriteriaMet") == "True" && job.conditionReason("SuccessCriteriaMet") == "CompletionsReached")
        #expect(job.conditionStatus("Complete") == "True")
        #expect(job[path: "status.completionTime"]?.stringValue == Timestamps.rfc3339(h.clock.now()))
        #expect(await activePods(h).isEmpty)
    }

    @Test func failsPastBackoffLimit() async throws {
        let h = try await WorkloadHarness.make()
        await makeJob(h, #""backoffLimit":1,"#)
        await h.settle()
        for _ in 0..<2 {
            let pods = await activePods(h)
            try #require(pods.count == 1)
            await h.finish(pods[0], phase: "Failed")
            await h.settle()
        }
        let job = await h.get(Self.path + "/migrate")
        #expect(job.int("status.failed") == 2)
        #expect(job.conditionStatus("FailureTarget") == "True" && job.conditionReason("Failed") == "BackoffLimitExceeded")
        #expect(job.conditionStatus("Failed") == "True" && job.conditionStatus("Complete") == nil)
        #expect(await activePods(h).isEmpty)
    }

    @Test func runsParallelismPodsAtOnce() async throws {
        let h = try await WorkloadHarness.make()
        await makeJob(h, #""completions":5,"parallelism":3,"#)
        await h.settle()
        #expect(await activePods(h).count == 3)
        for p in await activePods(h).prefix(2) { await h.finish(p, phase: "Succeeded") }
        await h.settle()
        // 3 completions remain: three run again.
        #expect(await activePods(h).count == 3)
        for p in await activePods(h) { await h.finish(p, phase: "Succeeded") }
        await h.settle()
        let job = await h.get(Self.path + "/migrate")
        #expect(job.int("status.succeeded") == 5 && job.conditionStatus("Complete") == "True")
    }

    @Test func activeDeadlineFailsTheJob() async throws {
        let h = try await WorkloadHarness.make()
        await makeJob(h, #""activeDeadlineSeconds":60,"#)
        await h.settle()
        h.clock.advance(15)
        #expect(await Reconciler(handler: h.api.handler).pass().requeueAfter == 45)
        h.clock.advance(45)
        await h.settle()
        let job = await h.get(Self.path + "/migrate")
        #expect(job.conditionReason("Failed") == "DeadlineExceeded")
        #expect(await activePods(h).isEmpty)
    }

    @Test func trackingFinalizerIsReleasedWhenTheJobGoes() async throws {
        let h = try await WorkloadHarness.make()
        await makeJob(h, #""parallelism":2,"completions":2,"#)
        await h.settle()
        let pods = await h.pods()
        #expect(pods.count == 2 && pods.allSatisfy { $0[path: "metadata.finalizers"] == ["batch.kubernetes.io/job-tracking"] })
        await h.finish(pods[0], phase: "Succeeded")
        await h.settle()
        let job = await h.get(Self.path + "/migrate")
        #expect(job.int("status.succeeded") == 1 && job[path: "status.uncountedTerminatedPods"] == .map([:]))
        #expect(await h.get("/api/v1/namespaces/default/pods/\(pods[0].name)")[path: "metadata.finalizers"] == nil)
        await h.api.call(.DELETE, Self.path + "/migrate?propagationPolicy=Background")
        await h.settle()
        #expect(await h.pods().isEmpty)
    }

    @Test func namespaceWithARunningJobTerminates() async throws {
        let h = try await WorkloadHarness.make()
        await h.create("/api/v1/namespaces", #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"batch"}}"#)
        _ = await h.create("/apis/batch/v1/namespaces/batch/jobs", #"""
            {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j"},"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"m","image":"b"}]}}}}
            """#)
        await h.settle()
        #expect(await h.pods("batch").count == 1)
        await h.api.call(.DELETE, "/api/v1/namespaces/batch")
        await h.settle()
        #expect(await h.api.call(.GET, "/api/v1/namespaces/batch").code == 404)
    }
}
