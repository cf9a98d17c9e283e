#if canImport(Glibc)
    import Glibc
#endif

/// The host tools the pod network drives: iproute2's `ip` and the CNI plugins. Every command names
/// the object it changes explicitly; nothing here touches an interface, route or rule it did not make.
enum HostNetworkTools {
    /// iproute2's `ip`, wherever this distribution puts it.
    static let ip: String = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first { access($0, X_OK) == 0 } ?? "/usr/sbin/ip"

    /// Directory `ip netns add` binds network namespaces in.
    static let netnsDirectory = "/var/run/netns"

    /// Runs `ip args…`; throws with ip's message unless it succeeded or the message contains one of `tolerated`.
    @discardableResult
    static func run(_ args: [String], tolerating tolerated: [String] = []) async throws -> String {
        let out = try await ProcessRunner.run([ip] + args)
        if out.status != 0 {
            let message = out.stderr.trimmingSpaces
            if tolerated.contains(where: { message.contains($0) }) { return out.stdout }
            throw RuntimeError("ip \(args.joined(separator: " ")): \(message.isEmpty ? "exit \(out.status)" : message)")
        }
        return out.stdout
    }

    /// Writes a value to a /proc/sys file (our own bridge's settings only). Blocking, but one small write.
    static func sysctl(_ path: String, _ value: String) throws(RuntimeError) {
        let fd = open(path, O_WRONLY)
        guard fd >= 0 else { throw RuntimeError("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let bytes = Array(value.utf8)
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard n == bytes.count else { throw RuntimeError("cannot write \(path): \(String(cString: strerror(errno)))") }
    }

    /// What is missing for pod networking here (nil when it can be set up): root, `ip`, the CNI plugins.
    static func problem(cniPath: String) -> String? {
        if geteuid() != 0 { return "pod networking needs root (network namespaces, bridges); run as root" }
        if access(ip, X_OK) != 0 { return "\(ip) is missing; install iproute2 (apt-get install iproute2)" }
        for plugin in ["bridge", "host-local", "loopback"] where access(cniPath + "/" + plugin, X_OK) != 0 {
            return "\(cniPath)/\(plugin) is missing; install the CNI plugins (apt-get install containernetworking-plugins)"
        }
        return nil
    }
}
