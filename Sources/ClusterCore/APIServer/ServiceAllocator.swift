import StructuredData

/// Cluster IPs from the Service CIDR 10.96.0.0/12 (10.96.0.1 is `default/kubernetes`) and node
/// ports from 30000–32767, restored from stored Services at start.
actor ServiceAllocator {
    static let base: UInt32 = 10 << 24 | 96 << 16 // 10.96.0.0
    static let size: UInt32 = 1 << 20              // /12
    static let nodePorts: ClosedRange<Int64> = 30000...32767

    private var ips: Set<UInt32> = []
    private var ports: Set<Int64> = []
    /// 10.96.0.10 is the cluster DNS (`kube-system/kube-dns`, see DNSConfig): only given when asked for.
    static let reservedDNS: UInt32 = base + 10
    private var nextIP: UInt32 = 11
    private var nextPort: Int64 = 30000

    static func parse(_ s: String) -> UInt32? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var n: UInt32 = 0
        for p in parts {
            guard let b = UInt8(p), String(b) == p else { return nil }
            n = n << 8 | UInt32(b)
        }
        return n
    }

    static func format(_ n: UInt32) -> String { "\(n >> 24).\(n >> 16 & 255).\(n >> 8 & 255).\(n & 255)" }

    static func inRange(_ ip: UInt32) -> Bool { ip >= base && ip < base + size }

    /// Records what an existing Service holds.
    func restore(_ service: Value) {
        if let ip = service["spec"]?["clusterIP"]?.stringValue.flatMap(Self.parse) { ips.insert(ip) }
        for port in service["spec"]?["ports"]?.listValue ?? [] {
            if let np = port["nodePort"]?.intValue { ports.insert(np) }
        }
    }

    func release(_ service: Value) {
        if let ip = service["spec"]?["clusterIP"]?.stringValue.flatMap(Self.parse) { ips.remove(ip) }
        for port in service["spec"]?["ports"]?.listValue ?? [] {
            if let np = port["nodePort"]?.intValue { ports.remove(np) }
        }
    }

    enum Failure: Error { case ipInUse(String), ipOutOfRange(String), ipInvalid(String), portInUse(Int64), portOutOfRange(Int64), exhausted(String) }

    /// Claims an explicit IP, or allocates the next free one.
    func claimIP(_ requested: String?) throws(Failure) -> String {
        if let requested {
            guard let ip = Self.parse(requested) else { throw .ipInvalid(requested) }
            guard Self.inRange(ip) else { throw .ipOutOfRange(requested) }
            guard !ips.contains(ip) else { throw .ipInUse(requested) }
            ips.insert(ip)
            return requested
        }
        for _ in 0..<(Self.size - 2) {
            let candidate = Self.base + nextIP
            nextIP = nextIP + 1 >= Self.size - 1 ? 2 : nextIP + 1
            if !ips.contains(candidate) && candidate != Self.reservedDNS {
                ips.insert(candidate)
                return Self.format(candidate)
            }
        }
        throw .exhausted("cluster IPs")
    }

    func claimPort(_ requested: Int64?) throws(Failure) -> Int64 {
        if let requested {
            guard Self.nodePorts.contains(requested) else { throw .portOutOfRange(requested) }
            guard !ports.contains(requested) else { throw .portInUse(requested) }
            ports.insert(requested)
            return requested
        }
        for _ in Self.nodePorts {
            let candidate = nextPort
            nextPort = nextPort >= Self.nodePorts.upperBound ? Self.nodePorts.lowerBound : nextPort + 1
            if !ports.contains(candidate) {
                ports.insert(candidate)
                return candidate
            }
        }
        throw .exhausted("node ports")
    }
}
