import ClusterAPI
import Foundation
import StructuredData
import Testing

/// A small deterministic generator (SplitMix64) so every fuzz run sees the same inputs.
struct PatchFuzzRNG: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random values and patches built from a vocabulary that hits the interesting cases: schema field
/// names, merge keys, every directive, and garbage.
struct PatchFuzzer {
    var rng: PatchFuzzRNG
    var keys = ["metadata", "spec", "containers", "name", "image", "env", "ports", "containerPort", "finalizers",
                "labels", "volumes", "tolerations", "nodeSelector", "value", "a", "b", "template", "strategy",
                "$patch", "$retainKeys", "$setElementOrder/containers", "$setElementOrder/finalizers",
                "$deleteFromPrimitiveList/finalizers", "$deleteFromPrimitiveList/containers", "$bogus", "~1", ""]
    var scalars: [Value] = [.null, .bool(true), .int(0), .int(80), .int(-1), .float(80.0), .float(0.5),
                            "replace", "delete", "merge", "web", "a", "-", "/", ""]
    /// When false, maps get no `$` keys and lists hold only scalars (the shape where strategic merge
    /// on a ConfigMap must equal a JSON merge patch).
    var directives = true

    mutating func pick<T>(_ xs: [T]) -> T { xs[Int.random(in: 0..<xs.count, using: &rng)] }

    mutating func value(depth: Int) -> Value {
        let roll = Int.random(in: 0..<10, using: &rng)
        if depth <= 0 || roll < 4 { return pick(directives ? scalars : scalars.filter { !$0.isNull }) }
        if roll < 7 {
            var m: [String: Value] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &rng) {
                let k = pick(directives ? keys : keys.filter { !$0.hasPrefix("$") })
                m[k] = value(depth: depth - 1)
            }
            return .map(m)
        }
        var l: [Value] = []
        for _ in 0..<Int.random(in: 0...4, using: &rng) {
            l.append(directives ? value(depth: depth - 1) : pick(scalars.filter { !$0.isNull }))
        }
        return .list(l)
    }

    /// A map value whose nulls may appear as members (patches use them to delete).
    mutating func patchMap(depth: Int) -> Value {
        var m: [String: Value] = [:]
        for _ in 0..<Int.random(in: 0...5, using: &rng) {
            let k = pick(directives ? keys : keys.filter { !$0.hasPrefix("$") })
            m[k] = Int.random(in: 0..<5, using: &rng) == 0 ? .null : value(depth: depth - 1)
        }
        return .map(m)
    }

    mutating func pointer() -> String {
        var p = ""
        for _ in 0..<Int.random(in: 0...4, using: &rng) {
            p += "/" + pick(["spec", "containers", "0", "1", "-", "-1", "a", "b", "~0", "~1", "~", "01", "999999999999999999999"])
        }
        return Int.random(in: 0..<20, using: &rng) == 0 ? "no-slash" : p
    }

    mutating func jsonPatch() -> Value {
        var ops: [Value] = []
        for _ in 0..<Int.random(in: 0...6, using: &rng) {
            var op: [String: Value] = ["op": .string(pick(["add", "remove", "replace", "move", "copy", "test", "nope"]))]
            if Int.random(in: 0..<10, using: &rng) > 0 { op["path"] = .string(pointer()) }
            if Int.random(in: 0..<2, using: &rng) == 0 { op["from"] = .string(pointer()) }
            if Int.random(in: 0..<4, using: &rng) > 0 { op["value"] = value(depth: 2) }
            ops.append(Int.random(in: 0..<30, using: &rng) == 0 ? value(depth: 1) : .map(op))
        }
        return .list(ops)
    }
}

@Suite struct PatchRobustnessTests {
    static let schemas = PatchTestSchemas.set
    static let pod = schemas.root(for: GroupVersionKind(apiVersion: "v1", kind: "Pod"))!
    /// A message with no fields: every key is free-form.
    static let free = MessageSchema(name: "test.Free", fields: [])

