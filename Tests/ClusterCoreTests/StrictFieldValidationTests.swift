import ClusterAPI
import ClusterStore
import NIOHTTP1
import StructuredData
import Testing

@testable import ClusterCore

/// `fieldValidation=Strict` (what kubectl 1.32 and Helm send on every write) must refuse undeclared
/// fields of built-in kinds; found with the real kubectl: `kubectl apply` of a ConfigMap with a typo'd
/// top-level key, or a container with an unknown field, was silently accepted.
@Suite struct StrictFieldValidationTests {
    static func object(_ json: String) -> Value {
        (try? JSON.decodeKeepingIntegers(Array(json.utf8))) ?? .null
    }

    static let deploymentGVK = GroupVersionKind(group: "apps", version: "v1", kind: "Deployment")

    static let podSpec = """
        {"containers":[{"name":"c","image":"nginx",
          "livenessProbe":{"httpGet":{"path":"/","port":"http"},"initialDelaySeconds":3},
          "env":[{"name":"P","valueFrom":{"secretKeyRef":{"name":"s","key":"k"}}}],
          "resources":{"limits":{"cpu":"100m","memory":"64Mi"}},
          "ports":[{"containerPort":80,"name":"http"}]}],
         "volumes":[{"name":"v","configMap":{"name":"cm","items":[{"key":"a","path":"a"}]}}]}
        """

    @Test(arguments: [
        // (apiVersion, kind, JSON, expected unknown paths)
        ("v1", "ConfigMap", #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"k":"v"}}"#, [String]()),
        ("v1", "ConfigMap", #"{"metadata":{"name":"a"},"bogus":"field","data":{"k":"v"}}"#, ["bogus"]),
        ("v1", "ConfigMap", #"{"metadata":{"name":"a","labelz":{"x":"y"}}}"#, ["metadata.labelz"]),
        ("apps/v1", "Deployment",
         #"{"spec":{"replicas":1,"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":"# + podSpec + "}}}",
         []),
        ("apps/v1", "Deployment",
         #"{"spec":{"template":{"spec":{"containers":[{"name":"c"},{"name":"d","bogusField":1}]}}}}"#,
         ["spec.template.spec.containers[1].bogusField"]),
        // `handler` is an inline struct in Go: its own name is not a JSON key.
        ("apps/v1", "Deployment",
         #"{"spec":{"template":{"spec":{"containers":[{"name":"c","readinessProbe":{"handler":{}}}]}}}}"#,
         ["spec.template.spec.containers[0].readinessProbe.handler"]),
        ("v1", "Pod", #"{"spec":"# + podSpec + "}", []),
        ("v1", "Service", #"{"spec":{"ports":[{"port":80,"targetPort":"http","protocol":"TCP"}],"selector":{"a":"b"}}}"#, []),
        ("networking.k8s.io/v1", "Ingress",
         #"{"spec":{"rules":[{"host":"a.example","http":{"paths":[{"path":"/","pathType":"Prefix","backend":{"service":{"name":"s","port":{"number":80}}}}]}}]}}"#,
         []),
        ("apiextensions.k8s.io/v1", "CustomResourceDefinition",
         #"{"spec":{"group":"e.com","names":{"plural":"ws","kind":"W"},"scope":"Namespaced","versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}"#,
         []),
        ("e2e.example.com/v1", "Widget", #"{"spec":{"anything":1},"extra":true}"#, []),
        // Wrongly-typed values are the validator's business: no crash, no unknown field.
        ("apps/v1", "Deployment", #"{"spec":"oops","metadata":[1,2]}"#, []),
        ("apps/v1", "Deployment", #"{"spec":{"template":{"spec":{"containers":{"name":"x"},"volumes":[1,null]}}}}"#, []),
    ])
    func unknownFields(apiVersion: String, kind: String, json: String, expected: [String]) {
        let gvk = GroupVersionKind(apiVersion: apiVersion, kind: kind)
        let found = SchemaValidation.unknownFields(in: Self.object(json), gvk: gvk).map { $0.hasPrefix(".") ? String($0.dropFirst()) : $0 }
        #expect(found == expected)
    }

    // --- through the handler, as kubectl sends it ----------------------------------------------

    static func handler() async throws -> APIHandler {
        try await APIHandler.start(config: APIServerConfiguration(tls: nil, tokens: [:], store: MemoryStore()))
    }

    static func send(_ handler: APIHandler, _ method: HTTPMethod, _ uri: String, contentType: String = "application/json",
                     _ body: String) async -> (code: UInt, body: String, warnings: [String])
    {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        let head = HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: headers)
        switch await handler.handle(head: head, body: Array(body.utf8), identity: .user("admin")) {
        case .full(let status, _, let bytes, let extra):
            return (status.code, String(decoding: bytes, as: UTF8.self), extra.filter { $0.0 == "Warning" }.map(\.1))
        case .stream:
            return (0, "", [])
        }
    }

    static let badConfigMap = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"bad"},"bogus":"field","data":{"a":"b"}}"#

    @Test func createRefusesUnknownFieldsUnderStrict() async throws {
        let h = try await Self.handler()
        let r = await Self.send(h, .POST, "/api/v1/namespaces/default/configmaps?fieldManager=kubectl-client-side-apply&fieldValidation=Strict",
                                Self.badConfigMap)
        #expect(r.code == 400)
        #expect(r.body.contains(#"ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"bogus\""#))
        let get = await Self.send(h, .GET, "/api/v1/namespaces/default/configmaps/bad", "")
        #expect(get.code == 404)
    }

    @Test func warnAndIgnoreAcceptUnknownFields() async throws {
        let h = try await Self.handler()
        let warn = await Self.send(h, .POST, "/api/v1/namespaces/default/configmaps?fieldValidation=Warn", Self.badConfigMap)
        #expect(warn.code == 201)
        #expect(warn.warnings == [#"299 - "unknown field 'bogus'""#])
        let other = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"ignored"},"bogus":"field"}"#
        let ignore = await Self.send(h, .POST, "/api/v1/namespaces/default/configmaps?fieldValidation=Ignore", other)
        #expect(ignore.code == 201)
        #expect(ignore.warnings.isEmpty)
    }

    @Test func patchesAndApplyAreCheckedToo() async throws {
        let h = try await Self.handler()
        let good = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"},"data":{"a":"b"}}"#
        #expect(await Self.send(h, .POST, "/api/v1/namespaces/default/configmaps?fieldValidation=Strict", good).code == 201)
        let path = "/api/v1/namespaces/default/configmaps/cm?fieldValidation=Strict"
        let merge = await Self.send(h, .PATCH, path, contentType: "application/merge-patch+json", #"{"bogus":1}"#)
        #expect(merge.code == 400)
        #expect(merge.body.contains("unknown field"))
        let strategic = await Self.send(h, .PATCH, path, contentType: "application/strategic-merge-patch+json",
                                        #"{"metadata":{"labels":{"a":"b"}},"data":{"c":"d"}}"#)
        #expect(strategic.code == 200)
        let apply = await Self.send(h, .PATCH, path + "&fieldManager=m", contentType: "application/apply-patch+yaml",
                                    #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"},"dataa":{"x":"y"}}"#)
        #expect(apply.code == 400)
        #expect(apply.body.contains(#"unknown field \"dataa\""#))
    }
}
