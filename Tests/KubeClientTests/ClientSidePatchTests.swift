import Testing
import Foundation
import StructuredData
@testable import KubeClient

/// Helm 3's client-side three-way merge (`--server-side=false`).
@Suite struct ClientSidePatchTests {
    static let deployments = APIResource(group: "apps", version: "v1", name: "deployments", kind: "Deployment", namespaced: true)
    static let widgets = APIResource(group: "example.com", version: "v1", name: "widgets", kind: "Widget", namespaced: true)

    func yaml(_ s: String) throws -> Value { try YAML.decode(s, numbersAsFloat: false) }

    func deployment(replicas: Int, image: String, env: String = "") -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: \(replicas)
          template:
            spec:
              containers:
              - name: web
                image: \(image)
        \(env)
        """
    }

    @Test func aLiveChangeTheChartDoesNotTouchSurvives() throws {
        let original = try yaml(deployment(replicas: 1, image: "nginx:1"))
        let modified = try yaml(deployment(replicas: 1, image: "nginx:2"))
        // Someone set a field the chart never sets, and the server defaulted another.
        var current = try yaml(deployment(replicas: 1, image: "nginx:1")
            .replacingOccurrences(of: "  replicas: 1\n", with: "  replicas: 1\n  minReadySeconds: 9\n"))
        current = try yaml(JSON.encode(current).replacingOccurrences(of: #""image":"nginx:1""#,
                                                                      with: #""image":"nginx:1","imagePullPolicy":"IfNotPresent""#))
        #expect(current["spec"]?["minReadySeconds"] == 9)
        let p = ClientSidePatch.patch(for: Self.deployments, original: original, modified: modified, current: current)
        #expect(p.contentType == "application/strategic-merge-patch+json")
        #expect(p.body == ["spec": ["template": ["spec": ["containers": [["name": "web", "image": "nginx:2"]]]]]])
    }

    @Test func aFieldTheChartSetsIsResetWhenChangedLive() throws {
        let original = try yaml(deployment(replicas: 2, image: "nginx:1"))
        let current = try yaml(deployment(replicas: 5, image: "nginx:1"))
        let p = ClientSidePatch.strategicThreeWay(original: original, modified: original, current: current)
        #expect(p == ["spec": ["replicas": 2]])
    }

    @Test func fieldsRemovedFromTheChartAreRemovedLive() throws {
        let env = "        env: [{name: A, value: '1'}, {name: B, value: '2'}]"
        let original = try yaml(deployment(replicas: 1, image: "nginx:1", env: env)
            .replacingOccurrences(of: "  replicas: 1\n", with: "  replicas: 1\n  minReadySeconds: 5\n"))
        let modified = try yaml(deployment(replicas: 1, image: "nginx:1", env: "        env: [{name: A, value: '1'}]"))
        let p = ClientSidePatch.strategicThreeWay(original: original, modified: modified, current: original)
        #expect(p == ["spec": ["minReadySeconds": nil,
                               "template": ["spec": ["containers": [["name": "web",
                                   "env": [["name": "B", "$patch": "delete"]]]]]]]])
    }

    @Test func aContainerDroppedFromTheChartIsDeletedByKey() throws {
        let two = try yaml("spec: {template: {spec: {containers: [{name: a, image: x}, {name: b, image: y}]}}}")
        let one = try yaml("spec: {template: {spec: {containers: [{name: a, image: x}]}}}")
        let p = ClientSidePatch.strategicThreeWay(original: two, modified: one, current: two)
        #expect(p == ["spec": ["template": ["spec": ["containers": [["name": "b", "$patch": "delete"]]]]]])
    }

    @Test func finalizersMergeAsASet() throws {
        let original = try yaml("metadata: {finalizers: [a, b]}")
        let modified = try yaml("metadata: {finalizers: [a, c]}")
        let p = ClientSidePatch.strategicThreeWay(original: original, modified: modified, current: original)
        #expect(p == ["metadata": ["finalizers": ["c"], "$deleteFromPrimitiveList/finalizers": ["b"]]])
    }

    @Test(arguments: [
        ("spec: {ports: [{port: 80, name: a}]}", "port"),
        ("spec: {containers: [{name: c, ports: [{containerPort: 80}]}]}", "containerPort"),
    ])
    func portsMergeByTheirKey(_ doc: String, _ key: String) throws {
        let v = try yaml(doc)
        let ports = v["spec"]?["ports"] ?? v["spec"]?["containers"]?.listValue?.first?["ports"]
        let path = v["spec"]?["ports"] != nil ? ["spec"] : ["spec", "containers"]
        #expect(ListStrategy.of("ports", path: path, sample: ports?.listValue?.first) == .byKey(key))
    }

    @Test func customResourcesGetATwoWayMergePatch() throws {
        let original = try yaml("apiVersion: example.com/v1\nkind: Widget\nspec: {size: 1, color: red}\n")
        let modified = try yaml("apiVersion: example.com/v1\nkind: Widget\nspec: {size: 2}\n")
        let current = try yaml("apiVersion: example.com/v1\nkind: Widget\nspec: {size: 1, color: red, owner: ops}\n")
        let p = ClientSidePatch.patch(for: Self.widgets, original: original, modified: modified, current: current)
        #expect(p.contentType == "application/merge-patch+json")
        #expect(p.body == ["spec": ["size": 2, "color": nil]])
    }

    @Test func nothingChangedIsAnEmptyPatch() throws {
        let d = try yaml(deployment(replicas: 1, image: "nginx:1"))
        // Integral floats and integers are the same number.
        let live = try yaml(deployment(replicas: 1, image: "nginx:1").replacingOccurrences(of: "replicas: 1", with: "replicas: 1.0"))
        #expect(ClientSidePatch.isEmpty(ClientSidePatch.strategicThreeWay(original: d, modified: d, current: live)))
        #expect(ClientSidePatch.isEmpty(ClientSidePatch.mergeTwoWay(original: d, modified: d)))
    }
}
