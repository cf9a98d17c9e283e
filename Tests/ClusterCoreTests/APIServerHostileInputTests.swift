import Testing
import NIOHTTP1
import StructuredData
@testable import ClusterCore

/// Bad input gets a 4xx Status that names the problem, and the server keeps serving.
@Suite struct APIServerHostileInputTests {
    static let cases: [(String, HTTPMethod, String, String, String, Int, String)] = [
        ("bad JSON", .POST, "/api/v1/namespaces/default/configmaps", "{\"apiVersion\":", "application/json", 400, "not valid JSON"),
        ("bad YAML", .PATCH, "/api/v1/namespaces/default/configmaps/x?fieldManager=m", "a: [1", "application/apply-patch+yaml", 400, "not valid YAML"),
        ("not an object", .POST, "/api/v1/namespaces/default/configmaps", "[1,2]", "application/json", 400, "must be an object"),
        ("wrong kind for URL", .POST, "/api/v1/namespaces/default/configmaps", #"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"}}"#, "application/json", 400, "does not match the expected kind"),
        ("wrong version", .POST, "/api/v1/namespaces/default/configmaps", #"{"apiVersion":"apps/v1","kind":"ConfigMap","metadata":{"name":"x"}}"#, "application/json", 400, "API version"),
        ("namespace mismatch", .POST, "/api/v1/namespaces/default/configmaps", #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","namespace":"other"}}"#, "application/json", 400, "does not match the namespace"),
        ("unknown media type", .POST, "/api/v1/namespaces/default/configmaps", "x", "text/csv", 415, "unknown format"),
        ("unsupported patch type", .PATCH, "/api/v1/namespaces/default/configmaps/x", "{}", "application/x-weird-patch", 415, "unknown format"),
        ("unknown query parameter", .GET, "/api/v1/namespaces/default/configmaps?frobnicate=1", "", "application/json", 400, "unknown query parameter \"frobnicate\""),
        ("bad label selector", .GET, "/api/v1/namespaces/default/configmaps?labelSelector=a%20in%20(", "", "application/json", 400, "unable to parse"),
        ("bad dryRun", .POST, "/api/v1/namespaces/default/configmaps?dryRun=Some", "{}", "application/json", 400, "dry run"),
        ("bad protobuf", .POST, "/api/v1/namespaces/default/configmaps", "k8s\u{0}\u{0A}\u{FF}", "application/vnd.kubernetes.protobuf", 400, "protobuf"),
        ("apply without manager", .PATCH, "/api/v1/namespaces/default/configmaps/x", "{}", "application/apply-patch+yaml", 422, "fieldManager"),
        ("unknown resource", .GET, "/api/v1/namespaces/default/frobs", "", "application/json", 404, "could not find"),
        ("unknown path", .GET, "/nonsense/path", "", "application/json", 404, "could not find"),
        ("bad percent escape", .GET, "/api/v1/namespaces/default/configmaps?x=%zz", "", "application/json", 400, "malformed"),
    ]

    @Test(arguments: cases.indices)
    func refusedWithANamedReason(_ i: Int) async throws {
        let (_, method, uri, body, type, code, words) = Self.cases[i]
        let api = try await TestAPI.make()
        let reply = await api.call(method, uri, json: body, contentType: type)
        #expect(reply.code == code, "\(Self.cases[i].0): \(reply.text)")
        #expect(reply.message.contains(words), "\(Self.cases[i].0): \(reply.message)")
        #expect(reply.body["kind"] == "Status")
        // Still serving.
        #expect(await api.call(.GET, "/api/v1/namespaces/default").code == 200)
    }

    @Test func deepNestingIsRefusedNotCrashing() async throws {
        let api = try await TestAPI.make()
        for depth in [9_000, 20_000] {
            let deep = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            let reply = await api.call(.POST, "/api/v1/namespaces/default/configmaps", json: deep)
            #expect(reply.code == 400)
            let deepObject = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"d"},"data":"# + String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth) + "}"
            let nested = await api.call(.POST, "/api/v1/namespaces/default/configmaps", json: deepObject)
            #expect((400..<500).contains(nested.code), "\(nested.code) \(nested.message.prefix(200))")
        }
        #expect(await api.call(.GET, "/version").code == 200)
    }

    @Test func protobufBodiesCreateObjects() async throws {
        let api = try await TestAPI.make()
        // k8s\0 + runtime.Unknown{typeMeta{apiVersion "v1", kind "ConfigMap"}, raw: ConfigMap{metadata{name "pb"}, data{"k": "v"}}}
        func field(_ n: UInt8, _ bytes: [UInt8]) -> [UInt8] { [n << 3 | 2, UInt8(bytes.count)] + bytes }
        let typeMeta = field(1, Array("v1".utf8)) + field(2, Array("ConfigMap".utf8))
        let meta = field(1, Array("pb".utf8))
        let entry = field(1, Array("k".utf8)) + field(2, Array("v".utf8))
        let raw = field(1, meta) + field(2, entry)
        let body: [UInt8] = Array("k8s".utf8) + [0] + field(1, typeMeta) + field(2, raw)
        let reply = await api.call(.POST, "/api/v1/namespaces/default/configmaps", bytes: body,
                                   contentType: "application/vnd.kubernetes.protobuf")
        #expect(reply.code == 201, "\(reply.text)")
        #expect(reply.body[path: "data.k"] == "v")
        let deleteOptions = field(1, field(1, Array("v1".utf8)) + field(2, Array("DeleteOptions".utf8)))
            + field(2, [4 << 3 | 2, 10] + Array("Background".utf8))
        let deleted = await api.call(.DELETE, "/api/v1/namespaces/default/configmaps/pb", bytes: Array("k8s".utf8) + [0] + deleteOptions,
                                     contentType: "application/vnd.kubernetes.protobuf")
        #expect(deleted.code == 200, "\(deleted.text)")
    }

    @Test func credentialsAreRequired() async throws {
        let api = try await TestAPI.make()
        let anonymous = await api.call(.GET, "/api/v1/namespaces", identity: .anonymous)
        #expect(anonymous.code == 401)
        #expect(anonymous.reason == "Unauthorized")
        #expect(await api.call(.GET, "/api/v1/namespaces", identity: .invalidCredentials).code == 401)
        // Health and version stay open.
        #expect(await api.call(.GET, "/readyz", identity: .anonymous).code == 200)
        #expect(await api.call(.GET, "/version", identity: .anonymous).body["minor"] == "32")
    }
}
