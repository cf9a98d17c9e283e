import NIOHTTP1
import NIOPosix
import StructuredData
#if canImport(Glibc)
    import Glibc
#endif

/// `GET pods/<p>/log`: served from the container's log file through the pod's kubelet
/// (`container`, `tailLines`, `limitBytes`, `follow`).
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
        func nonNegative(_ name: String) throws -> Int? {
            guard let v = r.param(name) else { return nil }
            guard let n = Int(v), n >= 0 else { throw StatusError.badRequest("\(name) must be a non-negative integer, got \"\(v)\"") }
            return n
        }
        // Refused by name rather than ignored: the log file has no per-line times yet.
        for unsupported in ["timestamps", "sinceSeconds", "sinceTime"] {
            if let v = r.param(unsupported), !v.isEmpty, v != "false" {
                throw StatusError.badRequest("\(unsupported) is not supported for pod logs yet")
            }
        }
        // Logs of earlier attempts are not kept yet: answer as Kubernetes does when there is none.
        if ["true", "1"].contains(r.param("previous") ?? "") {
            throw StatusError.badRequest("previous terminated container \"\(container)\" in pod \"\(pod.name)\" not found")
        }
        let tailLines = try nonNegative("tailLines")
        let limitBytes = try nonNegative("limitBytes")
        let follow = ["true", "1"].contains(r.param("follow") ?? "")
        let namespace = pod.metaString("namespace") ?? ""
        let uid = pod.metaString("uid") ?? ""
        guard let log = agent.containerLog(namespace: namespace, pod: pod.name, uid: uid, container: container) else {
            throw StatusError.badRequest("container \"\(container)\" in pod \"\(pod.name)\" is waiting to start: ContainerCreating")
        }
        let path = log.path
        var (bytes, offset) = try await RuntimeThreads.pool.runIfActive { Self.readLog(path, from: 0) }
        if let tailLines { bytes = Self.lastLines(bytes, tailLines) }
        if let limitBytes, bytes.count > limitBytes { bytes = Array(bytes.prefix(limitBytes)) }
        guard follow, log.running, limitBytes == nil else {
            return .full(status: .ok, contentType: "text/plain", body: bytes, headers: [])
        }
        let (stream, continuation) = AsyncStream<[UInt8]>.makeStream()
        if !bytes.isEmpty { continuation.yield(bytes) }
        let follower = Task {
            var from = offset
            while !Task.isCancelled {
                let running = agent.isRunning(namespace: namespace, pod: pod.name, uid: uid, container: container)
                let start = from
                let (more, next) = (try? await RuntimeThreads.pool.runIfActive { Self.readLog(path, from: start) }) ?? ([], start)
                from = next
                if !more.isEmpty { continuation.yield(more) }
                if !running { break }
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

    /// The last `n` lines (a final line without newline counts as one).
    static func lastLines(_ bytes: [UInt8], _ n: Int) -> [UInt8] {
        guard n > 0 else { return [] }
        var count = 0
        var i = bytes.count
        if i > 0 && bytes[i - 1] == UInt8(ascii: "\n") { i -= 1 }
        while i > 0 {
            if bytes[i - 1] == UInt8(ascii: "\n") {
                count += 1
                if count == n { return Array(bytes[i...]) }
            }
            i -= 1
        }
        return bytes
    }
}
