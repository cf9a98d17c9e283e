import NIOConcurrencyHelpers
import StructuredData
import Testing
@testable import ClusterCore

/// A clock tests move by hand.
final class ProxyTestClock: APIClock {
    let seconds = NIOLockedValueBox<Int64>(1_795_000_000)
    func now() -> Int64 { seconds.withLockedValue { $0 } }
    func advance(_ s: Int64) { seconds.withLockedValue { $0 += s } }
}

@Suite("service proxy table and backend choice")
struct ServiceProxyTableTests {
    static func service(_ name: String, ns: String = "default", clusterIP: String, type: String = "ClusterIP",
                        ports: [Value], affinity: Int64? = nil) -> Value
    {
        var spec: [String: Value] = ["clusterIP": .string(clusterIP), "type": .string(type), "ports": .list(ports)]
        if let affinity {
            spec["sessionAffinity"] = "ClientIP"
            spec["sessionAffinityConfig"] = .map(["clientIP": .map(["timeoutSeconds": .int(affinity)])])
        }
        return .map(["apiVersion": "v1", "kind": "Service", "metadata": .map(["name": .string(name), "namespace": .string(ns)]), "spec": .map(spec)])
    }

    static func slice(_ service: String, ns: String = "default", ports: [Value], endpoints: [(ip: String, ready: Bool?, hostname: String?)]) -> Value {
        .map([
            "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
            "metadata": .map(["name": .string(service + "-abc"), "namespace": .string(ns),
                              "labels": .map(["kubernetes.io/service-name": .string(service)])]),
            "ports": .list(ports),
            "endpoints": .list(endpoints.map { e in
                var m: [String: Value] = ["addresses": .list([.string(e.ip)])]
                if let r = e.ready { m["conditions"] = .map(["ready": .bool(r)]) }
                if let h = e.hostname { m["hostname"] = .string(h) }
                return .map(m)
            }),
        ])
    }

