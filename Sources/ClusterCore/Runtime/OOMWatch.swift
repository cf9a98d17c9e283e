import CLinux
import NIOConcurrencyHelpers
#if canImport(Glibc)
    import Glibc
#endif

/// Notices the kernel's OOM killer in containers' memory cgroups, so a container killed for its
/// memory limit is reported `OOMKilled` rather than a plain exit 137.
///
/// runc removes a container's cgroup as soon as `runc run` ends, so the evidence must be caught
/// while the container lives: one thread per watched container sleeps on the cgroup's notification
/// (cgroup v1: an eventfd registered for memory.oom_control; v2: inotify on memory.events) and
/// records an OOM when it fires while the cgroup still exists. The thread ends when the cgroup goes.
final class OOMWatch: Sendable {
    private let killed = NIOLockedValueBox<Set<String>>([])

    /// Starts watching container `id`'s memory cgroup (no-op when it cannot be opened: the
    /// container already ended, or the host has no memory controller).
    func watch(_ id: String, dir: String? = nil, unified: Bool = CgroupResources.unified) {
        let dir = dir ?? CgroupResources.memoryCgroup(id, unified: unified)
        let killed = self.killed
        if unified {
            let fd = inotify_init1(Int32(IN_CLOEXEC))
            guard fd >= 0 else { return }
            guard inotify_add_watch(fd, dir + "/memory.events", UInt32(IN_MODIFY)) >= 0 else {
                close(fd)
                return
            }
            let started = DedicatedThread.start {
                Self.followEvents(fd: fd, dir: dir) { killed.withLockedValue { _ = $0.insert(id) } }
            }
            if !started { close(fd) }
            return
        }
        let control = open(dir + "/memory.oom_control", O_RDONLY | O_CLOEXEC)
        guard control >= 0 else { return }
        let event = helmctl_eventfd_cloexec()
        guard event >= 0 else {
            close(control)
            return
        }
        let registration = "\(event) \(control)"
        let ec = open(dir + "/cgroup.event_control", O_WRONLY | O_CLOEXEC)
        let registered = ec >= 0 && registration.withCString { write(ec, $0, strlen($0)) } > 0
        if ec >= 0 { close(ec) }
        guard registered else {
            close(event)
            close(control)
            return
        }
        let started = DedicatedThread.start {
            Self.followEventfd(event: event, dir: dir) { killed.withLockedValue { _ = $0.insert(id) } }
            close(control)
        }
        if !started {
            close(event)
            close(control)
        }
    }

    /// Whether the OOM killer struck container `id` (since it was watched).
    func oomKilled(_ id: String) -> Bool { killed.withLockedValue { $0.contains(id) } }

    func forget(_ id: String) { killed.withLockedValue { _ = $0.remove(id) } }

    /// v1: the eventfd counts OOM notifications and, once, the cgroup's removal. A count that
    /// arrives while the directory exists is an OOM; after removal, anything beyond one is.
    private static func followEventfd(event: Int32, dir: String, oom: () -> Void) {
        defer { close(event) }
        while true {
            var pfd = pollfd(fd: event, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, 1000)
            if ready < 0 && errno != EINTR { return }
            if ready <= 0 {
                // A cgroup removed without the notification (should not happen): stop anyway.
                if access(dir, F_OK) != 0 { return }
                continue
            }
            var count: UInt64 = 0
            guard read(event, &count, 8) == 8 else { return }
            if access(dir, F_OK) == 0 {
                if count > 0 { oom() }
                continue
            }
            if count > 1 { oom() }
            return
        }
    }

    /// v2: memory.events changes; its `oom_kill` line counts kills in this cgroup.
    private static func followEvents(fd: Int32, dir: String, oom: () -> Void) {
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, 1000)
            if ready < 0 && errno != EINTR { return }
            if ready > 0 { _ = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } }
            guard let text = try? ImageStore.readFile(dir + "/memory.events", limit: 4096) else { return }
            for line in String(decoding: text, as: UTF8.self).split(separator: "\n") {
                let f = line.split(separator: " ")
                if f.count == 2, f[0] == "oom_kill", let n = Int(f[1]), n > 0 {
                    oom()
                    return
                }
            }
        }
    }
}
