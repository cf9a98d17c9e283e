import Testing
import NIOHTTP1
import StructuredData
@testable import ClusterCore

/// Create, read, update and list semantics as kubectl and Helm rely on them
/// (../shared/reference/kubernetes-api.md §2).
@Suite struct APIServerCRUDTests {
    let cm = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","labels":{"app":"a"}},"data":{"k":"v"}}"#

    @Test func createGetAndServerFields() async throws {
        let api = try await TestAPI.make()
        let created = await api.call(.POST, "/api/v1/namespaces/default/configmaps", json: cm)
        #expect(created.code == 201)
        #expect(created.body[path: "metadata.uid"]?.stringValue?.count == 36)
        #expect(created.body[path: "metadata.creationTimestamp"]?.stringValue == "2026-11-18T11:06:40Z")
        #expect(created.body[path: "metadata.namespace"] == "default")
        let rv = created.body[path: "metadata.resourceVersion"]?.stringValue
        let got = await api.call(.GET, "/api/v1/namespaces/default/configmaps/cfg")
        #expect(got.code == 200)
        #expect(got.body[path: "metadata.resourceVersion"]?.stringValue == rv)
        #expect(got.body[path: "data.k"] == "v")
        #expect(got.body[path: "metadata.managedFields.0.manager"] == "tests")
    }

