import NIOConcurrencyHelpers
import NIOPosix
import StructuredData
#if canImport(Glibc)
    import Glibc
#endif

/// Containers through the `runc` CLI, with state under our own `--root` so they never mix with
/// anyone else's. A container runs as `runc run` under a small shell shim, a child of this process
/// that outlives it (a restarted kubelet re-adopts the container, see RuncRuntime+Adopt.swift): the
/// shim keeps the container's stdout/stderr FIFOs open and writes runc's exit code (128 + signal
/// when killed) to `exit-code` in the bundle; ``ContainerLogCopier`` turns the FIFOs into the log.
///
/// Layout under `root`: `runc-state/` (runc's `--root`), `containers/<id>/` (bundle: `config.json`,
/// `rootfs/`, `stdout.fifo`, `stderr.fifo`, `exit-code`), `logs/<id>.log` (kept after the container
/// is removed, for `previous` logs), `images/` (the ``ImageStore``).
public final class RuncRuntime: ContainerRuntime {
    public let root: String
    public let runc: String
    public let images: ImageStore

    private struct Started {
        var pid: pid_t
        var exitCode: Int32?
    }

    /// Shims this process started, by bundle path: process-wide, so a second runtime on the same
    /// root (a restarted kubelet in the same process) reaps them too.
    private static let shims = NIOLockedValueBox<[String: Started]>([:])
    private var started: NIOLockedValueBox<[String: Started]> { Self.shims }
    /// Containers re-adopted from an earlier process (not our children): RuncRuntime+Adopt.swift.
    let adopted = NIOLockedValueBox<[String: AdoptedProcess]>([:])
    /// (ksec) OOM kills noticed in containers' memory cgroups while they ran.
    let ooms = OOMWatch()

    public init(root: String, runc: String = "/usr/sbin/runc", busybox: String = "/usr/bin/busybox", images: ImageStore? = nil) {
        self.root = root
        self.runc = runc
        self.images = images ?? ImageStore(root: root + "/images", busyboxBinary: busybox)
    }

    /// What is missing for containers to run here (nil when runc can be used): root and runc.
    public static func problem(runc: String = "/usr/sbin/runc", busybox: String = "/usr/bin/busybox") -> String? {
        if geteuid() != 0 { return "running containers needs root (runc without rootless mode); run as root" }
        if access(runc, X_OK) != 0 { return "\(runc) is missing; install runc (apt-get install runc)" }
        if access(busybox, X_OK) != 0 { return "\(busybox) is missing; install busybox-static (apt-get install busybox-static)" }
        return nil
    }

    var stateRoot: String { root + "/runc-state" }
    func bundle(_ id: String) -> String { root + "/containers/" + id }
    public func logPath(_ id: String) -> String { root + "/logs/" + id + ".log" }

    public var version: String {
        get async {
            // Asked on every heartbeat; runc does not change under a running node.
            if let known = knownVersion.withLockedValue({ $0 }) { return known }
            let out = try? await ProcessRunner.run([runc, "--version"])
            let first = out?.stdout.split(separator: "\n").first.map(String.init) ?? ""
            let version = "runc://" + (first.split(separator: " ").last.map(String.init) ?? "unknown")
            if out?.status == 0 { knownVersion.withLockedValue { $0 = version } }
            return version
        }
    }

    private let knownVersion = NIOLockedValueBox<String?>(nil)

    private func runc(_ args: [String]) async throws -> ProcessRunner.Output {
        try await ProcessRunner.run([runc, "--root", stateRoot] + args)
    }