    @Test(arguments: 0..<8)
    func randomPatchesNeverCrash(seed: Int) {
        var f = PatchFuzzer(rng: PatchFuzzRNG(state: UInt64(seed) &* 7919))
        var applied = 0
        var refused = 0
        for _ in 0..<400 {
            let doc = f.value(depth: 5)
            do {
                _ = try JSONPatch.apply(f.jsonPatch(), to: doc)
                applied += 1
            } catch {
                #expect(!error.message.isEmpty)
                refused += 1
            }
            _ = MergePatch.apply(f.patchMap(depth: 5), to: doc)
            do {
                _ = try StrategicMergePatch.apply(f.patchMap(depth: 5), to: doc, schema: Self.pod, schemas: Self.schemas)
                applied += 1
            } catch {
                #expect(!error.message.isEmpty)
                refused += 1
            }
        }
        // Both outcomes must occur, or the generator is not exercising anything.
        #expect(applied > 0 && refused > 0)
    }

    @Test(arguments: 0..<4)
    func randomPatchesOnBuiltinKindsNeverCrash(seed: Int) throws {
        let schemas = BuiltinSchemas.all
        let kinds = [GroupVersionKind(apiVersion: "apps/v1", kind: "Deployment"),
                     GroupVersionKind(apiVersion: "v1", kind: "Pod"),
                     GroupVersionKind(apiVersion: "v1", kind: "Service"),
                     GroupVersionKind(apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition")]
        var f = PatchFuzzer(rng: PatchFuzzRNG(state: UInt64(seed) &+ 555))
        f.keys += ["replicas", "selector", "matchLabels", "initContainers", "volumeMounts", "mountPath", "resources",
                   "limits", "versions", "schema", "openAPIV3Schema", "properties", "$ref", "default", "port"]
        var outcomes = Set<Bool>()
        for i in 0..<400 {
            let schema = try #require(schemas.root(for: kinds[i % kinds.count]))
            do {
                _ = try StrategicMergePatch.apply(f.patchMap(depth: 6), to: f.patchMap(depth: 6), schema: schema,
                                                  schemas: schemas)
                outcomes.insert(true)
            } catch {
                #expect(!error.message.isEmpty)
                outcomes.insert(false)
            }
        }
        #expect(outcomes.count == 2)
    }

    /// Without directives and with scalar lists only, strategic merge on a type without list metadata
    /// is exactly a JSON merge patch.
    @Test(arguments: 0..<4)
    func strategicEqualsMergePatchWithoutListMetadata(seed: Int) throws {
        var f = PatchFuzzer(rng: PatchFuzzRNG(state: UInt64(seed) &+ 1000))
        f.directives = false
        for _ in 0..<300 {
            guard case .map(var doc) = f.patchMap(depth: 4) else { continue }
            doc = doc.filter { !$0.value.isNull }
            let patch = f.patchMap(depth: 4)
            let viaMerge = MergePatch.apply(patch, to: .map(doc))
            let viaStrategic = try StrategicMergePatch.apply(patch, to: .map(doc), schema: Self.free,
                                                             schemas: Self.schemas)
            #expect(viaMerge == viaStrategic, "patch \(JSON.encode(patch)) on \(JSON.encode(.map(doc)))")
        }
    }

    /// RFC 7386 patches are idempotent.
    @Test func mergePatchIsIdempotent() {
        var f = PatchFuzzer(rng: PatchFuzzRNG(state: 42))
        for _ in 0..<500 {
            let doc = f.value(depth: 4)
            let patch = f.patchMap(depth: 4)
            let once = MergePatch.apply(patch, to: doc)
            #expect(MergePatch.apply(patch, to: once) == once)
        }
    }

    @Test func tooManyOperationsIs413() {
        let ops = Value.list(Array(repeating: ["op": "test", "path": "", "value": [:]], count: JSONPatch.maxOperations + 1))
        #expect {
            _ = try JSONPatch.apply(ops, to: [:])
        } throws: { error in
            let e = error as? PatchError
            return e?.httpStatus == 413
                && e?.message == "The allowed number of operations in a JSON patch is 10000, got 10001"
        }
        // Exactly the limit is fine.
        let ok = Value.list(Array(repeating: ["op": "test", "path": "", "value": [:]], count: JSONPatch.maxOperations))
        #expect(throws: Never.self) { _ = try JSONPatch.apply(ok, to: [:]) }
    }

    @Test func copiesCannotGrowTheDocumentExponentially() {
        var ops: [Value] = [["op": "add", "path": "/a", "value": [1, 2, 3, 4]]]
        for _ in 0..<40 { ops.append(["op": "copy", "from": "/a", "path": "/a/-"]) }
        #expect {
            _ = try JSONPatch.apply(.list(ops), to: [:])
        } throws: { error in
            (error as? PatchError)?.message.contains("accumulated size increase of copy") == true
        }
    }

