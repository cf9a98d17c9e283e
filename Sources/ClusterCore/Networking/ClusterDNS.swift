import StructuredData

/// The cluster DNS settings pods see: the nameserver's ClusterIP and the cluster domain.
public enum DNSConfig {
    /// The cluster DNS Service's fixed ClusterIP (the `kube-dns` Service in `kube-system`), the
    /// tenth address of the Service range 10.96.0.0/12 as on kubeadm clusters.
    public static let defaultNameserver = "10.96.0.10"
    public static let clusterDomain = "cluster.local"

    /// The `/etc/resolv.conf` a pod of `namespace` gets (ClusterFirst policy): the cluster DNS, the
    /// Kubernetes search path and `ndots:5`. The kubelet bind-mounts it read-only at /etc/resolv.conf.
    public static func resolvConf(namespace: String, nameserver: String = defaultNameserver) -> String {
        """
        search \(namespace).svc.\(clusterDomain) svc.\(clusterDomain) \(clusterDomain)
        nameserver \(nameserver)
        options ndots:5

        """
    }

    /// The resolv.conf for `pod` by its `dnsPolicy` and `dnsConfig`: ClusterFirst (the default; with
    /// hostNetwork only ClusterFirstWithHostNet) gives the cluster DNS with `dnsConfig` merged in,
    /// None gives only `dnsConfig`; nil = use the host's /etc/resolv.conf (policy Default, or
    /// ClusterFirst on the host network).
    static func resolvConf(for pod: Value, nameserver: String = defaultNameserver) -> String? {
        let spec = pod["spec"] ?? .null
        let policy = spec["dnsPolicy"]?.stringValue ?? "ClusterFirst"
        let hostNetwork = spec["hostNetwork"] == .bool(true)
        var servers: [String] = [], searches: [String] = [], options: [String] = []
        switch policy {
        case "ClusterFirst" where !hostNetwork, "ClusterFirstWithHostNet":
            let ns = pod.namespace ?? "default"
            servers = [nameserver]
            searches = ["\(ns).svc.\(clusterDomain)", "svc.\(clusterDomain)", clusterDomain]
            options = ["ndots:5"]
        case "None":
            break
        default:
            return nil
        }
        let config = spec["dnsConfig"] ?? .null
        servers += (config["nameservers"]?.listValue ?? []).compactMap(\.stringValue)
        searches += (config["searches"]?.listValue ?? []).compactMap(\.stringValue)
        for o in config["options"]?.listValue ?? [] {
            guard let name = o["name"]?.stringValue, !name.isEmpty else { continue }
            let entry = o["value"]?.stringValue.map { name + ":" + $0 } ?? name
            // A pod option replaces a default of the same name (ndots:2 over ndots:5).
            options.removeAll { $0 == name || $0.hasPrefix(name + ":") }
            options.append(entry)
        }
        var text = ""
        var seen: Set<String> = []
        let uniqueSearches = searches.filter { seen.insert($0).inserted }
        if !uniqueSearches.isEmpty { text += "search " + uniqueSearches.joined(separator: " ") + "\n" }
        for s in servers.prefix(3) { text += "nameserver \(s)\n" }
        if !options.isEmpty { text += "options " + options.joined(separator: " ") + "\n" }
        return text
    }
}

/// The names the cluster DNS answers for: lower-cased dotted names (no trailing dot) under
/// `cluster.local` with their IPv4 addresses.
struct DNSRecordTable: Sendable, Equatable {
    var addresses: [String: [String]] = [:]
    /// ExternalName Services: name → the external name (answered as a CNAME; we do not recurse).
    var aliases: [String: String] = [:]

    mutating func add(_ name: String, _ ip: String) {
        let key = name.lowercased()
        if !(addresses[key]?.contains(ip) ?? false) { addresses[key, default: []].append(ip) }
    }

