import Foundation
import NIOHTTP1
import StructuredData
import Testing
@testable import ClusterCore

/// The CRI log format and `pods/log` options without containers.
@Suite("pod logs: CRI records and options")
struct CRILogTests {
    static func t(_ s: Int64, _ n: Int32 = 0) -> LogTime { LogTime(seconds: s, nanoseconds: n) }

    @Test("times parse and print as RFC 3339 with nanoseconds", arguments: [
        ("2026-11-27T21:45:23Z", 1_795_815_923, 0),
        ("2026-11-27T21:45:23.5Z", 1_795_815_923, 500_000_000),
        ("2026-11-27T21:45:23.000000123Z", 1_795_815_923, 123),
        ("2026-11-27T23:45:23.25+02:00", 1_795_815_923, 250_000_000),
    ] as [(String, Int64, Int32)])
    func times(text: String, seconds: Int64, nanos: Int32) throws {
        let time = try #require(LogTime.parse(text))
        #expect(time == Self.t(seconds, nanos))
        #expect(LogTime.parse(time.rfc3339Nano) == time)
        #expect(time.rfc3339Nano.count == "2026-11-27T21:45:23.000000000Z".count)
    }

    @Test("malformed times are refused", arguments: ["", "yesterday", "2026-11-27", "2026-11-27T21:45:23", "2026-11-27T21:45:23.Z", "2026-11-27T21:45:23Zjunk"])
    func badTimes(text: String) { #expect(LogTime.parse(text) == nil) }

    @Test("records round-trip; P pieces join the line they belong to; an unfinished record waits")
    func records() {
        var bytes = CRILog.record(Array("hello".utf8)[...], stream: "stdout", partial: false, time: Self.t(10, 1))
        bytes += CRILog.record(Array("lo".utf8)[...], stream: "stderr", partial: true, time: Self.t(11))
        bytes += CRILog.record(Array("ng".utf8)[...], stream: "stderr", partial: false, time: Self.t(12))
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("1970-01-01T00:00:10.000000001Z stdout F hello\n"))
        let (entries, used) = CRILog.parse(bytes + Array("1970-01-01T00:00:13Z stdout F cut".utf8))
        #expect(used == bytes.count)
        #expect(entries.map { String(decoding: $0.content, as: UTF8.self) } == ["hello\n", "long\n"])
        #expect(entries.map(\.stream) == ["stdout", "stderr"])
        #expect(entries.map(\.time) == [Self.t(10, 1), Self.t(11)])
        // Not in the format (a log written before it): passed through as text.
        #expect(CRILog.parse(Array("plain\n".utf8)).entries.map(\.content) == [Array("plain\n".utf8)])
    }

    @Test("options: tail, then since, then timestamps, then the byte limit")
    func render() {
        let entries = (1...5).map { CRILog.Entry(time: Self.t(Int64($0)), stream: "stdout", content: Array("l\($0)\n".utf8)) }
        func out(_ o: CRILog.Options) -> String { String(decoding: CRILog.render(entries, o), as: UTF8.self) }
        #expect(out(.init()) == "l1\nl2\nl3\nl4\nl5\n")
        #expect(out(.init(tailLines: 2)) == "l4\nl5\n")
        #expect(out(.init(since: Self.t(4))) == "l4\nl5\n")
        #expect(out(.init(since: Self.t(2), tailLines: 4)) == "l2\nl3\nl4\nl5\n")
        #expect(out(.init(since: Self.t(4), tailLines: 3)) == "l4\nl5\n")
        #expect(out(.init(tailLines: 1, timestamps: true)) == "1970-01-01T00:00:05.000000000Z l5\n")
        #expect(out(.init(limitBytes: 4)) == "l1\nl")
        #expect(out(.init(tailLines: 0)) == "")
    }
}

/// `pods/log` options through the API handler with a real kubelet and runc, and the real kubectl.
@Suite("pod logs: previous, timestamps, since, limitBytes (runc)", .serialized)
struct PodLogOptionsTests {
    /// The lines of a `timestamps` log without their times.
    static func texts(_ log: String) -> [String] {
        log.split(separator: "\n").map { line in line.split(separator: " ", maxSplits: 1).last.map(String.init) ?? "" }
    }