    @Test func deepPointerIsRefused() {
        let path = String(repeating: "/a", count: 5000)
        #expect {
            _ = try JSONPatch.apply([["op": "add", "path": .string(path), "value": 1]], to: [:])
        } throws: { error in
            (error as? PatchError)?.message.contains("deeper than 1000 levels") == true
        }
    }

    @Test func deepPointerWithinLimitWorks() throws {
        var doc: Value = 1
        for _ in 0..<900 { doc = ["a": doc] }
        let path = String(repeating: "/a", count: 900)
        let out = try JSONPatch.apply([["op": "replace", "path": .string(path), "value": 2]], to: doc)
        #expect(PatchRobustnessTests.value(at: path, in: out) == 2)
    }

    @Test func deepStrategicPatchIsRefusedNotCrashing() {
        var patch: Value = ["x": 1]
        for _ in 0..<2000 { patch = ["extra": patch] }
        #expect {
            _ = try StrategicMergePatch.apply(patch, to: [:], schema: Self.pod, schemas: Self.schemas)
        } throws: { error in
            (error as? PatchError)?.message.contains("nests deeper than") == true
        }
    }

    @Test func deepMergePatchDoesNotCrash() {
        // The JSON decoder allows 10000 levels; a merge patch that deep must still apply.
        var patch: Value = ["x": 1]
        for _ in 0..<10_000 { patch = ["a": patch] }
        let out = MergePatch.apply(patch, to: [:])
        #expect(out == patch)
    }

    @Test func failedPatchLeavesNoPartialResult() {
        // Operations are applied to a copy: the first op's change is not visible anywhere after the failure.
        let doc: Value = ["a": 1]
        #expect(throws: PatchError.self) {
            _ = try JSONPatch.apply([["op": "add", "path": "/b", "value": 2], ["op": "remove", "path": "/zz"]], to: doc)
        }
        #expect(doc == ["a": 1])
    }

    @Test func errorCodesMapToStatuses() {
        #expect(PatchError(.badRequest, path: "", "x").httpStatus == 400)
        #expect(PatchError(.unprocessable, path: "", "x").httpStatus == 422)
        #expect(PatchError(.tooLarge, path: "", "x").httpStatus == 413)
        #expect(PatchError(.unsupportedMediaType, path: "", "x").httpStatus == 415)
        #expect(PatchError(.unprocessable, path: "/a", "boom").description == "boom")
    }

    @Test func strategicErrorNamesThePath() {
        let original: Value = ["spec": ["containers": [["name": "web", "env": [["name": "A"]]]]]]
        let patch: Value = ["spec": ["containers": [["name": "web", "env": [["value": "x"]]]]]]
        #expect {
            _ = try StrategicMergePatch.apply(patch, to: original, schema: Self.pod, schemas: Self.schemas)
        } throws: { error in
            let e = error as? PatchError
            return e?.path == "spec.containers[name=\"web\"].env"
                && e?.message.hasPrefix("spec.containers[name=\"web\"].env: map:") == true
        }
    }

    @Test func strategicDocumentMustBeAMap() throws {
        #expect(throws: PatchError.self) {
            _ = try StrategicMergePatch.apply([:], to: [1], schema: Self.pod, schemas: Self.schemas)
        }
        #expect(try StrategicMergePatch.apply(["a": 1], to: .null, schema: Self.pod, schemas: Self.schemas) == ["a": 1])
    }
}

extension PatchRobustnessTests {
    /// The value at a slash-separated path of map keys (test helper; no escapes).
    static func value(at path: String, in doc: Value) -> Value? {
        var cur = doc
        for token in path.split(separator: "/") {
            guard let next = cur[String(token)] else { return nil }
            cur = next
        }
        return cur
    }
}