    static let services: [Value] = [
        service("web", clusterIP: "10.96.0.20", type: "NodePort", ports: [
            .map(["name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080, "nodePort": 30080]),
            .map(["name": "dns", "port": 53, "protocol": "UDP"]),
        ], affinity: 60),
        service("db", ns: "prod", clusterIP: "None", ports: [.map(["port": 5432])]),
        service("legacy", clusterIP: "10.96.0.21", ports: [.map(["port": 81, "name": "web"])]),
        service("kube-dns", ns: "kube-system", clusterIP: "10.96.0.10", ports: [.map(["name": "dns", "port": 53, "protocol": "UDP"])]),
        .map(["apiVersion": "v1", "kind": "Service", "metadata": .map(["name": "external", "namespace": "default"]),
              "spec": .map(["type": "ExternalName", "externalName": "db.example.com"])]),
    ]

    static let slices: [Value] = [
        slice("web", ports: [.map(["name": "http", "port": 8080, "protocol": "TCP"]), .map(["name": "dns", "port": 5353, "protocol": "UDP"])],
              endpoints: [("10.244.0.2", true, nil), ("10.244.0.3", nil, nil), ("10.244.0.4", false, nil)]),
        slice("db", ns: "prod", ports: [.map(["name": "", "port": 5432])],
              endpoints: [("10.244.0.7", true, "db-0"), ("10.244.0.8", false, "db-1")]),
    ]

    static let endpoints: [Value] = [
        .map(["apiVersion": "v1", "kind": "Endpoints", "metadata": .map(["name": "legacy", "namespace": "default"]),
              "subsets": .list([.map(["addresses": .list([.map(["ip": "127.0.0.5"])]), "notReadyAddresses": .list([.map(["ip": "127.0.0.6"])]),
                                      "ports": .list([.map(["name": "web", "port": 9000])])])])]),
    ]

    static let table = ServiceTable.build(services: services, slices: slices, endpoints: endpoints, options: .init())

    @Test("listeners for ClusterIPs and loopback node ports; headless, ExternalName and the DNS address get none")
    func listeners() {
        let t = Self.table
        let ready = [ServiceBackend(ip: "10.244.0.2", port: 8080), ServiceBackend(ip: "10.244.0.3", port: 8080)]
        #expect(t.listeners[ProxyListenerKey(ip: "10.96.0.20", port: 80, proto: "TCP")]?.backends == ready)
        #expect(t.listeners[ProxyListenerKey(ip: "127.0.0.1", port: 30080, proto: "TCP")]?.backends == ready)
        #expect(t.listeners[ProxyListenerKey(ip: "10.96.0.20", port: 53, proto: "UDP")]?.backends == [ServiceBackend(ip: "10.244.0.2", port: 5353), ServiceBackend(ip: "10.244.0.3", port: 5353)])
        #expect(t.listeners[ProxyListenerKey(ip: "10.96.0.20", port: 80, proto: "TCP")]?.affinitySeconds == 60)
        #expect(t.listeners[ProxyListenerKey(ip: "10.96.0.21", port: 81, proto: "TCP")]?.backends == [ServiceBackend(ip: "127.0.0.5", port: 9000)])
        #expect(Set(t.listeners.keys.map(\.description)) == ["10.96.0.20:80/TCP", "127.0.0.1:30080/TCP", "10.96.0.20:53/UDP", "10.96.0.21:81/TCP"])
        #expect(t.clusterIPs == ["10.96.0.20", "10.96.0.21", "10.96.0.10"])
    }

    @Test("DNS names: ClusterIP services, headless endpoints and their hostnames")
    func names() {
        let a = Self.table.dns.addresses
        #expect(a["web.default.svc.cluster.local"] == ["10.96.0.20"])
        #expect(a["kube-dns.kube-system.svc.cluster.local"] == ["10.96.0.10"])
        #expect(a["db.prod.svc.cluster.local"] == ["10.244.0.7"])
        #expect(a["db-0.db.prod.svc.cluster.local"] == ["10.244.0.7"])
        #expect(a["db-1.db.prod.svc.cluster.local"] == nil)
        #expect(a["external.default.svc.cluster.local"] == nil)
        #expect(Self.table.dns.aliases == ["external.default.svc.cluster.local": "db.example.com"])
    }

    @Test("Ingress backends resolve a Service port by number or name")
    func ingressPorts() {
        let t = Self.table
        #expect(t.endpoints(namespace: "default", service: "web", port: .number(80))?.count == 2)
        #expect(t.endpoints(namespace: "default", service: "web", port: .name("http"))?.count == 2)
        #expect(t.endpoints(namespace: "default", service: "web", port: .name("dns")) == nil) // UDP only
        #expect(t.endpoints(namespace: "default", service: "nope", port: .number(80)) == nil)
    }

    @Test("without ClusterIPs only node ports listen")
    func nodePortsOnly() {
        var o = ServiceTable.Options()
        o.clusterIPs = false
        let t = ServiceTable.build(services: Self.services, slices: Self.slices, endpoints: Self.endpoints, options: o)
        #expect(t.listeners.keys.map(\.description) == ["127.0.0.1:30080/TCP"])
    }

    @Test("endpoint hostnames for StatefulSet-style pods (hostname + subdomain naming the Service)", arguments: [
        (#"{"hostname":"db-0","subdomain":"db"}"#, "db", "db-0"),
        (#"{"hostname":"db-0","subdomain":"other"}"#, "db", nil),
        (#"{"hostname":"db-0"}"#, "db", nil),
        (#"{"subdomain":"db"}"#, "db", nil),
    ] as [(String, String, String?)])
    func endpointHostname(spec: String, service: String, expected: String?) throws {
        let pod = try JSON.decodeKeepingIntegers(Array(#"{"metadata":{"name":"p"},"spec":\#(spec)}"#.utf8))
        #expect(EndpointsController.hostname(pod, service: service) == expected)
    }

    @Test("round robin over ready backends")
    func roundRobin() {
        let b = [ServiceBackend(ip: "127.0.0.2", port: 1), ServiceBackend(ip: "127.0.0.3", port: 1), ServiceBackend(ip: "127.0.0.4", port: 1)]
        let pool = BackendPool(ProxyTarget(service: "s", backends: b, affinitySeconds: nil), clock: ProxyTestClock())
        let firsts = (0..<6).map { _ in pool.candidates(client: "10.0.0.1").first?.ip }
        #expect(firsts == ["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.2", "127.0.0.3", "127.0.0.4"])
        #expect(Set(pool.candidates(client: nil)) == Set(b))
        pool.update(ProxyTarget(service: "s", backends: [], affinitySeconds: nil))
        #expect(pool.candidates(client: nil).isEmpty)
    }

    @Test("ClientIP affinity keeps a client on its backend until the timeout or the backend goes")
    func affinity() {
        let clock = ProxyTestClock()
        let b = [ServiceBackend(ip: "127.0.0.2", port: 1), ServiceBackend(ip: "127.0.0.3", port: 1)]
        let pool = BackendPool(ProxyTarget(service: "s", backends: b, affinitySeconds: 30), clock: clock)
        let first = pool.candidates(client: "10.0.0.1")[0]
        pool.chose(first, for: "10.0.0.1")
        for _ in 0..<5 {
            clock.advance(20)
            let c = pool.candidates(client: "10.0.0.1")[0]
            #expect(c == first)
            pool.chose(c, for: "10.0.0.1")
        }
        // Another client still rotates.
        #expect(Set((0..<2).map { _ in pool.candidates(client: "10.0.0.2")[0] }).count == 2)
        // Past the timeout the client is free again: the next two picks differ.
        clock.advance(31)
        #expect(Set((0..<2).map { _ in pool.candidates(client: "10.0.0.1")[0] }).count == 2)
        // A backend that left is not kept.
        pool.chose(b[1], for: "10.0.0.3")
        pool.update(ProxyTarget(service: "s", backends: [b[0]], affinitySeconds: 30))
        #expect(pool.candidates(client: "10.0.0.3") == [b[0]])
    }
}
