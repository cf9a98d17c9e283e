import KubeClient
import StructuredData

/// Where the waiter's object states come from: ``KubeWatchSet`` on a cluster, scripted in tests.
protocol WatchSource: AnyObject {
    func add(_ r: APIResource, namespace: String?, labelSelector: String, fieldSelector: String) throws(KubeError) -> Int
    func poll(timeoutMilliseconds: Int) throws(KubeError) -> [WatchEvent]
    var allSynced: Bool { get }
}

extension KubeWatchSet: WatchSource {}

/// Waits until a release's objects are ready (or gone), from watch events: the objects' own kinds,
/// plus the namespaces' Pods, ReplicaSets (Deployments) and Events to say what blocks.
final class ReleaseWaiter {
    private let objects: [ReleaseObject]
    private let release: String
    private let settings: WaitSettings
    private let strategy: WaitStrategy
    private let deleting: Bool
    private let source: any WatchSource
    /// Stream of each object.
    private var objectStream: [Int] = []
    private var podStreams: [Int] = []
    private var replicaSetStreams: [Int] = []
    private var eventStreams: [Int] = []
    /// Stream → `namespace/name` → object.
    private var cache: [Int: [String: Value]] = [:]
    private var synced = false
    /// Deleting: UIDs of the release's workloads and of their ReplicaSets seen so far, so their pods
    /// are still shown (and awaited) after the owners are gone.
    private var trackedOwners: Set<String> = []

    /// The resources watched besides the objects' own, to explain what blocks.
    struct Related {
        var pods: APIResource
        var replicaSets: APIResource?
        var events: APIResource?

        /// From discovery; nil when the release has no workloads (nothing runs pods).
        static func discover(_ objects: [ReleaseObject], client: KubeClient) throws -> Related? {
            guard objects.contains(where: { ReleaseWaiter.workloads.contains($0.kind) }) else { return nil }
            return Related(
                pods: try client.resource(apiVersion: "v1", kind: "Pod"),
                replicaSets: objects.contains { $0.kind == "Deployment" }
                    ? try client.resource(apiVersion: "apps/v1", kind: "ReplicaSet") : nil,
                events: try? client.resource(apiVersion: "v1", kind: "Event"))
        }
    }

