import NIOConcurrencyHelpers
#if canImport(Glibc)
    import Glibc
#endif

/// `runc exec` for ``ExecProcess``: runc stays our child and exits with the process' code. Without a
/// terminal the process' stdio are pipes; with one, runc hands the pty master to us over a unix
/// socket (`--console-socket`, SCM_RIGHTS). Reads and writes block on dedicated threads.
extension RuncRuntime {
    public func exec(_ id: String, _ config: ExecConfig) async throws -> any ExecProcess {
        guard Self.validID(id) else { throw RuntimeError("invalid container id \"\(id)\"") }
        guard !config.command.isEmpty else { throw RuntimeError("exec needs a command") }
        guard case .running = await status(id) else { throw RuntimeError("container \(id) is not running") }
        let prefix = [runc, "--root", stateRoot, "exec"]
        return try await DedicatedThread.run { try RuncExecProcess.start(prefix: prefix, id: id, config: config) }
    }
}

final class RuncExecProcess: ExecProcess, @unchecked Sendable {
    let output: AsyncStream<ExecOutput>
    private let continuation: AsyncStream<ExecOutput>.Continuation
    private let stdinQueue: BlockingByteQueue?
    private let pid: pid_t
    private let pidFile: String
    private let tty: Bool

    private struct State {
        var exitCode: Int32?
        var waiters: [CheckedContinuation<Int32, Never>] = []
        /// The pty master (-1 without a terminal, or once closed); resizes use it under the lock.
        var terminal: Int32 = -1
    }

    private let state = NIOLockedValueBox(State())

    private init(pid: pid_t, pidFile: String, tty: Bool, terminal: Int32, stdin: Bool) {
        (output, continuation) = AsyncStream.makeStream(of: ExecOutput.self)
        self.pid = pid
        self.pidFile = pidFile
        self.tty = tty
        self.stdinQueue = stdin ? BlockingByteQueue() : nil
        state.withLockedValue { $0.terminal = terminal }
    }

    private static func failure(_ what: String) -> RuntimeError {
        RuntimeError("\(what): \(String(cString: strerror(errno)))")
    }

