import Testing
import Foundation
import StructuredData
@testable import KubeClient

@Suite struct KubeconfigTests {
    static let text = """
        apiVersion: v1
        kind: Config
        current-context: dev
        clusters:
        - name: c1
          cluster:
            server: https://127.0.0.1:6443/
            certificate-authority-data: Q0EtUEVN
        - name: c2
          cluster:
            server: https://10.0.0.1
            insecure-skip-tls-verify: true
        contexts:
        - name: dev
          context: {cluster: c1, user: u1, namespace: team-a}
        - name: other
          context: {cluster: c2, user: u2}
        users:
        - name: u1
          user:
            client-certificate-data: Q0VSVA==
            client-key-data: S0VZ
        - name: u2
          user:
            token: abc123
        """

    func resolve(_ context: String?) throws -> KubeConfig {
        let doc = try YAML.decode(Self.text, numbersAsFloat: false)
        return try KubeConfig.resolve([(doc: doc, dir: "/tmp")], context: context)
    }

    @Test func currentContext() throws {
        let c = try resolve(nil)
        #expect(c.server == "https://127.0.0.1:6443")
        #expect(c.namespace == "team-a")
        #expect(c.contextName == "dev")
        #expect(c.certificateAuthority == Array("CA-PEM".utf8))
        #expect(c.clientCertificate == Array("CERT".utf8))
        #expect(c.clientKey == Array("KEY".utf8))
        #expect(c.token.isEmpty)
        #expect(!c.insecureSkipTLSVerify)
    }

    @Test func explicitContext() throws {
        let c = try resolve("other")
        #expect(c.server == "https://10.0.0.1")
        #expect(c.namespace == "default")
        #expect(c.token == "abc123")
        #expect(c.insecureSkipTLSVerify)
        #expect(c.clientCertificate.isEmpty)
    }

    @Test func missingContextIsAnError() throws {
        #expect(throws: KubeError.self) { try resolve("nope") }
    }

    @Test func firstFileWins() throws {
        let a = try YAML.decode("current-context: x\ncontexts:\n- name: x\n  context: {cluster: k}\nclusters:\n- name: k\n  cluster: {server: https://a}\n", numbersAsFloat: false)
        let b = try YAML.decode("current-context: y\nclusters:\n- name: k\n  cluster: {server: https://b}\n", numbersAsFloat: false)
        let c = try KubeConfig.resolve([(doc: a, dir: "."), (doc: b, dir: ".")], context: nil)
        #expect(c.server == "https://a")
        #expect(c.contextName == "x")
    }

    @Test func malformedBase64IsAnError() throws {
        let doc = try YAML.decode("current-context: x\ncontexts:\n- name: x\n  context: {cluster: k, user: u}\nclusters:\n- name: k\n  cluster: {server: https://a}\nusers:\n- name: u\n  user: {client-key-data: '!!!'}\n", numbersAsFloat: false)
        #expect(throws: KubeError.self) { try KubeConfig.resolve([(doc: doc, dir: ".")], context: nil) }
    }

    @Test(arguments: ["", "f", "fo", "foo", "foob", "fooba", "foobar"])
    func base64RoundTrip(_ s: String) {
        let enc = Base64Codec.encode(Array(s.utf8))
        #expect(Base64Codec.decode(enc) == Array(s.utf8))
    }

    @Test func base64KnownValue() {
        #expect(Base64Codec.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64Codec.decode("Zm9v\nYg==") == Array("foob".utf8))
        #expect(Base64Codec.decode("Zm9v*") == nil)
    }

    @Test func aggregatedDiscovery() throws {
        let v = try JSON.decode("""
            {"kind":"APIGroupDiscoveryList","items":[{"metadata":{"name":"apps"},"versions":[{"version":"v1",
            "resources":[{"resource":"deployments","responseKind":{"kind":"Deployment"},"scope":"Namespaced"}]}]},
            {"metadata":{"name":"rbac.authorization.k8s.io"},"versions":[{"version":"v1","resources":[
            {"resource":"clusterroles","responseKind":{"kind":"ClusterRole"},"scope":"Cluster"}]}]}]}
            """)
        var d: [String: [String: APIResource]] = [:]
        Discovery.addAggregated(v, into: &d)
        #expect(d["apps/v1"]?["Deployment"] == APIResource(group: "apps", version: "v1", name: "deployments",
                                                            kind: "Deployment", namespaced: true))
        #expect(d["rbac.authorization.k8s.io/v1"]?["ClusterRole"]?.namespaced == false)
    }

    @Test func legacyDiscovery() throws {
        let v = try JSON.decode("""
            {"kind":"APIResourceList","groupVersion":"v1","resources":[{"name":"pods","namespaced":true,"kind":"Pod"},
            {"name":"pods/log","namespaced":true,"kind":"Pod"},{"name":"namespaces","namespaced":false,"kind":"Namespace"}]}
            """)
        var d: [String: [String: APIResource]] = [:]
        Discovery.addLegacy(v, groupVersion: "v1", into: &d)
        #expect(d["v1"]?["Pod"]?.name == "pods")
        #expect(d["v1"]?["Namespace"]?.namespaced == false)
        let groups = try JSON.decode(#"{"groups":[{"versions":[{"groupVersion":"apps/v1"},{"groupVersion":"apps/v1beta1"}]}]}"#)
        #expect(Discovery.legacyGroupVersions(groups, root: "/apis") == ["apps/v1", "apps/v1beta1"])
    }
}

@Suite struct KubeconfigFileTests {
    @Test func relativeFilesAndTokenFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "CERT-PEM".write(to: dir.appendingPathComponent("client.crt"), atomically: true, encoding: .utf8)
        try "tok\n".write(to: dir.appendingPathComponent("token"), atomically: true, encoding: .utf8)
        let cfg = """
            current-context: c
            contexts: [{name: c, context: {cluster: k, user: u}}]
            clusters: [{name: k, cluster: {server: "https://127.0.0.1:6443"}}]
            users: [{name: u, user: {client-certificate: client.crt, tokenFile: token}}]
            """
        let path = dir.appendingPathComponent("config").path
        try cfg.write(toFile: path, atomically: true, encoding: .utf8)
        let c = try KubeConfig.load(path: path)
        #expect(c.clientCertificate == Array("CERT-PEM".utf8))
        #expect(c.token == "tok")
        #expect(throws: KubeError.self) { try KubeConfig.load(path: dir.appendingPathComponent("nope").path) }
    }
}
