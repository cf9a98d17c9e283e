import StructuredData
import Testing
@testable import ClusterCore

@Suite("ingress rule matching")
struct IngressRulesTests {
    static func ingress(_ name: String, className: String? = "helmctl", annotations: [String: String] = [:], created: String = "2026-01-01T00:00:00Z",
                        defaultBackend: String? = nil, rules: [(host: String?, paths: [(path: String?, type: String, service: String, port: Value)])]) -> Value
    {
        var spec: [String: Value] = [:]
        if let className { spec["ingressClassName"] = .string(className) }
        if let defaultBackend { spec["defaultBackend"] = .map(["service": .map(["name": .string(defaultBackend), "port": .map(["number": 80])])]) }
        spec["rules"] = .list(rules.map { rule in
            var r: [String: Value] = [:]
            if let h = rule.host { r["host"] = .string(h) }
            r["http"] = .map(["paths": .list(rule.paths.map { p in
                var path: [String: Value] = ["pathType": .string(p.type),
                                             "backend": .map(["service": .map(["name": .string(p.service), "port": p.port])])]
                if let s = p.path { path["path"] = .string(s) }
                return .map(path)
            })])
            return .map(r)
        })
        return .map([
            "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": .map(["name": .string(name), "namespace": "default", "creationTimestamp": .string(created),
                              "annotations": .map(annotations.mapValues { .string($0) })]),
            "spec": .map(spec),
        ])
    }

    static let number80: Value = .map(["number": 80])

    static let table = IngressRouteTable.build(ingresses: [
        ingress("main", rules: [
            (host: "app.example.com", paths: [
                (path: "/", type: "Prefix", service: "root", port: number80),
                (path: "/api", type: "Prefix", service: "api", port: .map(["name": "http"])),
                (path: "/api/v2/", type: "Prefix", service: "api-v2", port: number80),
                (path: "/api/v2", type: "Exact", service: "api-v2-exact", port: number80),
                (path: "/login", type: "Exact", service: "login", port: number80),
                (path: "/static", type: "ImplementationSpecific", service: "static", port: number80),
            ]),
            (host: "*.example.com", paths: [(path: "/", type: "Prefix", service: "wild", port: number80)]),
            (host: nil, paths: [(path: "/health", type: "Exact", service: "health", port: number80),
                                (path: "/any", type: "Prefix", service: "any", port: number80)]),
        ]),
        ingress("fallback", created: "2026-01-02T00:00:00Z", defaultBackend: "default-svc", rules: []),
        ingress("later-default", created: "2026-01-03T00:00:00Z", defaultBackend: "later", rules: []),
        ingress("other-class", className: "nginx", rules: [(host: "other.example.com", paths: [(path: "/", type: "Prefix", service: "nginx", port: number80)])]),
    ], className: "helmctl", isDefaultClass: true)

    @Test("host and path matching", arguments: [
        ("app.example.com", "/", "root"),
        ("app.example.com", "/anything/else?q=1", "root"),
        ("APP.example.com:8080", "/api", "api"),
        ("app.example.com", "/api/", "api"),
        ("app.example.com", "/api/users", "api"),
        ("app.example.com", "/apix", "root"),
        ("app.example.com", "/api/v2", "api-v2-exact"),
        ("app.example.com", "/api/v2/", "api-v2"),
        ("app.example.com", "/api/v2/x", "api-v2"),
        ("app.example.com", "/api/v20", "api"),
        ("app.example.com", "/login", "login"),
        ("app.example.com", "/login/", "root"),
        ("app.example.com", "/static/app.js", "static"),
        ("app.example.com.", "/static", "static"),
        ("shop.example.com", "/x", "wild"),
        ("a.shop.example.com", "/health", "health"),
        ("example.com", "/health", "health"),
        ("example.com", "/health/", "default-svc"),
        ("unknown.test", "/any/thing", "any"),
        ("unknown.test", "/nothing", "default-svc"),
        ("other.example.com", "/", "wild"),
        ("", "", "default-svc"),
    ] as [(String, String, String)])
    func matches(host: String, path: String, service: String) {
        #expect(Self.table.match(host: host, path: path)?.service == service)
    }

    @Test("a port given by name stays a name")
    func portByName() {
        #expect(Self.table.match(host: "app.example.com", path: "/api")?.port == .name("http"))
        #expect(Self.table.match(host: "app.example.com", path: "/")?.port == .number(80))
    }

    @Test("without a default backend an unmatched request has no backend (404)")
    func noMatch() {
        let t = IngressRouteTable.build(ingresses: [
            Self.ingress("only", rules: [(host: "a.test", paths: [(path: "/x", type: "Exact", service: "x", port: Self.number80)])]),
        ], className: "helmctl", isDefaultClass: true)
        #expect(t.match(host: "a.test", path: "/x")?.service == "x")
        #expect(t.match(host: "a.test", path: "/y") == nil)
        #expect(t.match(host: "b.test", path: "/x") == nil)
    }

    @Test("which Ingresses are ours", arguments: [
        ("helmctl", [:], true, true),
        ("nginx", [:], true, false),
        (nil, [:], true, true),
        (nil, [:], false, false),
        (nil, ["kubernetes.io/ingress.class": "helmctl"], false, true),
        (nil, ["kubernetes.io/ingress.class": "nginx"], true, false),
    ] as [(String?, [String: String], Bool, Bool)])
    func ours(className: String?, annotations: [String: String], isDefault: Bool, expected: Bool) {
        let ing = Self.ingress("x", className: className, annotations: annotations, rules: [])
        #expect(IngressRouteTable.isOurs(ing, className: "helmctl", isDefaultClass: isDefault) == expected)
    }

    @Test("host normalisation", arguments: [
        ("Example.COM", "example.com"), ("example.com:8080", "example.com"), ("example.com.", "example.com"),
        ("[::1]:8080", "[::1]"), ("", ""),
    ])
    func hosts(raw: String, expected: String) {
        #expect(IngressRouteTable.normalizeHost(raw) == expected)
    }

    @Test("rules without a path or with a non-absolute one")
    func oddPaths() {
        let t = IngressRouteTable.build(ingresses: [
            Self.ingress("odd", rules: [(host: "a.test", paths: [(path: nil, type: "ImplementationSpecific", service: "all", port: Self.number80),
                                                                  (path: "relative", type: "Prefix", service: "bad", port: Self.number80)])]),
        ], className: "helmctl", isDefaultClass: true)
        #expect(t.routes.map(\.backend.service) == ["all"])
        #expect(t.match(host: "a.test", path: "/deep/path")?.service == "all")
    }
}