extension PatchRobustnessTests {
    /// 10000 operations on a document with a large list stay fast: containers are updated in place
    /// rather than copied per operation (a copy per op would be 10000 × 20000 element copies).
    @Test func manyOperationsOnALargeDocumentAreFast() throws {
        let big = Value.list((0..<20_000).map { .int(Int64($0)) })
        var ops: [Value] = []
        for i in 0..<JSONPatch.maxOperations {
            ops.append(["op": "replace", "path": .string("/spec/items/\(i)"), "value": .int(-1)])
        }
        let clock = ContinuousClock()
        let start = clock.now
        let out = try JSONPatch.apply(.list(ops), to: ["spec": ["items": big]])
        let elapsed = clock.now - start
        #expect(out["spec"]?["items"]?.listValue?.prefix(3) == [-1, -1, -1])
        #expect(elapsed < .seconds(5), "took \(elapsed)")
    }
}

extension PatchRobustnessTests {
    /// Keyed merges are hash-based: 5000 env vars patched, reordered and partly deleted in one go.
    @Test func largeKeyedMergeIsFast() throws {
        let n = 5_000
        let env: [Value] = (0..<n).map { ["name": .string("V\($0)"), "value": "old"] }
        let original: Value = ["spec": ["containers": [["name": "app", "env": .list(env)]]]]
        var patchEnv: [Value] = (1..<n).reversed().map { ["name": .string("V\($0)"), "value": "new"] }
        patchEnv.append(["name": "V0", "$patch": "delete"])
        let order: [Value] = (1..<n).reversed().map { ["name": .string("V\($0)")] }
        let patch: Value = ["spec": ["containers": [["name": "app", "env": .list(patchEnv),
                                                      "$setElementOrder/env": .list(order)]]]]
        let clock = ContinuousClock()
        let start = clock.now
        let out = try StrategicMergePatch.apply(patch, to: original, schema: Self.pod, schemas: Self.schemas)
        let elapsed = clock.now - start
        let merged = out["spec"]?["containers"]?.listValue?.first?["env"]?.listValue ?? []
        #expect(merged.count == n - 1)
        #expect(merged.first == ["name": "V4999", "value": "new"])
        #expect(merged.last == ["name": "V1", "value": "new"])
        #expect(elapsed < .seconds(5), "took \(elapsed)")
    }
}

extension PatchRobustnessTests {
    @Test func strategicByKindUsesTheBuiltinTable() throws {
        let original: Value = ["metadata": ["name": "web"],
                               "spec": ["template": ["spec": ["containers": [["name": "a", "image": "1"]]]]]]
        let patch: Value = ["spec": ["template": ["spec": ["containers": [["name": "a", "image": "2"]]]]]]
        let out = try StrategicMergePatch.apply(patch, to: original,
                                                kind: GroupVersionKind(apiVersion: "apps/v1", kind: "Deployment"))
        #expect(out["spec"]?["template"]?["spec"]?["containers"] == [["name": "a", "image": "2"]])
    }

    @Test func strategicOnACustomResourceIs415() {
        #expect {
            _ = try StrategicMergePatch.apply(["spec": [:]], to: [:],
                                              kind: GroupVersionKind(apiVersion: "example.com/v1", kind: "Widget"))
        } throws: { error in
            let e = error as? PatchError
            return e?.httpStatus == 415 && e?.message.contains("application/merge-patch+json") == true
        }
    }
}

extension PatchRobustnessTests {
    /// Every member of a random document is reachable through an escaped pointer: `test` against its
    /// own value passes, and replacing it with itself changes nothing.
    @Test func escapedPointersReachEveryMember() throws {
        var f = PatchFuzzer(rng: PatchFuzzRNG(state: 99))
        f.keys += ["a/b", "~", "~1", "x~0/y", " "]
        func escape(_ token: String) -> String {
            token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
        }
        func paths(_ v: Value, _ prefix: String, into out: inout [(String, Value)]) {
            out.append((prefix, v))
            switch v {
            case .map(let m): for (k, c) in m { paths(c, prefix + "/" + escape(k), into: &out) }
            case .list(let l): for (i, c) in l.enumerated() { paths(c, prefix + "/\(i)", into: &out) }
            default: break
            }
        }
        var checked = 0
        for _ in 0..<200 {
            let doc = f.patchMap(depth: 4)
            var all: [(String, Value)] = []
            paths(doc, "", into: &all)
            for (pointer, value) in all {
                let ops: Value = [["op": "test", "path": .string(pointer), "value": value],
                                  ["op": "replace", "path": .string(pointer), "value": value]]
                #expect(try JSONPatch.apply(ops, to: doc) == doc, "pointer \(pointer)")
                checked += 1
            }
        }
        #expect(checked > 1000)
    }
}
