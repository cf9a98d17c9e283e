import StructuredData

/// One address a proxied connection may go to.
struct ServiceBackend: Sendable, Hashable {
    var ip: String
    var port: Int
}

/// A socket the Service proxy listens on.
struct ProxyListenerKey: Sendable, Hashable, CustomStringConvertible {
    var ip: String
    var port: Int
    /// "TCP" or "UDP".
    var proto: String
    var description: String { "\(ip):\(port)/\(proto)" }
}

/// What one listener forwards to.
struct ProxyTarget: Sendable, Equatable {
    /// `namespace/name:port` for logs.
    var service: String
    var backends: [ServiceBackend]
    /// ClientIP session affinity timeout in seconds; nil = round robin only.
    var affinitySeconds: Int64?
}

/// Everything the network services need, computed from the stored Services, EndpointSlices and
/// Endpoints in one pure pass: the ClusterIPs to hold locally, the proxy listeners, the DNS
/// names, and ready endpoints per Service port for the Ingress controller.
struct ServiceTable: Sendable, Equatable {
    var clusterIPs: Set<String> = []
    var listeners: [ProxyListenerKey: ProxyTarget] = [:]
    var dns = DNSRecordTable()
    /// Ready endpoints by `namespace/service` and then by Service port (number and name both index).
    var ports: [String: [ServicePortEndpoints]] = [:]

    struct ServicePortEndpoints: Sendable, Equatable {
        var name: String
        var port: Int
        var proto: String
        var backends: [ServiceBackend]
    }

    enum PortRef: Sendable, Equatable {
        case number(Int)
        case name(String)
    }

    /// Ready endpoints of a Service's TCP port given by number or name; nil when the Service or port
    /// does not exist.
    func endpoints(namespace: String, service: String, port: PortRef) -> [ServiceBackend]? {
        guard let list = ports[namespace + "/" + service] else { return nil }
        let tcp = list.filter { $0.proto == "TCP" }
        switch port {
        case .number(let n): return tcp.first { $0.port == n }?.backends
        case .name(let s): return tcp.first { $0.name == s }?.backends
        }
    }

    struct Options: Sendable {
        /// Whether ClusterIP listeners are made (needs the addresses held locally).
        var clusterIPs = true
        /// Host for NodePort listeners (loopback only, for safety); nil = no NodePort listeners.
        var nodePortHost: String? = "127.0.0.1"
        /// The DNS server's own address: the `kube-dns` Service on it is served by the DNS, not proxied.
        var dnsIP = DNSConfig.defaultNameserver
    }

    static func build(services: [Value], slices: [Value], endpoints: [Value], options: Options) -> ServiceTable {
        var table = ServiceTable()
        var slicesByService: [String: [Value]] = [:]
        for s in slices {
            guard let svc = s.labels[EndpointsController.serviceNameLabel], let ns = s.namespace else { continue }
            guard (s["addressType"]?.stringValue ?? "IPv4") == "IPv4" else { continue }
            slicesByService[ns + "/" + svc, default: []].append(s)
        }
        var endpointsByService: [String: Value] = [:]
        for e in endpoints { if let ns = e.namespace { endpointsByService[ns + "/" + e.name] = e } }
        let domain = DNSConfig.clusterDomain

        for svc in services.sorted(by: { ($0.namespace ?? "", $0.name) < ($1.namespace ?? "", $1.name) }) {
            guard let ns = svc.namespace, !svc.isBeingDeleted else { continue }
            let spec = svc["spec"] ?? .null
            let type = spec["type"]?.stringValue ?? "ClusterIP"
            guard type != "ExternalName" else {
                if let external = spec["externalName"]?.stringValue, !external.isEmpty, external.utf8.count <= 253 {
                    table.dns.aliases["\(svc.name).\(ns).svc.\(DNSConfig.clusterDomain)".lowercased()] = external
                }
                continue
            }
            let id = ns + "/" + svc.name
            let clusterIP = spec["clusterIP"]?.stringValue ?? ""
            let headless = clusterIP == "None"
            let validIP = IPv4.parse(clusterIP) != nil
            let fqdn = "\(svc.name).\(ns).svc.\(domain)"
            let svcSlices = slicesByService[id]
            let legacy = endpointsByService[id]
            var affinity: Int64?
            if spec["sessionAffinity"]?.stringValue == "ClientIP" {
                affinity = spec["sessionAffinityConfig"]?["clientIP"]?["timeoutSeconds"].flatMap(Self.integer) ?? 10800
            }
            if validIP { table.clusterIPs.insert(clusterIP) }
            if validIP && !headless { table.dns.add(fqdn, clusterIP) }

            var portList: [ServicePortEndpoints] = []
            for p in spec["ports"]?.listValue ?? [] {
                guard let port = p["port"].flatMap(Self.integer).map(Int.init), (1...65535).contains(port) else { continue }
                let name = p["name"]?.stringValue ?? ""
                let proto = p["protocol"]?.stringValue ?? "TCP"
                guard proto == "TCP" || proto == "UDP" else { continue }
                let backends = svcSlices.map { Self.sliceBackends($0, portName: name, proto: proto) }
                    ?? legacy.map { Self.legacyBackends($0, portName: name, proto: proto) } ?? []
                portList.append(ServicePortEndpoints(name: name, port: port, proto: proto, backends: backends))
                let target = ProxyTarget(service: "\(id):\(name.isEmpty ? String(port) : name)", backends: backends, affinitySeconds: affinity)
                if options.clusterIPs && validIP && clusterIP != options.dnsIP {
                    table.listeners[ProxyListenerKey(ip: clusterIP, port: port, proto: proto)] = target
                }
                if let host = options.nodePortHost, type == "NodePort" || type == "LoadBalancer",
                   let nodePort = p["nodePort"].flatMap(Self.integer).map(Int.init), (1...65535).contains(nodePort)
                {
                    table.listeners[ProxyListenerKey(ip: host, port: nodePort, proto: proto)] = target
                }
            }
            table.ports[id] = portList

            // Headless: the name resolves to the ready endpoints; endpoints with a hostname get their own name.
            if headless {
                for (ip, hostname) in svcSlices.map(Self.sliceAddresses) ?? legacy.map(Self.legacyAddresses) ?? [] {
                    table.dns.add(fqdn, ip)
                    if let hostname, !hostname.isEmpty { table.dns.add(hostname + "." + fqdn, ip) }
                }
            }
        }
        return table
    }

