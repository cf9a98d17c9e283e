import NIOConcurrencyHelpers

/// Container logs (kstate): the current attempt's and the previous one's are kept (`pods/log`
/// with `previous`), older ones are removed when a container restarts, all when the pod goes.
extension Kubelet {
    /// Removes the log two attempts back when container `c` starts its next attempt.
    func removeOlderLog(of c: ContainerRecord, uid: String) async {
        guard c.restartCount >= 2 else { return }
        await runtime.removeLog("\(uid)-\(c.name)-\(c.restartCount - 2)")
    }

    /// Removes every log of the pod's containers (the pod is gone).
    func removeLogs(_ record: PodRecord) async {
        for c in record.containers {
            for id in Set([c.id, c.previousID].compactMap { $0 }) { await runtime.removeLog(id) }
        }
    }

    func previousContainerLog(namespace: String, pod: String, uid: String, container: String) -> ContainerLog? {
        records.withLockedValue { r -> ContainerLog? in
            guard let id = r[uid]?.container(container)?.previousID else { return nil }
            return ContainerLog(path: runtime.logPath(id), running: false)
        }
    }
}
