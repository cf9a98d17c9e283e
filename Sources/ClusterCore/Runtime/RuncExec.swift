// `sigset_t` is declared, for Swift's member-import check, by the first C module that textually
// included its glibc header; in a release build of this target that is CLibYAML (yaml.h).
import CLibYAML
import NIOConcurrencyHelpers
import StructuredData
#if canImport(Glibc)
    import Glibc
#endif

/// `runc exec` for ``ExecProcess``: runc stays our child and exits with the process' code. Without a
/// terminal the process' stdio are pipes; with one, a pty of ours (see `start`). Reads and writes
/// block on dedicated threads.
extension RuncRuntime {
    public func exec(_ id: String, _ config: ExecConfig) async throws -> any ExecProcess {
        guard Self.validID(id) else { throw RuntimeError("invalid container id \"\(id)\"") }
        guard !config.command.isEmpty else { throw RuntimeError("exec needs a command") }
        guard case .running = await status(id) else { throw RuntimeError("container \(id) is not running") }
        // runc's own errors as JSON lines, so a failed start can be told from the process' output.
        let prefix = [runc, "--root", stateRoot, "--log-format", "json", "exec"]
        // Returned at once (a resize before runc starts the process is applied as it starts);
        // `started()` says whether the command could be started.
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
        /// Whether runc started the process (known once its pid file appears or runc exits).
        var start: Result<Void, RuntimeError>?
        /// terminate() was called; a process runc starts afterwards is killed as soon as it shows up.
        var terminateRequested = false
        var startWaiters: [CheckedContinuation<Result<Void, RuntimeError>, Never>] = []
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

    /// Spawns runc (on its own thread: it blocks briefly).
    static func start(prefix: [String], id: String, config: ExecConfig) throws -> RuncExecProcess {
        var template = Array("/tmp/helmctl-exec-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw failure("mkdtemp") }
        let dir = String(cString: made)
        var cleanupDir = true
        defer { if cleanupDir { removeSessionDir(dir) } }

        var args = prefix + ["--pid-file", dir + "/pid"]
        if config.tty { args += ["--tty", "--env", "TERM=xterm"] }
        args += [id] + config.command

        // Without a terminal: pipes ([read, write]) whose child ends become fds 0-2. With one: a pty
        // of ours is runc's stdio and controlling terminal (runc 1.1 takes `--console-socket` only
        // with `--detach`, which would lose the exit code); runc puts it in raw mode, copies between
        // it and the container's own pty, and follows its size on SIGWINCH. Every end we keep is
        // close-on-exec, so no other spawned process (a `runc run`) inherits it and holds it open.
        var inPipe: [Int32] = [-1, -1], outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        var terminal: Int32 = -1
        let wantsStdinPipe = config.stdin && !config.tty
        let pid: pid_t
        do {
            ProcessRunner.spawnLock.lock()
            defer { ProcessRunner.spawnLock.unlock() }
            func makePipe(_ p: inout [Int32]) throws {
                guard pipe(&p) == 0 else { throw failure("pipe") }
                for fd in p { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            }
            var slave = ""
            do {
                if config.tty {
                    (terminal, slave) = try openTerminal()
                } else {
                    if wantsStdinPipe { try makePipe(&inPipe) }
                    try makePipe(&outPipe)
                    try makePipe(&errPipe)
                }
            } catch {
                for fd in inPipe + outPipe + errPipe + [terminal] where fd >= 0 { close(fd) }
                throw error
            }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            var attributes = posix_spawnattr_t()
            posix_spawnattr_init(&attributes)
            defer { posix_spawnattr_destroy(&attributes) }
            // runc starts with no blocked signals and default dispositions (the spawning thread may
            // block or ignore some, and runc follows terminal resizes through SIGWINCH); with a
            // terminal, in a new session (glibc's POSIX_SPAWN_SETSID, applied before the file
            // actions), so opening the pty slave makes it runc's controlling terminal.
            var none = sigset_t()
            sigemptyset(&none)
            posix_spawnattr_setsigmask(&attributes, &none)
            var defaults = sigset_t()
            sigemptyset(&defaults)
            for signal in [SIGPIPE, SIGWINCH, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGCHLD] { sigaddset(&defaults, signal) }
            posix_spawnattr_setsigdefault(&attributes, &defaults)
            let setSignalDefaults: Int16 = 0x04, setSignalMask: Int16 = 0x08, setSession: Int16 = 0x80
            posix_spawnattr_setflags(&attributes, setSignalDefaults | setSignalMask | (config.tty ? setSession : 0))
            if config.tty {
                posix_spawn_file_actions_addopen(&actions, 0, slave, O_RDWR, 0)
                posix_spawn_file_actions_adddup2(&actions, 0, 1)
                posix_spawn_file_actions_adddup2(&actions, 0, 2)
            } else {
                if wantsStdinPipe {
                    posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
                } else {
                    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
                }
                posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
                posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
            }
            do {
                pid = try ProcessRunner.spawn(args, actions: &actions, attributes: &attributes)
            } catch {
                for fd in inPipe + outPipe + errPipe + [terminal] where fd >= 0 { close(fd) }
                throw error
            }
        }
        // The parent keeps: stdin's write end, stdout's and stderr's read ends (or the pty master).
        for fd in [inPipe[0], outPipe[1], errPipe[1]] where fd >= 0 { close(fd) }

        let process = RuncExecProcess(pid: pid, pidFile: dir + "/pid", tty: config.tty, terminal: terminal, stdin: config.stdin)
        cleanupDir = false
        let sources: [(Int32, Bool)] = config.tty ? [(terminal, false)] : [(outPipe[0], false), (errPipe[0], true)]
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

    /// A new pseudo-terminal: the master (close-on-exec, 80x24) and the slave's path. The pty
    /// functions (posix_openpt, unlockpt, ptsname) are not in Swift's Glibc module; these are the
    /// ioctls they use.
    private static func openTerminal() throws -> (Int32, String) {
        let getNumber: UInt = 0x8004_5430  // TIOCGPTN
        let setLock: UInt = 0x4004_5431  // TIOCSPTLCK
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard master >= 0 else { throw failure("open /dev/ptmx") }
        var unlock: Int32 = 0
        var number: UInt32 = 0
        var size = winsize(ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0)
        // Raw from the start: runc makes its terminal raw too, but only once it runs, and bytes
        // written before that (a ^D above all) must not be taken by this side's line discipline.
        var mode = termios()
        guard ioctl(master, setLock, &unlock) == 0, ioctl(master, getNumber, &number) == 0,
              ioctl(master, UInt(TIOCSWINSZ), &size) == 0, tcgetattr(master, &mode) == 0
        else {
            let error = failure("pseudo-terminal")
            close(master)
            throw error
        }
        cfmakeraw(&mode)
        guard tcsetattr(master, TCSANOW, &mode) == 0 else {
            let error = failure("pseudo-terminal mode")
            close(master)
            throw error
        }
        return (master, "/dev/pts/\(number)")
    }

    /// Writes queued stdin until the queue closes, then closes `fd` (a terminal gets ^D first).
    /// Also feeds attach sessions' input into a container's stdin pipe (RuncStdin.swift).
    static func pumpStdin(_ queue: BlockingByteQueue, to fd: Int32, tty: Bool) {
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
    /// Until runc has written its pid file (it does once the process runs) output is held back: if
    /// runc exits without one, what it wrote is its start error, not the process' output.
    private func pumpOutput(_ sources: [(Int32, Bool)], dir: String) {
        var started = false
        var held: [ExecOutput] = []
        func checkStarted() {
            guard !started, access(pidFile, F_OK) == 0 else { return }
            started = true
            if state.withLockedValue({ $0.terminateRequested }) { killStarted() }
            for chunk in held { continuation.yield(chunk) }
            held = []
            resolveStart(.success(()))
        }
        var polls = sources.map { pollfd(fd: $0.0, events: Int16(POLLIN), revents: 0) }
        var open = polls.filter { $0.fd >= 0 }.count
        var exitCode: Int32?
        var drainUntil = 0.0
        var buf = [UInt8](repeating: 0, count: 32768)
        while open > 0 {
            checkStarted()
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
            let ready = poll(&polls, nfds_t(polls.count), exitCode == nil ? (started ? 100 : 10) : 20)
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
                    let bytes = Array(buf[0..<n])
                    let chunk: ExecOutput = sources[i].1 ? .stderr(bytes) : .stdout(bytes)
                    if started { continuation.yield(chunk) } else { held.append(chunk) }
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
        checkStarted()
        if !started { resolveStart(.failure(RuntimeError(Self.startFailure(held, exitCode: code)))) }
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

    private func resolveStart(_ result: Result<Void, RuntimeError>) {
        let waiters = state.withLockedValue { s -> [CheckedContinuation<Result<Void, RuntimeError>, Never>] in
            s.start = result
            defer { s.startWaiters = [] }
            return s.startWaiters
        }
        for w in waiters { w.resume(returning: result) }
    }

    /// Returns once runc has started the process; throws runc's reason when it could not.
    func started() async throws(RuntimeError) {
        let result = await withCheckedContinuation { (c: CheckedContinuation<Result<Void, RuntimeError>, Never>) in
            let known = state.withLockedValue { s -> Result<Void, RuntimeError>? in
                if let start = s.start { return start }
                s.startWaiters.append(c)
                return nil
            }
            if let known { c.resume(returning: known) }
        }
        try result.get()
    }

    /// The error a failed start gives, worded as containerd reports runc's failure to the kubelet
    /// (`OCI runtime exec failed: <runc's message>: unknown`); runc's message is the last error
    /// line it logged (JSON, see `exec`), else whatever it wrote.
    static func startFailure(_ output: [ExecOutput], exitCode: Int32) -> String {
        var bytes: [UInt8] = []
        for chunk in output {
            switch chunk {
            case .stdout(let b), .stderr(let b): bytes += b
            }
        }
        let lines = String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\r" })
        let logged = lines.compactMap { line -> String? in
            guard let entry = try? JSON.decode(String(line)), entry["level"]?.stringValue == "error" else { return nil }
            return entry["msg"]?.stringValue
        }
        let reason = logged.last ?? lines.last.map { String($0).trimmingSpaces } ?? ""
        guard !reason.isEmpty else { return "failed to exec in container: runc exec exited with code \(exitCode) before starting the process" }
        return "failed to exec in container: OCI runtime exec failed: \(reason): unknown"
    }

    private static func removeSessionDir(_ dir: String) {
        unlink(dir + "/pid")
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
        let running = state.withLockedValue { s -> Bool in
            s.terminateRequested = true
            return s.exitCode == nil
        }
        guard running else { return }
        killStarted()
    }

    /// The process first (from runc's pid file), so it does not outlive runc; then runc. Before the pid
    /// file exists only runc can be killed, and a process it was about to start would run on: the
    /// output pump calls this again once the pid file appears (see `terminateRequested`).
    private func killStarted() {
        if let text = try? FileIO.read(pidFile), let target = Int32(text.trimmingSpaces), target > 0 {
            kill(target, SIGKILL)
        }
        kill(pid, SIGKILL)
    }
}
