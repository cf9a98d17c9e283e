import CLinux
import NIOConcurrencyHelpers
#if canImport(Glibc)
    import Glibc
#endif

/// Copies containers' stdout and stderr from their FIFOs into their log files in the ``CRILog``
/// format, stamping each line with the time it was read. One thread polls every container's FIFOs.
///
/// The FIFOs outlive this process: the container's shim (see ``RuncRuntime``) holds them open, so a
/// restarted kubelet opens them again and the log goes on in the same file (what the container wrote
/// meanwhile waits in the pipe, up to its capacity).
final class ContainerLogCopier: @unchecked Sendable {
    static let shared = ContainerLogCopier()

    private struct Source {
        var id: String
        var log: Int32
        /// stdout, stderr.
        var fds: [Int32]
        var partial: [[UInt8]] = [[], []]
    }

    private static let streams = ["stdout", "stderr"]
    // Guards `sources`; the thread reads and writes under it, so `finish` sees every byte handled.
    private let lock = NIOLock()
    private var sources: [String: Source] = [:]
    private var wakeRead: Int32 = -1
    private var wakeWrite: Int32 = -1
    private var started = false

    /// Starts copying `stdout` and `stderr` (FIFOs, read ends opened read-write so they never see
    /// end-of-file) of container `id` into `logPath` (appended). Takes ownership of the descriptors.
    func add(id: String, stdout: Int32, stderr: Int32, logPath: String) throws(RuntimeError) {
        let log = open(logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        guard log >= 0 else {
            close(stdout)
            close(stderr)
            throw RuntimeError("cannot open log \(logPath): \(String(cString: strerror(errno)))")
        }
        for fd in [stdout, stderr] {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            // 1 MiB of buffer: a container keeps writing while no kubelet reads (restart).
            _ = fcntl(fd, 1031 /* F_SETPIPE_SZ */, 1 << 20)
        }
        lock.lock()
        defer { lock.unlock() }
        if let old = sources.removeValue(forKey: id) { closeSource(old) }
        sources[id] = Source(id: id, log: log, fds: [stdout, stderr])
        if !started {
            var fds: [Int32] = [0, 0]
            if helmctl_pipe_cloexec(&fds) == 0 {
                wakeRead = fds[0]
                wakeWrite = fds[1]
                _ = fcntl(wakeRead, F_SETFL, O_NONBLOCK)
                _ = fcntl(wakeWrite, F_SETFL, O_NONBLOCK)
                started = DedicatedThread.start { [self] in loop() }
            }
        }
        wake()
    }

    /// Copies what is left of container `id`'s output, then stops following it (the container ended
    /// or is removed). Safe to call more than once.
    func finish(_ id: String) {
        lock.lock()
        defer { lock.unlock() }
        guard var source = sources.removeValue(forKey: id) else { return }
        for i in source.fds.indices { drain(&source, i, final: true) }
        closeSource(source)
        wake()
    }

    func isFollowing(_ id: String) -> Bool { lock.withLock { sources[id] != nil } }

    private func closeSource(_ s: Source) {
        for fd in s.fds where fd >= 0 { close(fd) }
        close(s.log)
    }

    private func wake() {
        guard wakeWrite >= 0 else { return }
        var b: UInt8 = 1
        _ = write(wakeWrite, &b, 1)
    }

    private func loop() {
        var buf = [UInt8](repeating: 0, count: 64)
        while true {
            lock.lock()
            var polled = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            var owners: [(String, Int)] = [("", -1)]
            for (id, s) in sources {
                for (i, fd) in s.fds.enumerated() {
                    polled.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
                    owners.append((id, i))
                }
            }
            lock.unlock()
            let n = poll(&polled, nfds_t(polled.count), -1)
            if n < 0 && errno != EINTR { return }
            if polled[0].revents != 0 { while read(wakeRead, &buf, buf.count) > 0 {} }
            lock.lock()
            for (k, p) in polled.enumerated().dropFirst() where p.revents != 0 {
                let (id, i) = owners[k]
                // The descriptor may have been closed by `finish` meanwhile: only a source still
                // holding it is read.
                guard var s = sources[id], s.fds[i] == p.fd else { continue }
                drain(&s, i, final: false)
                sources[id] = s
            }
            lock.unlock()
        }
    }

    /// Reads what stream `i` holds now and appends it as records (called under the lock).
    private func drain(_ s: inout Source, _ i: Int, final: Bool) {
        var chunk = [UInt8](repeating: 0, count: 65536)
        var out: [UInt8] = []
        while true {
            let n = read(s.fds[i], &chunk, chunk.count)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            let time = LogTime.now()
            var pending = s.partial[i] + chunk[0..<n]
            var start = 0
            while let nl = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                out += CRILog.record(pending[start..<nl], stream: Self.streams[i], partial: false, time: time)
                start = nl + 1
            }
            while pending.count - start > CRILog.maxLine {
                out += CRILog.record(pending[start..<(start + CRILog.maxLine)], stream: Self.streams[i], partial: true, time: time)
                start += CRILog.maxLine
            }
            pending.removeFirst(start)
            s.partial[i] = pending
            if out.count > 1 << 20 { writeAll(s.log, out); out.removeAll() }
        }
        if final, !s.partial[i].isEmpty {
            // The container ended without a newline: its last line is complete as it is.
            out += CRILog.record(s.partial[i][...], stream: Self.streams[i], partial: false, time: LogTime.now())
            s.partial[i] = []
        }
        writeAll(s.log, out)
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return }
            off += n
        }
    }
}
