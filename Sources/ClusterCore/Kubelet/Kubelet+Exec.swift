import NIOConcurrencyHelpers
import NIOPosix
#if canImport(Glibc)
    import Glibc
#endif

/// `pods/exec` and `pods/attach` on this node.
extension Kubelet {
    /// The runtime id of `container` when it runs.
    func runningContainerID(uid: String, container: String) throws -> String {
        let found = records.withLockedValue { r -> (String?, Bool) in
            guard let c = r[uid]?.container(container) else { return (nil, false) }
            return (c.id, c.state.isRunning)
        }
        guard let id = found.0, found.1 else { throw RuntimeError("container \(container) is not running") }
        return id
    }

    func exec(namespace: String, pod: String, uid: String, container: String, config: ExecConfig) async throws -> any ExecProcess {
        try await runtime.exec(try runningContainerID(uid: uid, container: container), config)
    }

    /// runc runs containers detached from any terminal with their output in the log file, so attach
    /// follows that file from its current end; a container with `stdin: true` has its stdin pipe
    /// connected (no terminal: resize is ignored).
    func attach(namespace: String, pod: String, uid: String, container: String) async throws -> any ExecProcess {
        let id = try runningContainerID(uid: uid, container: container)
        let path = runtime.logPath(id)
        let start = try await RuntimeThreads.pool.runIfActive { () -> Int in
            var st = stat()
            return stat(path, &st) == 0 ? Int(st.st_size) : 0
        }
        // The session is this container instance's: it ends when that one exits, even when the
        // kubelet restarts the container at once (as a CRI attach stream ends with its container).
        return LogAttachProcess(path: path, from: start, stdin: (runtime as? RuncRuntime)?.stdinWriter(id)) { [weak self] in
            (try? self?.runningContainerID(uid: uid, container: container)) == id
        }
    }
}

/// A container's main process seen through its log: output as it is appended, until the
/// container stops; the exit code is the container's when known (0 otherwise). Input goes to the
/// container's stdin when it has one; ending the session closes that only for `stdinOnce`.
final class LogAttachProcess: ExecProcess {
    let output: AsyncStream<ExecOutput>
    private let follower: Task<Void, Never>
    private let stdin: ContainerStdin?

    init(path: String, from offset: Int, stdin: ContainerStdin? = nil, running: @escaping @Sendable () -> Bool) {
        self.stdin = stdin
        let (stream, continuation) = AsyncStream.makeStream(of: ExecOutput.self)
        output = stream
        follower = Task {
            var from = offset
            var pending: [UInt8] = []
            while !Task.isCancelled {
                let alive = running()
                let start = from
                let (more, next) = (try? await RuntimeThreads.pool.runIfActive { APIHandler.readLog(path, from: start) }) ?? ([], start)
                from = next
                // (kstate) The log holds CRI records: their text goes out on the stream it came from.
                pending += more
                let (entries, used) = CRILog.parse(pending, final: !alive)
                pending.removeFirst(used)
                for e in entries { continuation.yield(e.stream == "stderr" ? .stderr(e.content) : .stdout(e.content)) }
                if !alive { break }
                try? await Task.sleep(for: .milliseconds(100))
            }
            continuation.finish()
        }
        continuation.onTermination = { [follower] _ in follower.cancel() }
    }

    func write(_ bytes: [UInt8]) { stdin?.write(bytes) }
    func closeStdin() { if stdin?.once == true { stdin?.close() } }
    func resize(width: UInt16, height: UInt16) {}

    func wait() async -> Int32 {
        await follower.value
        return 0
    }

    func terminate() {
        follower.cancel()
        closeStdin()
    }
}
