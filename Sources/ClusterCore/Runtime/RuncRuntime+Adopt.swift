import NIOConcurrencyHelpers
import StructuredData
#if canImport(Glibc)
    import Glibc
#endif

/// A container an earlier process (or an earlier runtime instance) left under the runtime's root,
/// as ``ContainerRuntime/adoptable()`` reports it.
public struct AdoptableContainer: Sendable, Equatable {
    public var id: String
    public var running: Bool
    /// The container's init process (0 when not running).
    public var pid: Int32
    /// The OCI annotations it was created with (``ContainerConfig/annotations``).
    public var annotations: [String: String]

    public init(id: String, running: Bool, pid: Int32, annotations: [String: String]) {
        self.id = id
        self.running = running
        self.pid = pid
        self.annotations = annotations
    }
}

/// A re-adopted container's process: not our child, so its end is noticed by polling /proc (the
/// start time guards against a reused pid) and its code read from the shim's `exit-code` file.
struct AdoptedProcess: Sendable {
    var pid: Int32
    var startTime: String
    /// When the process was first seen gone without an exit code file (monotonic seconds).
    var goneSince: Double?
}

/// Re-adoption: containers survive the process that started them (their shim is no longer its
/// child once it exits), and a new runtime on the same root takes them over.
extension RuncRuntime {
    /// The shim: keeps both FIFOs open (so the container never gets SIGPIPE while no kubelet reads),
    /// runs `runc run` with its output in the FIFOs, and leaves the exit code in the bundle.
    static func shim(runc: String, stateRoot: String, bundle: String, id: String) -> [String] {
        let script = #"""
            exec 3<>"$1/stdout.fifo" 4<>"$1/stderr.fifo"
            "$2" --root "$3" run --bundle "$1" --pid-file "$1/pid" --no-new-keyring "$4" >"$1/stdout.fifo" 2>"$1/stderr.fifo" 3>&- 4>&-
            rc=$?
            echo $rc >"$1/exit-code"
            exit $rc
            """#
        return ["/bin/sh", "-c", script, "helmctl-shim", bundle, runc, stateRoot, id]
    }

    /// runc removes each container's cgroup; the shared `helmctl` parent of every hierarchy goes once no
    /// container of any runtime uses it (rmdir fails on a cgroup that still has children, which is what
    /// keeps it then). Returns the paths removed.
    public static func removeUnusedCgroupParents() -> [String] {
        let hierarchies = ["/sys/fs/cgroup"] + FileTree.entries("/sys/fs/cgroup").map { "/sys/fs/cgroup/" + $0 }
        return hierarchies.filter { rmdir($0 + "/helmctl") == 0 }.map { $0 + "/helmctl" }
    }

    /// Starts copying the container's FIFOs into its log (again, for an adopted container).
    func followLog(_ id: String) throws(RuntimeError) {
        let dir = bundle(id)
        let out = open(dir + "/stdout.fifo", O_RDWR | O_CLOEXEC | O_NONBLOCK)
        let err = open(dir + "/stderr.fifo", O_RDWR | O_CLOEXEC | O_NONBLOCK)
        guard out >= 0, err >= 0 else {
            let reason = String(cString: strerror(errno))
            if out >= 0 { close(out) }
            if err >= 0 { close(err) }
            throw RuntimeError("cannot open the output FIFOs of container \(id): \(reason)")
        }
        try ContainerLogCopier.shared.add(id: id, stdout: out, stderr: err, logPath: logPath(id))
    }

    public func adoptable() async -> [AdoptableContainer] {
        guard let out = try? await ProcessRunner.run([runc, "--root", stateRoot, "list", "--format", "json"]), out.status == 0,
              let list = (try? JSON.decode(out.stdout))?.listValue
        else { return [] }
        return list.compactMap { c in
            guard let id = c["id"]?.stringValue, Self.validID(id) else { return nil }
            var annotations: [String: String] = [:]
            for (k, v) in c["annotations"]?.mapValue ?? [:] { if let s = v.stringValue { annotations[k] = s } }
            let pid = c["pid"]?.intValue ?? 0
            return AdoptableContainer(id: id, running: c["status"]?.stringValue == "running" && pid > 0,
                                      pid: Int32(truncatingIfNeeded: pid), annotations: annotations)
        }
    }

    public func adopt(_ container: AdoptableContainer) async -> ContainerStatus {
        let id = container.id
        // Started by this process (an earlier runtime instance): the shim is still our child.
        let ours = await status(id)
        if case .exited = ours { return ours }
        if case .running = ours {
            if !ContainerLogCopier.shared.isFollowing(id) { try? followLog(id) }
            return ours
        }
        if container.running, let start = Self.startTime(container.pid) {
            adopted.withLockedValue { $0[id] = AdoptedProcess(pid: container.pid, startTime: start) }
            ooms.watch(id)  // (ksec) OOM kills of a re-adopted container are noticed too
            if !ContainerLogCopier.shared.isFollowing(id) { try? followLog(id) }
            return .running(pid: container.pid)
        }
        // Ended while nobody watched: what it wrote meanwhile still waits in the FIFOs.
        if (try? followLog(id)) != nil { ContainerLogCopier.shared.finish(id) }
        return .exited(code: exitFile(id) ?? 255)
    }

    public func removeLog(_ id: String) async {
        guard Self.validID(id) else { return }
        _ = unlink(logPath(id))
    }

    /// The exit code of an adopted container once it ended; nil while it runs.
    func adoptedExit(_ id: String) -> Int32? {
        guard let process = adopted.withLockedValue({ $0[id] }) else { return nil }
        var code = exitFile(id)
        if code == nil, Self.startTime(process.pid) != process.startTime {
            // Gone: the shim writes the code right after; a shim that was killed never does.
            let now = ClusterProcess.monotonicSeconds()
            let since = adopted.withLockedValue { a -> Double in
                let since = a[id]?.goneSince ?? now
                a[id]?.goneSince = since
                return since
            }
            if now - since > 2 { code = 255 }
        }
        if code != nil { ContainerLogCopier.shared.finish(id) }
        return code
    }

    func forgetAdopted(_ id: String) { adopted.withLockedValue { _ = $0.removeValue(forKey: id) } }

    /// What the shim wrote (nil before it did).
    func exitFile(_ id: String) -> Int32? {
        let fd = open(bundle(id) + "/exit-code", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buf = [UInt8](repeating: 0, count: 16)
        let n = read(fd, &buf, buf.count)
        guard n > 0 else { return nil }
        return Int32(String(decoding: buf[0..<n], as: UTF8.self).trimmingSpaces)
    }

    /// A live (not zombie) process's start time (field 22 of /proc/PID/stat); nil when it is gone.
    static func startTime(_ pid: Int32) -> String? {
        guard pid > 0 else { return nil }
        let fd = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buf = [UInt8](repeating: 0, count: 1024)
        let n = read(fd, &buf, buf.count)
        guard n > 0, let close = buf[0..<n].lastIndex(of: UInt8(ascii: ")")) else { return nil }
        // After "comm)": state is field 3, starttime field 22.
        let fields = buf[(close + 1)..<n].split(separator: UInt8(ascii: " "))
        guard fields.count > 19, fields[0] != [UInt8(ascii: "Z")][...], fields[0] != [UInt8(ascii: "X")][...] else { return nil }
        return String(decoding: fields[19], as: UTF8.self)
    }
}
