import ClusterAPI
import StructuredData
import Testing

/// Seeded random sequences of applies and updates by several managers: nothing crashes, an apply
/// is idempotent, the applied fields end up in the object, and managedFields never keep empty or
/// duplicate entries.
struct ApplyPropertyTests {
    /// SplitMix64, so every run sees the same cases.
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    static let schemas = ApplyTestSchemas.set
    static let deployment = schemas.root(for: GroupVersionKind(group: "apps", version: "v1", kind: "Deployment"))

    /// A random Deployment-shaped config from a small vocabulary, so different draws overlap.
    static func config(_ r: inout Rng) -> Value {
        var labels: [String: Value] = [:]
        for k in ["a", "b", "c"] where r.int(2) == 0 { labels[k] = .string("v\(r.int(2))") }
        var containers: [Value] = []
        for name in ["web", "side", "init"] where r.int(2) == 0 {
            var c: [String: Value] = ["name": .string(name)]
            if r.int(2) == 0 { c["image"] = .string("img:\(r.int(3))") }
            if r.int(3) == 0 { c["args"] = .list((0..<r.int(3)).map { .string("x\($0)") }) }
            if r.int(2) == 0 {
                c["ports"] = .list([80, 443, 8080].filter { _ in r.int(2) == 0 }.map { ["containerPort": .int($0)] })
            }
            if r.int(2) == 0 {
                c["env"] = .list(["A", "B"].filter { _ in r.int(2) == 0 }.map { ["name": .string($0), "value": .string("\(r.int(2))")] })
            }
            containers.append(.map(c))
        }
        var spec: [String: Value] = ["template": ["spec": ["containers": .list(containers)]]]
        if r.int(2) == 0 { spec["replicas"] = .int(Int64(r.int(3))) }
        if r.int(3) == 0 { spec["strategy"] = ["type": .string(r.int(2) == 0 ? "Recreate" : "RollingUpdate")] }
        return ["apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": ["name": "d", "labels": .map(labels)], "spec": .map(spec)]
    }

    static func fieldPaths(_ v: Value, _ prefix: String = "") -> Set<String> {
        guard case .map(let m) = v else { return [] }
        var out: Set<String> = []
        for (k, c) in m where k != "." {
            let p = prefix + "/" + k
            if case .map(let cm) = c, !cm.isEmpty, cm.keys.contains(where: { $0 != "." }) {
                out.formUnion(fieldPaths(c, p))
                if cm["."] != nil { out.insert(p) }
            } else {
                out.insert(p)
            }
        }
        return out
    }

    @Test(arguments: 0..<40)
    func randomSequences(seed: Int) throws {
        var r = Rng(state: UInt64(seed) &* 7919)
        let managers = ["helm", "kubectl", "ops"]
        var live: Value? = nil
        for step in 0..<12 {
            let manager = managers[r.int(managers.count)]
            let time = "2026-01-01T00:00:\(step < 10 ? "0" : "")\(step)Z"
            if live != nil, r.int(3) == 0 {
                // A non-apply write: replace the object with a random config's content.
                var new = Self.config(&r).mapValue ?? [:]
                var meta = new["metadata"]?.mapValue ?? [:]
                meta["managedFields"] = live?.lookup(["metadata", "managedFields"])
                new["metadata"] = .map(meta)
                live = ServerSideApply.recordUpdate(old: live, new: .map(new), manager: manager, subresource: nil,
                                                    time: time, schema: Self.deployment, schemas: Self.schemas)
            } else {
                let cfg = Self.config(&r)
                let out = try ServerSideApply.apply(live: live, config: cfg, manager: manager, force: true, time: time,
                                                    schema: Self.deployment, schemas: Self.schemas)
                // Idempotent: the same apply again changes nothing, time included.
                let again = try ServerSideApply.apply(live: out, config: cfg, manager: manager, force: false,
                                                      time: "later", schema: Self.deployment, schemas: Self.schemas)
                #expect(again == out, "seed \(seed) step \(step)\n\(JSON.encode(cfg))\nlive  \(JSON.encode(live ?? .null))\nout   \(JSON.encode(out))\nagain \(JSON.encode(again))")
                // Everything the config sets is in the object and owned by the applier.
                let configPaths = Self.fieldPaths(ServerSideApply.fieldSet(of: cfg, schema: Self.deployment, schemas: Self.schemas))
                let objectPaths = Self.fieldPaths(ServerSideApply.fieldSet(of: out, schema: Self.deployment, schemas: Self.schemas))
                #expect(configPaths.isSubset(of: objectPaths), "seed \(seed) step \(step)")
                let mine = out.lookup(["metadata", "managedFields"])?.listValue?.first {
                    $0["manager"]?.stringValue == manager && $0["operation"] == "Apply"
                }
                #expect(Self.fieldPaths(mine?["fieldsV1"] ?? [:]) == configPaths, "seed \(seed) step \(step)")
                live = out
            }
            let entries = live?.lookup(["metadata", "managedFields"])?.listValue ?? []
            var keys: Set<String> = []
            for e in entries {
                #expect(e["fieldsV1"] != .map([:]), "empty entry kept, seed \(seed)")
                let key = "\(e["manager"]?.stringValue ?? "")/\(e["operation"]?.stringValue ?? "")"
                #expect(keys.insert(key).inserted, "duplicate entry \(key), seed \(seed)")
            }
        }
    }
}
