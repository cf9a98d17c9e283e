import Testing
import Foundation
import StructuredData
import KubeClient
@testable import ChartEngine

@Suite struct ReleaseRecordTests {
    static func fixture(_ name: String) throws -> String {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
        return try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
    }

    static func sample() -> Release {
        var r = Release(name: "web", namespace: "apps", version: 3)
        r.info.status = .deployed
        r.info.firstDeployed = "2026-01-02T03:04:05.123456789Z"
        r.info.lastDeployed = "2026-01-02T03:04:06Z"
        r.info.description = "Upgrade complete"
        r.info.notes = "hello <world> & co"
        r.chart = ["metadata": ["name": "webapp", "version": "0.1.0", "appVersion": "1.16.0"], "values": ["a": 1]]
        r.config = ["replicaCount": .int(2), "nested": ["x": "y"]]
        r.manifest = "---\n# Source: webapp/templates/cm.yaml\nkind: ConfigMap\n"
        r.hooks = [ReleaseHook(name: "t", kind: "Pod", path: "webapp/templates/tests/t.yaml", manifest: "kind: Pod",
                               events: ["test"], weight: -5, deletePolicies: ["hook-succeeded"])]
        r.applyMethod = "ssa"
        return r
    }

    @Test func roundTrip() throws {
        let r = Self.sample()
        let encoded = try ReleaseCodec.encode(r)
        let raw = try #require(Base64Codec.decode(encoded))
        // gzip magic and best compression (XFL 2).
        #expect(Array(raw.prefix(3)) == [0x1F, 0x8B, 0x08])
        #expect(raw[8] == 2)
        #expect(try ReleaseCodec.decode(encoded) == r)
    }

    @Test func zeroTimesAreOmitted() throws {
        var r = Self.sample()
        r.info.deleted = ""
        guard case .map(let info)? = r.json["info"] else { Issue.record("no info"); return }
        #expect(info["deleted"] == nil)
        #expect(info["first_deployed"] == .string("2026-01-02T03:04:05.123456789Z"))
    }

    @Test func decodesPlainJSON() throws {
        let json = #"{"name":"x","namespace":"n","version":2,"info":{"status":"superseded","first_deployed":""}}"#
        let r = try ReleaseCodec.decode(Base64Codec.encode(Array(json.utf8)))
        #expect(r.name == "x" && r.version == 2 && r.info.status == .superseded)
    }

    @Test(arguments: ["", "!!!notbase64", Base64Codec.encode([0x1F, 0x8B, 0x08, 0, 1, 2]), Base64Codec.encode(Array("[1]".utf8))])
    func malformedRecordsAreErrors(_ text: String) {
        #expect(throws: (any Error).self) { try ReleaseCodec.decode(text) }
    }

    /// A record written by the Helm v4.2.3 SDK (helm-python-sdk 0.2.2) installing charts/webapp with
    /// replicaCount=2 against a helmctl cluster (`data.release` of the Secret, base64-decoded once).
    @Test func decodesHelmSDKRecord() throws {
        let text = try Self.fixture("helm-sdk-webapp-release.txt").trimmingCharacters(in: .whitespacesAndNewlines)
        let r = try ReleaseCodec.decode(text)
        #expect(r.name == "fixture")
        #expect(r.namespace == "fixture")
        #expect(r.version == 1)
        #expect(r.info.status == .deployed)
        #expect(r.info.description == "Install complete")
        #expect(r.chartLabel == "webapp-0.1.0")
        #expect(r.appVersion == "1.16.0")
        #expect(r.config["replicaCount"] == .int(2))
        #expect(r.manifest.contains("replicas: 2"))
        #expect(r.hooks.contains { $0.events == ["test"] })
        #expect(r.applyMethod == "ssa")
        // Re-encoding keeps every field Helm wrote, including ones the model does not name.
        let again = try ReleaseCodec.decode(try ReleaseCodec.encode(r))
        #expect(again == r)
        #expect(again.chart["schemamodtime"] != nil)
    }

    @Test func memoryDriverHistoryAndPruning() throws {
        let store = ReleaseStore(driver: MemoryReleaseDriver(namespace: "apps"))
        for v in 1...5 {
            var r = Release(name: "web", namespace: "apps", version: v)
            r.info.status = v == 2 ? .deployed : (v < 5 ? .failed : .failed)
            try store.create(r)
        }
        #expect(try store.history("web").map(\.version) == [1, 2, 3, 4, 5])
        #expect(try store.deployed("web")?.version == 2)
        try store.prune("web", max: 2)
        // Oldest first, but never the last deployed revision.
        #expect(try store.history("web").map(\.version) == [2, 5])
        #expect(throws: ChartEngineError.self) { try store.get("web", version: 9) }
        #expect(throws: ChartEngineError.self) { try store.last("other") }
    }

    @Test func storageLabels() {
        var r = Self.sample()
        r.labels = ["team": "a", "owner": "not-me"]
        let l = ReleaseLabels.labels(r, timeKey: "createdAt")
        #expect(l["owner"] == "helm")
        #expect(l["team"] == "a")
        #expect(l["name"] == "web" && l["status"] == "deployed" && l["version"] == "3")
        #expect(l["createdAt"] != nil && l["modifiedAt"] == nil)
    }

    @Test func times() {
        #expect(ReleaseTime.ansic("2026-01-02T03:04:05.5Z") == "Fri Jan  2 03:04:05 2026")
        #expect(ReleaseTime.goString("2026-01-02T03:04:05.120Z") == "2026-01-02 03:04:05.12 +0000 UTC")
        #expect(ReleaseTime.goString("2026-01-02T05:04:05+02:00") == "2026-01-02 03:04:05 +0000 UTC")
        #expect(ReleaseTime.ansic("garbage") == "")
    }

    @Test func secretObjectShape() throws {
        let r = Self.sample()
        let d = KubeReleaseDriver.key(r.name, r.version)
        #expect(d == "sh.helm.release.v1.web.v3")
    }
}
