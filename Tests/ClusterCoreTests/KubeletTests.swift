import Foundation
import NIOConcurrencyHelpers
import NIOHTTP1
import StructuredData
import Testing
@testable import ClusterCore

/// An in-process API server with a kubelet for `helmctl-node-1` running pods through runc.
struct KubeletFixture {
    let api: TestAPI
    let runtime: RuntimeFixture
    let kubelet: Kubelet
    let task: Task<Void, any Error>

    static let node = "helmctl-node-1"

    /// Runs `body` against a started kubelet; afterwards stops it and removes every container.
    static func with(clock: any APIClock = SystemAPIClock(), _ body: (KubeletFixture) async throws -> Void) async throws {
        try await RuntimeFixture.with { runtime in
            let api = try await TestAPI.make()
            let kubelet = Kubelet(handler: api.handler, runtime: runtime.runtime,
                                  configuration: .init(syncInterval: .milliseconds(100), initialBackoff: 1), clock: clock)
            let task = Task { try await kubelet.run() }
            let fixture = KubeletFixture(api: api, runtime: runtime, kubelet: kubelet, task: task)
            try await runThenCleanUp({ try await body(fixture) }, cleanup: {
                task.cancel()
                _ = await task.result
            })
        }
    }

    /// Creates a pod and binds it to the node through `pods/binding`, as a scheduler would.
    func createBoundPod(_ json: String, name: String) async {
        let created = await api.call(.POST, "/api/v1/namespaces/default/pods", json: json)
        #expect(created.code == 201, "\(created.text)")
        let bound = await api.call(.POST, "/api/v1/namespaces/default/pods/\(name)/binding", json: """
            {"apiVersion":"v1","kind":"Binding","metadata":{"name":"\(name)"},"target":{"apiVersion":"v1","kind":"Node","name":"\(Self.node)"}}
            """)
        #expect(bound.code == 201, "\(bound.text)")
    }

    func pod(_ name: String) async -> TestAPI.Reply { await api.call(.GET, "/api/v1/namespaces/default/pods/\(name)") }

    /// Waits (on watch events, from the current version on) until the pod satisfies `check`, or until
    /// it is deleted when `check` is nil; false when 60 s of events pass without that.
    func podUntil(_ name: String, _ check: ((Value) -> Bool)?) async -> Bool {
        let current = await pod(name)
        if current.code == 404 { return check == nil }
        if let check, check(current.body) { return true }
        let rv = current.body[path: "metadata.resourceVersion"]?.stringValue ?? "0"
        guard let watch = await api.watch("/api/v1/namespaces/default/pods?watch=true&fieldSelector=metadata.name%3D\(name)&resourceVersion=\(rv)&timeoutSeconds=60") else {
            return false
        }
        while let (type, object) = await watch.next() {
            if type == "DELETED" { return check == nil }
            if let check, check(object) { return true }
        }
        return false
    }

    static func phase(_ phase: String) -> (Value) -> Bool { { $0[path: "status.phase"]?.stringValue == phase } }

    /// The Events with `reason` about pod `name`.
    func events(_ reason: String, about name: String) async -> [Value] {
        (await api.call(.GET, "/api/v1/namespaces/default/events").body["items"]?.listValue ?? [])
            .filter { $0["reason"]?.stringValue == reason && $0[path: "involvedObject.name"]?.stringValue == name }
    }

    /// The pod's first container after `restarts` restarts: running (`waiting` nil), or waiting for that reason.
    static func container(waiting reason: String?, restarts: Int64) -> (Value) -> Bool {
        { pod in
            let state = reason.map { pod[path: "status.containerStatuses.0.state.waiting.reason"] == .string($0) }
                ?? (pod[path: "status.containerStatuses.0.state.running"] != nil)
            return state && pod[path: "status.containerStatuses.0.restartCount"]?.intValue == restarts
        }
    }

