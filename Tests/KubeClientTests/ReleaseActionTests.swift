import Testing
import StructuredData
import KubeClient
@testable import ChartEngine

@Suite struct ReleaseActionTests {
    @Test func stampsOwnershipMetadata() {
        let obj: Value = ["apiVersion": "v1", "kind": "ConfigMap",
                          "metadata": ["name": "c", "labels": ["app": "x"], "annotations": ["keep": "me"]]]
        let s = ReleaseContext.stamped(obj, release: "web", namespace: "apps")
        #expect(s["metadata"]?["labels"]?["app.kubernetes.io/managed-by"] == "Helm")
        #expect(s["metadata"]?["labels"]?["app"] == "x")
        #expect(s["metadata"]?["annotations"]?["meta.helm.sh/release-name"] == "web")
        #expect(s["metadata"]?["annotations"]?["meta.helm.sh/release-namespace"] == "apps")
        #expect(s["metadata"]?["annotations"]?["keep"] == "me")
        // Non-objects pass through untouched.
        #expect(ReleaseContext.stamped(.string("x"), release: "a", namespace: "b") == .string("x"))
    }

    @Test(arguments: [
        // (reuse, reset, new, expected)
        (false, false, [String: Value](), ["a": Value.int(1), "b": .int(2)]),
        (false, false, ["b": Value.int(3)], ["b": Value.int(3)]),
        (true, false, ["b": Value.int(3)], ["a": Value.int(1), "b": .int(3)]),
        (false, true, [String: Value](), [String: Value]()),
    ])
    func upgradeValues(_ reuse: Bool, _ reset: Bool, _ new: [String: Value], _ expected: [String: Value]) {
        var current = Release(name: "r", namespace: "n", version: 1)
        current.config = ["a": .int(1), "b": .int(2)]
        var o = UpgradeOptions(releaseName: "r", namespace: "n")
        o.reuseValues = reuse
        o.resetValues = reset
        #expect(UpgradeAction.mergedValues(current: current, new: new, options: o) == expected)
    }

    func driver(_ kind: KubeReleaseDriver.Kind) throws -> KubeReleaseDriver {
        // No request is sent: only the object builder is exercised.
        let client = try KubeClient(config: KubeConfig(server: "https://127.0.0.1:1"))
        return KubeReleaseDriver(client: client, kind: kind, namespace: "apps")
    }

    @Test func secretRecordShape() throws {
        var r = Release(name: "web", namespace: "apps", version: 2)
        r.info.status = .superseded
        r.labels = ["team": "a"]
        let obj = try driver(.secret).object(r, timeKey: "modifiedAt")
        #expect(obj["type"] == "helm.sh/release.v1")
        #expect(obj["metadata"]?["name"] == "sh.helm.release.v1.web.v2")
        #expect(obj["metadata"]?["labels"]?["status"] == "superseded")
        #expect(obj["metadata"]?["labels"]?["team"] == "a")
        // Secret data is base64 of the (already base64) record.
        let outer = try #require(obj["data"]?["release"]?.stringValue)
        let inner = String(decoding: try #require(Base64Codec.decode(outer)), as: UTF8.self)
        #expect(try ReleaseCodec.decode(inner).info.status == .superseded)
        let cm = try driver(.configMap).object(r, timeKey: "createdAt")
        #expect(cm["kind"] == "ConfigMap" && cm["type"] == nil)
        #expect(try ReleaseCodec.decode(try #require(cm["data"]?["release"]?.stringValue)).name == "web")
    }

    @Test func oversizedRecordIsAClearError() throws {
        var r = Release(name: "big", namespace: "apps", version: 1)
        // Incompressible payload larger than the limit.
        var g = SystemRandomNumberGenerator()
        r.chart = ["files": [["name": "blob", "data": .string((0..<1_100_000).map { _ in
            String(UnicodeScalar(UInt8.random(in: 65...122, using: &g))) }.joined())]]]
        #expect {
            try driver(.secret).object(r, timeKey: "createdAt")
        } throws: { e in
            (e as? ChartEngineError)?.message.contains("Too long: must have at most 1048576 bytes") ?? false
        }
    }

    @Test func hookRecordsFromRenderedHooks() throws {
        let files = ["c/templates/h.yaml": """
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: migrate
              annotations:
                helm.sh/hook: pre-install,post-upgrade
                helm.sh/hook-weight: "-3"
                helm.sh/hook-delete-policy: hook-succeeded
            """]
        let (hooks, manifests) = try ManifestSorter.sortTyped(files, order: KindOrder.install)
        #expect(manifests.isEmpty)
        let recs = ReleaseContext.hookRecords(hooks)
        #expect(recs.count == 1)
        #expect(recs.first?.events == ["pre-install", "post-upgrade"])
        #expect(recs.first?.weight == -3)
        #expect(recs.first?.deletePolicies == ["hook-succeeded"])
        #expect(recs.first?.kind == "Job" && recs.first?.name == "migrate")
    }
}
