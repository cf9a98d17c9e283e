import ClusterStore
import NIOHTTP1
import Testing

@testable import ClusterCore

/// Found with real manifests through kubectl: a StatefulSet whose containers mount a
/// `volumeClaimTemplates` volume (the usual database shape) was refused with
/// `volumeMounts[0].name: Not found`. Kubernetes validates only the labels and annotations of a
/// StatefulSet's pod template (`ValidatePodTemplateSpecForStatefulSet`), never its pod spec.
@Suite struct StatefulSetAdmissionTests {
    static func post(_ path: String, _ body: String) async throws -> (code: UInt, body: String) {
        let handler = try await APIHandler.start(config: APIServerConfiguration(tls: nil, tokens: [:], store: MemoryStore()))
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: path, headers: headers)
        guard case .full(let status, _, let bytes, _) = await handler.handle(head: head, body: Array(body.utf8),
                                                                             identity: .user("admin"))
        else { return (0, "") }
        return (status.code, String(decoding: bytes, as: UTF8.self))
    }

    static func statefulSet(labels: String, mount: String) -> String {
        """
        {"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db"},
         "spec":{"serviceName":"db","selector":{"matchLabels":{"app":"db"}},
          "template":{"metadata":{"labels":\(labels)},
           "spec":{"containers":[{"name":"db","image":"postgres","volumeMounts":[{"name":"\(mount)","mountPath":"/data"}]}]}},
          "volumeClaimTemplates":[{"metadata":{"name":"data"},
           "spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}]}}
        """
    }

    @Test func mountingAVolumeClaimTemplateIsAccepted() async throws {
        let r = try await Self.post("/apis/apps/v1/namespaces/default/statefulsets?fieldValidation=Strict",
                                    Self.statefulSet(labels: #"{"app":"db"}"#, mount: "data"))
        #expect(r.code == 201, "\(r.body)")
    }

    @Test func templateLabelsAreStillChecked() async throws {
        let r = try await Self.post("/apis/apps/v1/namespaces/default/statefulsets",
                                    Self.statefulSet(labels: #"{"app":"db","bad key!":"x"}"#, mount: "data"))
        #expect(r.code == 422)
        #expect(r.body.contains("spec.template.labels"))
    }

    @Test func deploymentsStillNeedDeclaredVolumes() async throws {
        let body = """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
             "spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},
              "spec":{"containers":[{"name":"w","image":"nginx","volumeMounts":[{"name":"data","mountPath":"/d"}]}]}}}}
            """
        let r = try await Self.post("/apis/apps/v1/namespaces/default/deployments", body)
        #expect(r.code == 422)
        #expect(r.body.contains("volumeMounts[0].name"))
    }
}
