import Testing
import ClusterStore
import NIOHTTP1
import StructuredData
@testable import ClusterCore

/// EndpointSlices and Endpoints for selector Services; the default ServiceAccount.
@Suite struct WorkloadEndpointsTests {
    func pod(_ h: WorkloadHarness, _ name: String, app: String = "web") async -> Value {
        await h.create("/api/v1/namespaces/default/pods", #"""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"\#(name)","labels":{"app":"\#(app)"}},
             "spec":{"containers":[{"name":"c","image":"nginx","ports":[{"name":"http","containerPort":8080}]}]}}
            """#).body
    }

    @Test func slicesAndEndpointsFollowPodReadiness() async throws {
        let h = try await WorkloadHarness.make()
        #expect(await h.create("/api/v1/namespaces/default/services", #"""
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","labels":{"team":"a"}},
             "spec":{"selector":{"app":"web"},"ports":[{"name":"http","port":80,"targetPort":"http"},{"name":"raw","port":81}]}}
            """#).code == 201)
        let a = await pod(h, "a"), b = await pod(h, "b")
        _ = await pod(h, "c")
        _ = await pod(h, "other", app: "db")
        await h.run(a, ip: "10.42.0.5")
        await h.run(b, ready: false, ip: "10.42.0.6")
        await h.settle()
        let slices = await h.items("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices")
        try #require(slices.count == 1)
        let slice = slices[0]
        #expect(slice.name.hasPrefix("web-") && slice[path: "addressType"]?.stringValue == "IPv4")
        #expect(slice[path: "metadata.labels"]?["kubernetes.io/service-name"]?.stringValue == "web")
        #expect(slice[path: "metadata.labels"]?["endpointslice.kubernetes.io/managed-by"]?.stringValue == "endpointslice-controller.k8s.io")
        #expect(slice.owners() == ["web"])
        let endpoints = slice[path: "endpoints"]?.listValue ?? []
        #expect(endpoints.map { $0[path: "addresses.0"]?.stringValue } == ["10.42.0.5", "10.42.0.6"])
        #expect(endpoints.map { $0[path: "conditions.ready"] } == [.bool(true), .bool(false)])
        #expect(endpoints[0][path: "targetRef.name"]?.stringValue == "a")
        let ports = (slice[path: "ports"]?.listValue ?? []).map { "\($0["name"]?.stringValue ?? ""):\($0["port"]?.intValue ?? 0)" }
        #expect(Set(ports) == ["http:8080", "raw:81"])
        var ep = await h.get("/api/v1/namespaces/default/endpoints/web")
        #expect(ep[path: "subsets.0.addresses"]?.listValue?.map { $0["ip"]?.stringValue } == ["10.42.0.5"])
        #expect(ep[path: "subsets.0.notReadyAddresses"]?.listValue?.map { $0["ip"]?.stringValue } == ["10.42.0.6"])
        #expect(ep[path: "metadata.labels.team"]?.stringValue == "a")
        await h.run(b, ready: true, ip: "10.42.0.6")
        await h.settle()
        ep = await h.get("/api/v1/namespaces/default/endpoints/web")
        #expect(ep[path: "subsets.0.addresses"]?.listValue?.count == 2 && ep[path: "subsets.0.notReadyAddresses"] == nil)
        // The Service goes: its Endpoints and (by ownerReference) its slice follow.
        await h.api.call(.DELETE, "/api/v1/namespaces/default/services/web")
        await h.settle()
        #expect(await h.api.call(.GET, "/api/v1/namespaces/default/endpoints/web").code == 404)
        #expect(await h.items("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices").isEmpty)
    }

    @Test func everyNamespaceGetsADefaultServiceAccount() async throws {
        let h = try await WorkloadHarness.make()
        await h.create("/api/v1/namespaces", #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team"}}"#)
        await h.settle()
        #expect(await h.api.call(.GET, "/api/v1/namespaces/team/serviceaccounts/default").code == 200)
        #expect(await h.api.call(.GET, "/api/v1/namespaces/default/serviceaccounts/default").code == 200)
        await h.api.call(.DELETE, "/api/v1/namespaces/team/serviceaccounts/default")
        await h.settle()
        #expect(await h.api.call(.GET, "/api/v1/namespaces/team/serviceaccounts/default").code == 200)
    }
}

/// `kube-root-ca.crt` in every namespace when the server has a CA.
@Suite struct WorkloadRootCATests {
    @Test func everyNamespaceGetsTheRootCA() async throws {
        let store = MemoryStore()
        let tls = APIServerConfiguration.TLS(certificateChainPEM: "cert", privateKeyPEM: "key", clientCAPEM: "-----BEGIN CERTIFICATE-----\nCA\n")
        let config = APIServerConfiguration(tls: tls, tokens: [:], store: store)
        let clock = StepClock()
        let h = WorkloadHarness(api: TestAPI(handler: try await APIHandler.start(config: config, clock: clock), store: store), clock: clock)
        await h.create("/api/v1/namespaces", #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team"}}"#)
        await h.settle()
        let cm = await h.get("/api/v1/namespaces/team/configmaps/kube-root-ca.crt")
        #expect(cm[path: "data"]?["ca.crt"]?.stringValue == "-----BEGIN CERTIFICATE-----\nCA\n")
        await h.mergePatch("/api/v1/namespaces/team/configmaps/kube-root-ca.crt", #"{"data":{"ca.crt":"tampered"}}"#)
        await h.settle()
        #expect(await h.get("/api/v1/namespaces/team/configmaps/kube-root-ca.crt")[path: "data"]?["ca.crt"]?.stringValue?.hasSuffix("CA\n") == true)
        // Without TLS (the other tests) there is none.
        let plain = try await WorkloadHarness.make()
        await plain.settle()
        #expect(await plain.api.call(.GET, "/api/v1/namespaces/default/configmaps/kube-root-ca.crt").code == 404)
    }
}

/// Service variants: publishNotReadyAddresses, ExternalName.
@Suite struct WorkloadEndpointsVariantTests {
    @Test func publishNotReadyAndExternalName() async throws {
        let h = try await WorkloadHarness.make()
        await h.create("/api/v1/namespaces/default/services", #"""
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"peers"},"spec":{"clusterIP":"None","publishNotReadyAddresses":true,
             "selector":{"app":"db"},"ports":[{"port":5432}]}}
            """#)
        await h.create("/api/v1/namespaces/default/services", #"""
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"ext"},"spec":{"type":"ExternalName","externalName":"example.com","selector":{"app":"db"}}}
            """#)
        let pod = await h.create("/api/v1/namespaces/default/pods",
                                 #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"db-0","labels":{"app":"db"}},"spec":{"containers":[{"name":"c","image":"pg"}]}}"#).body
        await h.run(pod, ready: false, ip: "10.42.0.9")
        await h.settle()
        let ep = await h.get("/api/v1/namespaces/default/endpoints/peers")
        #expect(ep[path: "subsets.0.addresses.0.ip"]?.stringValue == "10.42.0.9" && ep[path: "subsets.0.notReadyAddresses"] == nil)
        #expect(ep[path: "subsets.0.ports.0.port"]?.intValue == 5432)
        #expect(await h.api.call(.GET, "/api/v1/namespaces/default/endpoints/ext").code == 404)
        let slices = await h.items("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices")
        #expect(slices.count == 1 && slices[0][path: "endpoints.0.conditions.ready"] == .bool(true))
    }
}