    @Test("timestamps, sinceTime, sinceSeconds, limitBytes, tail, previous, and their refusals")
    func options() async throws {
        try await KubeletFixture.with { f in
            // Each attempt prints its two lines a moment apart, then fails (restartPolicy Always).
            await f.createBoundPod(f.podJSON("twice", command: ["sh", "-c", "echo first; sleep 0.3; echo second >&2; sleep 0.3; exit 1"]), name: "twice")
            let base = "/api/v1/namespaces/default/pods/twice/log"
            #expect(await eventually { await f.api.call(.GET, base).text == "first\nsecond\n" })
            // Nothing has terminated yet or only one: Kubernetes' words when there is no previous attempt.
            let none = await f.api.call(.GET, base + "?previous=true")
            if none.code == 400 {
                #expect(none.message == #"previous terminated container "main" in pod "twice" not found"#)
            }
            let stamped = await f.api.call(.GET, base + "?timestamps=true").text
            let lines = stamped.split(separator: "\n").map(String.init)
            #expect(lines.count == 2, "\(stamped)")
            let times = lines.compactMap { $0.split(separator: " ").first.flatMap { LogTime.parse($0) } }
            #expect(times.count == 2)
            #expect(Self.texts(stamped) == ["first", "second"])
            #expect(lines.allSatisfy { $0.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z "#, options: .regularExpression) != nil })
            if times.count == 2 {
                #expect(times[0] < times[1])
                let since = times[1].rfc3339Nano
                #expect(await f.api.call(.GET, base + "?sinceTime=" + since).text == "second\n")
            }
            #expect(await f.api.call(.GET, base + "?sinceSeconds=3600").text == "first\nsecond\n")
            #expect(await f.api.call(.GET, base + "?limitBytes=3").text == "fir")
            #expect(await f.api.call(.GET, base + "?tailLines=1&timestamps=true").text.hasSuffix("Z second\n"))
            // After a restart, `previous` is the earlier attempt's log.
            #expect(await f.podUntil("twice") { ($0[path: "status.containerStatuses"]?.listValue?.first?["restartCount"]?.intValue ?? 0) >= 1 })
            let previous = await f.api.call(.GET, base + "?previous=true&timestamps=true")
            #expect(previous.code == 200, "\(previous.text)")
            #expect(Self.texts(previous.text) == ["first", "second"])
            for (query, words) in [("sinceSeconds=0", "must be greater than 0"), ("limitBytes=0", "must be greater than 0"),
                                   ("sinceTime=yesterday", "RFC 3339"), ("sinceSeconds=5&sinceTime=2026-01-01T00:00:00Z", "at most one of"),
                                   ("tailLines=-1", "greater than or equal to 0")] {
                let refused = await f.api.call(.GET, base + "?" + query)
                #expect(refused.code == 400, "\(query)")
                #expect(refused.message.contains(words), "\(query): \(refused.message)")
            }
        }
    }

    @Test("kubectl logs --previous --timestamps --since --tail --limit-bytes")
    func kubectlLogs() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/kubectl") else {
            Issue.record("kubectl is not installed")
            return
        }
        try await ExecServerFixture.with { f in
            #expect(await f.runningPod("crash", command: ["sh", "-c", "echo attempt; sleep 0.2; echo oops >&2; sleep 0.5; exit 2"]))
            #expect(await f.kubelet.podUntil("crash") { ($0[path: "status.containerStatuses"]?.listValue?.first?["restartCount"]?.intValue ?? 0) >= 1 })
            let port = f.port
            let previous = try await ExecKubectlTests.run("$K logs crash --previous --timestamps --since=1h", port: port)
            #expect(previous.0 == 0, "\(previous.1)")
            let lines = previous.1.split(separator: "\n")
            #expect(lines.count == 2, "\(previous.1)")
            #expect(Self.texts(previous.1) == ["attempt", "oops"], "\(previous.1)")
            #expect(lines.allSatisfy { $0.first.map(\.isNumber) ?? false && LogTime.parse($0.split(separator: " ")[0]) != nil }, "\(previous.1)")
            let tail = try await ExecKubectlTests.run("$K logs crash -p --tail=1", port: port)
            #expect(tail.1 == "oops\n", "\(tail.1)")
            let limited = try await ExecKubectlTests.run("$K logs crash -p --limit-bytes=4", port: port)
            #expect(limited.1 == "atte", "\(limited.1)")
            #expect(await f.runningPod("fresh"))
            let missing = try await ExecKubectlTests.run("$K logs fresh --previous", port: port)
            #expect(missing.0 != 0)
            #expect(missing.1.contains(#"previous terminated container "main" in pod "fresh" not found"#), "\(missing.1)")
        }
    }
}
