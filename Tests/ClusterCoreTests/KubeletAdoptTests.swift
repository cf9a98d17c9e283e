import Foundation
import NIOConcurrencyHelpers
import NIOHTTP1
import StructuredData
import Testing
@testable import ClusterCore

/// A kubelet restarted on the same node state takes its running containers over (real runc).
@Suite("kubelet: re-adoption after a restart", .serialized)
struct KubeletAdoptTests {
    static func startKubelet(_ api: TestAPI, root: String, images: ImageStore) -> (Kubelet, RuncRuntime, Task<Void, any Error>) {
        // A new runtime object on the same root, as a restarted process would make.
        let runtime = RuncRuntime(root: root, images: images)
        let kubelet = Kubelet(handler: api.handler, runtime: runtime,
                              configuration: .init(syncInterval: .milliseconds(100), initialBackoff: 1))
        return (kubelet, runtime, Task { try await kubelet.run() })
    }

    static func containerStatus(_ pod: Value) -> Value? { pod[path: "status.containerStatuses"]?.listValue?.first }

    @Test("same container id and pid, restart count and start time kept, no duplicate; a pod deleted meanwhile is cleaned up; the log goes on")
    func readopts() async throws {
        try await RuntimeFixture.with { fixture in
            let api = try await TestAPI.make()
            var (kubelet, _, task) = Self.startKubelet(api, root: fixture.root, images: fixture.runtime.images)
            let f = KubeletFixture(api: api, runtime: fixture, kubelet: kubelet, task: task)
            try await runThenCleanUp({
                await f.createBoundPod(f.podJSON("keep", command: ["sh", "-c", "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.1; done"]), name: "keep")
                await f.createBoundPod(f.podJSON("gone", command: ["sleep", "3600"]), name: "gone")
                #expect(await f.podUntil("keep", KubeletFixture.phase("Running")))
                #expect(await f.podUntil("gone", KubeletFixture.phase("Running")))
                let before = await f.pod("keep").body
                let status = try #require(Self.containerStatus(before))
                let containerID = try #require(status["containerID"]?.stringValue)
                let id = String(containerID.dropFirst("runc://".count))
                let goneID = try #require(Self.containerStatus(await f.pod("gone").body)?["containerID"]?.stringValue).dropFirst("runc://".count)
                guard case .running(let pid) = await fixture.runtime.status(id), pid > 0 else {
                    Issue.record("keep does not run")
                    return
                }
                #expect(await eventually { fixture.log(id).contains("tick 3\n") })

                // Stop the kubelet, not its containers; delete a pod while no kubelet runs.
                kubelet.leaveContainersRunning()
                task.cancel()
                _ = await task.result
                #expect(await fixture.runtime.status(id) == .running(pid: pid))
                let deleted = await api.call(.DELETE, "/api/v1/namespaces/default/pods/gone", json: #"{"gracePeriodSeconds":0}"#)
                #expect(deleted.code == 200, "\(deleted.text)")

                let (kubelet2, runtime2, task2) = Self.startKubelet(api, root: fixture.root, images: fixture.runtime.images)
                (kubelet, task) = (kubelet2, task2)
                let uid = try #require(before[path: "metadata.uid"]?.stringValue)
                #expect(await eventually { kubelet2.passes.withLockedValue { $0 } >= 3 })
                #expect(await eventually { kubelet2.isRunning(namespace: "default", pod: "keep", uid: uid, container: "main") })
                // The same container, still running, not restarted.
                #expect(await runtime2.status(id) == .running(pid: pid))
                let after = await f.pod("keep").body
                let now = try #require(Self.containerStatus(after))
                #expect(now["containerID"]?.stringValue == containerID)
                #expect(now["restartCount"]?.intValue == 0)
                #expect(now["state"]?["running"]?["startedAt"] == status["state"]?["running"]?["startedAt"])
                #expect(now["ready"] == .bool(true))
                #expect(after[path: "status.phase"]?.stringValue == "Running")
                // One container for the pod, none left of the deleted one.
                let containers = await runtime2.adoptable()
                #expect(containers.filter { $0.annotations["io.kubernetes.pod.name"] == "keep" }.map(\.id) == [id])
                #expect(!containers.contains { $0.id == goneID })
                #expect(!((try? await runtime2.list()) ?? []).contains(String(goneID)))
                // The log goes on in the same file from the first line on.
                let grown = await api.call(.GET, "/api/v1/namespaces/default/pods/keep/log").text
                #expect(grown.hasPrefix("tick 1\n"))
                #expect(await eventually {
                    let text = await api.call(.GET, "/api/v1/namespaces/default/pods/keep/log").text
                    return text.count > grown.count && text.hasPrefix(grown)
                })

                // Exit tracking is back: a killed container restarts (restartPolicy Always) and its
                // previous log is the adopted one's.
                try await runtime2.kill(id, signal: SIGKILL)
                #expect(await f.podUntil("keep") { Self.containerStatus($0)?["restartCount"]?.intValue == 1 })
                let previous = await api.call(.GET, "/api/v1/namespaces/default/pods/keep/log?previous=true").text
                #expect(previous.hasPrefix("tick 1\n") && previous.count >= grown.count, "\(previous.prefix(200))")
            }, cleanup: {
                task.cancel()
                _ = await task.result
            })
        }
    }
}