    static let workloads: Set<String> = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job",
                                         "ReplicationController", "Pod"]

    init(objects: [ReleaseObject], release: String, source: any WatchSource, related: Related?,
         settings: WaitSettings, strategy: WaitStrategy, deleting: Bool) throws
    {
        self.objects = objects
        self.release = release
        self.settings = settings
        self.strategy = strategy
        self.deleting = deleting
        self.source = source
        var streams: [String: Int] = [:]
        for o in objects {
            let key = "\(o.resource.apiVersion)/\(o.resource.name)/\(o.namespace ?? "")"
            if let i = streams[key] {
                objectStream.append(i)
            } else {
                let i = try source.add(o.resource, namespace: o.namespace, labelSelector: "", fieldSelector: "")
                streams[key] = i
                objectStream.append(i)
            }
        }
        guard let related else { return }
        for ns in Set(objects.compactMap(\.namespace)).sorted() {
            podStreams.append(try source.add(related.pods, namespace: ns, labelSelector: "", fieldSelector: ""))
            if let rs = related.replicaSets {
                replicaSetStreams.append(try source.add(rs, namespace: ns, labelSelector: "", fieldSelector: ""))
            }
            // Only Warning events are reported: the namespace's others (hundreds after a while) stay on the server.
            if let ev = related.events {
                eventStreams.append(try source.add(ev, namespace: ns, labelSelector: "", fieldSelector: "type=Warning"))
            }
        }
    }

    /// Waits until every object is ready (gone when deleting); throws the timeout explanation after
    /// `timeoutSeconds`, or at once when a Job failed under `--wait-for-jobs`.
    func wait(timeoutSeconds: Int) throws {
        try loop(pollMilliseconds: 250, timeoutSeconds: timeoutSeconds) { p, elapsed in
            if p.isComplete { return true }
            if settings.waitForJobs, let failed = p.resources.first(where: { $0.kind == "Job" && $0.readiness.status == .failed }) {
                throw ChartEngineError(.io, failed.explanation)
            }
            if elapsed >= Double(timeoutSeconds) { throw ChartEngineError(.io, p.timeoutMessage) }
            return false
        }
    }

    /// Deleting: pumps until the watches delivered the initial state (at most `seconds`) and records
    /// which pods belong to the release's workloads, before anything is deleted.
    func prime(seconds: Double = 10) throws {
        let start = settings.clock()
        while !synced && settings.clock() - start < seconds { try pump(milliseconds: 100) }
        _ = progress(elapsed: 0, timeout: 0)
    }

    /// Reports every change until `stop` says so (`status --watch`).
    func observe(stop: () -> Bool) throws {
        try loop(pollMilliseconds: 500, timeoutSeconds: 0) { _, _ in stop() }
    }

    /// Pumps events and reports progress (on every change, and at least once a second) until `done`.
    private func loop(pollMilliseconds: Int, timeoutSeconds: Int, done: (WaitProgress, Double) throws -> Bool) throws {
        let start = settings.clock()
        var last: WaitProgress?
        var lastReport = -1.0
        while true {
            try pump(milliseconds: pollMilliseconds)
            let now = settings.clock()
            let p = progress(elapsed: now - start, timeout: timeoutSeconds)
            if p != last || now - lastReport >= 1 {
                settings.progress?(p)
                last = p
                lastReport = now
            }
            if try done(p, now - start) { return }
        }
    }

    /// Applies the events that arrive within `milliseconds`.
    private func pump(milliseconds: Int) throws {
        for e in try source.poll(timeoutMilliseconds: milliseconds) {
            switch e.type {
            case "RESET": cache[e.stream] = [:]
            case "ADDED", "MODIFIED":
                cache[e.stream, default: [:]][Self.key(e.object)] = e.object
            case "DELETED":
                cache[e.stream]?[Self.key(e.object)] = nil
            default: break
            }
        }
        synced = source.allSynced
    }

    static func key(_ o: Value) -> String {
        "\(o["metadata"]?["namespace"]?.stringValue ?? "")/\(o["metadata"]?["name"]?.stringValue ?? "")"
    }

    private func live(_ i: Int) -> Value? {
        let o = objects[i]
        return cache[objectStream[i]]?["\(o.namespace ?? "")/\(o.name)"]
    }

    private func all(_ streams: [Int]) -> [Value] { streams.flatMap { (cache[$0] ?? [:]).values } }

    /// The current snapshot.
    func progress(elapsed: Double, timeout: Int) -> WaitProgress {
        let pods = all(podStreams)
        let replicaSets = all(replicaSetStreams)
        var podsByOwner: [String: [Value]] = [:]
        for p in pods {
            for ref in p["metadata"]?["ownerReferences"]?.listValue ?? [] {
                if let uid = ref["uid"]?.stringValue { podsByOwner[uid, default: []].append(p) }
            }
        }
        var resources: [WaitProgress.Resource] = []
        var related: [Value] = []
        var uids: Set<String> = []
        for (i, o) in objects.enumerated() {
            let obj = live(i)
            var readiness: Readiness
            var owned: [Value] = []
            if deleting {
                if let uid = obj?["metadata"]?["uid"]?.stringValue { trackedOwners.insert(uid) }
                if obj == nil {
                    readiness = synced ? Readiness(.current) : Readiness(.inProgress, "waiting for the watch")
                } else if obj?["metadata"]?["deletionTimestamp"]?.stringValue != nil {
                    readiness = Readiness(.terminating, "being deleted")
                } else {
                    readiness = Readiness(.inProgress, "still exists")
                }
            } else if let obj {
                readiness = strategy == .legacy
                    ? ReadinessRules.legacy(obj, replicaSets: replicaSets, waitForJobs: settings.waitForJobs)
                    : ReadinessRules.kstatus(obj, waitForJobs: settings.waitForJobs)
                owned = ReleaseWaiter.ownedPods(obj, replicaSets: replicaSets, podsByOwner: podsByOwner)
                if let uid = obj["metadata"]?["uid"]?.stringValue { uids.insert(uid) }
                if o.kind == "Pod" { owned = [obj] }
            } else {
                readiness = synced ? Readiness(.notFound, "not found") : Readiness(.inProgress, "waiting for the watch")
            }
            related += owned
            let problems = readiness.isReady ? [] : owned.compactMap { p -> String? in
                let s = PodSummary.describe(p)
                guard !(s.ready || s.state == "Succeeded" || s.state == "Completed") else { return nil }
                return "\(p["metadata"]?["name"]?.stringValue ?? ""): \(s.detail)"
            }
            resources.append(WaitProgress.Resource(kind: o.kind, namespace: o.namespace, name: o.name,
                                                   readiness: readiness, podProblems: o.kind == "Pod" ? [] : problems))
        }
        if deleting {
            // ReplicaSets of a deleted Deployment outlive it for a moment; their pods longer.
            for rs in replicaSets {
                let owners = (rs["metadata"]?["ownerReferences"]?.listValue ?? []).compactMap { $0["uid"]?.stringValue }
                if owners.contains(where: trackedOwners.contains), let uid = rs["metadata"]?["uid"]?.stringValue {
                    trackedOwners.insert(uid)
                }
            }
            related += pods.filter { p in
                (p["metadata"]?["ownerReferences"]?.listValue ?? []).contains {
                    trackedOwners.contains($0["uid"]?.stringValue ?? "")
                }
            }
        }
        var podLines: [WaitProgress.Pod] = []
        var seen: Set<String> = []
        for p in related {
            let ns = p["metadata"]?["namespace"]?.stringValue ?? ""
            let name = p["metadata"]?["name"]?.stringValue ?? ""
            guard seen.insert(ns + "/" + name).inserted else { continue }
            if let uid = p["metadata"]?["uid"]?.stringValue { uids.insert(uid) }
            podLines.append(WaitProgress.Pod(namespace: ns, name: name, summary: PodSummary.describe(p)))
        }
        podLines.sort { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
        return WaitProgress(release: release, strategy: strategy, deleting: deleting, resources: resources,
                            pods: podLines, warnings: warnings(about: uids), elapsedSeconds: Int(elapsed),
                            timeoutSeconds: timeout, synced: synced)
    }

    /// Pods a workload runs: its own, or (Deployment) those of its ReplicaSets.
    static func ownedPods(_ obj: Value, replicaSets: [Value], podsByOwner: [String: [Value]]) -> [Value] {
        guard let uid = obj["metadata"]?["uid"]?.stringValue else { return [] }
        if obj["kind"]?.stringValue == "Deployment" {
            let rsUIDs = replicaSets.filter { rs in
                (rs["metadata"]?["ownerReferences"]?.listValue ?? []).contains { $0["uid"]?.stringValue == uid }
            }.compactMap { $0["metadata"]?["uid"]?.stringValue }
            return rsUIDs.flatMap { podsByOwner[$0] ?? [] }
        }
        return podsByOwner[uid] ?? []
    }

    /// The last five Warning events whose object is one of `uids`, oldest first.
    private func warnings(about uids: Set<String>) -> [String] {
        var found: [(String, String)] = []
        for e in all(eventStreams) where e["type"]?.stringValue == "Warning" {
            let involved = e["involvedObject"] ?? e["regarding"]
            guard let uid = involved?["uid"]?.stringValue, uids.contains(uid) else { continue }
            let when = e["lastTimestamp"]?.stringValue ?? e["eventTime"]?.stringValue
                ?? e["metadata"]?["creationTimestamp"]?.stringValue ?? ""
            let text = "\(e["reason"]?.stringValue ?? "") \(involved?["kind"]?.stringValue ?? "")/"
                + "\(involved?["name"]?.stringValue ?? ""): \(e["message"]?.stringValue ?? e["note"]?.stringValue ?? "")"
            found.append((when, text.trimmingCharacters(in: " \n")))
        }
        found.sort { $0.0 < $1.0 }
        var out: [String] = []
        for (_, t) in found where out.last != t { out.append(t) }
        return Array(out.suffix(5))
    }
}

