#if canImport(Glibc)
    import Glibc
#endif

/// The dummy network interface (a port-less bridge where the kernel lacks the dummy driver) that holds every ClusterIP as a /32 address, so Service addresses
/// are local to this machine: the proxy and DNS can bind them and no packet for them is routed
/// out. Only this interface is ever changed (created, addresses added and removed, deleted) —
/// never the default route or another interface. Commands run through ``ProcessRunner``.
actor ServiceInterface {
    let name: String
    /// The addresses this actor added and believes present.
    private(set) var addresses: Set<String> = []
    private var created = false
    /// The link type made: `dummy`, or `bridge` where the kernel has no dummy driver.
    private(set) var kind = "dummy"

    static let ipTool: String = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first { access($0, X_OK) == 0 } ?? "/usr/sbin/ip"

    /// Interface names are at most 15 bytes and must not contain `/`, whitespace or `:`.
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 15 && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }
    }

    init(name: String) { self.name = name }

    /// Why the interface cannot be managed here (not root, no `ip` tool, bad name), nil when it can.
    static func problem(name: String) -> String? {
        if !isValidName(name) { return "invalid interface name \"\(name)\"" }
        if geteuid() != 0 { return "holding ClusterIPs on a dummy interface needs root" }
        if access(ipTool, X_OK) != 0 { return "the ip tool (iproute2) is not installed" }
        return nil
    }

    /// The lock that says a live process owns the interface: an exclusive `flock` on
    /// /run/helmctl/<name>.lock, released by the kernel when the process dies.
    private var lockFD: Int32 = -1
    static let lockDirectory = "/run/helmctl"

    var lockPath: String { Self.lockDirectory + "/" + name + ".lock" }

    /// Takes the interface's lock; false when another live process holds it (another cluster on
    /// this machine already owns the interface and the Service addresses).
    func lock() -> Bool {
        if lockFD >= 0 { return true }
        mkdir(Self.lockDirectory, 0o755)
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return false }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            return false
        }
        lockFD = fd
        return true
    }

    /// Whether another live process holds the lock of interface `name` (another cluster on this
    /// machine owns it): the lock is taken and given back at once when it is free.
    static func heldElsewhere(name: String) -> Bool {
        let fd = open(lockDirectory + "/" + name + ".lock", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }  // no lock file: nobody has held it since boot
        defer { close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { return errno == EWOULDBLOCK }
        flock(fd, LOCK_UN)
        return false
    }

    /// Creates the interface afresh and brings it up. Call with the lock held: an interface of this
    /// name that exists then is a leftover of a crashed run, and is removed first.
    func create() async throws {
        guard lock() else { throw RuntimeError("interface \(name) belongs to another running cluster on this machine") }
        if await exists() { try await ip(["link", "del", name]) }
        do {
            try await ip(["link", "add", name, "type", "dummy"])
            kind = "dummy"
        } catch {
            // Kernels without the dummy driver (some containers): a bridge without ports holds
            // local addresses the same way and, having no port, sends nothing anywhere.
            try await ip(["link", "add", name, "type", "bridge"])
            kind = "bridge"
        }
        created = true
        addresses = []
        // No IPv6 link-local address: the interface is for the IPv4 Service range only.
        _ = try? await ip(["link", "set", name, "addrgenmode", "none"])
        try await ip(["link", "set", name, "up"])
    }

    func exists() async -> Bool {
        ((try? await ProcessRunner.run([Self.ipTool, "-o", "link", "show", "dev", name]))?.status ?? 1) == 0
    }

    /// Routes the whole Service range into the interface (a dummy discards what it is sent), so a
    /// packet for a ClusterIP nobody holds is dropped here instead of following the default route.
    /// The route goes with the interface. Returns why it could not be added, if so.
    func routeRange(_ cidr: String) async -> String? {
        guard created else { return nil }
        do {
            try await ip(["route", "add", cidr, "dev", name])
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// Makes the interface hold exactly `wanted` (/32 each); returns the failures (logged by the caller).
    func sync(_ wanted: Set<String>) async -> [String] {
        guard created else { return [] }
        let adds = wanted.subtracting(addresses).sorted(), removals = addresses.subtracting(wanted).sorted()
        if adds.count + removals.count > 1 {
            // Several changes (a chart's Services created together) in one `ip` run rather than an
            // `ip` process each, which competed for the CPUs with the chart's pods starting.
            let script = adds.map { "addr add \($0)/32 dev \(name)\n" }.joined()
                + removals.map { "addr del \($0)/32 dev \(name)\n" }.joined()
            if let out = try? await ProcessRunner.run([Self.ipTool, "-force", "-batch", "-"], input: script), out.status == 0 {
                addresses = wanted
                return []
            }
            // Something failed: what the kernel holds now decides what is left, done one change at
            // a time below so that each failure is reported with its own message.
            addresses = await kernelAddresses().intersection(wanted.union(addresses))
        }
        var failures: [String] = []
        for ip in wanted.subtracting(addresses).sorted() {
            do {
                try await self.ip(["addr", "add", ip + "/32", "dev", name])
                addresses.insert(ip)
            } catch {
                failures.append("\(error)")
            }
        }
        for ip in addresses.subtracting(wanted).sorted() {
            do {
                try await self.ip(["addr", "del", ip + "/32", "dev", name])
            } catch {
                failures.append("\(error)")
            }
            addresses.remove(ip)
        }
        return failures
    }

    /// The IPv4 addresses the kernel reports on the interface (for tests and checks).
    func kernelAddresses() async -> Set<String> {
        guard let out = try? await ProcessRunner.run([Self.ipTool, "-o", "-4", "addr", "show", "dev", name]), out.status == 0 else { return [] }
        var result: Set<String> = []
        for line in out.stdout.split(separator: "\n") {
            let words = line.split(separator: " ")
            if let i = words.firstIndex(of: "inet"), i + 1 < words.count, let ip = words[i + 1].split(separator: "/").first {
                result.insert(String(ip))
            }
        }
        return result
    }

    /// Deletes the interface a killed cluster left (no live process holds its lock); true when it
    /// was there. An interface another running cluster owns is left alone.
    func removeAbandoned() async -> Bool {
        guard lock() else { return false }
        defer {
            unlink(lockPath)
            close(lockFD)
            lockFD = -1
        }
        guard await exists() else { return false }
        return (try? await ip(["link", "del", name])) != nil
    }

    /// Deletes the interface (and with it every address on it).
    func remove() async {
        if created {
            created = false
            addresses = []
            _ = try? await ip(["link", "del", name, "type", kind])
        }
        if lockFD >= 0 {
            unlink(lockPath)
            close(lockFD)
            lockFD = -1
        }
    }

    private func ip(_ args: [String]) async throws {
        let out = try await ProcessRunner.run([Self.ipTool] + args)
        guard out.status == 0 else {
            throw RuntimeError("ip \(args.joined(separator: " ")): \(out.stderr.trimmingSpaces)")
        }
    }
}
