public import StructuredData

/// Discovery documents built from a ``ResourceCatalog``: the legacy forms (`/api`, `/apis`, `/api/v1`,
/// `/apis/<g>/<v>`) and the aggregated `apidiscovery.k8s.io/v2` form that kubectl 1.32 and client-go ask for
/// first. Shapes follow kube-apiserver 1.32 (reference/kubernetes-api.md §1.4).
public enum Discovery {
    /// The Content-Type an aggregated discovery reply must carry; without it clients parse the body as the
    /// legacy `APIVersions` / `APIGroupList`.
    public static let aggregatedContentType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"

    /// True when an `Accept` header asks for aggregated discovery (v2, or v2beta1 which we answer with v2).
    public static func acceptsAggregated(_ accept: String) -> Bool {
        accept.split(separator: ",").contains { part in
            let params = part.split(separator: ";").map { $0.trimmingSpaces() }
            return params.contains("g=apidiscovery.k8s.io") && params.contains("as=APIGroupDiscoveryList")
                && (params.contains("v=v2") || params.contains("v=v2beta1"))
        }
    }

    // MARK: Legacy

    /// `GET /api`: the core group's versions and the address clients should use.
    public static func apiVersions(serverAddress: String) -> Value {
        [
            "kind": "APIVersions",
            "versions": ["v1"],
            "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": .string(serverAddress)]],
        ]
    }

    /// `GET /apis`: every named group with its versions, preferred first.
    public static func apiGroupList(_ catalog: ResourceCatalog) -> Value {
        ["kind": "APIGroupList", "apiVersion": "v1",
         "groups": .list(catalog.groups.filter { !$0.isEmpty }.map { groupBody(catalog, $0) })]
    }

    /// `GET /apis/<group>`: one `APIGroup`, nil when the group is not served.
    public static func apiGroup(_ catalog: ResourceCatalog, group: String) -> Value? {
        guard !group.isEmpty, catalog.preferredVersion(of: group) != nil,
              case .map(var m) = groupBody(catalog, group)
        else { return nil }
        m["kind"] = "APIGroup"
        m["apiVersion"] = "v1"
        return .map(m)
    }

    private static func groupBody(_ catalog: ResourceCatalog, _ group: String) -> Value {
        let versions = catalog.versions(of: group)
        func gv(_ v: String) -> Value { ["groupVersion": .string("\(group)/\(v)"), "version": .string(v)] }
        return ["name": .string(group), "versions": .list(versions.map(gv)),
                "preferredVersion": versions.first.map(gv) ?? .null]
    }

    /// `GET /api/v1` or `GET /apis/<group>/<version>`: an `APIResourceList` with one entry per resource and
    /// per subresource (`pods/log`), sorted by name as the API server registers them. Nil when not served.
    public static func apiResourceList(_ catalog: ResourceCatalog, group: String, version: String) -> Value? {
        let resources = catalog.resources(group: group, version: version)
        guard !resources.isEmpty else { return nil }
        var entries: [(String, Value)] = []
        for r in resources {
            var m: [String: Value] = [
                "name": .string(r.plural), "singularName": .string(r.singular), "namespaced": .bool(r.namespaced),
                "kind": .string(r.kind), "verbs": strings(r.verbs),
            ]
            if !r.shortNames.isEmpty { m["shortNames"] = strings(r.shortNames) }
            if !r.categories.isEmpty { m["categories"] = strings(r.categories) }
            entries.append((r.plural, .map(m)))
            for s in r.subresources {
                var sm: [String: Value] = [
                    "name": .string("\(r.plural)/\(s.name)"), "singularName": "", "namespaced": .bool(r.namespaced),
                    "kind": .string(s.kind), "verbs": strings(s.verbs),
                ]
                if !s.group.isEmpty { sm["group"] = .string(s.group) }
                if !s.version.isEmpty { sm["version"] = .string(s.version) }
                entries.append(("\(r.plural)/\(s.name)", .map(sm)))
            }
        }
        entries.sort { $0.0 < $1.0 }
        let gv = group.isEmpty ? version : "\(group)/\(version)"
        return ["kind": "APIResourceList", "apiVersion": "v1", "groupVersion": .string(gv),
                "resources": .list(entries.map(\.1))]
    }

    // MARK: Aggregated (apidiscovery.k8s.io/v2)

    /// `GET /api` with the aggregated Accept: an `APIGroupDiscoveryList` holding only the core group.
    public static func aggregatedCore(_ catalog: ResourceCatalog) -> Value {
        aggregatedList(catalog, groups: catalog.groups.filter(\.isEmpty))
    }

    /// `GET /apis` with the aggregated Accept: an `APIGroupDiscoveryList` of every named group.
    public static func aggregatedGroups(_ catalog: ResourceCatalog) -> Value {
        aggregatedList(catalog, groups: catalog.groups.filter { !$0.isEmpty })
    }

    private static func aggregatedList(_ catalog: ResourceCatalog, groups: [String]) -> Value {
        let items: [Value] = groups.map { g in
            var meta: [String: Value] = ["creationTimestamp": .null]
            if !g.isEmpty { meta["name"] = .string(g) }
            let versions: [Value] = catalog.versions(of: g).map { v in
                let resources = catalog.resources(group: g, version: v).sorted { $0.plural < $1.plural }
                return ["version": .string(v), "resources": .list(resources.map(aggregatedResource)),
                        "freshness": "Current"]
            }
            return ["metadata": .map(meta), "versions": .list(versions)]
        }
        return ["kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": [:],
                "items": .list(items)]
    }

    private static func aggregatedResource(_ r: ResourceInfo) -> Value {
        // kube-apiserver derives these from the legacy entries, whose group/version are empty for kinds of
        // the resource's own group-version; client-go fills them in from the enclosing group-version.
        var m: [String: Value] = [
            "resource": .string(r.plural),
            "responseKind": ["group": "", "version": "", "kind": .string(r.kind)],
            "scope": r.namespaced ? "Namespaced" : "Cluster",
            "singularResource": .string(r.singular),
            "verbs": strings(r.verbs),
        ]
        if !r.shortNames.isEmpty { m["shortNames"] = strings(r.shortNames) }
        if !r.categories.isEmpty { m["categories"] = strings(r.categories) }
        if !r.subresources.isEmpty {
            m["subresources"] = .list(r.subresources.sorted { $0.name < $1.name }.map { s in
                ["subresource": .string(s.name),
                 "responseKind": ["group": .string(s.group), "version": .string(s.version), "kind": .string(s.kind)],
                 "verbs": strings(s.verbs)]
            })
        }
        return .map(m)
    }

    static func strings(_ a: [String]) -> Value { .list(a.map { .string($0) }) }
}

fileprivate extension Substring {
    func trimmingSpaces() -> Substring {
        var s = self
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return s
    }
}
