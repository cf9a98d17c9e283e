import StructuredData

/// Parsing of the discovery documents (aggregated v2 and the legacy per-group-version lists).
enum Discovery {
    static let aggregatedAccept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
        + "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"

    /// `APIGroupDiscoveryList`: items[].metadata.name (group), versions[].resources[].
    static func addAggregated(_ v: Value, into d: inout [String: [String: APIResource]]) {
        for item in v["items"]?.listValue ?? [] {
            let group = item["metadata"]?["name"]?.stringValue ?? ""
            for ver in item["versions"]?.listValue ?? [] {
                guard let version = ver["version"]?.stringValue else { continue }
                let gv = group.isEmpty ? version : group + "/" + version
                var kinds = d[gv] ?? [:]
                for r in ver["resources"]?.listValue ?? [] {
                    guard let name = r["resource"]?.stringValue, let kind = r["responseKind"]?["kind"]?.stringValue,
                          !kind.isEmpty, kinds[kind] == nil
                    else { continue }
                    kinds[kind] = APIResource(group: group, version: version, name: name, kind: kind,
                                              namespaced: r["scope"]?.stringValue == "Namespaced")
                }
                d[gv] = kinds
            }
        }
    }

    /// `APIVersions` (`/api`: versions[]) or `APIGroupList` (`/apis`: groups[].versions[].groupVersion).
    static func legacyGroupVersions(_ v: Value, root: String) -> [String] {
        if root == "/api" { return (v["versions"]?.listValue ?? []).compactMap(\.stringValue) }
        var out: [String] = []
        for g in v["groups"]?.listValue ?? [] {
            for ver in g["versions"]?.listValue ?? [] {
                if let gv = ver["groupVersion"]?.stringValue { out.append(gv) }
            }
        }
        return out
    }

    /// `APIResourceList`: resources[] (subresources, whose names contain `/`, skipped).
    static func addLegacy(_ v: Value, groupVersion gv: String, into d: inout [String: [String: APIResource]]) {
        let parts = gv.split(separator: "/", maxSplits: 1).map(String.init)
        let (group, version) = parts.count == 2 ? (parts[0], parts[1]) : ("", parts.first ?? gv)
        var kinds = d[gv] ?? [:]
        for r in v["resources"]?.listValue ?? [] {
            guard let name = r["name"]?.stringValue, !name.contains("/"), let kind = r["kind"]?.stringValue,
                  kinds[kind] == nil
            else { continue }
            kinds[kind] = APIResource(group: group, version: version, name: name, kind: kind,
                                      namespaced: r["namespaced"] == .bool(true))
        }
        d[gv] = kinds
    }
}
