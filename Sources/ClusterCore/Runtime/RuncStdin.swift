import CLinux
import NIOConcurrencyHelpers
#if canImport(Glibc)
    import Glibc
#endif

/// The write end of a container's stdin, for a pod container with `stdin: true`: `runc run` gets the
/// read end as its own stdin, which runc passes to the container's process (there is no terminal),
/// and attach sessions write into this end. Writes block, so a dedicated thread does them.
final class ContainerStdin: Sendable {
    /// `stdinOnce`: the first attach session that ends closes stdin for good.
    let once: Bool
    private let queue = BlockingByteQueue()

    private init(fd: Int32, once: Bool) {
        self.once = once
        let queue = self.queue
        if !DedicatedThread.start({ RuncExecProcess.pumpStdin(queue, to: fd, tty: false) }) {
            queue.discard()
            Glibc.close(fd)
        }
    }

    func write(_ bytes: [UInt8]) { queue.push(bytes) }

    /// Closes stdin once what was written is delivered (the process reads end-of-file).
    func close() { queue.close() }

    /// Open stdins by container bundle directory (a bundle belongs to one runtime and container).
    private static let open = NIOLockedValueBox<[String: ContainerStdin]>([:])

    /// For a bundle whose container asked for stdin (the marker `create` wrote): a new pipe whose
    /// read end (close-on-exec; `runc run` gets it as fd 0) is returned and whose write end is kept.
    static func openPipe(bundle: String) throws(RuntimeError) -> Int32? {
        guard let mode = try? FileIO.read(marker(bundle)) else { return nil }
        var fds: [Int32] = [-1, -1]
        guard helmctl_pipe_cloexec(&fds) == 0 else { throw RuntimeError("pipe: \(String(cString: strerror(errno)))") }
        let stdin = ContainerStdin(fd: fds[1], once: mode.hasPrefix("once"))
        let previous = open.withLockedValue { o in defer { o[bundle] = stdin }; return o[bundle] }
        previous?.close()
        return fds[0]
    }

    static func writer(bundle: String) -> ContainerStdin? { open.withLockedValue { $0[bundle] } }

    /// Closes and forgets the stdin of a removed container.
    static func remove(bundle: String) {
        open.withLockedValue { $0.removeValue(forKey: bundle) }?.close()
    }

    static func marker(_ bundle: String) -> String { bundle + "/stdin" }

    /// The marker `create` leaves in a bundle whose container wants stdin (nothing otherwise).
    static func markerText(_ config: ContainerConfig) -> String? {
        config.stdin ? (config.stdinOnce ? "once\n" : "open\n") : nil
    }
}

extension RuncRuntime {
    /// The stdin of container `id` when it was created with `stdin: true` and runs.
    func stdinWriter(_ id: String) -> ContainerStdin? { ContainerStdin.writer(bundle: bundle(id)) }
}
