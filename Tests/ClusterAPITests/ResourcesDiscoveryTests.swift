import ClusterAPI
import StructuredData
import Testing

@Suite struct ResourcesDiscoveryTests {
    static let catalog: ResourceCatalog = {
        var c = ResourceCatalog.builtIn
        try? c.add(crd: ResourcesCatalogTests.widgetCRD)
        return c
    }()

    static func document(_ file: String) -> Value? {
        let c = catalog
        switch file {
        case "api.json": return Discovery.apiVersions(serverAddress: "127.0.0.1:6443")
        case "apis.json": return Discovery.apiGroupList(c)
        case "apis-autoscaling.json": return Discovery.apiGroup(c, group: "autoscaling")
        case "api-v1.json": return Discovery.apiResourceList(c, group: "", version: "v1")
        case "apis-apps-v1.json": return Discovery.apiResourceList(c, group: "apps", version: "v1")
        case "apis-example.com-v1.json": return Discovery.apiResourceList(c, group: "example.com", version: "v1")
        case "aggregated-api.json": return Discovery.aggregatedCore(c)
        case "aggregated-apis.json": return Discovery.aggregatedGroups(c)
        case "openapi-v3-index.json": return OpenAPIStub.index(c)
        case "openapi-v3-apps-v1.json": return OpenAPIStub.document(c, group: "apps", version: "v1")
        case "openapi-v3-api-v1.json": return OpenAPIStub.document(c, group: "", version: "v1")
        default: return nil
        }
    }

    @Test(arguments: ["api.json", "apis.json", "apis-autoscaling.json", "api-v1.json", "apis-apps-v1.json",
                      "apis-example.com-v1.json", "aggregated-api.json", "aggregated-apis.json",
                      "openapi-v3-index.json", "openapi-v3-apps-v1.json", "openapi-v3-api-v1.json"])
    func golden(_ file: String) throws {
        let document = try #require(Self.document(file))
        try ResourcesGolden.check(document, against: "discovery/\(file)")
    }

    @Test func unservedGroupVersionsAreNil() {
        #expect(Discovery.apiResourceList(Self.catalog, group: "apps", version: "v1beta1") == nil)
        #expect(Discovery.apiGroup(Self.catalog, group: "nope") == nil)
        #expect(Discovery.apiGroup(Self.catalog, group: "") == nil)
        #expect(OpenAPIStub.document(Self.catalog, group: "nope", version: "v1") == nil)
    }

    @Test func legacyListCarriesSubresourceEntries() throws {
        let list = try #require(Discovery.apiResourceList(Self.catalog, group: "", version: "v1"))
        let entries = list["resources"]?.listValue ?? []
        let names = entries.compactMap { $0["name"]?.stringValue }
        #expect(names == names.sorted())
        let eviction = try #require(entries.first { $0["name"] == "pods/eviction" })
        #expect(eviction["group"] == "policy" && eviction["version"] == "v1" && eviction["kind"] == "Eviction")
        let log = try #require(entries.first { $0["name"] == "pods/log" })
        #expect(log["kind"] == "Pod" && log["verbs"] == ["get"] && log["group"] == nil)
        let pods = try #require(entries.first { $0["name"] == "pods" })
        #expect(pods["shortNames"] == ["po"] && pods["categories"] == ["all"] && pods["namespaced"] == true)
        let secrets = try #require(entries.first { $0["name"] == "secrets" })
        #expect(secrets["shortNames"] == nil && secrets["categories"] == nil)
    }