    /// Spawns runc and (with a terminal) receives the pty master; blocks, so it runs on its own thread.
    static func start(prefix: [String], id: String, config: ExecConfig) throws -> RuncExecProcess {
        var template = Array("/tmp/helmctl-exec-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw failure("mkdtemp") }
        let dir = String(cString: made)
        var cleanupDir = true
        defer { if cleanupDir { removeSessionDir(dir) } }
        let socketPath = dir + "/console.sock"
        var listener: Int32 = -1
        defer { if listener >= 0 { close(listener) } }
        if config.tty { listener = try listen(on: socketPath) }

        var args = prefix + ["--pid-file", dir + "/pid"]
        if config.tty { args += ["--tty", "--console-socket", socketPath, "--env", "TERM=xterm"] }
        args += [id] + config.command

        // Pipes: [read, write]. Child ends go to fds 0-2; every end is close-on-exec so no other
        // spawned process (a `runc run`) inherits them and keeps them open.
        var inPipe: [Int32] = [-1, -1], outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        let wantsStdinPipe = config.stdin && !config.tty
        let pid: pid_t
        do {
            ProcessRunner.spawnLock.lock()
            defer { ProcessRunner.spawnLock.unlock() }
            func makePipe(_ p: inout [Int32]) throws {
                guard pipe(&p) == 0 else { throw failure("pipe") }
                for fd in p { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            }
            do {
                if wantsStdinPipe { try makePipe(&inPipe) }
                if !config.tty { try makePipe(&outPipe) }
                try makePipe(&errPipe)
            } catch {
                for fd in inPipe + outPipe + errPipe where fd >= 0 { close(fd) }
                throw error
            }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            if wantsStdinPipe {
                posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
            } else {
                posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            }
            if config.tty {
                posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            } else {
                posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
            }
            posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
            do {
                pid = try ProcessRunner.spawn(args, actions: &actions)
            } catch {
                for fd in inPipe + outPipe + errPipe where fd >= 0 { close(fd) }
                throw error
            }
        }
        // The parent keeps: stdin's write end, stdout's and stderr's read ends.
        for fd in [inPipe[0], outPipe[1], errPipe[1]] where fd >= 0 { close(fd) }

        var terminal: Int32 = -1
        if config.tty {
            do {
                terminal = try receiveTerminal(listener: listener, runc: pid, errors: errPipe[0])
            } catch {
                for fd in [inPipe[1], outPipe[0], errPipe[0]] where fd >= 0 { close(fd) }
                throw error
            }
        }
        let process = RuncExecProcess(pid: pid, pidFile: dir + "/pid", tty: config.tty, terminal: terminal, stdin: config.stdin)
        cleanupDir = false
        // Output: the pty (or stdout) and runc's stderr; a terminal has one stream, so runc's own
        // complaints join stdout there.
        let sources: [(Int32, Bool)] = config.tty ? [(terminal, false), (errPipe[0], false)] : [(outPipe[0], false), (errPipe[0], true)]
        if let queue = process.stdinQueue {
            let target = config.tty ? dup(terminal) : inPipe[1]
            if target >= 0 { _ = fcntl(target, F_SETFD, FD_CLOEXEC) }
            let started = DedicatedThread.start { Self.pumpStdin(queue, to: target, tty: config.tty) }
            if !started { close(target) }
        }
        let started = DedicatedThread.start { process.pumpOutput(sources, dir: dir) }
        if !started {
            kill(pid, SIGKILL)
            process.pumpOutput(sources, dir: dir)
        }
        return process
    }

    /// A listening unix socket at `path` for runc's console hand-over.
    private static func listen(on path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw failure("socket") }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
            close(fd)
            throw RuntimeError("console socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, Glibc.listen(fd, 1) == 0 else {
            let error = failure("console socket")
            close(fd)
            throw error
        }
        return fd
    }

    /// Waits (at most 10 s) for runc to connect and send the pty master; if runc ends first, its
    /// stderr says why.
    private static func receiveTerminal(listener: Int32, runc: pid_t, errors: Int32) throws -> Int32 {
        let deadline = ClusterProcess.monotonicSeconds() + 10
        var connection: Int32 = -1
        while connection < 0 {
            var p = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, 100)
            if ready > 0 {
                connection = accept(listener, nil, nil)
                if connection >= 0 { _ = fcntl(connection, F_SETFD, FD_CLOEXEC) }
                if connection < 0 && errno != EINTR && errno != EAGAIN { throw failure("accept console socket") }
                continue
            }
            var status: Int32 = 0
            if waitpid(runc, &status, WNOHANG) == runc {
                let message = drain(errors).trimmingSpaces
                close(errors)
                throw RuntimeError(message.isEmpty ? "runc exec ended with code \(ProcessRunner.exitCode(status))" : message)
            }
            if ClusterProcess.monotonicSeconds() > deadline {
                kill(runc, SIGKILL)
                while waitpid(runc, &status, 0) < 0 && errno == EINTR {}
                close(errors)
                throw RuntimeError("runc exec did not hand over a terminal within 10 s")
            }
        }
        defer { close(connection) }
        // One message: the terminal's name as data, the master fd as SCM_RIGHTS ancillary data.
        let dataSize = 4096, controlSize = 256
        let data = UnsafeMutableRawPointer.allocate(byteCount: dataSize, alignment: 8)
        let control = UnsafeMutableRawPointer.allocate(byteCount: controlSize, alignment: 8)
        defer {
            data.deallocate()
            control.deallocate()
        }
        control.initializeMemory(as: UInt8.self, repeating: 0, count: controlSize)
        var iov = iovec(iov_base: data, iov_len: dataSize)
        let received = withUnsafeMutablePointer(to: &iov) { iovPointer -> Int in
            var message = msghdr()
            message.msg_iov = iovPointer
            message.msg_iovlen = 1
            message.msg_control = control
            message.msg_controllen = controlSize
            var n = -1
            repeat { n = recvmsg(connection, &message, Int32(MSG_CMSG_CLOEXEC)) } while n < 0 && errno == EINTR
            return n < 0 ? -1 : message.msg_controllen
        }
        guard received >= 0 else { throw failure("receive terminal") }
        guard let fd = Self.passedDescriptor(control, length: received) else {
            throw RuntimeError("runc sent no terminal over the console socket")
        }
        return fd
    }

    /// The first descriptor of an SCM_RIGHTS message in a control buffer of `length` bytes.
    /// Layout (64-bit Linux): `cmsghdr { size_t len; int level; int type; }` (16 bytes), then the data.
    static func passedDescriptor(_ control: UnsafeRawPointer, length: Int) -> Int32? {
        let header = 16
        guard length >= header + 4 else { return nil }
        let cmsgLength = control.load(as: Int.self)
        let level = control.load(fromByteOffset: 8, as: Int32.self)
        let type = control.load(fromByteOffset: 12, as: Int32.self)
        guard level == SOL_SOCKET, type == Int32(SCM_RIGHTS), cmsgLength >= header + 4, cmsgLength <= length else { return nil }
        let fd = control.load(fromByteOffset: header, as: Int32.self)
        return fd >= 0 ? fd : nil
    }