    /// Whether `name` (labels) exists or has names below it (an "empty non-terminal", which answers
    /// NOERROR without records rather than NXDOMAIN).
    func exists(_ labels: [String]) -> Bool {
        let name = labels.joined(separator: ".")
        if addresses[name] != nil || aliases[name] != nil { return true }
        let suffix = "." + name
        return addresses.keys.contains { $0.hasSuffix(suffix) }
    }
}

/// Answers DNS queries from a ``DNSRecordTable``: authoritative for `cluster.local`, A records (other
/// types get an empty NOERROR answer) and CNAMEs for ExternalName Services, REFUSED outside the zone (no recursion), FORMERR for
/// damaged queries whose header survived, silence for responses and unparseable fragments.
enum ClusterDNSResolver {
    static let ttl: UInt32 = 5
    static let zone = DNSConfig.clusterDomain.split(separator: ".").map(String.init)

    /// The reply to `query`, at most `limit` bytes (UDP: 512, or the client's EDNS size up to 1232;
    /// larger answers are cut and flagged TC so the client retries over TCP). Nil = send nothing.
    static func respond(to query: [UInt8], table: DNSRecordTable, udp: Bool) -> [UInt8]? {
        let message: DNSMessage
        do {
            message = try DNSMessage.decode(query)
        } catch {
            guard let id = DNSMessage.peekID(query), query[2] & 0x80 == 0 else { return nil }
            return try? DNSMessage(id: id, flags: 0x8000 | DNSMessage.formatError).encode()
        }
        guard !message.isResponse else { return nil }
        // QR, opcode, AA (we are authoritative), RD echoed.
        var flags: UInt16 = 0x8000 | (message.opcode << 11) | 0x0400 | (message.flags & 0x0100)
        var reply = DNSMessage(id: message.id, flags: 0, questions: message.questions)
        if message.opcode != 0 {
            flags = 0x8000 | (message.opcode << 11) | (message.flags & 0x0100) | DNSMessage.notImplemented
        } else if message.questions.count != 1 {
            flags = 0x8000 | (message.flags & 0x0100) | DNSMessage.formatError
        } else {
            let q = message.questions[0]
            let labels = q.name.key
            if labels.count < zone.count || Array(labels.suffix(zone.count)) != zone || q.class != DNSMessage.classIN {
                flags = 0x8000 | (message.flags & 0x0100) | DNSMessage.refused
            } else if let target = table.aliases[labels.joined(separator: ".")] {
                var rdata: [UInt8] = []
                for label in DNSName(target).labels.prefix(127) { rdata += [UInt8(min(label.count, 63))] + label.prefix(63) }
                rdata.append(0)
                reply.answers = [DNSResourceRecord(name: q.name, type: DNSMessage.typeCNAME, class: DNSMessage.classIN, ttl: ttl, data: rdata)]
            } else if let ips = table.addresses[labels.joined(separator: ".")] {
                if q.type == DNSMessage.typeA || q.type == DNSMessage.typeANY {
                    reply.answers = ips.compactMap { DNSResourceRecord.a(q.name, ip: $0, ttl: ttl) }
                }
            } else if !table.exists(labels) {
                flags |= DNSMessage.nameError
            }
        }
        reply.flags = flags
        var limit = 65535
        if udp {
            let edns = message.additionals.first { $0.type == DNSMessage.typeOPT }.map { Int($0.class) } ?? 512
            limit = min(max(edns, 512), 1232)
            // Echo EDNS so the client knows the larger size was honoured.
            if message.additionals.contains(where: { $0.type == DNSMessage.typeOPT }) {
                reply.additionals = [DNSResourceRecord(name: DNSName(labels: []), type: DNSMessage.typeOPT, class: 1232, ttl: 0, data: [])]
            }
        }
        guard var bytes = try? reply.encode() else { return nil }
        if bytes.count > limit {
            reply.answers = []
            reply.flags |= 0x0200
            guard let cut = try? reply.encode() else { return nil }
            bytes = cut
        }
        return bytes
    }
}
