import CLinux
import NIOConcurrencyHelpers
import NIOPosix
#if canImport(Glibc)
    import Glibc
#endif

/// Runs helper programs (runc) with plain `posix_spawn`. Waiting for them blocks, so `run` does it on
/// NIO's blocking thread pool, never on Swift's cooperative pool.
enum ProcessRunner {
    struct Output: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `args` to completion, stdin from /dev/null (or `input`), capturing stdout and stderr.
    /// `environment` (`NAME=value`) replaces this process's environment when given (CNI plugins).
    static func run(_ args: [String], environment: [String]? = nil, input: String? = nil) async throws -> Output {
        try await RuntimeThreads.pool.runIfActive { try runBlocking(args, environment: environment, input: input) }
    }

    static func runBlocking(_ args: [String], environment: [String]? = nil, input: String? = nil) throws(RuntimeError) -> Output {
        var outPipe: [Int32] = [0, 0]
        var errPipe: [Int32] = [0, 0]
        // Small inputs only (a CNI network config): written whole into the pipe before the child runs.
        let stdinFile = try input.map { text throws(RuntimeError) in try inputPipe(text) }
        defer { if let stdinFile { close(stdinFile) } }
        let pid: pid_t = try { () throws(RuntimeError) -> pid_t in
            // Close-on-exec from the start: a process spawned meanwhile by another thread (a `runc run`,
            // Foundation's Process in tests) must not inherit these ends, or this reader would wait for
            // EOF as long as that process lives.
            guard helmctl_pipe_cloexec(&outPipe) == 0 else { throw RuntimeError("pipe: \(String(cString: strerror(errno)))") }
            guard helmctl_pipe_cloexec(&errPipe) == 0 else {
                close(outPipe[0]); close(outPipe[1])
                throw RuntimeError("pipe: \(String(cString: strerror(errno)))")
            }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            if let stdinFile {
                posix_spawn_file_actions_adddup2(&actions, stdinFile, 0)
            } else {
                posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            }
            posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
            posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
            do throws(RuntimeError) {
                return try spawn(args, actions: &actions, environment: environment)
            } catch {
                for fd in outPipe + errPipe { close(fd) }
                throw error
            }
        }()
        close(outPipe[1])
        close(errPipe[1])
        // Drain both pipes together so a chatty stderr cannot stall the child.
        var out: [UInt8] = []
        var err: [UInt8] = []
        var fds = [pollfd(fd: outPipe[0], events: Int16(POLLIN), revents: 0), pollfd(fd: errPipe[0], events: Int16(POLLIN), revents: 0)]
        var open = 2
        var buf = [UInt8](repeating: 0, count: 16384)
        var status: Int32 = 0
        var reaped = false
        while open > 0 {
            let ready = poll(&fds, nfds_t(fds.count), reaped ? 0 : 200)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            if ready == 0 {
                // Nothing to read: once the child has exited and its output is drained, stop even if
                // some other process still holds a write end (a daemon it left behind, say).
                if reaped { break }
                if waitpid(pid, &status, WNOHANG) == pid { reaped = true }
                continue
            }
            for i in fds.indices where fds[i].fd >= 0 && fds[i].revents != 0 {
                let n = read(fds[i].fd, &buf, buf.count)
                if n > 0 {
                    if i == 0 { out += buf[0..<n] } else { err += buf[0..<n] }
                } else if n == 0 || errno != EINTR {
                    close(fds[i].fd)
                    fds[i].fd = -1
                    open -= 1
                }
            }
        }
        for fd in fds where fd.fd >= 0 { close(fd.fd) }
        if !reaped { while waitpid(pid, &status, 0) < 0 && errno == EINTR {} }
        return Output(status: exitCode(status), stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }

    /// Starts `args` with stdin from `stdin` (a descriptor; /dev/null when nil) and stdout+stderr
    /// appended to `log`; the caller reaps it.
    static func spawnLogging(_ args: [String], log: String, stdin: Int32? = nil) throws(RuntimeError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let stdin {
            posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o640)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        return try spawn(args, actions: &actions)
    }

    /// A pipe's read end (close-on-exec) already holding `text` (at most 60 KiB, below the pipe's capacity).
    private static func inputPipe(_ text: String) throws(RuntimeError) -> Int32 {
        let bytes = Array(text.utf8)
        guard bytes.count <= 60 * 1024 else { throw RuntimeError("input too large for a helper program") }
        var fds: [Int32] = [0, 0]
        guard helmctl_pipe_cloexec(&fds) == 0 else { throw RuntimeError("pipe: \(String(cString: strerror(errno)))") }
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                close(fds[0]); close(fds[1])
                throw RuntimeError("pipe: \(String(cString: strerror(errno)))")
            }
            off += n
        }
        close(fds[1])
        return fds[0]
    }

    /// Held by callers that make several descriptors before one spawn (RuncExec's pty and pipes).
    static let spawnLock = NIOLock()

    static func spawn(_ args: [String], actions: inout posix_spawn_file_actions_t,
                      attributes: UnsafePointer<posix_spawnattr_t>? = nil, environment: [String]? = nil) throws(RuntimeError) -> pid_t
    {
        guard let program = args.first else { throw RuntimeError("nothing to run") }
        var cargs: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { for p in cargs { free(p) } }
        var cenv: [UnsafeMutablePointer<CChar>?] = (environment ?? []).map { strdup($0) } + [nil]
        defer { for p in cenv { free(p) } }
        // Only the descriptors the actions set up reach the child: a long-lived `runc run` must not
        // keep a pipe of someone else's child open (its reader would wait for EOF as long as the container lives).
        posix_spawn_file_actions_addclosefrom_np(&actions, 3)
        var pid: pid_t = 0
        let rc = environment == nil ? posix_spawn(&pid, program, &actions, attributes, &cargs, environ)
            : posix_spawn(&pid, program, &actions, attributes, &cargs, &cenv)
        guard rc == 0 else { throw RuntimeError("cannot run \(program): \(String(cString: strerror(rc)))") }
        return pid
    }

    /// A wait status as a shell reports it: the exit code, or 128 + the signal that ended the process.
    static func exitCode(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}

/// A container runtime failure, worded for the user.
public struct RuntimeError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