    @Test func aggregatedShapes() throws {
        let core = Discovery.aggregatedCore(Self.catalog)
        #expect(core["kind"] == "APIGroupDiscoveryList" && core["apiVersion"] == "apidiscovery.k8s.io/v2")
        #expect(core["items"]?.listValue?.count == 1)
        let groups = Discovery.aggregatedGroups(Self.catalog)["items"]?.listValue ?? []
        let names = groups.compactMap { $0["metadata"]?["name"]?.stringValue }
        #expect(names.first == "apps" && names.last == "example.com" && !names.contains(""))
        let autoscaling = try #require(groups.first { $0["metadata"]?["name"] == "autoscaling" })
        #expect(autoscaling["versions"]?.listValue?.compactMap { $0["version"]?.stringValue } == ["v2", "v1"])
        let apps = try #require(groups.first { $0["metadata"]?["name"] == "apps" })
        let deploy = try #require(apps["versions"]?.listValue?.first?["resources"]?.listValue?.first { $0["resource"] == "deployments" })
        #expect(deploy["scope"] == "Namespaced" && deploy["singularResource"] == "deployment")
        #expect(deploy["responseKind"]?["kind"] == "Deployment")
        let scale = try #require(deploy["subresources"]?.listValue?.first { $0["subresource"] == "scale" })
        #expect(scale["responseKind"] == ["group": "autoscaling", "version": "v1", "kind": "Scale"])
        #expect(apps["versions"]?.listValue?.first?["freshness"] == "Current")
    }

    @Test(arguments: [
        ("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json", true),
        ("application/json;as=APIGroupDiscoveryList;v=v2;g=apidiscovery.k8s.io", true),
        ("application/json, */*", false),
        ("application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList", false),
    ])
    func acceptNegotiation(_ accept: String, _ aggregated: Bool) {
        #expect(Discovery.acceptsAggregated(accept) == aggregated)
    }

    @Test func openAPIAdvertisesFieldValidationPerKind() throws {
        let doc = try #require(OpenAPIStub.document(Self.catalog, group: "apps", version: "v1"))
        let paths = doc["paths"]?.mapValue ?? [:]
        #expect(paths.count == 5)
        let item = try #require(paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"])
        let patch = try #require(item["patch"])
        #expect(patch["x-kubernetes-group-version-kind"] == ["group": "apps", "version": "v1", "kind": "Deployment"])
        #expect(patch["parameters"]?.listValue?.contains { $0["name"] == "fieldValidation" && $0["in"] == "query" } == true)
        let content = patch["requestBody"]?["content"]?.mapValue ?? [:]
        #expect(content["application/strategic-merge-patch+json"] == nil)
        #expect(content["application/apply-patch+yaml"] != nil)
        #expect(patch["operationId"] == "patchAppsV1NamespacedDeployment")
        let core = try #require(OpenAPIStub.document(Self.catalog, group: "", version: "v1"))
        #expect(core["paths"]?["/api/v1/nodes/{name}"]?["patch"]?["operationId"] == "patchCoreV1Node")
        // bindings cannot be patched, so they get no path.
        #expect(core["paths"]?["/api/v1/namespaces/{namespace}/bindings/{name}"] == nil)
    }

    @Test func openAPIIndexCoversEveryGroupVersionWithStableHashes() throws {
        let index = OpenAPIStub.index(Self.catalog)
        let paths = index["paths"]?.mapValue ?? [:]
        var expected = 0
        for g in Self.catalog.groups { expected += Self.catalog.versions(of: g).count }
        #expect(paths.count == expected)
        let crd = try #require(paths["apis/example.com/v1alpha1"]?["serverRelativeURL"]?.stringValue)
        #expect(crd.hasPrefix("/openapi/v3/apis/example.com/v1alpha1?hash="))
        #expect(OpenAPIStub.index(Self.catalog) == index)
        #expect(OpenAPIStub.groupVersion(fromRelativePath: "apis/example.com/v1")! == ("example.com", "v1"))
        #expect(OpenAPIStub.groupVersion(fromRelativePath: "api/v1")! == ("", "v1"))
        #expect(OpenAPIStub.groupVersion(fromRelativePath: "apis/x") == nil)
        // A changed document changes its hash.
        let before = try #require(paths["apis/apps/v1"]?["serverRelativeURL"])
        let builtIn = OpenAPIStub.index(.builtIn)
        #expect(builtIn["paths"]?["apis/apps/v1"]?["serverRelativeURL"] == before)
        #expect(builtIn["paths"]?["apis/example.com/v1"] == nil)
    }
}
