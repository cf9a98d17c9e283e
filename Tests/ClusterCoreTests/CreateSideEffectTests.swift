import ClusterStore
import NIOHTTP1
import StructuredData
import Testing

@testable import ClusterCore

/// Found with the real kubectl: `kubectl apply --dry-run=server` of a NodePort Service, then the real
/// apply, failed with "provided port is already allocated" — the dry run (and any create that is
/// refused after admission) kept the cluster IP and node ports it had claimed. And a ClusterRoleBinding
/// re-applied unchanged was reported "configured" because a ServiceAccount subject came back with
/// `apiGroup: ""`, which Kubernetes' `omitempty` leaves out.
@Suite struct CreateSideEffectTests {
    final class Client {
        let handler: APIHandler
        init() async throws {
            handler = try await APIHandler.start(config: APIServerConfiguration(tls: nil, tokens: [:], store: MemoryStore()))
        }

        func post(_ path: String, _ body: String) async -> (code: UInt, body: String) {
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json")
            let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: path, headers: headers)
            guard case .full(let status, _, let bytes, _) = await handler.handle(head: head, body: Array(body.utf8),
                                                                                 identity: .user("admin"))
            else { return (0, "") }
            return (status.code, String(decoding: bytes, as: UTF8.self))
        }
    }

    static let services = "/api/v1/namespaces/default/services"

    static func service(_ name: String, ip: String? = nil, nodePort: Int? = nil, port: Int = 80) -> String {
        let ipField = ip.map { #","clusterIP":"\#($0)""# } ?? ""
        let np = nodePort.map { #","nodePort":\#($0)"# } ?? ""
        return #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"\#(name)"},"spec":{"type":"NodePort"\#(ipField),"ports":[{"port":\#(port)\#(np)}]}}"#
    }

    @Test func dryRunKeepsNoAllocation() async throws {
        let c = try await Client()
        let dry = await c.post(Self.services + "?dryRun=All", Self.service("np", ip: "10.96.0.50", nodePort: 30080))
        #expect(dry.code == 201, "\(dry.body)")
        let real = await c.post(Self.services, Self.service("np", ip: "10.96.0.50", nodePort: 30080))
        #expect(real.code == 201, "\(real.body)")
        let again = await c.post(Self.services, Self.service("other", ip: "10.96.0.50"))
        #expect(again.code == 422, "the stored Service does hold its IP: \(again.body)")
    }

    @Test func refusedCreatesKeepNoAllocation() async throws {
        let c = try await Client()
        #expect(await c.post(Self.services, Self.service("a")).code == 201)
        // AlreadyExists after admission claimed 30100 and 10.96.0.60.
        let dup = await c.post(Self.services, Self.service("a", ip: "10.96.0.60", nodePort: 30100))
        #expect(dup.code == 409, "\(dup.body)")
        // Refused by validation (port 0) after the claim.
        let invalid = await c.post(Self.services, Self.service("bad", ip: "10.96.0.61", nodePort: 30101, port: 0))
        #expect(invalid.code == 422, "\(invalid.body)")
        let b = await c.post(Self.services, Self.service("b", ip: "10.96.0.60", nodePort: 30100))
        #expect(b.code == 201, "\(b.body)")
        let d = await c.post(Self.services, Self.service("d", ip: "10.96.0.61", nodePort: 30101))
        #expect(d.code == 201, "\(d.body)")
    }

    @Test func aFailedSecondNodePortGivesBackTheFirst() async throws {
        let c = try await Client()
        #expect(await c.post(Self.services, Self.service("holder", nodePort: 30200)).code == 201)
        let body = #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"two"},"spec":{"type":"NodePort","clusterIP":"10.96.0.70","ports":[{"name":"a","port":80,"nodePort":30201},{"name":"b","port":81,"nodePort":30200}]}}"#
        #expect(await c.post(Self.services, body).code == 422)
        let retry = await c.post(Self.services, Self.service("retry", ip: "10.96.0.70", nodePort: 30201))
        #expect(retry.code == 201, "\(retry.body)")
    }

    @Test func serviceAccountSubjectsHaveNoEmptyAPIGroup() async throws {
        let c = try await Client()
        let body = #"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"rb"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"},"subjects":[{"kind":"ServiceAccount","name":"bot","namespace":"default"},{"kind":"User","name":"alice"}]}"#
        let r = await c.post("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", body)
        #expect(r.code == 201, "\(r.body)")
        let subjects = (try? JSON.decode(r.body))?["subjects"]?.listValue ?? []
        #expect(subjects.count == 2)
        #expect(subjects.first?["apiGroup"] == nil)
        #expect(subjects.last?["apiGroup"]?.stringValue == "rbac.authorization.k8s.io")
    }
}