    @Test func statusErrorsCarryReasonAndCode() async throws {
        let api = try await TestAPI.make()
        let missing = await api.call(.GET, "/apis/apps/v1/namespaces/default/deployments/nope")
        #expect(missing.code == 404)
        #expect(missing.reason == "NotFound")
        #expect(missing.message == #"deployments.apps "nope" not found"#)
        await api.call(.POST, "/api/v1/namespaces/default/configmaps", json: cm)
        let again = await api.call(.POST, "/api/v1/namespaces/default/configmaps", json: cm)
        #expect(again.code == 409)
        #expect(again.reason == "AlreadyExists")
        let noNamespace = await api.call(.POST, "/api/v1/namespaces/ghost/configmaps", json: cm)
        #expect(noNamespace.code == 404)
        #expect(noNamespace.message == #"namespaces "ghost" not found"#)
        let badName = await api.call(.POST, "/api/v1/namespaces/default/configmaps",
                                     json: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"Bad_Name"}}"#)
        #expect(badName.code == 422)
        #expect(badName.reason == "Invalid")
        #expect(badName.body[path: "details.causes.0.field"] == "metadata.name")
    }

    @Test func optimisticConcurrencyRefusesStaleWrites() async throws {
        let api = try await TestAPI.make()
        let created = await api.call(.POST, "/api/v1/namespaces/default/configmaps", json: cm)
        let rv = created.body[path: "metadata.resourceVersion"]?.stringValue ?? ""
        let update = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","resourceVersion":"\#(rv)"},"data":{"k":"w"}}"#
        let first = await api.call(.PUT, "/api/v1/namespaces/default/configmaps/cfg", json: update)
        #expect(first.code == 200)
        #expect(first.body[path: "data.k"] == "w")
        let stale = await api.call(.PUT, "/api/v1/namespaces/default/configmaps/cfg", json: update)
        #expect(stale.code == 409)
        #expect(stale.reason == "Conflict")
        #expect(stale.message.contains("the object has been modified"))
    }

    @Test func concurrentConflictingUpdatesNeverLoseAWrite() async throws {
        let api = try await TestAPI.make()
        await api.call(.POST, "/api/v1/namespaces/default/configmaps", json: cm)
        // 20 writers each add their own key with a merge patch: every key must survive.
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<20 {
                group.addTask {
                    await api.call(.PATCH, "/api/v1/namespaces/default/configmaps/cfg", json: #"{"data":{"w\#(i)":"x"}}"#,
                                   contentType: "application/merge-patch+json")
                }
            }
        }
        let got = await api.call(.GET, "/api/v1/namespaces/default/configmaps/cfg")
        #expect(got.body["data"]?.mapValue?.count == 21)
    }

    @Test func generationBumpsOnSpecChangesOnly() async throws {
        let api = try await TestAPI.make()
        let deploy = #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}"#
        let created = await api.call(.POST, "/apis/apps/v1/namespaces/default/deployments", json: deploy)
        #expect(created.code == 201)
        #expect(created.body[path: "metadata.generation"] == 1)
        #expect(created.body[path: "spec.replicas"] == 1)
        #expect(created.body[path: "spec.strategy.type"] == "RollingUpdate")
        let labeled = await api.call(.PATCH, "/apis/apps/v1/namespaces/default/deployments/web", json: #"{"metadata":{"labels":{"x":"y"}}}"#,
                                     contentType: "application/merge-patch+json")
        #expect(labeled.body[path: "metadata.generation"] == 1)
        let scaled = await api.call(.PATCH, "/apis/apps/v1/namespaces/default/deployments/web/scale", json: #"{"spec":{"replicas":3}}"#,
                                    contentType: "application/merge-patch+json")
        #expect(scaled.code == 200)
        #expect(scaled.body["kind"] == "Scale")
        #expect(scaled.body[path: "spec.replicas"] == 3)
        #expect(scaled.body[path: "status.selector"] == "app=web")
        let after = await api.call(.GET, "/apis/apps/v1/namespaces/default/deployments/web")
        #expect(after.body[path: "metadata.generation"] == 2)
        #expect(after.body[path: "spec.replicas"] == 3)
        // Writes to the main resource keep the status; /status writes only the status.
        let status = await api.call(.PATCH, "/apis/apps/v1/namespaces/default/deployments/web/status",
                                    json: #"{"status":{"replicas":3},"spec":{"replicas":9}}"#, contentType: "application/merge-patch+json")
        #expect(status.body[path: "status.replicas"] == 3)
        #expect(status.body[path: "spec.replicas"] == 3)
        #expect(status.body[path: "metadata.generation"] == 2)
    }

    @Test func listWithSelectorsLimitAndContinue() async throws {
        let api = try await TestAPI.make()
        for i in 0..<7 {
            let tier = i % 2 == 0 ? "even" : "odd"
            await api.call(.POST, "/api/v1/namespaces/default/configmaps",
                           json: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c\#(i)","labels":{"tier":"\#(tier)"}}}"#)
        }
        let even = await api.call(.GET, "/api/v1/namespaces/default/configmaps?labelSelector=tier%3Deven")
        #expect(even.body["items"]?.listValue?.count == 4)
        #expect(even.body["kind"] == "ConfigMapList")
        let byName = await api.call(.GET, "/api/v1/namespaces/default/configmaps?fieldSelector=metadata.name%3Dc3")
        #expect(byName.body["items"]?.listValue?.map { $0[path: "metadata.name"] } == ["c3"])
        var names: [String] = []
        var uri = "/api/v1/namespaces/default/configmaps?limit=3"
        for _ in 0..<5 {
            let page = await api.call(.GET, uri)
            names += page.body["items"]?.listValue?.compactMap { $0[path: "metadata.name"]?.stringValue } ?? []
            guard let token = page.body[path: "metadata.continue"]?.stringValue, !token.isEmpty else { break }
            uri = "/api/v1/namespaces/default/configmaps?limit=3&continue=\(token)"
        }
        #expect(names == (0..<7).map { "c\($0)" })
        let badField = await api.call(.GET, "/api/v1/namespaces/default/configmaps?fieldSelector=spec.bogus%3Dx")
        #expect(badField.code == 400)
        #expect(badField.message.contains("field label not supported"))
        let badContinue = await api.call(.GET, "/api/v1/namespaces/default/configmaps?limit=1&continue=%21%21")
        #expect(badContinue.code == 400)
    }

    @Test func generateNameAndDryRun() async throws {
        let api = try await TestAPI.make()
        let gen = await api.call(.POST, "/api/v1/namespaces/default/configmaps",
                                 json: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"generateName":"job-"}}"#)
        #expect(gen.code == 201)
        let name = gen.body[path: "metadata.name"]?.stringValue ?? ""
        #expect(name.hasPrefix("job-") && name.count == 9)
        let dry = await api.call(.POST, "/api/v1/namespaces/default/configmaps?dryRun=All", json: cm)
        #expect(dry.code == 201)
        #expect(await api.call(.GET, "/api/v1/namespaces/default/configmaps/cfg").code == 404)
    }

    @Test func serviceGetsAClusterIPAndNodePorts() async throws {
        let api = try await TestAPI.make()
        let svc = await api.call(.POST, "/api/v1/namespaces/default/services",
                                 json: #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},"spec":{"type":"NodePort","selector":{"app":"web"},"ports":[{"port":80}]}}"#)
        #expect(svc.code == 201)
        let ip = svc.body[path: "spec.clusterIP"]?.stringValue ?? ""
        #expect(ip.hasPrefix("10.9") && ip != "10.96.0.1")
        #expect(svc.body[path: "spec.ports.0.targetPort"] == 80)
        let port = svc.body[path: "spec.ports.0.nodePort"]?.intValue ?? 0
        #expect((30000...32767).contains(port))
        let clash = await api.call(.POST, "/api/v1/namespaces/default/services",
                                   json: #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"web2"},"spec":{"clusterIP":"\#(ip)","ports":[{"port":80}]}}"#)
        #expect(clash.code == 422)
        #expect(clash.message.contains("provided IP is already allocated"))
    }

    @Test func secretsStringDataAndTable() async throws {
        let api = try await TestAPI.make()
        let s = await api.call(.POST, "/api/v1/namespaces/default/secrets",
                               json: #"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"stringData":{"pw":"x"}}"#)
        #expect(s.body[path: "data.pw"] == "eA==")
        #expect(s.body["stringData"] == nil)
        let table = await api.call(.GET, "/api/v1/namespaces/default/secrets",
                                   accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json")
        #expect(table.body["kind"] == "Table")
        #expect(table.body[path: "rows.0.cells.0"] == "s")
        #expect(table.body[path: "columnDefinitions.0.name"] == "Name")
    }
}
