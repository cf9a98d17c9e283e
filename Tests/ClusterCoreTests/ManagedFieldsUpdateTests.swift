import ClusterStore
import NIOHTTP1
import StructuredData
import Testing

@testable import ClusterCore

/// Found with the real kubectl: `kubectl apply --server-side` on an object made by client-side apply
/// first rewrites `/metadata/managedFields` with a JSON patch (kubectl's csaupgrade), handing the
/// client-side manager's fields to `kubectl`/Apply. The server treated a change of managedFields alone
/// as "nothing changed" and dropped it, so the following apply could not remove fields the file no
/// longer has (Kubernetes removes them).
@Suite struct ManagedFieldsUpdateTests {
    static func send(_ h: APIHandler, _ method: HTTPMethod, _ uri: String, _ body: String = "",
                     type: String = "application/json") async -> (code: UInt, value: Value)
    {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: type)
        let head = HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: headers)
        guard case .full(let status, _, let bytes, _) = await h.handle(head: head, body: Array(body.utf8), identity: .user("admin"))
        else { return (0, .null) }
        return (status.code, (try? JSON.decodeKeepingIntegers(bytes)) ?? .null)
    }

    static func managers(_ v: Value) -> [String] {
        (v["metadata"]?["managedFields"]?.listValue ?? []).map {
            "\($0["manager"]?.stringValue ?? "")/\($0["operation"]?.stringValue ?? "")"
        }
    }

    @Test func clientSideToServerSideApplyUpgrade() async throws {
        let h = try await APIHandler.start(config: APIServerConfiguration(tls: nil, tokens: [:], store: MemoryStore()))
        let base = "/api/v1/namespaces/default/configmaps"
        let cm = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"mig"},"data":{"a":"1","b":"2"}}"#
        let created = await Self.send(h, .POST, base + "?fieldManager=kubectl-client-side-apply", cm)
        #expect(created.code == 201)
        #expect(Self.managers(created.value) == ["kubectl-client-side-apply/Update"])
        let rv = created.value["metadata"]?["resourceVersion"]?.stringValue ?? ""

        let upgrade = #"[{"op":"replace","path":"/metadata/managedFields","value":[{"manager":"kubectl","operation":"Apply","apiVersion":"v1","time":"2026-01-01T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:a":{},"f:b":{}}}}]},{"op":"replace","path":"/metadata/resourceVersion","value":"\#(rv)"}]"#
        let patched = await Self.send(h, .PATCH, base + "/mig?fieldManager=kubectl", upgrade, type: "application/json-patch+json")
        #expect(patched.code == 200)
        #expect(Self.managers(patched.value) == ["kubectl/Apply"])
        #expect(patched.value["metadata"]?["resourceVersion"]?.stringValue != rv)

        let apply = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"mig"},"data":{"a":"1"}}"#
        let applied = await Self.send(h, .PATCH, base + "/mig?fieldManager=kubectl&force=false", apply,
                                      type: "application/apply-patch+yaml")
        #expect(applied.code == 200)
        #expect(applied.value["data"] == .map(["a": "1"]))

        // The same apply again changes nothing, so it is not written.
        let again = await Self.send(h, .PATCH, base + "/mig?fieldManager=kubectl&force=false", apply,
                                    type: "application/apply-patch+yaml")
        #expect(again.value["metadata"]?["resourceVersion"] == applied.value["metadata"]?["resourceVersion"])
    }
}
