import ClusterStore
import Synchronization
import NIOHTTP1
import StructuredData
@testable import ClusterCore

/// A clock tests move forward by hand.
final class StepClock: APIClock {
    private let seconds = Mutex<Int64>(1_795_000_000)
    func now() -> Int64 { seconds.withLock { $0 } }
    func advance(_ s: Int64) { seconds.withLock { $0 += s } }
}

/// Drives the workload controllers and plays the kubelet, all through the in-process API.
struct WorkloadHarness {
    let api: TestAPI
    let clock: StepClock

    static func make() async throws -> WorkloadHarness {
        let clock = StepClock()
        return WorkloadHarness(api: try await TestAPI.make(clock: clock), clock: clock)
    }

    /// Runs controller passes until one leaves the store unchanged (bounded); returns the passes that wrote.
    @discardableResult
    func settle(max: Int = 40) async -> Int {
        for i in 0..<max {
            let before = try? await api.store.currentRevision()
            await Reconciler(handler: api.handler).pass()
            if (try? await api.store.currentRevision()) == before { return i }
        }
        return max
    }

    func items(_ path: String) async -> [Value] {
        await api.call(.GET, path).body["items"]?.listValue ?? []
    }

    func get(_ path: String) async -> Value { await api.call(.GET, path).body }

    func create(_ path: String, _ json: String) async -> TestAPI.Reply {
        await api.call(.POST, path, json: json)
    }

    func mergePatch(_ path: String, _ json: String) async -> TestAPI.Reply {
        await api.call(.PATCH, path, json: json, contentType: "application/merge-patch+json")
    }

    func pods(_ ns: String = "default") async -> [Value] { await items("/api/v1/namespaces/\(ns)/pods") }

    /// What a kubelet would publish: Running, Ready (or not) since now, a pod IP.
    func run(_ pod: Value, ready: Bool = true, ip: String? = nil) async {
        let ns = pod.namespace ?? "default"
        let time = Timestamps.rfc3339(clock.now())
        let address = ip ?? "10.42.0.\(abs(pod.name.hashValue) % 200 + 10)"
        let status = ready ? "True" : "False"
        await mergePatch("/api/v1/namespaces/\(ns)/pods/\(pod.name)/status", """
            {"status":{"phase":"Running","podIP":"\(address)","podIPs":[{"ip":"\(address)"}],
             "conditions":[{"type":"Ready","status":"\(status)","lastTransitionTime":"\(time)"},
                           {"type":"ContainersReady","status":"\(status)","lastTransitionTime":"\(time)"}]}}
            """)
    }

    /// A finished pod (`Succeeded` or `Failed`).
    func finish(_ pod: Value, phase: String) async {
        await mergePatch("/api/v1/namespaces/\(pod.namespace ?? "default")/pods/\(pod.name)/status",
                         #"{"status":{"phase":"\#(phase)","conditions":[{"type":"Ready","status":"False"}]}}"#)
    }

    /// Plays the kubelet for every pending pod until the controllers settle.
    func runAllPending(ns: String = "default") async {
        for p in await pods(ns) where p[path: "status.phase"]?.stringValue == "Pending" && p.meta("deletionTimestamp") == nil {
            await run(p)
        }
        await settle()
    }

    static func podTemplate(_ labels: String, image: String = "nginx:1.27") -> String {
        #"{"metadata":{"labels":{\#(labels)}},"spec":{"containers":[{"name":"c","image":"\#(image)","ports":[{"name":"http","containerPort":8080}]}]}}"#
    }
}

extension Value {
    func owners() -> [String] { (self[path: "metadata.ownerReferences"]?.listValue ?? []).compactMap { $0["name"]?.stringValue } }
    func int(_ path: String) -> Int64 { self[path: path]?.intValue ?? 0 }
    func conditionReason(_ type: String) -> String? {
        (self[path: "status.conditions"]?.listValue ?? []).first { $0["type"]?.stringValue == type }?["reason"]?.stringValue
    }
    func conditionStatus(_ type: String) -> String? {
        (self[path: "status.conditions"]?.listValue ?? []).first { $0["type"]?.stringValue == type }?["status"]?.stringValue
    }
}
