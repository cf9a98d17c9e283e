public import KubeClient

/// How install/upgrade/rollback/uninstall wait (Helm v4's `--wait[=watcher|legacy|hookOnly]`).
public enum WaitStrategy: String, Sendable, CaseIterable {
    /// Only hooks are awaited (Helm v4's default when `--wait` is not given).
    case hookOnly
    /// kstatus: every resource `Current`, driven by watches.
    case watcher
    /// Helm 3's per-kind readiness rules.
    case legacy
}

/// The wait settings of the release actions.
public struct WaitSettings {
    public var strategy: WaitStrategy = .hookOnly
    /// `--wait-for-jobs`: Jobs must complete.
    public var waitForJobs = false
    /// Called while waiting with the current state (at least once a second, and on every change).
    public var progress: ((WaitProgress) -> Void)?
    /// Seconds on a monotonic clock (injectable for tests).
    public var clock: () -> Double = WaitSettings.monotonicSeconds

    public init() {}

    public static func monotonicSeconds() -> Double { MonotonicClock.seconds() }
}

/// A snapshot of a wait: each resource's readiness, the pods behind them and recent Warning events.
public struct WaitProgress: Sendable, Equatable {
    public struct Resource: Sendable, Equatable {
        public var kind: String
        public var namespace: String?
        public var name: String
        public var readiness: Readiness
        /// Pods of this resource that are not ready, as `NAME: SUMMARY`.
        public var podProblems: [String]

        /// `Deployment default/web`.
        public var label: String { "\(kind) \(namespace.map { $0 + "/" } ?? "")\(name)" }

        /// `Deployment default/web: 0/2 replicas available; pod web-abc: ImagePullBackOff, …`.
        public var explanation: String {
            var s = label
            if !readiness.message.isEmpty { s += ": " + readiness.message }
            for p in podProblems.prefix(3) { s += "; pod " + p }
            return s
        }
    }

    public struct Pod: Sendable, Equatable {
        public var namespace: String
        public var name: String
        public var summary: PodSummary
    }

    public var release: String
    public var strategy: WaitStrategy
    /// True when waiting for deletion (uninstall).
    public var deleting: Bool
    public var resources: [Resource]
    public var pods: [Pod]
    /// Recent Warning events about the resources or their pods, oldest first (`Reason Kind/name: message`).
    public var warnings: [String]
    public var elapsedSeconds: Int
    public var timeoutSeconds: Int
    /// False until every watch delivered its initial state.
    public var synced: Bool

    public var readyCount: Int { resources.filter(\.readiness.isReady).count }
    /// Every resource ready (gone when deleting, and then their pods gone too).
    public var isComplete: Bool { synced && readyCount == resources.count && (!deleting || pods.isEmpty) }

    /// The resources still blocking, explained.
    public var blocking: [String] { resources.filter { !$0.readiness.isReady }.map(\.explanation) }

    /// Helm v4's timeout error (`resource not ready, name: …, kind: …, status: …` per resource, then
    /// `context deadline exceeded`) with helmctl's explanation of each.
    public var timeoutMessage: String {
        var lines: [String] = []
        for r in resources where !r.readiness.isReady {
            let status = deleting ? "Terminating" : r.readiness.status.rawValue
            lines.append("resource not ready, name: \(r.name), kind: \(r.kind), status: \(status): \(r.explanation)")
        }
        if deleting {
            for p in pods.prefix(5) { lines.append("pod \(p.namespace)/\(p.name) still exists: \(p.summary.detail)") }
        }
        if let w = warnings.last { lines.append("last warning event: \(w)") }
        lines.append(strategy == .legacy ? "timed out waiting for the condition" : "context deadline exceeded")
        return lines.joined(separator: "\n")
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

enum MonotonicClock {
    static func seconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