extension ReleaseContext {
    /// Waits for `objs` per the context's wait strategy (nothing with `hookOnly`).
    func waitReady(_ objs: [ReleaseObject], release: String) throws {
        guard wait.strategy != .hookOnly, !objs.isEmpty else { return }
        let source = try KubeWatchSet(client: client)
        let waiter = try ReleaseWaiter(objects: objs, release: release, source: source,
                                       related: try ReleaseWaiter.Related.discover(objs, client: client),
                                       settings: wait, strategy: wait.strategy, deleting: false)
        try waiter.wait(timeoutSeconds: timeoutSeconds)
    }

    /// Uninstall `--wait`: a waiter watching `objs` and the pods of the workloads among them, primed
    /// before anything is deleted; nil without `--wait`.
    func deletionWaiter(_ objs: [ReleaseObject], release: String) throws -> ReleaseWaiter? {
        guard wait.strategy != .hookOnly, !objs.isEmpty else { return nil }
        let source = try KubeWatchSet(client: client)
        let waiter = try ReleaseWaiter(objects: objs, release: release, source: source,
                                       related: try ReleaseWaiter.Related.discover(objs, client: client),
                                       settings: wait, strategy: wait.strategy, deleting: true)
        try waiter.prime()
        return waiter
    }

    /// `status --watch`: reports the release's resources, pods and warnings until `stop` is true.
    public func watchRelease(_ r: Release, stop: () -> Bool) throws {
        let objs = try objects(r.manifest, namespace: r.namespace)
        let source = try KubeWatchSet(client: client)
        let waiter = try ReleaseWaiter(objects: objs, release: r.name, source: source,
                                       related: try ReleaseWaiter.Related.discover(objs, client: client), settings: wait, strategy: wait.strategy == .legacy ? .legacy : .watcher,
                                       deleting: false)
        try waiter.observe(stop: stop)
    }
}

extension ReleaseContext {
    /// Helm's refusal of an operation on a release stuck in `pending-*`, with the way out: a helmctl
    /// or helm killed mid-operation leaves the record pending, and rolling back (or uninstalling a first
    /// install) recovers.
    static func pendingMessage(_ last: Release) -> String {
        let wayOut = last.version > 1
            ? "`helmctl rollback \(last.name)` (to revision \(last.version - 1)) or `helmctl rollback \(last.name) REVISION`"
            : "`helmctl uninstall \(last.name)`"
        return "another operation (install/upgrade/rollback) is in progress\n"
            + "revision \(last.version) of release \"\(last.name)\" is \(last.info.status.rawValue); if no other "
            + "helmctl or helm is working on it, that operation was interrupted: recover with \(wayOut)"
    }
}
