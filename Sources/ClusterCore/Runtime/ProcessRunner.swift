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

    /// Runs `args` to completion, stdin from /dev/null, capturing stdout and stderr.
    static func run(_ args: [String]) async throws -> Output {
        try await RuntimeThreads.pool.runIfActive { try runBlocking(args) }
    }

    static func runBlocking(_ args: [String]) throws(RuntimeError) -> Output {
        var outPipe: [Int32] = [0, 0]
        var errPipe: [Int32] = [0, 0]
        let pid: pid_t = try { () throws(RuntimeError) -> pid_t in
            spawnLock.lock()
            defer { spawnLock.unlock() }
            // Close-on-exec, set under the lock every spawn here takes: a `runc run` started meanwhile
            // must not inherit these ends, or this reader would wait for EOF as long as that container lives.
            guard pipe(&outPipe) == 0 else { throw RuntimeError("pipe: \(String(cString: strerror(errno)))") }
            guard pipe(&errPipe) == 0 else {
                close(outPipe[0]); close(outPipe[1])
                throw RuntimeError("pipe: \(String(cString: strerror(errno)))")
            }
            for fd in outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
            posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
            do throws(RuntimeError) {
                return try spawn(args, actions: &actions)
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
        while open > 0 {
            if poll(&fds, nfds_t(fds.count), -1) < 0 {
                if errno == EINTR { continue }
                break
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
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return Output(status: exitCode(status), stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }

    /// Starts `args` with stdin from /dev/null and stdout+stderr appended to `log`; the caller reaps it.
    static func spawnLogging(_ args: [String], log: String) throws(RuntimeError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o640)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        spawnLock.lock()
        defer { spawnLock.unlock() }
        return try spawn(args, actions: &actions)
    }

    /// Held while pipes are made close-on-exec and while spawning (see `runBlocking`).
    static let spawnLock = NIOLock()

    static func spawn(_ args: [String], actions: inout posix_spawn_file_actions_t,
                      attributes: UnsafePointer<posix_spawnattr_t>? = nil) throws(RuntimeError) -> pid_t
    {
        guard let program = args.first else { throw RuntimeError("nothing to run") }
        var cargs: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { for p in cargs { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, program, &actions, attributes, &cargs, environ)
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
