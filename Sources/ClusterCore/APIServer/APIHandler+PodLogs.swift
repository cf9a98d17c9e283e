import NIOHTTP1
import NIOPosix
import StructuredData
#if canImport(Glibc)
    import Glibc
#endif

/// `GET pods/<p>/log`: served from the container's log file (``CRILog`` records) through the pod's
/// kubelet (`container`, `previous`, `tailLines`, `sinceSeconds`/`sinceTime`, `timestamps`,
/// `limitBytes`, `follow`).
extension APIHandler {
    func podLog(_ rr: ResourceRequest) async throws -> APIResponse {
        let r = rr.request
        try checkParams(r, allowed: ["container", "tailLines", "follow", "limitBytes", "timestamps", "previous", "sinceSeconds",
                                     "sinceTime", "insecureSkipTLSVerifyBackend"])
        let pod = try await current(rr)
        let agent = try podAgent(pod)
        let container = try podContainer(pod, r) { names in
            guard names.count == 1 else {
                throw StatusError.badRequest("a container name must be specified for pod \(pod.name), choose one of: [\(names.joined(separator: " "))]")
            }
            return names[0]
        }
        func integer(_ name: String, minimum: Int) throws -> Int? {
            guard let v = r.param(name) else { return nil }
            guard let n = Int(v) else { throw StatusError.badRequest("\(name) must be an integer, got \"\(v)\"") }
            guard n >= minimum else {
                throw StatusError.badRequest("PodLogOptions \"\(pod.name)\" is invalid: \(name): Invalid value: \(n): must be greater than \(minimum == 0 ? "or equal to 0" : "0")")
            }
            return n
        }
        let flag = { (name: String) in ["true", "1"].contains(r.param(name) ?? "") }
        var options = CRILog.Options()
        options.tailLines = try integer("tailLines", minimum: 0)
        options.limitBytes = try integer("limitBytes", minimum: 1)
        options.timestamps = flag("timestamps")
        let sinceSeconds = try integer("sinceSeconds", minimum: 1)
        if let since = r.param("sinceTime") {
            guard sinceSeconds == nil else {
                throw StatusError.badRequest("PodLogOptions \"\(pod.name)\" is invalid: []: Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified")
            }
            guard let time = LogTime.parse(since) else { throw StatusError.badRequest("sinceTime must be an RFC 3339 time, got \"\(since)\"") }
            options.since = time
        }
        if let sinceSeconds {
            let now = LogTime.now()
            options.since = LogTime(seconds: now.seconds - Int64(sinceSeconds), nanoseconds: now.nanoseconds)
        }
        let follow = flag("follow")
        let namespace = pod.metaString("namespace") ?? ""
        let uid = pod.metaString("uid") ?? ""
        let log: ContainerLog
        if flag("previous") {
            guard let previous = agent.previousContainerLog(namespace: namespace, pod: pod.name, uid: uid, container: container) else {
                throw StatusError.badRequest("previous terminated container \"\(container)\" in pod \"\(pod.name)\" not found")
            }
            log = previous
        } else {
            guard let current = agent.containerLog(namespace: namespace, pod: pod.name, uid: uid, container: container) else {
                throw StatusError.badRequest("container \"\(container)\" in pod \"\(pod.name)\" is waiting to start: ContainerCreating")
            }
            log = current
        }
        let path = log.path
        let (raw, offset) = try await RuntimeThreads.pool.runIfActive { Self.readLog(path, from: 0) }
        let (entries, consumed) = CRILog.parse(raw, final: !log.running)
        let bytes = CRILog.render(entries, options)
        let limitLeft = options.limitBytes.map { $0 - bytes.count }
        guard follow, log.running, (limitLeft ?? 1) > 0 else {
            return .full(status: .ok, contentType: "text/plain", body: bytes, headers: [])
        }
        // Following: new records as they are appended (the tail applied to what was there already).
        options.tailLines = nil
        let (stream, continuation) = AsyncStream<[UInt8]>.makeStream()
        if !bytes.isEmpty { continuation.yield(bytes) }
        let follower = Task { [options] in
            var remaining = limitLeft
            var from = offset
            var pending = Array(raw[consumed...])
            while !Task.isCancelled {
                let running = agent.isRunning(namespace: namespace, pod: pod.name, uid: uid, container: container)
                let start = from
                let (more, next) = (try? await RuntimeThreads.pool.runIfActive { Self.readLog(path, from: start) }) ?? ([], start)
                from = next
                pending += more
                let (entries, used) = CRILog.parse(pending, final: !running)
                pending.removeFirst(used)
                var out = CRILog.render(entries, options)
                if let left = remaining {
                    out = Array(out.prefix(left))
                    remaining = left - out.count
                }
                if !out.isEmpty { continuation.yield(out) }
                if !running || remaining == 0 { break }
                try? await Task.sleep(for: .milliseconds(250))
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in follower.cancel() }
        return .stream(contentType: "text/plain", chunks: stream)
    }

    /// The file's bytes from `offset` on (at most 16 MiB), and the offset after them.
    static func readLog(_ path: String, from offset: Int) -> ([UInt8], Int) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return ([], offset) }
        defer { close(fd) }
        guard lseek(fd, off_t(offset), SEEK_SET) >= 0 else { return ([], offset) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while out.count < 16 << 20 {
            let n = read(fd, &buf, buf.count)
            if n > 0 { out += buf[0..<n] } else if n < 0 && errno == EINTR { continue } else { break }
        }
        return (out, offset + out.count)
    }
}
