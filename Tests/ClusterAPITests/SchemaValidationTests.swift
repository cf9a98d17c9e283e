import Testing
import ClusterAPI
import StructuredData

@Suite struct SchemaValidationTests {
    static let deployment = GroupVersionKind(group: "apps", version: "v1", kind: "Deployment")

    @Test(arguments: ProtobufFixtures.names)
    func fixtureObjectsHaveNoUnknownFields(name: String) throws {
        let object = try ProtobufFixtures.expected(name)
        guard let apiVersion = object["apiVersion"]?.stringValue, let kind = object["kind"]?.stringValue else {
            Issue.record("\(name) has no apiVersion/kind")
            return
        }
        #expect(SchemaValidation.unknownFields(in: object, gvk: GroupVersionKind(apiVersion: apiVersion, kind: kind))
                    == [])
    }

    @Test func findsUnknownNestedFieldWithItsPath() {
        let object: Value = [
            "apiVersion": "apps/v1", "kind": "Deployment", "bogus": true,
            "metadata": ["name": "web", "labels": ["any-key": "ok"], "nmae": "typo"],
            "spec": [
                "replicas": 1,
                "template": ["spec": ["containers": [
                    ["name": "a", "image": "nginx"],
                    ["name": "b", "image": "nginx", "foo": 1, "ports": [["containerPort": 80, "hostPortt": 1]]],
                ]]],
            ],
        ]
        #expect(SchemaValidation.unknownFields(in: object, gvk: Self.deployment) == [
            ".bogus",
            ".metadata.nmae",
            ".spec.template.spec.containers[1].foo",
            ".spec.template.spec.containers[1].ports[0].hostPortt",
        ])
    }

    @Test func specialTypesAndInlineStructsAreKnown() {
        let pod: Value = [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": ["name": "p", "creationTimestamp": "2024-01-02T03:04:05Z",
                         "managedFields": [["manager": "m", "fieldsV1": ["f:spec": ["anything": [:]]]]]],
            "spec": [
                "containers": [[
                    "name": "c",
                    "livenessProbe": ["httpGet": ["port": "http", "path": "/"], "periodSeconds": 5],
                    "resources": ["limits": ["cpu": "1", "memory": 1_000_000]],
                    "env": [["name": "X", "valueFrom": ["secretKeyRef": ["name": "s", "key": "k"]]]],
                ]],
                "volumes": [["name": "v", "configMap": ["name": "cm", "defaultMode": 420]]],
            ],
        ]
        #expect(SchemaValidation.unknownFields(in: pod, gvk: GroupVersionKind(group: "", version: "v1", kind: "Pod"))
                    == [])
        let probeTypo: Value = ["spec": ["containers": [["name": "c", "livenessProbe": ["handler": [:]]]]]]
        #expect(SchemaValidation.unknownFields(in: probeTypo, gvk: GroupVersionKind(group: "", version: "v1", kind: "Pod"))
                    == [".spec.containers[0].livenessProbe.handler"])
    }

    @Test func crdSchemasAreFreeForm() {
        let crd: Value = [
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": ["name": "widgets.example.com"],
            "spec": ["group": "example.com", "scope": "Namespaced",
                     "names": ["plural": "widgets", "kind": "Widget"],
                     "versions": [["name": "v1", "served": true, "storage": true,
                                   "schema": ["openAPIV3Schema": ["type": "object",
                                                                  "x-kubernetes-preserve-unknown-fields": true,
                                                                  "properties": ["spec": ["type": "object"]]]]]]],
        ]
        let gvk = GroupVersionKind(group: "apiextensions.k8s.io", version: "v1", kind: "CustomResourceDefinition")
        #expect(SchemaValidation.unknownFields(in: crd, gvk: gvk) == [])
    }

    @Test func unknownKindHasNoSchema() {
        let gvk = GroupVersionKind(group: "example.com", version: "v1", kind: "Widget")
        #expect(SchemaValidation.unknownFields(in: ["spec": ["x": 1]], gvk: gvk) == [])
    }
}
