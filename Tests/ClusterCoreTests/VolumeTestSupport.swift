import ClusterStore
import Foundation
import NIOHTTP1
import StructuredData
import Testing
@testable import ClusterCore

/// A kubelet on real runc, as ``KubeletFixture``, whose API server provisions `local-path` volumes
/// under a temporary directory and runs its background controllers (the PV/PVC binder among them).
struct VolumeFixture {
    let kubelet: KubeletFixture
    let volumes: String
    var api: TestAPI { kubelet.api }
    var root: String { kubelet.runtime.root }

    static func with(_ body: (VolumeFixture) async throws -> Void) async throws {
        try await RuntimeFixture.with { runtime in
            let volumes = runtime.root + "-volumes"
            try? FileManager.default.createDirectory(atPath: volumes, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: volumes) }
            let api = try await Self.api(volumes: volumes, clock: SystemAPIClock())
            let handler = api.handler
            let controllers = Task { try await handler.runBackground() }
            let kubelet = Kubelet(handler: handler, runtime: runtime.runtime,
                                  configuration: .init(syncInterval: .milliseconds(100), initialBackoff: 1))
            let task = Task { try await kubelet.run() }
            let fixture = VolumeFixture(kubelet: KubeletFixture(api: api, runtime: runtime, kubelet: kubelet, task: task), volumes: volumes)
            func stop() async {
                task.cancel()
                _ = await task.result
                controllers.cancel()
                _ = await controllers.result
                // Nothing may stay mounted below the runtime root once the kubelet stopped.
                #expect(VolumeFixture.mounts(under: runtime.root).isEmpty, "left mounted: \(VolumeFixture.mounts(under: runtime.root))")
            }
            do { try await body(fixture) } catch {
                await stop()
                throw error
            }
            await stop()
        }
    }

    /// An in-process API server (memory store) that provisions `local-path` volumes under `volumes`.
    static func api(volumes: String, clock: any APIClock) async throws -> TestAPI {
        let store = MemoryStore()
        var config = APIServerConfiguration(tls: nil, tokens: [:], store: store)
        config.volumesDirectory = volumes
        return TestAPI(handler: try await APIHandler.start(config: config, clock: clock), store: store)
    }

    /// Mount points of this process at or below `root` (from /proc/thread-self/mountinfo).
    static func mounts(under root: String) -> [String] {
        // The kernel reads the mount table out in chunks: while other tests mount and unmount
        // container roots, one read can skip entries. Two reads in a row that agree are believed.
        func read() -> [String] {
            let text = (try? String(contentsOfFile: "/proc/thread-self/mountinfo", encoding: .utf8)) ?? ""
            return text.split(separator: "\n").compactMap { line -> String? in
                let fields = line.split(separator: " ")
                guard fields.count > 4 else { return nil }
                let point = String(fields[4])
                return point == root || point.hasPrefix(root + "/") ? point : nil
            }
        }
        var last = read()
        for _ in 0..<20 {
            let next = read()
            if next == last { return next }
            last = next
        }
        return last
    }

    func create(_ path: String, _ json: String) async {
        let reply = await api.call(.POST, path, json: json)
        #expect(reply.code == 201, "\(reply.text)")
    }

    /// Creates a pod that names its node already (the fixture's scheduler would race a binding).
    func createBoundPod(_ json: String, name: String) async { await create("/api/v1/namespaces/default/pods", json) }

    func podUntil(_ name: String, _ check: ((Value) -> Bool)?) async -> Bool { await kubelet.podUntil(name, check) }

    func log(_ pod: String, container: String = "main") async -> String {
        await api.call(.GET, "/api/v1/namespaces/default/pods/\(pod)/log?container=\(container)").text
    }

    /// Waits until the pod's log contains `text`.
    func logContains(_ pod: String, _ text: String, seconds: Double = 90) async -> Bool {
        await eventually(seconds) { await log(pod).contains(text) }
    }

    func pod(_ name: String) async -> Value { await kubelet.pod(name).body }

    /// Deletes a pod and waits until the kubelet removed it for good.
    func deletePod(_ name: String) async -> Bool {
        _ = await api.call(.DELETE, "/api/v1/namespaces/default/pods/\(name)")
        return await podUntil(name, nil)
    }

    /// A busybox pod with one container `main` running `script`, with raw JSON for volumes/mounts/env.
    static func pod(_ name: String, script: String, volumes: String = "[]", mounts: String = "[]", extra: String = "",
                    initScript: String? = nil, restartPolicy: String = "Never") -> String
    {
        let inits = initScript.map {
            #","initContainers":[{"name":"setup","image":"busybox","command":["sh","-c",\#(JSON.encode(.string($0)))],"volumeMounts":\#(mounts)}]"#
        } ?? ""
        return """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"\(name)","labels":{"app":"vol","tier":"web"}},
             "spec":{"nodeName":"\(KubeletFixture.node)","restartPolicy":"\(restartPolicy)","terminationGracePeriodSeconds":1,"volumes":\(volumes)\(inits),
             "containers":[{"name":"main","image":"busybox","command":["sh","-c",\(JSON.encode(.string(script)))],
             "volumeMounts":\(mounts)\(extra)}]}}
            """
    }
}
