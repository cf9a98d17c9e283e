import Testing
import NIOHTTP1
import StructuredData
@testable import ClusterCore

/// The cron schedule parser and the CronJob controller over an injected clock.
@Suite struct CronJobControllerTests {
    static let path = "/apis/batch/v1/namespaces/default/cronjobs"

    @Test(arguments: [
        ("*/15 * * * *", 1_767_225_600, 1_767_226_500),  // 2026-01-01T00:00 → 00:15
        ("0 9-17/4 * * mon-fri", 1_767_261_600, 1_767_272_400),  // Thu 10:00 → 13:00
        ("@hourly", 1_767_227_410, 1_767_229_200),
        ("@daily", 1_769_903_940, 1_769_904_000),  // Jan 31 23:59 → Feb 1
        ("@monthly", 1_768_435_200, 1_769_904_000),
        ("@yearly", 1_767_225_600, 1_798_761_600),
        ("@weekly", 1_767_225_600, 1_767_484_800),  // → Sunday Jan 4
        ("0 0 29 feb *", 1_740_787_200, 1_835_395_200),  // → 2028-02-29
        ("30 2 1 * sun", 1_767_236_400, 1_767_493_800),  // both day fields: the 1st or a Sunday
        ("5,10 0 * jan,mar 7", 1_769_900_400, 1_772_323_500),  // 7 is Sunday; February skipped
    ] as [(String, Int64, Int64)])
    func nextTimes(spec: String, after: Int64, expected: Int64) throws {
        let e = try CronExpression(parsing: spec)
        #expect(e.next(after: after) == expected)
        // The latest time in a window ending at `expected` is `expected` itself.
        #expect(e.last(after: after, atOrBefore: expected) == expected)
        #expect(e.last(after: after, atOrBefore: expected - 1) == nil)
    }

    @Test(arguments: ["", "* * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *", "5-1 * * * *", "*/0 * * * *",
                      "@every5m", "a * * * *", "1-2-3 * * * *", "* * * * 8"])
    func rejects(spec: String) {
        #expect(throws: CronExpression.ParseError.self) { try CronExpression(parsing: spec) }
    }

    @Test func timeZones() throws {
        #expect(CronExpression.utcOffset(zone: nil) == 0 && CronExpression.utcOffset(zone: "Etc/UTC") == 0)
        #expect(CronExpression.utcOffset(zone: "Etc/GMT+5") == -18_000 && CronExpression.utcOffset(zone: "Etc/GMT-2") == 7_200)
        #expect(CronExpression.utcOffset(zone: "Mars/Olympus") == nil)
        // Midnight at UTC-5 is 05:00 UTC.
        let e = try CronExpression(parsing: "@daily")
        let fiveAM: Int64 = 1_767_225_600 + 5 * 3600
        #expect(e.next(after: 1_767_225_600, utcOffset: -18_000) == fiveAM)
        #expect(CronExpression.splitZone("CRON_TZ=Etc/GMT+5 0 * * * *").zone == "Etc/GMT+5")
    }

    // MARK: controller