    /// Whatever is readable from `fd` now (it does not wait for more).
    private static func drain(_ fd: Int32) -> String {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while out.count < 65536, poll(&p, 1, 0) > 0 {
            let n = read(fd, &buf, buf.count)
            if n <= 0 { break }
            out += buf[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Writes queued stdin until the queue closes, then closes `fd` (a terminal gets ^D first).
    private static func pumpStdin(_ queue: BlockingByteQueue, to fd: Int32, tty: Bool) {
        guard fd >= 0 else {
            queue.discard()
            return
        }
        // A process that stops reading must give EPIPE here, not a process-wide SIGPIPE.
        var blocked = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &blocked, nil)
        var healthy = true
        while let chunk = queue.pop() {
            guard healthy else { continue }
            healthy = writeAll(fd, chunk)
        }
        if tty && healthy { _ = writeAll(fd, [4]) }
        close(fd)
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    /// Forwards output until runc has exited and the output is drained, then records the exit code.
    private func pumpOutput(_ sources: [(Int32, Bool)], dir: String) {
        var polls = sources.map { pollfd(fd: $0.0, events: Int16(POLLIN), revents: 0) }
        var open = polls.filter { $0.fd >= 0 }.count
        var exitCode: Int32?
        var drainUntil = 0.0
        var buf = [UInt8](repeating: 0, count: 32768)
        while open > 0 {
            if exitCode == nil {
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid {
                    exitCode = ProcessRunner.exitCode(status)
                    // Output still in flight is forwarded; a background child holding the pipes open
                    // must not keep the session alive.
                    drainUntil = ClusterProcess.monotonicSeconds() + 0.5
                }
            } else if ClusterProcess.monotonicSeconds() > drainUntil {
                break
            }
            let ready = poll(&polls, nfds_t(polls.count), exitCode == nil ? 100 : 20)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            if ready == 0 {
                if exitCode != nil { break }
                continue
            }
            for i in polls.indices where polls[i].fd >= 0 && polls[i].revents != 0 {
                let n = read(polls[i].fd, &buf, buf.count)
                if n > 0 {
                    let chunk = Array(buf[0..<n])
                    continuation.yield(sources[i].1 ? .stderr(chunk) : .stdout(chunk))
                } else if n < 0 && (errno == EINTR || errno == EAGAIN) {
                    continue
                } else {
                    // EOF, or EIO on a pty master whose last slave holder went away.
                    polls[i].fd = -1
                    open -= 1
                }
            }
        }
        if exitCode == nil {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            exitCode = ProcessRunner.exitCode(status)
        }
        let code = exitCode ?? 255
        for (i, (fd, _)) in sources.enumerated() where fd >= 0 && !(tty && i == 0) { close(fd) }
        stdinQueue?.discard()
        let waiters = state.withLockedValue { s -> [CheckedContinuation<Int32, Never>] in
            if s.terminal >= 0 { close(s.terminal) }
            s.terminal = -1
            s.exitCode = code
            defer { s.waiters = [] }
            return s.waiters
        }
        Self.removeSessionDir(dir)
        continuation.finish()
        for w in waiters { w.resume(returning: code) }
    }

    private static func removeSessionDir(_ dir: String) {
        unlink(dir + "/pid")
        unlink(dir + "/console.sock")
        rmdir(dir)
    }

    func write(_ bytes: [UInt8]) { stdinQueue?.push(bytes) }

    func closeStdin() { stdinQueue?.close() }

    func resize(width: UInt16, height: UInt16) {
        state.withLockedValue { s in
            guard s.terminal >= 0 else { return }
            var size = winsize(ws_row: height, ws_col: width, ws_xpixel: 0, ws_ypixel: 0)
            _ = ioctl(s.terminal, UInt(TIOCSWINSZ), &size)
        }
    }

    func wait() async -> Int32 {
        await withCheckedContinuation { c in
            let done = state.withLockedValue { s -> Int32? in
                if let code = s.exitCode { return code }
                s.waiters.append(c)
                return nil
            }
            if let done { c.resume(returning: done) }
        }
    }

    func terminate() {
        // The process first (from runc's pid file), so it does not outlive runc; then runc.
        let running = state.withLockedValue { $0.exitCode == nil }
        guard running else { return }
        if let text = try? FileIO.read(pidFile), let target = Int32(text.trimmingSpaces), target > 0 {
            kill(target, SIGKILL)
        }
        kill(pid, SIGKILL)
    }
}
