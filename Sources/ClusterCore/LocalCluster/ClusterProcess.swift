#if canImport(Glibc)
    import Glibc
#endif

/// `cluster up` / `down` / `status`: the control plane runs as a background process of this binary
/// (`helmctl cluster run`), found again through the data directory's pid and ready files.
public enum ClusterProcess {
    public enum State: Sendable, Equatable {
        case running(pid: Int32, url: String)
        case stopped
    }

    /// The cluster's state: running only when the recorded process is alive and is ours.
    public static func state(_ directory: ClusterDataDirectory) -> State {
        guard let text = try? FileIO.read(directory.readyFile) else { return .stopped }
        let parts = text.split(separator: " ")
        guard parts.count >= 2, let pid = Int32(parts[0]), isOurs(pid: pid, directory: directory) else { return .stopped }
        return .running(pid: pid, url: parts[1].trimmingSpaces)
    }

    /// Whether `pid` is a live `helmctl cluster run` for this data directory (never signal a stranger).
    static func isOurs(pid: Int32, directory: ClusterDataDirectory) -> Bool {
        guard pid > 1, kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let cmdline = try? FileIO.read("/proc/\(pid)/cmdline") else { return false }
        let args = cmdline.split(separator: "\0").map(String.init)
        return args.contains("cluster") && args.contains("run") && args.contains(directory.path)
    }

    /// Starts `executable cluster run …` detached (own session, output to the log file) and waits
    /// until it announces readiness, at most `timeout` seconds.
    public static func start(executable: String, directory: ClusterDataDirectory, settings: ClusterSettings?,
                             timeout: Double = 30) throws(ClusterError) -> (pid: Int32, url: String, alreadyRunning: Bool)
    {
        if case .running(let pid, let url) = state(directory) { return (pid, url, true) }
        try directory.create()
        FileIO.remove(directory.readyFile)
        var args = [executable, "cluster", "run", "--data-dir", directory.path]
        if let settings {
            args += ["--listen", settings.listen, "--store", settings.store]
            if !settings.etcdEndpoints.isEmpty { args += ["--etcd-endpoints", settings.etcdEndpoints.joined(separator: ",")] }
            args += ["--nodes", String(settings.nodes)]  // always: without the flag `cluster run` takes the default (one node)
            if settings.ingressListen != ClusterSettings.defaultIngressListen { args += ["--ingress-listen", settings.ingressListen] }
            if settings.simulatedNodes != 0 { args += ["--simulated-nodes", String(settings.simulatedNodes)] }
        }
        let pid = try spawnDetached(args, log: directory.log)
        let deadline = monotonicSeconds() + timeout
        while monotonicSeconds() < deadline {
            if case .running(let p, let url) = state(directory), p == pid { return (pid, url, false) }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                throw ClusterError("the cluster exited during start-up; its log (\(directory.log)) ends with:\n" + tail(directory.log))
            }
            usleep(5_000)
        }
        kill(pid, SIGTERM)
        throw ClusterError("the cluster did not become ready within \(Int(timeout)) s; see \(directory.log)")
    }

    /// Stops the cluster gracefully (SIGTERM, then SIGKILL after `timeout` seconds). False when it was not running.
    @discardableResult
    public static func stop(_ directory: ClusterDataDirectory, timeout: Double = 20) -> Bool {
        let pid: Int32
        if case .running(let p, _) = state(directory) {
            pid = p
        } else if let text = try? FileIO.read(directory.pidFile), let p = Int32(text.trimmingSpaces), isOurs(pid: p, directory: directory) {
            pid = p
        } else {
            FileIO.remove(directory.readyFile)
            FileIO.remove(directory.pidFile)
            return false
        }
        kill(pid, SIGTERM)
        let deadline = monotonicSeconds() + timeout
        while monotonicSeconds() < deadline {
            var status: Int32 = 0
            _ = waitpid(pid, &status, WNOHANG)
            if !isOurs(pid: pid, directory: directory) { break }
            usleep(10_000)
        }
        if isOurs(pid: pid, directory: directory) { kill(pid, SIGKILL) }
        FileIO.remove(directory.readyFile)
        FileIO.remove(directory.pidFile)
        return true
    }

    private static func spawnDetached(_ args: [String], log: String) throws(ClusterError) -> Int32 {
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        // POSIX_SPAWN_SETSID (0x80 in glibc) is behind _GNU_SOURCE and not imported.
        posix_spawnattr_setflags(&attr, 0x80)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var cargs: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { for p in cargs { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, args[0], &actions, &attr, &cargs, environ)
        guard rc == 0 else { throw ClusterError("cannot start \(args[0]): \(String(cString: strerror(rc)))") }
        return pid
    }

    static func tail(_ path: String, lines: Int = 15) -> String {
        let text = (try? FileIO.read(path)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
