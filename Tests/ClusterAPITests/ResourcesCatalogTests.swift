import ClusterAPI
import StructuredData
import Testing

@Suite struct ResourcesCatalogTests {
    let catalog = ResourceCatalog.builtIn

    @Test(arguments: [
        ("po", "", "v1", "pods"), ("pod", "", "v1", "pods"), ("Pod", "", "v1", "pods"), ("pods", "", "v1", "pods"),
        ("deploy", "apps", "v1", "deployments"), ("deployments.apps", "apps", "v1", "deployments"),
        ("deploy.apps", "apps", "v1", "deployments"), ("hpa", "autoscaling", "v2", "horizontalpodautoscalers"),
        ("hpa.v1.autoscaling", "autoscaling", "v1", "horizontalpodautoscalers"),
        ("ev", "", "v1", "events"), ("events.events.k8s.io", "events.k8s.io", "v1", "events"),
        ("crd", "apiextensions.k8s.io", "v1", "customresourcedefinitions"),
        ("crds", "apiextensions.k8s.io", "v1", "customresourcedefinitions"),
        ("netpol", "networking.k8s.io", "v1", "networkpolicies"), ("ep", "", "v1", "endpoints"),
        ("endpoints", "", "v1", "endpoints"), ("cj", "batch", "v1", "cronjobs"), ("sts", "apps", "v1", "statefulsets"),
        ("pc", "scheduling.k8s.io", "v1", "priorityclasses"), ("sc", "storage.k8s.io", "v1", "storageclasses"),
        ("pdb", "policy", "v1", "poddisruptionbudgets"), ("ns", "", "v1", "namespaces"),
        ("lease", "coordination.k8s.io", "v1", "leases"), ("endpointslice", "discovery.k8s.io", "v1", "endpointslices"),
    ])
    func resolvesWhatUsersType(_ input: String, _ group: String, _ version: String, _ plural: String) throws {
        let r = try #require(catalog.resolve(input))
        #expect(r.group == group)
        #expect(r.version == version)
        #expect(r.plural == plural)
    }

    @Test func unknownNamesDoNotResolve() {
        #expect(catalog.resolve("widgets") == nil)
        #expect(catalog.resolve("pods.apps") == nil)
        #expect(catalog.resolve("") == nil)
    }

