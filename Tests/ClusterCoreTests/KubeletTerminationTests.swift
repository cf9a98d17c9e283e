import Foundation
import NIOHTTP1
import StructuredData
import Testing
@testable import ClusterCore

/// Graceful termination (preStop, SIGTERM, grace period, SIGKILL) and postStart hooks on real
/// busybox pods; the containers write what they saw into a hostPath directory the test reads.
@Suite("kubelet termination and lifecycle hooks", .serialized)
struct KubeletTerminationTests {
    /// Runs `body` with a kubelet and a host directory (removed afterwards) mounted at /host by `pod`.
    static func with(_ body: (KubeletFixture, String) async throws -> Void) async throws {
        let dir = NSTemporaryDirectory() + "helmctl-term-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try await runThenCleanUp({
            try await KubeletFixture.with { f in try await body(f, dir) }
        }, cleanup: { try? FileManager.default.removeItem(atPath: dir) })
    }

    static func pod(_ name: String, host: String, script: String, lifecycle: String = "", grace: Int = 30) -> String {
        """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"\(name)"},"spec":{"terminationGracePeriodSeconds":\(grace),\
        "volumes":[{"name":"host","hostPath":{"path":"\(host)","type":"Directory"}}],\
        "containers":[{"name":"main","image":"busybox","command":["sh","-c",\(JSON.encode(.string(script)))],\
        "volumeMounts":[{"name":"host","mountPath":"/host"}]\(lifecycle.isEmpty ? "" : ",\"lifecycle\":" + lifecycle)}]}}
        """
    }

    static func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    /// A shell that records SIGTERM in /host/log (and exits on it when `exits`), else idles.
    static func trapScript(exits: Bool) -> String {
        "trap 'echo term >> /host/log\(exits ? "; exit 0" : "")' TERM; echo up > /host/up; while true; do sleep 1; done"
    }

    @Test("deletion runs the preStop exec hook first, then SIGTERM; the container exits on it before the grace period")
    func preStopThenTerm() async throws {
        try await Self.with { f, host in
            await f.createBoundPod(Self.pod("graceful", host: host, script: Self.trapScript(exits: true), lifecycle: """
                {"preStop":{"exec":{"command":["sh","-c","sleep 1; echo prestop >> /host/log"]}}}
                """), name: "graceful")
            #expect(await eventually { Self.read(host + "/up") == "up\n" })
            let start = Date()
            let deleted = await f.api.call(.DELETE, "/api/v1/namespaces/default/pods/graceful",
                                           json: #"{"kind":"DeleteOptions","apiVersion":"v1","gracePeriodSeconds":20}"#)
            #expect(deleted.code == 200, "\(deleted.text)")
            #expect(await f.podUntil("graceful", nil))
            let elapsed = Date().timeIntervalSince(start)
            #expect(Self.read(host + "/log") == "prestop\nterm\n")
            let events = await f.api.call(.GET, "/api/v1/namespaces/default/events").body["items"]?.listValue ?? []
            #expect(events.contains { $0["reason"] == "Killing" && $0["message"] == "Stopping container main" })
            // Well before the 20 s grace: the container left on SIGTERM.
            #expect(elapsed < 15, "\(elapsed)")
            #expect(((try? await f.runtime.runtime.list()) ?? ["?"]).isEmpty)
        }
    }

    @Test("a container ignoring SIGTERM is SIGKILLed once the deletion's grace period has passed")
    func killAfterGrace() async throws {
        try await Self.with { f, host in
            await f.createBoundPod(Self.pod("stubborn", host: host, script: Self.trapScript(exits: false)), name: "stubborn")
            #expect(await eventually { Self.read(host + "/up") == "up\n" })
            let start = Date()
            let deleted = await f.api.call(.DELETE, "/api/v1/namespaces/default/pods/stubborn",
                                           json: #"{"kind":"DeleteOptions","apiVersion":"v1","gracePeriodSeconds":3}"#)
            #expect(deleted.code == 200, "\(deleted.text)")
            #expect(await eventually { Self.read(host + "/log").contains("term") })
            #expect(await f.pod("stubborn").code == 200, "still terminating after SIGTERM")
            #expect(await f.podUntil("stubborn", nil))
            let elapsed = Date().timeIntervalSince(start)
            #expect(elapsed >= 3 && elapsed < 15, "\(elapsed)")
            #expect(((try? await f.runtime.runtime.list()) ?? ["?"]).isEmpty)
        }
    }

    @Test("a preStop httpGet hook reaches the container's server before SIGTERM")
    func preStopHTTP() async throws {
        try await Self.with { f, host in
            // httpd serves /cgi-bin/stop, which records the call.
            let script = """
                mkdir -p /www/cgi-bin && printf '#!/bin/sh\\necho prestop-http >> /host/log\\necho\\necho ok\\n' > /www/cgi-bin/stop \
                && chmod +x /www/cgi-bin/stop && httpd -p 8080 -h /www && \(Self.trapScript(exits: true))
                """
            await f.createBoundPod(Self.pod("webstop", host: host, script: script, lifecycle: """
                {"preStop":{"httpGet":{"path":"/cgi-bin/stop","port":8080}}}
                """), name: "webstop")
            #expect(await eventually { Self.read(host + "/up") == "up\n" })
            let deleted = await f.api.call(.DELETE, "/api/v1/namespaces/default/pods/webstop")
            #expect(deleted.code == 200, "\(deleted.text)")
            #expect(await f.podUntil("webstop", nil))
            #expect(Self.read(host + "/log") == "prestop-http\nterm\n")
        }
    }

    @Test("a failing preStop hook posts FailedPreStopHook and termination goes on; a sleep preStop waits before SIGTERM")
    func preStopFailureAndSleep() async throws {
        try await Self.with { f, host in
            await f.createBoundPod(Self.pod("badstop", host: host, script: Self.trapScript(exits: true), lifecycle: """
                {"preStop":{"exec":{"command":["sh","-c","echo broken; exit 2"]}}}
                """), name: "badstop")
            await f.createBoundPod(Self.pod("sleepstop", host: host, script: "echo up > /host/up2; trap 'echo term-after-sleep >> /host/log2; exit 0' TERM; while true; do sleep 1; done",
                                            lifecycle: #"{"preStop":{"sleep":{"seconds":2}}}"#), name: "sleepstop")
            #expect(await eventually { Self.read(host + "/up") == "up\n" && Self.read(host + "/up2") == "up\n" })
            let start = Date()
            #expect(await f.api.call(.DELETE, "/api/v1/namespaces/default/pods/badstop").code == 200)
            #expect(await f.api.call(.DELETE, "/api/v1/namespaces/default/pods/sleepstop").code == 200)
            #expect(await f.podUntil("badstop", nil))
            #expect(Self.read(host + "/log") == "term\n")
            let events = await f.api.call(.GET, "/api/v1/namespaces/default/events").body["items"]?.listValue ?? []
            let failed = events.first { $0["reason"] == "FailedPreStopHook" && $0[path: "involvedObject.name"] == "badstop" }
            #expect(failed?["message"]?.stringValue?.contains("broken") == true, "\(events.map { $0["reason"] ?? .null })")
            #expect(await f.podUntil("sleepstop", nil))
            #expect(Date().timeIntervalSince(start) >= 2)
            #expect(Self.read(host + "/log2") == "term-after-sleep\n")
        }
    }

    @Test("postStart: a successful exec hook runs in the container, which is ContainerCreating until it is done; a failing one posts FailedPostStartHook and the container restarts")
    func postStart() async throws {
        try await Self.with { f, host in
            await f.createBoundPod(Self.pod("hooked", host: host, script: "sleep 3600", lifecycle: """
                {"postStart":{"exec":{"command":["sh","-c","echo poststart > /host/poststart"]}}}
                """, grace: 1), name: "hooked")
            #expect(await eventually { Self.read(host + "/poststart") == "poststart\n" })

            // Until a slow hook is done the container is ContainerCreating; running only after it.
            await f.createBoundPod(Self.pod("slowhook", host: host, script: "sleep 3600", lifecycle: """
                {"postStart":{"exec":{"command":["sh","-c","sleep 2; echo slow > /host/slow"]}}}
                """, grace: 1), name: "slowhook")
            #expect(await f.podUntil("slowhook") { $0[path: "status.containerStatuses.0.state.waiting.reason"] == "ContainerCreating"
                && $0[path: "status.containerStatuses.0.containerID"] != nil })
            #expect(await f.podUntil("slowhook") { $0[path: "status.containerStatuses.0.state.running"] != nil })
            #expect(Self.read(host + "/slow") == "slow\n")
            #expect(await f.pod("slowhook").body[path: "status.phase"] == "Running")

            await f.createBoundPod(Self.pod("badhook", host: host, script: "sleep 3600", lifecycle: """
                {"postStart":{"exec":{"command":["sh","-c","echo nope; exit 3"]}}}
                """, grace: 1), name: "badhook")
            let restarted = await f.podUntil("badhook") { ($0[path: "status.containerStatuses.0.restartCount"]?.intValue ?? 0) >= 1 }
            let pod = await f.pod("badhook").body
            #expect(restarted, "\(JSON.encode(pod["status"] ?? .null))")
            #expect(pod[path: "status.containerStatuses.0.lastState.terminated.exitCode"] == .int(137))
            let events = await f.api.call(.GET, "/api/v1/namespaces/default/events").body["items"]?.listValue ?? []
            let failed = events.first { $0["reason"] == "FailedPostStartHook" && $0[path: "involvedObject.name"] == "badhook" }
            #expect(failed?["type"] == "Warning")
            let message = failed?["message"]?.stringValue ?? ""
            #expect(message.hasPrefix("Exec lifecycle hook ([sh -c echo nope; exit 3]) for Container \"main\" in Pod \"badhook_default("), "\(message)")
            #expect(message.contains("nope"), "\(message)")
        }
    }
}
