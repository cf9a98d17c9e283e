import Testing
import NIOHTTP1
import StructuredData
@testable import ClusterCore

/// Custom resources are pruned and validated by their CRD's openAPIV3Schema, as Kubernetes does.
@Suite struct CustomResourceSchemaTests {
    static let crd = #"""
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"gadgets.example.com"},
         "spec":{"group":"example.com","scope":"Namespaced","names":{"plural":"gadgets","singular":"gadget","kind":"Gadget"},
         "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","properties":{
           "spec":{"type":"object","required":["size"],"properties":{
             "size":{"type":"integer","minimum":1,"maximum":10},
             "color":{"type":"string","enum":["red","blue"]},
             "port":{"x-kubernetes-int-or-string":true},
             "labels":{"type":"object","additionalProperties":{"type":"string"}},
             "free":{"type":"object","x-kubernetes-preserve-unknown-fields":true},
             "tags":{"type":"array","maxItems":2,"items":{"type":"string"}}}},
           "status":{"type":"object","properties":{"ready":{"type":"boolean"}}}}}}}]}}
        """#

    func api() async throws -> TestAPI {
        let api = try await TestAPI.make()
        #expect(await api.call(.POST, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", json: Self.crd).code == 201)
        return api
    }

    func gadget(_ spec: String, name: String = "g") -> String {
        #"{"apiVersion":"example.com/v1","kind":"Gadget","metadata":{"name":"\#(name)"},"spec":\#(spec)}"#
    }

    let path = "/apis/example.com/v1/namespaces/default/gadgets"

    @Test func validObjectsAreStoredWithUnknownFieldsPruned() async throws {
        let api = try await api()
        let made = await api.call(.POST, path + "?fieldValidation=Ignore",
                                  json: gadget(#"{"size":3,"color":"red","port":"http","labels":{"a":"b"},"free":{"x":{"y":1}},"colour":"x"}"#))
        #expect(made.code == 201, "\(made.text)")
        #expect(made.body[path: "spec.colour"] == nil)
        #expect(made.body[path: "spec.free.x.y"] == 1)
        #expect(made.body[path: "spec.labels.a"] == "b")
        let warned = await api.call(.POST, path, json: gadget(#"{"size":3,"colour":"x"}"#, name: "w"))
        #expect(warned.code == 201)
        #expect(warned.headers.contains { $0.0 == "Warning" && $0.1.contains("spec.colour") })
        let strict = await api.call(.POST, path + "?fieldValidation=Strict", json: gadget(#"{"size":3,"colour":"x"}"#, name: "s"))
        #expect(strict.code == 400)
        #expect(strict.message.contains(#"unknown field "spec.colour""#))
    }

    @Test(arguments: [
        (#"{"color":"red"}"#, "spec.size", "Required value"),
        (#"{"size":"big"}"#, "spec.size", "spec.size in body must be of type integer"),
        (#"{"size":11}"#, "spec.size", "should be less than or equal to 10"),
        (#"{"size":0}"#, "spec.size", "should be greater than or equal to 1"),
        (#"{"size":2,"color":"pink"}"#, "spec.color", #"Unsupported value: "pink": supported values: "red", "blue""#),
        (#"{"size":2,"tags":["a","b","c"]}"#, "spec.tags", "must have at most 2 items"),
        (#"{"size":2,"labels":{"a":1}}"#, "spec.labels.a", "must be of type string"),
        (#"{"size":2,"port":true}"#, "spec.port", "must be of type integer,string"),
    ])
    func invalidObjectsAreRefused(spec: String, field: String, words: String) async throws {
        let api = try await api()
        let reply = await api.call(.POST, path, json: gadget(spec))
        #expect(reply.code == 422, "\(reply.text)")
        #expect(reply.reason == "Invalid")
        let causes = reply.body[path: "details.causes"]?.listValue ?? []
        #expect(causes.contains { $0["field"]?.stringValue == field && ($0["message"]?.stringValue ?? "").contains(words) }, "\(reply.text)")
    }

    @Test func patchesAndStatusAreCheckedToo() async throws {
        let api = try await api()
        #expect(await api.call(.POST, path, json: gadget(#"{"size":3}"#)).code == 201)
        let bad = await api.call(.PATCH, path + "/g", json: #"{"spec":{"size":"x"}}"#, contentType: "application/merge-patch+json")
        #expect(bad.code == 422)
        let pruned = await api.call(.PATCH, path + "/g", json: #"{"status":{"ready":true,"junk":1}}"#, contentType: "application/merge-patch+json")
        #expect(pruned.code == 200)
        #expect(pruned.body[path: "status.junk"] == nil)
    }
}