    static func validID(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 200 && id.first != "." && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }
    }

    public func image(_ reference: String) async throws -> ContainerImage {
        let images = self.images
        return try await RuntimeThreads.pool.runIfActive { try images.resolve(reference) }
    }

    public func create(_ config: ContainerConfig) async throws {
        guard Self.validID(config.id) else { throw RuntimeError("invalid container id \"\(config.id)\"") }
        let image = try await self.image(config.image)
        let dir = bundle(config.id)
        // The image's environment (PATH above all) unless the container sets the same name.
        var config = config
        let names = Set(config.env.map { $0.split(separator: "=", maxSplits: 1).first.map(String.init) ?? $0 })
        config.env = image.env.filter { !names.contains($0.split(separator: "=", maxSplits: 1).first.map(String.init) ?? $0) } + config.env
        try await RuntimeThreads.pool.runIfActive { [config] in
            ContainerRootfs.release(bundle: dir)
            FileTree.remove(dir)
            try FileTree.makeDirectories(dir)
            // An overlay of the image's shared layers (a private copy when overlay cannot be mounted).
            try ContainerRootfs.prepare(layers: image.layers, bundle: dir)
            try FileTree.makeDirectories(dir + "/rootfs/etc")
            try FileTree.writeFile(dir + "/rootfs/etc/hostname", config.hostname + "\n")
            try FileTree.writeFile(dir + "/rootfs/etc/hosts", "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.0.1\t\(config.hostname)\n")
            try FileTree.writeFile(dir + "/config.json", JSON.encode(OCIBundle.config(config, rootfs: dir + "/rootfs"), escapeHTML: false))
            try FileTree.makeDirectories(self.root + "/logs")
            try FileTree.writeFile(self.logPath(config.id), "", mode: 0o640)
            for fifo in ["/stdout.fifo", "/stderr.fifo"] where mkfifo(dir + fifo, 0o600) != 0 {
                throw RuntimeError("mkfifo \(dir + fifo): \(String(cString: strerror(errno)))")
            }
            if let stdin = ContainerStdin.markerText(config) { try FileTree.writeFile(ContainerStdin.marker(dir), stdin) }
        }
    }

    public func start(_ id: String) async throws {
        guard Self.validID(id) else { throw RuntimeError("invalid container id \"\(id)\"") }
        let dir = bundle(id)
        guard access(dir + "/config.json", F_OK) == 0 else { throw RuntimeError("container \(id) was not created") }
        try FileTree.makeDirectories(stateRoot)
        // The log copier reads the FIFOs (opened read-write: no end-of-file while the shim is
        // being started), then the shim runs `runc run` (not create+start: it exits with the container's code).
        // With `stdin: true`, the shim's stdin (and so runc's and the process') is a pipe attach sessions write into.
        try followLog(id)
        let stdin = try ContainerStdin.openPipe(bundle: dir)
        defer { if let stdin { close(stdin) } }
        let pid = try ProcessRunner.spawnLogging(Self.shim(runc: runc, stateRoot: stateRoot, bundle: dir, id: id), log: "/dev/null", stdin: stdin)
        started.withLockedValue { $0[dir] = Started(pid: pid, exitCode: nil) }
        // Started means the container's process exists (or already ended), not merely that runc was
        // spawned: runc writes the pid file once it created the process (in its cgroup), and starts it right after.
        // Watching the file (no runc process forked per look) keeps the start short.
        let deadline = ClusterProcess.monotonicSeconds() + 10
        while ClusterProcess.monotonicSeconds() < deadline {
            if reap(id)?.exitCode != nil { return }
            if access(dir + "/pid", F_OK) == 0 {
                ooms.watch(id)  // (ksec)
                return
            }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    /// Reaps `runc run` for `id` if it ended (never blocks).
    private func reap(_ id: String) -> Started? {
        let key = bundle(id)
        let reaped = started.withLockedValue { all -> Started? in
            guard var s = all[key] else { return nil }
            if s.exitCode == nil {
                var status: Int32 = 0
                let r = waitpid(s.pid, &status, WNOHANG)
                if r == s.pid {
                    s.exitCode = ProcessRunner.exitCode(status)
                } else if r < 0 && errno == ECHILD {
                    s.exitCode = 255  // reaped by someone else: the code is lost
                }
                all[key] = s
            }
            return s
        }
        // The shim is gone, so the container is: what it wrote last goes into the log.
        if reaped?.exitCode != nil { ContainerLogCopier.shared.finish(id) }
        return reaped
    }

    /// For containers this runtime started: the reaped exit of `runc run` (no runc process forked).
    public func exitCode(_ id: String) async -> Int32? {
        if let s = reap(id) { return s.exitCode }
        if let adopted = adoptedExit(id) { return adopted }
        if case .exited(let code) = await status(id) { return code }
        return nil
    }

    public func status(_ id: String) async -> ContainerStatus {
        if let s = reap(id) {
            if let code = s.exitCode { return .exited(code: code) }
            if let state = try? await runc(["state", id]), state.status == 0, let v = try? JSON.decode(state.stdout),
               let pid = v["pid"].flatMap({ value -> Int32? in
                   if case .int(let i) = value { return Int32(truncatingIfNeeded: i) }
                   if case .float(let d) = value { return Int32(d) }
                   return nil
               }), pid > 0
            {
                return .running(pid: pid)
            }
            // runc run is alive but the container is not up yet (or already going away).
            if let s = reap(id), let code = s.exitCode { return .exited(code: code) }
            return .running(pid: 0)
        }
        if let code = adoptedExit(id) { return .exited(code: code) }
        if let process = adopted.withLockedValue({ $0[id] }) { return .running(pid: process.pid) }
        return access(bundle(id) + "/config.json", F_OK) == 0 ? .created : .unknown
    }

    /// Blocks (polling) until the container exits, at most `timeout` seconds; nil on timeout.
    public func wait(_ id: String, timeout: Double) async -> Int32? {
        let deadline = ClusterProcess.monotonicSeconds() + timeout
        while ClusterProcess.monotonicSeconds() < deadline {
            if let s = reap(id), let code = s.exitCode { return code }
            if reap(id) == nil { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    public func kill(_ id: String, signal: Int32) async throws {
        guard Self.validID(id) else { throw RuntimeError("invalid container id \"\(id)\"") }
        let out = try await runc(["kill", id, String(signal)])
        if out.status != 0, reap(id)?.exitCode == nil {
            throw RuntimeError("runc kill \(id): \(out.stderr.trimmingSpaces)")
        }
    }

    public func delete(_ id: String) async throws {
        guard Self.validID(id) else { throw RuntimeError("invalid container id \"\(id)\"") }
        let out = try await runc(["delete", "-f", id])
        if out.status != 0 && !out.stderr.contains("does not exist") && !out.stderr.contains("not exist") {
            throw RuntimeError("runc delete \(id): \(out.stderr.trimmingSpaces)")
        }
        // Wait for `runc run` to go so its exit is reaped and no zombie stays.
        if let s = reap(id), s.exitCode == nil { _ = await wait(id, timeout: 10) }
        let dir = bundle(id)
        started.withLockedValue { _ = $0.removeValue(forKey: dir) }
        ooms.forget(id)  // (ksec)
        ContainerStdin.remove(bundle: dir)
        ContainerLogCopier.shared.finish(id)
        forgetAdopted(id)
        try await RuntimeThreads.pool.runIfActive {
            ContainerRootfs.release(bundle: dir)
            FileTree.remove(dir)
        }
    }

    public func list() async throws -> [String] {
        let prefix = root + "/containers/"
        var ids = Set(started.withLockedValue { $0.keys.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) } })
        let out = try await runc(["list", "--format", "json"])
        if out.status == 0, let v = try? JSON.decode(out.stdout), let l = v.listValue {
            for c in l { if let id = c["id"]?.stringValue { ids.insert(id) } }
        }
        for id in FileTree.entries(root + "/containers") { ids.insert(id) }
        return ids.sorted()
    }
}

extension RuncRuntime {
    /// (ksec) Whether the OOM killer ended container `id` (noticed while it ran; see ``OOMWatch``).
    public func oomKilled(_ id: String) async -> Bool { ooms.oomKilled(id) }
}
