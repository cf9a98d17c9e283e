import NIOHTTP1
import StructuredData

/// The last BackOff Event posted about one container, so a repeat counts up instead of adding an Event.
struct CountedEvent: Sendable {
    var name: String
    var message: String
    var count: Int64
}

/// The `BackOff` Events of containers in CrashLoopBackOff or ImagePullBackOff. The kubelet reports a
/// back-off on every sync while it lasts and its event correlator folds the repeats into one Event
/// whose `count` grows (`kubectl describe` shows `(x4 over 2m)`); here the Event is posted when the
/// back-off starts, and each later back-off of the same container with the same message counts up.
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
        let ns = pod.namespace ?? "default"
        if let last = c.backOffEvent, last.message == message {
            let patch: Value = .map(["count": .int(last.count + 1), "lastTimestamp": .string(Timestamps.rfc3339(clock.now()))])
            let reply = await api.call(.PATCH, "/api/v1/namespaces/\(ns)/events/\(last.name)", patch,
                                       contentType: "application/merge-patch+json")
            if reply.ok {
                c.backOffEvent?.count = last.count + 1
                return
            }
            // The Event is gone (deleted, or expired by its TTL): start a new one, as the correlator does.
        }
        let name = await postEvent(pod, fieldPath: Self.fieldPath(container: c.name, isInit: c.isInit), reason: "BackOff",
                                   message: message, warning: warning)
        c.backOffEvent = name.map { CountedEvent(name: $0, message: message, count: 1) }
    }
}
