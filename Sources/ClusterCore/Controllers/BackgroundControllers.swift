import ClusterAPI
import ClusterStore
import NIOConcurrencyHelpers
import NIOHTTP1
import StructuredData

/// The control plane's own controllers, run inside the API server process: garbage collection by
/// ownerReferences, namespace deletion, CRD establishment and cleanup, and the workload controllers
/// (Deployments, ReplicaSets, Jobs, default ServiceAccounts, Endpoints/EndpointSlices). One reconcile
/// pass over the store runs whenever something they care about changed (deletions, objects being
/// deleted, namespaces, CRDs, workloads, pods, services), coalescing bursts; a pass that found
/// time-dependent work (minReadySeconds, progress deadlines) schedules another.
final class BackgroundControllers: Sendable {
    private let pokes: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation
    /// Passes completed, for tests that wait for the controllers to settle.
    let passes = NIOLockedValueBox<Int>(0)

    init() {
        (pokes, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks for a reconcile pass soon.
    func poke() { continuation.yield() }

    func run(handler: APIHandler) async throws {
        let store = handler.store
        let start = try await store.currentRevision()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // Wake up on what matters; re-open the watch if it is cut off.
                var from = start
                while !Task.isCancelled {
                    do {
                        for try await event in try await store.watch(prefix: ObjectKeys.all, afterRevision: from) {
                            from = event.revision
                            if Self.matters(event) { self.poke() }
                        }
                    } catch {
                        from = (try? await store.currentRevision()) ?? from
                        self.poke()
                        try await Task.sleep(for: .milliseconds(100))
                    }
                }
            }
            group.addTask {
                self.poke()
                let cache = DecodeCache()
                var timer: Task<Void, Never>?
                for await _ in self.pokes {
                    let result = await Reconciler(handler: handler, cache: cache).pass()
                    self.passes.withLockedValue { $0 += 1 }
                    if let after = result.requeueAfter {
                        timer?.cancel()
                        timer = Task { [weak self] in
                            try? await Task.sleep(for: .seconds(min(max(after, 1), 3600)))
                            if !Task.isCancelled { self?.poke() }
                        }
                    }
                }
                timer?.cancel()
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// Keys whose changes the workload controllers react to (their own Endpoints/EndpointSlice
    /// writes are not among them, so passes settle).
    static let workloadPrefixes = ["/registry/apps/deployments/", "/registry/apps/replicasets/", "/registry/batch/jobs/",
                                   "/registry/core/pods/", "/registry/core/services/",
                                   // n-volumes: the PV/PVC binder
                                   "/registry/core/persistentvolumeclaims/", "/registry/core/persistentvolumes/",
                                   "/registry/storage.k8s.io/storageclasses/",
                                   // StatefulSets, DaemonSets, CronJobs and the nodes DaemonSets and node lifecycle follow.
                                   "/registry/apps/statefulsets/", "/registry/apps/daemonsets/", "/registry/batch/cronjobs/",
                                   "/registry/core/nodes/"]

    static func matters(_ event: StoreEvent) -> Bool {
        if event.kind == .deleted { return true }
        let key = event.kv.key
        if key.hasPrefix("/registry/core/namespaces/") || key.hasPrefix("/registry/apiextensions.k8s.io/") { return true }
        if workloadPrefixes.contains(where: { key.hasPrefix($0) }) { return true }
        if key.hasPrefix("/registry/core/configmaps/") && key.hasSuffix("/kube-root-ca.crt") { return true }
        // Cheap test before decoding: only objects being deleted or with owners need a pass.
        let bytes = event.kv.value
        return bytes.containsSubsequence(Array("\"deletionTimestamp\"".utf8))
            || (event.kind == .added && bytes.containsSubsequence(Array("\"ownerReferences\"".utf8)))
    }
}

extension Array where Element == UInt8 {
    func containsSubsequence(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, count >= needle.count else { return needle.isEmpty }
        var i = 0
        let last = count - needle.count
        while i <= last {
            if self[i] == needle[0] && self[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }
}
