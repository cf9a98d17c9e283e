import StructuredData

/// Runs a CNI plugin binary the way the CNI spec says a runtime does: the operation and its
/// arguments in `CNI_*` environment variables, the network configuration as JSON on stdin, the
/// result (or a CNI error object) as JSON on stdout.
struct CNIPlugin: Sendable {
    /// Where the plugins live (Debian's containernetworking-plugins: /usr/lib/cni).
    let path: String

    enum Command: String, Sendable {
        case add = "ADD", del = "DEL", check = "CHECK"
    }

    /// What an ADD gave this pod: its address (without prefix) and the host-side veth, if any.
    struct Result: Sendable, Equatable {
        var ip: String?
        var hostInterface: String?
    }

    /// Runs the plugin named by `config.type` for `command`; throws with the plugin's own message.
    @discardableResult
    func run(_ command: Command, config: Value, containerID: String, netns: String, ifname: String) async throws -> Value {
        guard let type = config["type"]?.stringValue, !type.isEmpty, !type.contains("/") else {
            throw RuntimeError("CNI network config has no plugin type")
        }
        let environment = [
            "CNI_COMMAND=" + command.rawValue, "CNI_CONTAINERID=" + containerID, "CNI_NETNS=" + netns,
            "CNI_IFNAME=" + ifname, "CNI_PATH=" + path, "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
        ]
        let out = try await ProcessRunner.run([path + "/" + type], environment: environment,
                                              input: JSON.encode(config, escapeHTML: false))
        if out.status != 0 {
            // Errors come as {"code":…, "msg":…, "details":…} on stdout.
            let error = try? JSON.decode(out.stdout)
            let message = [error?["msg"]?.stringValue, error?["details"]?.stringValue, out.stderr.trimmingSpaces]
                .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            throw RuntimeError("CNI \(type) \(command.rawValue) failed: \(message.isEmpty ? "exit \(out.status)" : message)")
        }
        if command != .add || out.stdout.trimmingSpaces.isEmpty { return .null }
        do {
            return try JSON.decode(out.stdout)
        } catch {
            throw RuntimeError("CNI \(type) ADD gave a result that is not JSON: \(error)")
        }
    }

    /// The first IPv4 address and the host-side interface (one without `sandbox`) of an ADD result.
    static func parse(_ result: Value) -> Result {
        var r = Result()
        for ip in result["ips"]?.listValue ?? [] {
            guard let address = ip["address"]?.stringValue, let bare = address.split(separator: "/").first else { continue }
            if IPv4CIDR.parseAddress(String(bare)) != nil {
                r.ip = String(bare)
                break
            }
        }
        for interface in result["interfaces"]?.listValue ?? [] where interface["sandbox"] == nil {
            if let name = interface["name"]?.stringValue, name.hasPrefix("veth") { r.hostInterface = name }
        }
        return r
    }
}
