import StructuredData

/// Where an Ingress path sends requests: a Service port by number or name.
struct IngressBackendRef: Sendable, Equatable {
    var namespace: String
    var service: String
    var port: ServiceTable.PortRef
}

/// One `host` + `path` rule of an Ingress of our class.
struct IngressRoute: Sendable, Equatable {
    enum Match: Sendable, Equatable { case exact, prefix }

    /// "" = any host; "*.example.com" = exactly one label in front of example.com.
    var host: String
    var path: String
    var match: Match
    var backend: IngressBackendRef
}

/// The routing table of the Ingress controller, built from the Ingresses of our class, with
/// networking.k8s.io/v1 semantics: exact hosts before wildcard hosts before rules without host;
/// within those, the longest matching path wins (Exact before Prefix at equal length); Prefix
/// matches whole path elements (`/foo` matches `/foo`, `/foo/` and `/foo/bar`, not `/foobar`);
/// ImplementationSpecific is Prefix; then the oldest `defaultBackend`.
struct IngressRouteTable: Sendable, Equatable {
    var routes: [IngressRoute] = []
    var defaultBackend: IngressBackendRef?

    static let classAnnotation = "kubernetes.io/ingress.class"
    static let defaultClassAnnotation = "ingressclass.kubernetes.io/is-default-class"

    /// Whether `ingress` belongs to `className`: named by `ingressClassName` or the legacy
    /// annotation, or naming no class while ours is the default class.
    static func isOurs(_ ingress: Value, className: String, isDefaultClass: Bool) -> Bool {
        if let named = ingress["spec"]?["ingressClassName"]?.stringValue { return named == className }
        if let annotated = ingress.meta("annotations")?[classAnnotation]?.stringValue { return annotated == className }
        return isDefaultClass
    }

    static func build(ingresses: [Value], className: String, isDefaultClass: Bool) -> IngressRouteTable {
        var table = IngressRouteTable()
        let ours = ingresses.filter { !$0.isBeingDeleted && isOurs($0, className: className, isDefaultClass: isDefaultClass) }.sorted {
            ($0.metaString("creationTimestamp") ?? "", $0.namespace ?? "", $0.name) < ($1.metaString("creationTimestamp") ?? "", $1.namespace ?? "", $1.name)
        }
        for ing in ours {
            let ns = ing.namespace ?? "default"
            if table.defaultBackend == nil, let b = ing["spec"]?["defaultBackend"].flatMap({ backend($0, namespace: ns) }) {
                table.defaultBackend = b
            }
            for rule in ing["spec"]?["rules"]?.listValue ?? [] {
                let host = (rule["host"]?.stringValue ?? "").lowercased()
                for p in rule["http"]?["paths"]?.listValue ?? [] {
                    guard let b = p["backend"].flatMap({ backend($0, namespace: ns) }) else { continue }
                    let type = p["pathType"]?.stringValue ?? "ImplementationSpecific"
                    let path = p["path"]?.stringValue ?? "/"
                    guard path.hasPrefix("/") else { continue }
                    table.routes.append(IngressRoute(host: host, path: path, match: type == "Exact" ? .exact : .prefix, backend: b))
                }
            }
        }
        return table
    }

    static func backend(_ v: Value, namespace: String) -> IngressBackendRef? {
        guard let svc = v["service"], let name = svc["name"]?.stringValue, !name.isEmpty else { return nil }
        if let n = svc["port"]?["number"].flatMap(ServiceTable.integer), n > 0 {
            return IngressBackendRef(namespace: namespace, service: name, port: .number(Int(n)))
        }
        if let s = svc["port"]?["name"]?.stringValue, !s.isEmpty {
            return IngressBackendRef(namespace: namespace, service: name, port: .name(s))
        }
        return nil
    }

    /// The backend for a request's Host header and path (query string allowed); nil = 404.
    func match(host rawHost: String, path rawPath: String) -> IngressBackendRef? {
        let host = Self.normalizeHost(rawHost)
        var path = rawPath
        if let q = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = String(path[..<q]) }
        if path.isEmpty { path = "/" }
        let exactHost = routes.filter { !$0.host.isEmpty && !$0.host.hasPrefix("*.") && $0.host == host }
        let wildcard = routes.filter { $0.host.hasPrefix("*.") && Self.wildcardMatches($0.host, host) }
        let anyHost = routes.filter { $0.host.isEmpty }
        for group in [exactHost, wildcard, anyHost] {
            if let best = Self.bestPath(group, path: path) { return best.backend }
        }
        return defaultBackend
    }

    static func bestPath(_ routes: [IngressRoute], path: String) -> IngressRoute? {
        var best: (route: IngressRoute, length: Int)?
        for r in routes where pathMatches(r, path) {
            let length = r.match == .exact ? r.path.count : trimmedPrefix(r.path).count
            if let b = best {
                if length > b.length || (length == b.length && r.match == .exact && b.route.match == .prefix) { best = (r, length) }
            } else {
                best = (r, length)
            }
        }
        return best?.route
    }

    static func pathMatches(_ route: IngressRoute, _ path: String) -> Bool {
        switch route.match {
        case .exact:
            return route.path == path
        case .prefix:
            let rule = route.path.split(separator: "/", omittingEmptySubsequences: true)
            let request = path.split(separator: "/", omittingEmptySubsequences: true)
            return request.count >= rule.count && zip(rule, request).allSatisfy { $0 == $1 }
        }
    }

    /// A Prefix path without its trailing slash ("/" stays "/"), for length comparison.
    static func trimmedPrefix(_ path: String) -> String {
        var p = Substring(path)
        while p.count > 1 && p.hasSuffix("/") { p = p.dropLast() }
        return String(p)
    }

    /// Lower case, without port and trailing dot (`Example.com:8080` → `example.com`).
    static func normalizeHost(_ raw: String) -> String {
        var h = Substring(raw.lowercased())
        if h.hasPrefix("[") {
            if let end = h.firstIndex(of: "]") { h = h[h.startIndex...end] }
        } else if let colon = h.lastIndex(of: ":") {
            h = h[..<colon]
        }
        while h.hasSuffix(".") { h = h.dropLast() }
        return String(h)
    }

    /// `*.example.com` matches `a.example.com`, not `example.com` nor `a.b.example.com`.
    static func wildcardMatches(_ pattern: String, _ host: String) -> Bool {
        let suffix = pattern.dropFirst(1) // ".example.com"
        guard host.hasSuffix(suffix), host.count > suffix.count else { return false }
        let label = host.dropLast(suffix.count)
        return !label.isEmpty && !label.contains(".")
    }
}
