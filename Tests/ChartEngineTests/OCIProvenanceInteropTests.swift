@testable import ChartEngine
import Foundation
import Testing
import TestSupport

/// A signed chart pushed to a registry: Helm v4.2.3 (helm-python-sdk) and helmctl both send the
/// `.prov` as a provenance layer with the same config, layers and annotations, and helmctl pulls and
/// verifies Helm's.
struct OCIProvenanceInteropTests {
    @Test(.enabled(if: TestRegistry.available && OCITests.python != nil && ProvenanceFixtures.gpgAvailable,
                   "needs docker-registry, gpg and the Helm SDK venv"))
    func signedChartsPushTheSameManifestAsHelm() async throws {
        let registry = try TestRegistry()
        defer { registry.stop() }
        let dir = try ArchiveFixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (sec, pub) = try await ProvenanceFixtures.keyrings(in: dir + "/keys", user: "OCI Signer <oci@example.com>")
        let path = try OCITests.archive(in: dir, name: "signedoci", version: "1.2.3", extra: OCITests.extra)
        try await offCooperativePool {
            try Provenance.sign(archivePath: path, key: "OCI Signer", keyring: sec)
                .write(toFile: path + ".prov", atomically: true, encoding: .utf8)
        }
        let (status, output) = try await OCITests.helm("""
            from helm_python import registry as r
            c = r.RegistryClient(plain_http=True, credentials_file="\(dir)/helm-creds.json")
            r.push("\(path)", "oci://\(registry.host)/helm", client=c, plain_http=True)
            print(c.resolve("oci://\(registry.host)/helm/signedoci:1.2.3")["digest"])
            """)
        #expect(status == 0, "\(output)")
        let cfg = OCITests.config(dir)
        let ours = try await offCooperativePool {
            try OCIActions.push(archive: path, to: "oci://\(registry.host)/ours", plainHTTP: true, http: HTTPOptions(), config: cfg)
        }
        #expect(ours.hasPrefix("Pushed: \(registry.host)/ours/signedoci:1.2.3\nDigest: sha256:"), "\(ours)")
        // Helm's push carried the provenance layer: helmctl pulls it and verifies the chart with it.
        let fromHelm = try await offCooperativePool {
            try OCIActions.fetch("oci://\(registry.host)/helm/signedoci", version: "1.2.3", plainHTTP: true,
                                 http: HTTPOptions(), config: cfg, withProvenance: true)
        }
        let fromUs = try await offCooperativePool {
            try OCIActions.fetch("oci://\(registry.host)/ours/signedoci", version: "1.2.3", plainHTTP: true,
                                 http: HTTPOptions(), config: cfg, withProvenance: true)
        }
        // Same config, layers and annotations; Helm's own layer order varies between pushes, so the
        // layers compare as a set (the manifest digest equals Helm's when its order is chart first).
        func normalized(_ manifest: [UInt8]) throws -> [String: Any] {
            var m = try JSONSerialization.jsonObject(with: Data(manifest)) as? [String: Any] ?? [:]
            let layers = (m["layers"] as? [[String: Any]] ?? []).map { "\($0["mediaType"] ?? "") \($0["digest"] ?? "") \($0["size"] ?? "")" }
            m["layers"] = layers.sorted()
            return m
        }
        #expect(NSDictionary(dictionary: try normalized(fromUs.manifest)) == NSDictionary(dictionary: try normalized(fromHelm.manifest)))
        #expect((try normalized(fromUs.manifest)["layers"] as? [String])?.count == 2)
        #expect(fromHelm.provenance == [UInt8](try Data(contentsOf: URL(fileURLWithPath: path + ".prov"))))
        let verified = try await offCooperativePool {
            try ChartVerification.verify(fromHelm.chart, provenance: fromHelm.provenance ?? [], fileName: "signedoci-1.2.3.tgz",
                                         keyring: pub)
        }
        #expect(verified.signedBy == ["OCI Signer <oci@example.com>"])
    }
}
