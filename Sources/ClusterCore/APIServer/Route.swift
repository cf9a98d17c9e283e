import ClusterAPI

/// What a request path names.
enum Route: Sendable {
    case apiVersions                  // /api
    case apiGroups                    // /apis
    case group(String)                // /apis/<g>
    case groupVersion(String, String) // /api/v1, /apis/<g>/<v>
    case openAPIIndex                 // /openapi/v3
    case openAPIDocument(String)      // /openapi/v3/<api/v1 | apis/g/v>
    case openAPIV2                    // /openapi/v2
    case resource(ResourceTarget)
    case notFound
}

/// A resource path: `/api/v1/namespaces/ns/pods/name/log` → pods in ns, name, subresource log.
struct ResourceTarget: Sendable {
    var group: String
    var version: String
    var plural: String
    var namespace: String?
    var name: String?
    var subresource: String?
}

extension Route {
    /// Parses a decoded path. Resource names are resolved against the catalogue later.
    static func parse(_ path: String, isNamespaced: (String, String, String) -> Bool?) -> Route {
        var segs = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if segs.first == "" { segs.removeFirst() }
        if segs.last == "" { segs.removeLast() }
        guard let head = segs.first else { return .notFound }
        switch head {
        case "api":
            if segs.count == 1 { return .apiVersions }
            guard segs[1] == "v1" else { return .notFound }
            if segs.count == 2 { return .groupVersion("", "v1") }
            return resource(group: "", version: "v1", rest: Array(segs[2...]), isNamespaced: isNamespaced)
        case "apis":
            if segs.count == 1 { return .apiGroups }
            if segs.count == 2 { return .group(segs[1]) }
            if segs.count == 3 { return .groupVersion(segs[1], segs[2]) }
            return resource(group: segs[1], version: segs[2], rest: Array(segs[3...]), isNamespaced: isNamespaced)
        case "openapi":
            if segs.count == 2, segs[1] == "v2" { return .openAPIV2 }
            guard segs.count >= 2, segs[1] == "v3" else { return .notFound }
            if segs.count == 2 { return .openAPIIndex }
            return .openAPIDocument(segs[2...].joined(separator: "/"))
        default:
            return .notFound
        }
    }

    private static func resource(group: String, version: String, rest: [String],
                                 isNamespaced: (String, String, String) -> Bool?) -> Route
    {
        guard !rest.isEmpty, !rest.contains(where: \.isEmpty) else { return .notFound }
        // /namespaces/<ns>/<resource>[/<name>[/<sub>]] when <resource> is a namespaced resource;
        // otherwise /namespaces/<name>[/<sub>] is the Namespace object itself.
        if rest[0] == "namespaces", rest.count >= 3, isNamespaced(group, version, rest[2]) == true {
            guard rest.count <= 5 else { return .notFound }
            return .resource(ResourceTarget(group: group, version: version, plural: rest[2], namespace: rest[1],
                                            name: rest.count > 3 ? rest[3] : nil,
                                            subresource: rest.count > 4 ? rest[4] : nil))
        }
        guard rest.count <= 3 else { return .notFound }
        return .resource(ResourceTarget(group: group, version: version, plural: rest[0], namespace: nil,
                                        name: rest.count > 1 ? rest[1] : nil,
                                        subresource: rest.count > 2 ? rest[2] : nil))
    }
}