    func makeCron(_ h: WorkloadHarness, schedule: String = "*/5 * * * *", extra: String = "") async {
        let reply = await h.create(Self.path, #"""
            {"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"tick"},
             "spec":{"schedule":"\#(schedule)",\#(extra)
              "jobTemplate":{"metadata":{"labels":{"app":"tick"}},"spec":{"template":{"spec":{"restartPolicy":"Never",
                "containers":[{"name":"t","image":"busybox"}]}}}}}}
            """#)
        #expect(reply.code == 201, "\(reply.text)")
    }

    func jobs(_ h: WorkloadHarness) async -> [Value] {
        await h.items("/apis/batch/v1/namespaces/default/jobs").filter { $0.meta("deletionTimestamp") == nil }
    }

    func cron(_ h: WorkloadHarness) async -> Value { await h.get(Self.path + "/tick") }

    /// Moves the clock to the next multiple of `step` seconds.
    func advanceToBoundary(_ h: WorkloadHarness, _ step: Int64 = 300) {
        h.clock.advance(step - h.clock.now() % step)
    }

    /// Completes every unfinished Job (as the Job controller would report it).
    func completeAll(_ h: WorkloadHarness, failed: Bool = false) async {
        let time = Timestamps.rfc3339(h.clock.now())
        for j in await jobs(h) where j.conditionStatus("Complete") == nil && j.conditionStatus("Failed") == nil {
            let type = failed ? "Failed" : "Complete"
            await h.mergePatch("/apis/batch/v1/namespaces/default/jobs/\(j.name)/status", #"""
                {"status":{"conditions":[{"type":"\#(type)","status":"True","lastTransitionTime":"\#(time)"}],
                  "startTime":"\#(time)"\#(failed ? "" : #","completionTime":"\#(time)""#)}}
                """#)
        }
    }

    @Test func createsAJobPerScheduledTime() async throws {
        let h = try await WorkloadHarness.make()
        advanceToBoundary(h)
        h.clock.advance(10)
        await makeCron(h)
        await h.settle()
        #expect(await jobs(h).isEmpty)
        advanceToBoundary(h)
        let due = h.clock.now()
        await h.settle()
        let all = await jobs(h)
        try #require(all.count == 1)
        #expect(all[0].name == "tick-\(due / 60)")
        #expect(all[0].owners() == ["tick"] && all[0].labels["app"] == "tick")
        #expect(all[0][path: "metadata.annotations"]?["batch.kubernetes.io/cronjob-scheduled-timestamp"]?.stringValue == Timestamps.rfc3339(due))
        await h.settle()
        var c = await cron(h)
        #expect(c[path: "status.lastScheduleTime"]?.stringValue == Timestamps.rfc3339(due))
        #expect(c[path: "status.active"]?.listValue?.first?["name"]?.stringValue == all[0].name)
        // Finished: out of `active`, `lastSuccessfulTime` set.
        h.clock.advance(30)
        await completeAll(h)
        await h.settle()
        c = await cron(h)
        #expect(c[path: "status.active"] == nil)
        #expect(c[path: "status.lastSuccessfulTime"]?.stringValue == Timestamps.rfc3339(h.clock.now()))
    }

    @Test(arguments: ["Allow", "Forbid", "Replace"])
    func concurrencyPolicy(policy: String) async throws {
        let h = try await WorkloadHarness.make()
        advanceToBoundary(h)
        h.clock.advance(10)
        await makeCron(h, extra: #""concurrencyPolicy":"\#(policy)","#)
        advanceToBoundary(h)
        await h.settle()
        let first = try #require(await jobs(h).first?.name)
        advanceToBoundary(h)
        await h.settle()
        let names = await jobs(h).map(\.name).sorted()
        switch policy {
        case "Allow": #expect(names.count == 2 && names.contains(first))
        case "Forbid": #expect(names == [first])
        default: #expect(names.count == 1 && names != [first])
        }
    }

    @Test func startingDeadlineSkipsStaleTimesAndSuspendStops() async throws {
        let h = try await WorkloadHarness.make()
        advanceToBoundary(h)
        h.clock.advance(10)
        await makeCron(h, extra: #""startingDeadlineSeconds":20,"suspend":true,"#)
        advanceToBoundary(h)
        await h.settle()
        #expect(await jobs(h).isEmpty)
        // Unsuspended 30 s after the time: too late for it.
        h.clock.advance(30)
        await h.mergePatch(Self.path + "/tick", #"{"spec":{"suspend":false}}"#)
        await h.settle()
        #expect(await jobs(h).isEmpty)
        advanceToBoundary(h)
        h.clock.advance(15)
        await h.settle()
        #expect(await jobs(h).count == 1)
    }

    @Test func historyLimitsDeleteTheOldestFinishedJobs() async throws {
        let h = try await WorkloadHarness.make()
        advanceToBoundary(h)
        h.clock.advance(10)
        await makeCron(h, schedule: "@hourly", extra: #""successfulJobsHistoryLimit":2,"failedJobsHistoryLimit":1,"#)
        for i in 0..<5 {
            advanceToBoundary(h, 3600)
            await h.settle()
            h.clock.advance(60)
            await completeAll(h, failed: i >= 3)
            await h.settle()
        }
        let left = await jobs(h)
        #expect(left.filter { $0.conditionStatus("Complete") == "True" }.count == 2)
        #expect(left.filter { $0.conditionStatus("Failed") == "True" }.count == 1)
    }
}
