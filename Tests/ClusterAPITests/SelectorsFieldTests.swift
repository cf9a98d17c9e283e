import ClusterAPI
import StructuredData
import Testing

@Suite struct SelectorsFieldTests {
    static let catalog = ResourceCatalog.builtIn
    static func resource(_ name: String) -> ResourceInfo? { catalog.resolve(name) }

    static let pod = ResourcesGolden.json("""
    {"metadata":{"name":"web-1","namespace":"default"},
     "spec":{"nodeName":"node1","restartPolicy":"Always","schedulerName":"default-scheduler","serviceAccountName":"default"},
     "status":{"phase":"Running","podIP":"10.244.0.7","podIPs":[{"ip":"10.244.0.7"}]}}
    """)

    @Test(arguments: [
        ("", true), ("metadata.name=web-1", true), ("metadata.name==web-1", true), ("metadata.name!=web-1", false),
        ("metadata.namespace=default,status.phase=Running", true), ("status.phase!=Running", false),
        ("spec.nodeName=node1", true), ("spec.nodeName=", false), ("status.nominatedNodeName=", true),
        ("status.podIP=10.244.0.7", true), ("spec.hostNetwork=false", true), ("spec.restartPolicy=Never", false),
        ("spec.schedulerName=default-scheduler,spec.serviceAccountName=default", true),
    ])
    func podMatching(_ text: String, _ expected: Bool) throws {
        let sel = try FieldSelector(parsing: text, for: Self.resource("pods"))
        #expect(sel.matches(object: Self.pod) == expected)
    }

    @Test func eventSelectorFromKubectlDescribe() throws {
        let text = "involvedObject.name=P,involvedObject.namespace=default,involvedObject.uid=u-1,involvedObject.kind=Pod"
        let sel = try FieldSelector(parsing: text, for: Self.resource("events"))
        let event = ResourcesGolden.json("""
        {"metadata":{"name":"P.1","namespace":"default"},"reason":"Pulled","type":"Normal","source":{"component":"kubelet"},
         "involvedObject":{"kind":"Pod","name":"P","namespace":"default","uid":"u-1"}}
        """)
        #expect(sel.matches(object: event))
        #expect(try FieldSelector(parsing: "source=kubelet,type=Normal,reason=Pulled", for: Self.resource("events")).matches(object: event))
        #expect(!(try FieldSelector(parsing: "involvedObject.uid=other", for: Self.resource("events")).matches(object: event)))
        #expect(sel.description == "involvedObject.kind=Pod,involvedObject.name=P,involvedObject.namespace=default,involvedObject.uid=u-1")
    }

    @Test(arguments: [
        ("secrets", "type=helm.sh/release.v1", #"{"metadata":{"name":"s"},"type":"helm.sh/release.v1"}"#, true),
        ("nodes", "spec.unschedulable=true", #"{"metadata":{"name":"n"},"spec":{"unschedulable":true}}"#, true),
        ("nodes", "spec.unschedulable=false", #"{"metadata":{"name":"n"},"spec":{}}"#, true),
        ("namespaces", "status.phase=Terminating", #"{"metadata":{"name":"x"},"status":{"phase":"Active"}}"#, false),
        ("jobs", "status.successful=1", #"{"metadata":{"name":"j"},"status":{"succeeded":1}}"#, true),
        ("replicasets", "status.replicas=0", #"{"metadata":{"name":"r"},"status":{}}"#, true),
        ("deployments", "metadata.name=api", #"{"metadata":{"name":"api"}}"#, true),
        ("configmaps", "metadata.name=a\\,b", #"{"metadata":{"name":"a,b"}}"#, true),
    ])
    func perKindFields(_ resource: String, _ text: String, _ json: String, _ expected: Bool) throws {
        let sel = try FieldSelector(parsing: text, for: Self.resource(resource))
        #expect(sel.matches(object: ResourcesGolden.json(json)) == expected)
    }

    @Test(arguments: [
        ("pods", "spec.foo=x", "field label not supported: spec.foo"),
        ("secrets", "data=x", "field label not supported: data"),
        ("replicasets", "spec.replicas=1", "field label not supported for appsv1.ReplicaSet: spec.replicas"),
        ("deployments", "status.replicas=1", #""status.replicas" is not a known field selector: only "metadata.name", "metadata.namespace""#),
        ("pods", "metadata.name", "invalid selector: 'metadata.name'; can't understand 'metadata.name'"),
        ("pods", "a=b,c", "invalid selector: 'a=b,c'; can't understand 'c'"),
        ("pods", "metadata.name=a\\b", "invalid field selector: invalid escape sequence: \\b"),
        ("pods", "metadata.name=a=b", "invalid field selector: unescaped character in value: 61"),
    ])
    func errors(_ resource: String, _ text: String, _ message: String) {
        #expect(throws: SelectorError(message)) { try FieldSelector(parsing: text, for: Self.resource(resource)) }
    }

    @Test func helpersAndCustomResources() throws {
        #expect(try FieldSelector(parsing: "metadata.name=api", for: Self.resource("deployments")).singleName == "api")
        #expect(try FieldSelector(parsing: "metadata.name!=api", for: nil).singleName == nil)
        #expect(try FieldSelector(parsing: "", for: nil).isEverything)
        #expect(FieldSelector.supportedFields(for: Self.resource("namespaces")) == ["metadata.name", "metadata.namespace", "status.phase"])
        var c = Self.catalog
        try c.add(crd: ResourcesCatalogTests.widgetCRD)
        #expect(throws: SelectorError("field label not supported: spec.size")) {
            try FieldSelector(parsing: "spec.size=1", for: c.resolve("widgets"))
        }
    }
}
