import NIOHTTP1
import StructuredData

/// An Event posted about one container, so a repeat counts up instead of adding an Event.
struct CountedEvent: Sendable {
    var name: String
    var count: Int64
}

/// The Events of containers in CrashLoopBackOff or ImagePullBackOff (`BackOff`, and `Failed` with
/// `Error: ErrImagePull` / `Error: ImagePullBackOff`). The kubelet reports them on every sync while
/// they last and its event correlator folds the repeats into one Event whose `count` grows
/// (`kubectl describe` shows `(x4 over 2m)`); here an Event is posted when the state is entered, and
/// each later entry of the same container with the same reason and message counts up.
extension Kubelet {
    /// Whole seconds as Go's `time.Duration` prints them, as the kubelet's back-off message does:
    /// `10s`, `1m20s`, `5m0s`, `1h0m0s`.
    static func goDuration(seconds: Int64) -> String {
        let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60)
        if h > 0 { return "\(h)h\(m)m\(s)s" }
        return m > 0 ? "\(m)m\(s)s" : "\(s)s"
    }

    /// Records that container `c` entered a back-off: a `BackOff` Event with `message` (type Warning
    /// for restarts, Normal for pulls, as the kubelet types them), or one more count of its last one.
    func recordBackOff(_ pod: Value, _ c: inout ContainerRecord, message: String, warning: Bool) async {
        await recordCounted(pod, &c, reason: "BackOff", message: message, warning: warning)
    }

    /// Posts an Event about container `c`, or counts up the one posted before with the same reason
    /// and message (its `count` and `lastTimestamp`), as the kubelet's event correlator folds repeats.
    func recordCounted(_ pod: Value, _ c: inout ContainerRecord, reason: String, message: String, warning: Bool) async {
        let ns = pod.namespace ?? "default"
        let key = reason + "\n" + message
        if let last = c.countedEvents[key] {
            let patch: Value = .map(["count": .int(last.count + 1), "lastTimestamp": .string(Timestamps.rfc3339(clock.now()))])
            let reply = await api.call(.PATCH, "/api/v1/namespaces/\(ns)/events/\(last.name)", patch,
                                       contentType: "application/merge-patch+json")
            if reply.ok {
                c.countedEvents[key]?.count = last.count + 1
                return
            }
            // The Event is gone (deleted, or expired by its TTL): start a new one, as the correlator does.
        }
        let name = await postEvent(pod, fieldPath: Self.fieldPath(container: c.name, isInit: c.isInit), reason: reason,
                                   message: message, warning: warning)
        c.countedEvents[key] = name.map { CountedEvent(name: $0, count: 1) }
    }
}
