public import StructuredData

/// The OpenAPI v3 stub that satisfies `kubectl apply` / `edit` / `diff` and Helm's install-time validation
/// probe (reference/kubernetes-api.md §1.4, verified): an index of group-versions and, per group-version, a
/// document whose single-object paths carry a `patch` operation with `x-kubernetes-group-version-kind` and a
/// `fieldValidation` query parameter. The PATCH request body deliberately omits
/// `application/strategic-merge-patch+json`, so kubectl computes strategic patches from its compiled-in types
/// instead of looking for schemas we do not serve.
public enum OpenAPIStub {
    /// `GET /openapi/v3`: `{"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=..."}, ...}}`.
    public static func index(_ catalog: ResourceCatalog) -> Value {
        var paths: [String: Value] = [:]
        for group in catalog.groups {
            for version in catalog.versions(of: group) {
                let key = relativePath(group: group, version: version)
                guard let doc = document(catalog, group: group, version: version) else { continue }
                paths[key] = ["serverRelativeURL": .string("/openapi/v3/\(key)?hash=\(hash(of: doc))")]
            }
        }
        return ["paths": .map(paths)]
    }

    /// `api/v1` or `apis/<group>/<version>`: the index key and URL suffix of a group-version.
    public static func relativePath(group: String, version: String) -> String {
        group.isEmpty ? "api/\(version)" : "apis/\(group)/\(version)"
    }

    /// Splits an index key (`api/v1`, `apis/apps/v1`) back into group and version.
    public static func groupVersion(fromRelativePath path: String) -> (group: String, version: String)? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 2, parts[0] == "api" { return ("", parts[1]) }
        if parts.count == 3, parts[0] == "apis", !parts[1].isEmpty, !parts[2].isEmpty { return (parts[1], parts[2]) }
        return nil
    }

    /// `GET /openapi/v3/<relativePath>`: the stub document of one group-version, nil when not served.
    public static func document(_ catalog: ResourceCatalog, group: String, version: String) -> Value? {
        let resources = catalog.resources(group: group, version: version)
        guard !resources.isEmpty else { return nil }
        var paths: [String: Value] = [:]
        for r in resources where r.supports("patch") {
            paths[objectPath(r)] = pathItem(r)
        }
        let patchSchema: Value = [
            "description": "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.",
            "type": "object",
        ]
        return [
            "openapi": "3.0.0",
            "info": ["title": "Kubernetes", "version": "v1.32.0"],
            "paths": .map(paths),
            "components": ["schemas": ["io.k8s.apimachinery.pkg.apis.meta.v1.Patch": patchSchema]],
        ]
    }

    /// A stable content hash (FNV-1a 64 over the canonical JSON, sorted keys), upper-case hex.
    public static func hash(of document: Value) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in JSON.encode(document).utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        let hex = String(h, radix: 16, uppercase: true)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    static func objectPath(_ r: ResourceInfo) -> String {
        r.groupVersionPath + (r.namespaced ? "/namespaces/{namespace}/" : "/") + r.plural + "/{name}"
    }

    private static func pathItem(_ r: ResourceInfo) -> Value {
        func param(_ name: String, _ location: String, _ description: String, required: Bool = false) -> Value {
            var m: [String: Value] = [
                "name": .string(name), "in": .string(location), "description": .string(description),
                "schema": ["type": "string", "uniqueItems": true],
            ]
            if required { m["required"] = true }
            return .map(m)
        }
        var common: [Value] = [param("name", "path", "name of the \(r.kind)", required: true)]
        if r.namespaced {
            common.append(param("namespace", "path", "object name and auth scope, such as for teams and projects",
                                required: true))
        }
        common.append(param("pretty", "query", "If 'true', then the output is pretty printed."))
        let body: Value = ["schema": ["$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch"]]
        let json: Value = ["schema": ["type": "object"]]
        let patch: Value = [
            "tags": .list([.string(tag(r))]),
            "description": .string("partially update the specified \(r.kind)"),
            "operationId": .string("patch\(operationStem(r))\(r.namespaced ? "Namespaced" : "")\(r.kind)"),
            "parameters": [
                param("dryRun", "query",
                      "When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed"),
                param("fieldManager", "query",
                      "fieldManager is a name associated with the actor or entity that is making these changes."),
                param("fieldValidation", "query",
                      "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict"),
                ["name": "force", "in": "query",
                 "description": "Force is going to \"force\" Apply requests. It means user will re-acquire conflicting fields owned by other people.",
                 "schema": ["type": "boolean", "uniqueItems": true]],
            ],
            "requestBody": [
                "content": [
                    "application/apply-patch+yaml": body, "application/json-patch+json": body,
                    "application/merge-patch+json": body,
                ],
                "required": true,
            ],
            "responses": [
                "200": ["description": "OK", "content": ["application/json": json]],
                "201": ["description": "Created", "content": ["application/json": json]],
                "401": ["description": "Unauthorized"],
            ],
            "x-kubernetes-action": "patch",
            "x-kubernetes-group-version-kind": ["group": .string(r.group), "version": .string(r.version),
                                                 "kind": .string(r.kind)],
        ]
        return ["parameters": .list(common), "patch": patch]
    }

    private static func tag(_ r: ResourceInfo) -> String {
        let g = r.group.isEmpty ? "core" : r.group.replacingDots()
        return "\(g)_\(r.version)"
    }

    /// `CoreV1`, `AppsV1`, `RbacAuthorizationV1`: how kube-openapi names operations.
    private static func operationStem(_ r: ResourceInfo) -> String {
        var g = r.group
        if g.hasSuffix(".k8s.io") { g.removeLast(".k8s.io".count) }
        let words = g.isEmpty ? ["core"] : g.split(whereSeparator: { $0 == "." || $0 == "-" }).map(String.init)
        return words.map(\.capitalizedFirst).joined() + r.version.capitalizedFirst
    }
}

fileprivate extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
    func replacingDots() -> String {
        var g = self
        if g.hasSuffix(".k8s.io") { g.removeLast(".k8s.io".count) }
        return String(g.map { $0 == "." ? "_" : $0 })
    }
}