    func podJSON(_ name: String, image: String = "busybox", command: [String], restartPolicy: String = "Always",
                 initCommand: [String]? = nil) -> String
    {
        func list(_ l: [String]) -> String { "[" + l.map { JSON.encode(.string($0)) }.joined(separator: ",") + "]" }
        let inits = initCommand.map { #","initContainers":[{"name":"setup","image":"busybox","command":\#(list($0))}]"# } ?? ""
        return """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"\(name)"},"spec":{"restartPolicy":"\(restartPolicy)",\
            "terminationGracePeriodSeconds":1,"containers":[{"name":"main","image":"\(image)","command":\(list(command))}]\(inits)}}
            """
    }
}

@Suite("kubelet", .serialized)
struct KubeletTests {
    @Test("registers its Node (Ready, capacity, addresses, nodeInfo) and a Lease")
    func nodeRegistration() async throws {
        try await KubeletFixture.with { f in
            // The Node is created first, its status and the Lease follow in the first heartbeat.
            #expect(await eventually {
                await f.api.call(.GET, "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/helmctl-node-1").code == 200
            })
            let node = await f.api.call(.GET, "/api/v1/nodes/helmctl-node-1").body
            let ready = (node[path: "status.conditions"]?.listValue ?? []).first { $0["type"] == "Ready" }
            #expect(ready?["status"] == "True")
            #expect(ready?["lastHeartbeatTime"]?.stringValue != nil)
            #expect(Int(node[path: "status.capacity.cpu"]?.stringValue ?? "") ?? 0 >= 1)
            #expect(node[path: "status.allocatable.pods"] == "110")
            #expect(node[path: "status.capacity.memory"]?.stringValue?.hasSuffix("Ki") == true)
            #expect(node[path: "status.addresses.0.type"] == "InternalIP")
            #expect(node[path: "status.addresses.0.address"] == "127.0.0.1")
            #expect(node[path: "status.addresses.1.type"] == "Hostname")
            #expect(node[path: "status.nodeInfo.containerRuntimeVersion"]?.stringValue?.hasPrefix("runc://") == true)
            #expect(node[path: "status.nodeInfo.operatingSystem"] == "linux")
            #expect(node["metadata"]?["labels"]?["kubernetes.io/hostname"] == "helmctl-node-1")
            let lease = await f.api.call(.GET, "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/helmctl-node-1")
            #expect(lease.code == 200, "\(lease.text)")
            #expect(lease.body[path: "spec.holderIdentity"] == "helmctl-node-1")
            #expect(lease.body[path: "spec.renewTime"]?.stringValue?.hasSuffix(".000000Z") == true)
        }
    }

    @Test("runs a bound busybox pod: Running and Ready, its log, then graceful deletion removes containers and pod")
    func runAndDelete() async throws {
        try await KubeletFixture.with { f in
            // Unbound: the log has no host to come from.
            await f.api.call(.POST, "/api/v1/namespaces/default/pods",
                             json: f.podJSON("waiting", command: ["sleep", "1"]))
            let unbound = await f.api.call(.GET, "/api/v1/namespaces/default/pods/waiting/log")
            #expect(unbound.code == 400)
            #expect(unbound.message.contains("does not have a host assigned"))

            await f.createBoundPod(f.podJSON("hello", command: ["sh", "-c", "echo hello; echo second; sleep 3600"]), name: "hello")
            let running = await f.podUntil("hello") { p in
                let ready = (p[path: "status.conditions"]?.listValue ?? []).first { $0["type"] == "Ready" }
                return p[path: "status.phase"] == "Running" && ready?["status"] == "True"
            }
            let pod = await f.pod("hello").body
            #expect(running, "status: \(JSON.encode(pod["status"] ?? .null))")
            let cs = pod[path: "status.containerStatuses.0"]
            #expect(cs?["containerID"]?.stringValue?.hasPrefix("runc://") == true)
            #expect(cs?["ready"] == .bool(true))
            #expect(cs?["restartCount"] == .int(0))
            #expect(cs?[path: "state.running.startedAt"]?.stringValue != nil)
            #expect(pod[path: "status.hostIP"] == "127.0.0.1")
            #expect(pod[path: "status.startTime"]?.stringValue != nil)
            #expect(pod[path: "status.qosClass"] == "BestEffort")
            let types = (pod[path: "status.conditions"]?.listValue ?? []).compactMap { $0["type"]?.stringValue }
            #expect(Set(types).isSuperset(of: ["PodScheduled", "Initialized", "ContainersReady", "Ready"]))

            #expect(await eventually { await f.api.call(.GET, "/api/v1/namespaces/default/pods/hello/log").text == "hello\nsecond\n" })
            let log = await f.api.call(.GET, "/api/v1/namespaces/default/pods/hello/log?container=main")
            #expect(log.code == 200)
            #expect(log.text == "hello\nsecond\n")
            #expect(await f.api.call(.GET, "/api/v1/namespaces/default/pods/hello/log?tailLines=1").text == "second\n")
            #expect(await f.api.call(.GET, "/api/v1/namespaces/default/pods/hello/log?container=nope").code == 400)
            #expect(await f.api.call(.GET, "/api/v1/namespaces/default/pods/hello/log?tailLines=-1").code == 400)
            #expect(await f.api.call(.GET, "/api/v1/namespaces/default/pods/hello/log?previous=true").code == 400)
            #expect(await f.api.call(.GET, "/api/v1/namespaces/default/pods/hello/log?timestamps=true").text.hasSuffix("Z second\n"))
            #expect(((try? await f.runtime.runtime.list()) ?? []).count == 1)

            // Graceful deletion: sleep as PID 1 ignores SIGTERM, so SIGKILL follows after the 1 s grace.
            let deleted = await f.api.call(.DELETE, "/api/v1/namespaces/default/pods/hello")
            #expect(deleted.code == 200, "\(deleted.text)")
            #expect(await f.podUntil("hello", nil))
            // The kubelet removes the containers before it deletes the pod for good.
            #expect(((try? await f.runtime.runtime.list()) ?? ["?"]).isEmpty)
        }
    }

    @Test("a pod whose image cannot be pulled waits with ErrImagePull")
    func errImagePull() async throws {
        try await KubeletFixture.with { f in
            // Every status write is a watch event, so no short-lived reason can be missed.
            guard let watch = await f.api.watch("/api/v1/namespaces/default/pods?watch=true&fieldSelector=metadata.name%3Dweb&timeoutSeconds=30") else {
                Issue.record("cannot watch pods")
                return
            }
            await f.createBoundPod(f.podJSON("web", image: "nginx:1.27", command: ["nginx"]), name: "web")
            var reasons: [String] = []
            while let (_, object) = await watch.next() {
                if let reason = object[path: "status.containerStatuses.0.state.waiting.reason"]?.stringValue, reasons.last != reason {
                    reasons.append(reason)
                }
                if reasons.contains("ImagePullBackOff") { break }
            }
            // ErrImagePull first; between retries ImagePullBackOff, as with a real kubelet.
            #expect(Array(reasons.prefix(2)) == ["ErrImagePull", "ImagePullBackOff"], "\(reasons)")
            let pod = await f.pod("web").body
            #expect(pod[path: "status.phase"] == "Pending")
            // As Kubernetes 1.32: the back-off's waiting message carries the last pull's error.
            let waiting = pod[path: "status.containerStatuses.0.state.waiting.message"]?.stringValue ?? ""
            #expect(waiting.hasPrefix(#"Back-off pulling image "nginx:1.27": ErrImagePull: "#) && waiting.count > 50, "\(waiting)")
            #expect(pod[path: "status.containerStatuses.0.ready"] == .bool(false))
            #expect(await f.api.call(.GET, "/api/v1/namespaces/default/pods/web/log").code == 400)
            // The back-off is announced as the kubelet's image manager does it: type Normal, reason BackOff,
            // one Event however many pulls back off (later ones count up).
            let backOff = await f.events("BackOff", about: "web")
            #expect(backOff.count == 1, "\(backOff)")
            #expect(backOff.first?["type"] == "Normal")
            #expect(backOff.first?["message"] == #"Back-off pulling image "nginx:1.27""#)
            #expect(backOff.first?[path: "involvedObject.fieldPath"] == "spec.containers{main}")
            // The failed pull and the two states, as `kubectl describe pod` lists them: "Failed to pull
            // image …", "Error: ErrImagePull", "Error: ImagePullBackOff" (Warnings).
            let failed = await f.events("Failed", about: "web")
            let messages = failed.compactMap { $0["message"]?.stringValue }
            #expect(messages.contains { $0.hasPrefix(#"Failed to pull image "nginx:1.27": "#) }, "\(messages)")
            #expect(messages.contains("Error: ErrImagePull") && messages.contains("Error: ImagePullBackOff"), "\(messages)")
            #expect(failed.allSatisfy { $0["type"] == "Warning" })
        }
    }

    @Test("init containers run first; a pod that ends with restartPolicy Never succeeds or fails by exit code", arguments: [
        ("echo main; exit 0", "Succeeded", Int64(0)),
        ("echo main; exit 4", "Failed", Int64(4)),
    ])
    func completion(script: String, phase: String, code: Int64) async throws {
        try await KubeletFixture.with { f in
            await f.createBoundPod(f.podJSON("job", command: ["sh", "-c", script], restartPolicy: "Never",
                                             initCommand: ["sh", "-c", "echo init"]), name: "job")
            let done = await f.podUntil("job", KubeletFixture.phase(phase))
            let pod = await f.pod("job").body
            #expect(done, "status: \(JSON.encode(pod["status"] ?? .null))")
            #expect(pod[path: "status.initContainerStatuses.0.state.terminated.exitCode"] == .int(0))
            #expect(pod[path: "status.containerStatuses.0.state.terminated.exitCode"] == .int(code))
            #expect(pod[path: "status.containerStatuses.0.state.terminated.reason"] == (code == 0 ? "Completed" : "Error"))
            let ready = (pod[path: "status.conditions"]?.listValue ?? []).first { $0["type"] == "Ready" }
            #expect(ready?["reason"] == "PodCompleted")
            #expect(await f.api.call(.GET, "/api/v1/namespaces/default/pods/job/log?container=setup").text == "init\n")
            #expect(await f.api.call(.GET, "/api/v1/namespaces/default/pods/job/log").text == "main\n")
        }
    }

    @Test("restartPolicy Always restarts an exiting container with back-off")
    func restarts() async throws {
        try await KubeletFixture.with { f in
            await f.createBoundPod(f.podJSON("crash", command: ["sh", "-c", "echo once; exit 1"]), name: "crash")
            let restarted = await f.podUntil("crash") { ($0[path: "status.containerStatuses.0.restartCount"]?.intValue ?? 0) >= 1 }
            let pod = await f.pod("crash").body
            #expect(restarted, "status: \(JSON.encode(pod["status"] ?? .null))")
            #expect(pod[path: "status.containerStatuses.0.lastState.terminated.exitCode"] == .int(1))
            #expect(pod[path: "status.phase"] == "Running")
        }
    }

    @Test("a crashing container restarts at once, then waits in CrashLoopBackOff with one BackOff Warning Event, counted up on each back-off")
    func crashLoopBackOff() async throws {
        // The clock stands still unless the test moves it: the back-off lasts as long as the test wants.
        let clock = SteppedClock()
        try await KubeletFixture.with(clock: clock) { f in
            await f.createBoundPod(f.podJSON("crash", command: ["sh", "-c", "exit 1"]), name: "crash")
            func backingOff(restarts: Int64) -> (Value) -> Bool { KubeletFixture.container(waiting: "CrashLoopBackOff", restarts: restarts) }
            // As the kubelet: the first exit restarts at once, the second backs off.
            #expect(await f.podUntil("crash", backingOff(restarts: 1)))
            let pod = await f.pod("crash").body
            let named = "crash_default(\(pod[path: "metadata.uid"]?.stringValue ?? ""))"
            #expect(pod[path: "status.containerStatuses.0.state.waiting.message"]
                == .string("back-off 1s restarting failed container=main pod=\(named)"))
            #expect(pod[path: "status.containerStatuses.0.lastState.terminated.exitCode"] == .int(1))
            // Sync passes while the back-off lasts post nothing more.
            let passes = f.kubelet.passes.withLockedValue { $0 }
            #expect(await eventually { f.kubelet.passes.withLockedValue { $0 } >= passes + 3 })
            var events = await f.events("BackOff", about: "crash")
            #expect(events.count == 1, "\(events)")
            #expect(events.first?["type"] == "Warning")
            #expect(events.first?["message"] == .string("Back-off restarting failed container main in pod \(named)"))
            #expect(events.first?[path: "involvedObject.fieldPath"] == "spec.containers{main}")
            #expect(events.first?["count"] == .int(1))
            // Past the back-off it restarts, fails again and backs off twice as long: the same Event counts 2.
            clock.advance(1)
            #expect(await f.podUntil("crash", backingOff(restarts: 2)))
            #expect(await f.pod("crash").body[path: "status.containerStatuses.0.state.waiting.message"]
                == .string("back-off 2s restarting failed container=main pod=\(named)"))
            events = await f.events("BackOff", about: "crash")
            #expect(events.count == 1, "\(events)")
            #expect(events.first?["count"] == .int(2))
        }
    }

    @Test("the container runs in the pod spec's workingDir (made when missing, as runc does)")
    func workingDir() async throws {
        try await KubeletFixture.with { f in
            let json = f.podJSON("wd", command: ["sh", "-c", "pwd; ls -d /srv/work"], restartPolicy: "Never")
                .replacingOccurrences(of: #""command":"#, with: #""workingDir":"/srv/work","command":"#)
            await f.createBoundPod(json, name: "wd")
            #expect(await f.podUntil("wd", KubeletFixture.phase("Succeeded")))
            #expect(await f.api.call(.GET, "/api/v1/namespaces/default/pods/wd/log").text == "/srv/work\n/srv/work\n")
        }
    }

    @Test("after a run longer than twice the longest back-off, an exit restarts at once again")
    func backOffForgottenAfterALongRun() async throws {
        let clock = SteppedClock()
        try await KubeletFixture.with(clock: clock) { f in
            await f.createBoundPod(f.podJSON("slow", command: ["sh", "-c", "sleep 1; exit 1"]), name: "slow")
            func running(restarts: Int64) -> (Value) -> Bool { KubeletFixture.container(waiting: nil, restarts: restarts) }
            // The first exit restarts at once (the back-off starts).
            #expect(await f.podUntil("slow", running(restarts: 1)))
            // This run lasts 600 s by the kubelet's clock (2 × maxBackoff 300 s): its exit restarts at
            // once too, where a short run would wait in CrashLoopBackOff on the standing clock.
            clock.advance(600)
            #expect(await f.podUntil("slow", running(restarts: 2)))
        }
    }

    @Test("a followed log streams until the container exits")
    func followLog() async throws {
        try await KubeletFixture.with { f in
            await f.createBoundPod(f.podJSON("talker", command: ["sh", "-c", "echo one; sleep 1; echo two"], restartPolicy: "Never"),
                                   name: "talker")
            #expect(await f.podUntil("talker", KubeletFixture.phase("Running")))
            var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/api/v1/namespaces/default/pods/talker/log?follow=true")
            head.headers.add(name: "Accept", value: "*/*")
            guard case .stream(let type, let chunks) = await f.api.handler.handle(head: head, body: [], identity: .user("tester")) else {
                Issue.record("a followed log of a running container should stream")
                return
            }
            #expect(type == "text/plain")
            var text = ""
            for await chunk in chunks { text += String(decoding: chunk, as: UTF8.self) }
            #expect(text == "one\ntwo\n")
            #expect(await f.podUntil("talker", KubeletFixture.phase("Succeeded")))
        }
    }

    @Test("a pod deleted with grace 0 (gone from the API at once) has its containers removed")
    func forcedDeletion() async throws {
        try await KubeletFixture.with { f in
            await f.createBoundPod(f.podJSON("forced", command: ["sleep", "3600"]), name: "forced")
            #expect(await f.podUntil("forced", KubeletFixture.phase("Running")))
            #expect(((try? await f.runtime.runtime.list()) ?? []).count == 1)
            let deleted = await f.api.call(.DELETE, "/api/v1/namespaces/default/pods/forced?gracePeriodSeconds=0")
            #expect(deleted.code == 200, "\(deleted.text)")
            #expect(await f.pod("forced").code == 404)
            #expect(await eventually { ((try? await f.runtime.runtime.list()) ?? ["?"]).isEmpty })
        }
    }

    @Test("the container gets the pod's env (field references, $(VAR) in values and command)")
    func environment() async throws {
        try await KubeletFixture.with { f in
            await f.createBoundPod(#"""
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"envpod"},"spec":{"restartPolicy":"Never","containers":[
                {"name":"main","image":"busybox","command":["sh","-c","echo $GREETING; echo $(GREETING) on $(NODE); hostname"],
                 "env":[{"name":"POD","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}},
                        {"name":"NODE","valueFrom":{"fieldRef":{"fieldPath":"spec.nodeName"}}},
                        {"name":"GREETING","value":"hi $(POD)"}]}]}}
                """#, name: "envpod")
            #expect(await f.podUntil("envpod", KubeletFixture.phase("Succeeded")))
            let log = await f.api.call(.GET, "/api/v1/namespaces/default/pods/envpod/log").text
            #expect(log == "hi envpod\nhi envpod on helmctl-node-1\nenvpod\n")
        }
    }

    @Test("heartbeats every 10 s refresh the Node and the Lease, and re-register a deleted Node")
    func heartbeats() async throws {
        let clock = SteppedClock()
        try await KubeletFixture.with(clock: clock) { f in
            let leasePath = "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/helmctl-node-1"
            func heartbeat() async -> Value? {
                let node = await f.api.call(.GET, "/api/v1/nodes/helmctl-node-1").body
                return (node[path: "status.conditions"]?.listValue ?? []).first { $0["type"] == "Ready" }?["lastHeartbeatTime"]
            }
            #expect(await eventually { await f.api.call(.GET, leasePath).code == 200 })
            #expect(await heartbeat() == .string(Timestamps.rfc3339(clock.now())))
            clock.advance(10)
            let next = Timestamps.rfc3339(clock.now())
            #expect(await eventually { await heartbeat() == .string(next) })
            #expect(await eventually { await f.api.call(.GET, leasePath).body[path: "spec.renewTime"]?.stringValue?.hasPrefix(String(next.dropLast())) == true })
            #expect(await f.api.call(.DELETE, "/api/v1/nodes/helmctl-node-1").code == 200)
            clock.advance(10)
            #expect(await eventually { await f.api.call(.GET, "/api/v1/nodes/helmctl-node-1").code == 200 })
        }
    }
}

/// A clock tests move forward by hand.
final class SteppedClock: APIClock, @unchecked Sendable {
    private let lock = NSLock()
    private var seconds: Int64 = 1_795_000_000
    func now() -> Int64 { lock.withLock { seconds } }
    func advance(_ by: Int64) { lock.withLock { seconds += by } }
}