    @Test func lookupsByResourceAndKind() throws {
        let d = try #require(catalog.resource(group: "apps", version: "v1", plural: "deployments"))
        #expect(d.kind == "Deployment" && d.listKind == "DeploymentList" && d.singular == "deployment")
        #expect(d.namespaced && d.shortNames == ["deploy"] && d.categories == ["all"])
        #expect(d.verbs == ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"])
        #expect(d.subresource("scale") == SubresourceInfo(name: "scale", kind: "Scale", group: "autoscaling",
                                                            version: "v1", verbs: ["get", "patch", "update"]))
        #expect(d.groupResource == "deployments.apps")
        #expect(d.groupVersionPath == "/apis/apps/v1")
        #expect(catalog.resource(group: "autoscaling", kind: "HorizontalPodAutoscaler")?.version == "v2")
        #expect(catalog.resource(for: GroupVersionKind(group: "autoscaling", version: "v1", kind: "HorizontalPodAutoscaler")) != nil)
        #expect(catalog.resource(group: "", version: "v1", plural: "deployments") == nil)
        #expect(catalog.preferredVersion(of: "autoscaling") == "v2")
        #expect(catalog.versions(of: "autoscaling") == ["v2", "v1"])
        let ns = try #require(catalog.resource(group: "", version: "v1", plural: "namespaces"))
        #expect(!ns.namespaced && !ns.supports("deletecollection"))
        #expect(ns.subresources.map(\.name) == ["finalize", "status"])
        let pod = try #require(catalog.resource(group: "", version: "v1", plural: "pods"))
        for sub in ["attach", "binding", "eviction", "exec", "log", "portforward", "status"] {
            #expect(pod.subresource(sub) != nil, "pods/\(sub)")
        }
        #expect(pod.subresource("eviction")?.group == "policy")
        #expect(pod.subresource("exec")?.verbs == ["create", "get"])
        #expect(catalog.resource(group: "", version: "v1", plural: "serviceaccounts")?.subresource("token")?.kind == "TokenRequest")
        #expect(catalog.resource(group: "", version: "v1", plural: "bindings")?.verbs == ["create"])
    }

    @Test func categoryAllInDiscoveryOrder() {
        #expect(catalog.resources(inCategory: "all").map(\.groupResource) == [
            "pods", "replicationcontrollers", "services", "daemonsets.apps", "deployments.apps", "replicasets.apps",
            "statefulsets.apps", "horizontalpodautoscalers.autoscaling", "cronjobs.batch", "jobs.batch",
        ])
        #expect(catalog.resources(inCategory: "api-extensions").map(\.plural) == ["customresourcedefinitions"])
    }

    static let widgetCRD = ResourcesGolden.json("""
    {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
     "metadata":{"name":"widgets.example.com"},
     "spec":{"group":"example.com","scope":"Namespaced",
       "names":{"plural":"widgets","singular":"widget","kind":"Widget","listKind":"WidgetList",
                "shortNames":["wg"],"categories":["all","toys"]},
       "versions":[
         {"name":"v1alpha1","served":true,"storage":false},
         {"name":"v1","served":true,"storage":true,
          "subresources":{"status":{},"scale":{"specReplicasPath":".spec.replicas","statusReplicasPath":".status.replicas"}},
          "additionalPrinterColumns":[
            {"name":"Replicas","type":"integer","jsonPath":".spec.replicas"},
            {"name":"Ready","type":"string","jsonPath":".status.conditions[?(@.type==\\"Ready\\")].status","priority":1}]},
         {"name":"v2beta1","served":false,"storage":false},
         {"name":"v1beta1","served":true,"storage":false}]}}
    """)

    @Test func crdRegistersServedVersionsInPriorityOrder() throws {
        var c = catalog
        try c.add(crd: Self.widgetCRD)
        #expect(c.versions(of: "example.com") == ["v1", "v1beta1", "v1alpha1"])
        #expect(c.groups.last == "example.com")
        let w = try #require(c.resolve("wg"))
        #expect(w.version == "v1" && w.kind == "Widget" && w.isCustomResource && w.namespaced)
        #expect(w.subresources.map(\.name) == ["scale", "status"])
        #expect(w.printerColumns.map(\.name) == ["Replicas", "Ready"])
        #expect(w.printerColumns[1].priority == 1)
        #expect(c.resource(group: "example.com", version: "v2beta1", plural: "widgets") == nil)
        #expect(c.resource(group: "example.com", version: "v1alpha1", plural: "widgets")?.subresources == [])
        #expect(c.resources(inCategory: "all").last?.plural == "widgets")
        // Re-adding replaces; removing by object or name drops every version.
        try c.add(crd: Self.widgetCRD)
        #expect(c.resources.filter { $0.plural == "widgets" }.count == 3)
        let removed = c.remove(crd: Self.widgetCRD)
        #expect(removed)
        #expect(c.resolve("widgets") == nil)
        #expect(c.groups.contains("example.com") == false)
        let again = c.remove(crdNamed: "widgets.example.com")
        #expect(again == false)
    }

    @Test(arguments: [
        (#"{"spec":{"scope":"Namespaced","names":{"plural":"a","kind":"A"},"versions":[{"name":"v1","served":true}]}}"#,
         "spec.group: Required value"),
        (#"{"spec":{"group":"x.io","scope":"Namespaced","names":{"kind":"A"},"versions":[{"name":"v1","served":true}]}}"#,
         "spec.names.plural: Required value"),
        (#"{"spec":{"group":"x.io","scope":"Global","names":{"plural":"a","kind":"A"},"versions":[{"name":"v1","served":true}]}}"#,
         #"spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced""#),
        (#"{"spec":{"group":"x.io","scope":"Cluster","names":{"plural":"a","kind":"A"},"versions":[]}}"#,
         "spec.versions: Invalid value: must have exactly one version marked as storage version"),
        (#"{"spec":{"group":"apps","scope":"Namespaced","names":{"plural":"deployments","kind":"D"},"versions":[{"name":"v9","served":true}]}}"#,
         "CustomResourceDefinition deployments.apps collides with a built-in resource"),
        (#"[1,2]"#, "CustomResourceDefinition must be an object"),
    ])
    func crdErrors(_ json: String, _ message: String) {
        var c = catalog
        var thrown: CatalogError?
        do { try c.add(crd: ResourcesGolden.json(json)) } catch { thrown = error }
        #expect(thrown == CatalogError(message))
        #expect(c.resources == catalog.resources)
    }

    @Test func clusterScopedCRDWithoutOptionalNames() throws {
        var c = catalog
        try c.add(crd: ResourcesGolden.json(#"""
        {"spec":{"group":"ops.io","scope":"Cluster","names":{"plural":"gadgets","kind":"Gadget"},
                 "versions":[{"name":"v1","served":true,"storage":true}]}}
        """#))
        let g = try #require(c.resource(group: "ops.io", version: "v1", plural: "gadgets"))
        #expect(!g.namespaced && g.singular == "gadget" && g.listKind == "GadgetList" && g.shortNames.isEmpty)
    }
}
