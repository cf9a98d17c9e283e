import Testing
import ClusterAPI
import StructuredData

private let deploymentGVK = GroupVersionKind(group: "apps", version: "v1", kind: "Deployment")
private let configMapGVK = GroupVersionKind(group: "", version: "v1", kind: "ConfigMap")
private let serviceGVK = GroupVersionKind(group: "", version: "v1", kind: "Service")

private func configMap(name: String, annotations: [String: Value] = [:], data: [String: Value] = [:]) -> Value {
    ["apiVersion": "v1", "kind": "ConfigMap",
     "metadata": ["name": .string(name), "namespace": "default", "annotations": .map(annotations)],
     "data": .map(data)]
}

/// Hand-written expectations for the admission API (fixture cases live in AdmissionFixtureTests).
@Suite struct AdmissionTests {
    @Test func badNameCauseMatchesKubernetesWording() {
        let causes = Admission.validate(configMap(name: "Bad_Name"), old: nil, gvk: configMapGVK)
        #expect(causes == [FieldCause(
            reason: "FieldValueInvalid",
            message: #"Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"#,
            field: "metadata.name")])
    }

    @Test func invalidMessageAggregatesLikeTheAPIServer() {
        let one = [FieldCause(reason: "FieldValueRequired", message: "Required value", field: "spec.selector")]
        #expect(Admission.invalidMessage(kind: "Deployment", group: "apps", name: "web", causes: one)
            == #"Deployment.apps "web" is invalid: spec.selector: Required value"#)
        let two = one + [FieldCause(reason: "FieldValueInvalid", message: "Invalid value: -1: must be greater than or equal to 0", field: "spec.replicas")] + one
        #expect(Admission.invalidMessage(kind: "Pod", group: "", name: "p", causes: two)
            == #"Pod "p" is invalid: [spec.selector: Required value, spec.replicas: Invalid value: -1: must be greater than or equal to 0]"#)
    }

    @Test func integralFloatsCountAsIntegers() {
        var d = Admission.applyDefaults([
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": ["name": "web", "namespace": "default"],
            "spec": ["replicas": -1.0, "selector": ["matchLabels": ["app": "web"]],
                     "template": ["metadata": ["labels": ["app": "web"]], "spec": ["containers": [["name": "web", "image": "nginx"]]]]],
        ], gvk: deploymentGVK)
        #expect(Admission.validate(d, old: nil, gvk: deploymentGVK).map(\.description)
            == ["spec.replicas: Invalid value: -1: must be greater than or equal to 0"])
        d = Admission.applyDefaults(.map(["kind": "Deployment"]), gvk: deploymentGVK)
        #expect(d["spec"]?["replicas"] == .int(1))
    }

    @Test func annotationSizeLimitIs256KiB() {
        let atLimit = configMap(name: "cfg", annotations: ["a": .string(String(repeating: "x", count: 262_143))])
        #expect(Admission.validate(atLimit, old: nil, gvk: configMapGVK).isEmpty)
        let over = configMap(name: "cfg", annotations: ["a": .string(String(repeating: "x", count: 262_144))])
        #expect(Admission.validate(over, old: nil, gvk: configMapGVK)
            == [FieldCause(reason: "FieldValueTooLong", message: "Too long: may not be more than 262144 bytes", field: "metadata.annotations")])
    }

    @Test func configMapSizeLimitIsOneMiB() {
        let big = configMap(name: "cfg", data: ["a": .string(String(repeating: "x", count: 1_048_576)), "b": "y"])
        let causes = Admission.validate(big, old: nil, gvk: configMapGVK)
        #expect(causes == [FieldCause(reason: "FieldValueTooLong", message: "Too long: may not be more than 1048576 bytes", field: "")])
        #expect(Admission.invalidMessage(kind: "ConfigMap", group: "", name: "cfg", causes: causes)
            == #"ConfigMap "cfg" is invalid: : Too long: may not be more than 1048576 bytes"#)
    }

    @Test(arguments: [
        // (old spec, new spec, changed)
        (Value.map(["replicas": 1]), Value.map(["replicas": 1.0]), false),
        (Value.map(["replicas": 1]), Value.map(["replicas": 2]), true),
        (Value.map(["paused": .null]), Value.map([:]), false),
    ])
    func specChangedComparesSemantically(old: Value, new: Value, changed: Bool) {
        let o: Value = ["metadata": ["name": "a"], "spec": old, "status": ["replicas": 1]]
        let n: Value = ["metadata": ["name": "a", "labels": ["x": "y"]], "spec": new, "status": ["replicas": 5]]
        #expect(Admission.specChanged(old: o, new: n, gvk: deploymentGVK) == changed)
    }

    @Test func specChangedForKindsWithoutSpec() {
        let old = configMap(name: "cfg", data: ["a": "1"])
        var new = configMap(name: "cfg", annotations: ["note": "x"], data: ["a": "1"])
        #expect(!Admission.specChanged(old: old, new: new, gvk: configMapGVK))
        new = configMap(name: "cfg", data: ["a": "2"])
        #expect(Admission.specChanged(old: old, new: new, gvk: configMapGVK))
    }

    @Test func serviceAllocationHelpers() {
        let clusterIP = Admission.applyDefaults(["spec": ["ports": [["port": 80]]]], gvk: serviceGVK)
        #expect(Admission.serviceNeedsClusterIP(clusterIP))
        #expect(Admission.serviceNodePortsNeeded(clusterIP).isEmpty)
        #expect(!Admission.serviceNeedsClusterIP(["spec": ["clusterIP": "None"]]))
        #expect(!Admission.serviceNeedsClusterIP(["spec": ["type": "ExternalName", "externalName": "x.example.com"]]))
        #expect(!Admission.serviceNeedsClusterIP(["spec": ["clusterIP": "10.96.0.5"]]))
        let nodePort: Value = ["spec": ["type": "NodePort", "ports": [["port": 80, "nodePort": 30001], ["port": 81], ["port": 82, "nodePort": 0]]]]
        #expect(Admission.serviceNodePortsNeeded(nodePort) == [1, 2])
        let lb: Value = ["spec": ["type": "LoadBalancer", "allocateLoadBalancerNodePorts": false, "ports": [["port": 80]]]]
        #expect(Admission.serviceNodePortsNeeded(lb).isEmpty)
    }

    @Test func unknownKindsAndHostileInputAreLeftAlone() {
        let widget = GroupVersionKind(group: "example.com", version: "v1", kind: "Widget")
        let obj: Value = ["metadata": ["name": "Bad_Name"], "spec": ["x": 1]]
        #expect(Admission.applyDefaults(obj, gvk: widget) == obj)
        #expect(Admission.validate(obj, old: nil, gvk: widget).isEmpty)
        // Wrong shapes everywhere: no crash, and the causes say what is missing.
        let hostile: Value = ["metadata": "x", "spec": ["containers": "nope", "volumes": [1, "a", .null], "selector": 7]]
        for kind in ["Pod", "Deployment", "Service", "Secret", "Namespace"] {
            let gvk = GroupVersionKind(group: kind == "Deployment" ? "apps" : "", version: "v1", kind: kind)
            let defaulted = Admission.applyDefaults(hostile, gvk: gvk)
            #expect(!Admission.validate(defaulted, old: hostile, gvk: gvk).isEmpty)
        }
        #expect(Admission.applyDefaults("scalar", gvk: deploymentGVK) == "scalar")
        #expect(Admission.validate(.list([]), old: nil, gvk: deploymentGVK).isEmpty)
    }

    @Test func customResourcesGetGenericMetadataChecks() {
        let widget: Value = ["apiVersion": "example.com/v1", "kind": "Widget", "metadata": ["name": "Bad_Name", "labels": ["ok": "fine"]]]
        #expect(Admission.validateObjectMeta(widget, old: nil, namespaced: true).map(\.description) == [
            #"metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"#,
            "metadata.namespace: Required value",
        ])
        let clusterScoped: Value = ["metadata": ["name": "w", "namespace": "default"]]
        #expect(Admission.validateObjectMeta(clusterScoped, old: nil, namespaced: false).map(\.description)
            == ["metadata.namespace: Forbidden: not allowed on this type"])
    }

    @Test func podDefaultsAreIdempotentAndKeepUserValues() {
        let gvk = GroupVersionKind(group: "", version: "v1", kind: "Pod")
        let pod: Value = ["metadata": ["name": "p", "namespace": "d"],
                          "spec": ["terminationGracePeriodSeconds": 5, "containers": [["name": "c", "image": "a:latest", "imagePullPolicy": "IfNotPresent"]]]]
        let once = Admission.applyDefaults(pod, gvk: gvk)
        #expect(once["spec"]?["terminationGracePeriodSeconds"] == .int(5))
        #expect(once["spec"]?["containers"]?.listValue?.first?["imagePullPolicy"] == "IfNotPresent")
        #expect(Admission.applyDefaults(once, gvk: gvk) == once)
        #expect(Admission.validate(once, old: nil, gvk: gvk).isEmpty)
    }
}