    static func integer(_ v: Value) -> Int64? {
        switch v {
        case .int(let i): return i
        case .float(let d) where d == d.rounded() && abs(d) < 1e15: return Int64(d)
        default: return nil
        }
    }

    /// Ready endpoints of the slices for the Service port named `portName` (slice ports carry the
    /// Service port's name; `""` for a single unnamed port).
    static func sliceBackends(_ slices: [Value], portName: String, proto: String) -> [ServiceBackend] {
        var out: [ServiceBackend] = []
        for s in slices {
            guard let port = (s["ports"]?.listValue ?? []).first(where: {
                ($0["name"]?.stringValue ?? "") == portName && ($0["protocol"]?.stringValue ?? "TCP") == proto
            })?["port"].flatMap(integer).map(Int.init) else { continue }
            for (ip, _) in sliceAddresses([s]) where !out.contains(ServiceBackend(ip: ip, port: port)) {
                out.append(ServiceBackend(ip: ip, port: port))
            }
        }
        return out
    }

    /// Ready addresses of slices with the endpoint's hostname (conditions.ready absent = ready).
    static func sliceAddresses(_ slices: [Value]) -> [(String, String?)] {
        var out: [(String, String?)] = []
        for s in slices {
            for e in s["endpoints"]?.listValue ?? [] where e["conditions"]?["ready"] != .bool(false) {
                for a in e["addresses"]?.listValue ?? [] {
                    if let ip = a.stringValue, IPv4.parse(ip) != nil { out.append((ip, e["hostname"]?.stringValue)) }
                }
            }
        }
        return out
    }

    static func legacyBackends(_ endpoints: Value, portName: String, proto: String) -> [ServiceBackend] {
        var out: [ServiceBackend] = []
        for subset in endpoints["subsets"]?.listValue ?? [] {
            guard let port = (subset["ports"]?.listValue ?? []).first(where: {
                ($0["name"]?.stringValue ?? "") == portName && ($0["protocol"]?.stringValue ?? "TCP") == proto
            })?["port"].flatMap(integer).map(Int.init) else { continue }
            for a in subset["addresses"]?.listValue ?? [] {
                if let ip = a["ip"]?.stringValue, IPv4.parse(ip) != nil, !out.contains(ServiceBackend(ip: ip, port: port)) {
                    out.append(ServiceBackend(ip: ip, port: port))
                }
            }
        }
        return out
    }

    static func legacyAddresses(_ endpoints: Value) -> [(String, String?)] {
        (endpoints["subsets"]?.listValue ?? []).flatMap { subset in
            (subset["addresses"]?.listValue ?? []).compactMap { a -> (String, String?)? in
                guard let ip = a["ip"]?.stringValue, IPv4.parse(ip) != nil else { return nil }
                return (ip, a["hostname"]?.stringValue)
            }
        }
    }
}
