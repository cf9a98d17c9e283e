import ClusterAPI
import Foundation
import StructuredData
import Testing

/// The deepest inputs the patch functions accept fit a bounded thread stack: strategic merge at its depth
/// limit within 2 MiB even in a debug build (Linux threads get 8 MiB), merge patch at the JSON decoder's
/// 10000 levels within 256 KiB because it keeps its own stack.
@Suite struct PatchStackTests {
    /// Keeps a result alive past the thread: dropping a 10000-level `Value` is itself a deep recursion
    /// (enum destruction), which is not what these tests measure.
    final class Box: @unchecked Sendable {
        var value: Value = .null
        var failure: PatchError?
    }

    static func onThread(stackKiB: Int, _ body: @escaping @Sendable () -> Void) {
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            body()
            done.signal()
        }
        thread.stackSize = stackKiB * 1024
        thread.start()
        done.wait()
    }

    @Test func deepestStrategicPatchFitsTwoMiB() {
        let schemas = PatchTestSchemas.set
        let pod = schemas.root(for: GroupVersionKind(apiVersion: "v1", kind: "Pod"))!
        // Nested keyed lists (containers[name].env-like) and maps, just under the depth limit.
        var patch: Value = ["x": 1]
        var original: Value = ["y": 2]
        var depth = 1
        while depth + 3 < StrategicMergePatch.maxDepth {
            patch = ["extra": ["l": [patch]]]
            original = ["extra": ["l": [original]]]
            depth += 3
        }
        let p = patch, o = original
        let box = Box()
        Self.onThread(stackKiB: 2048) {
            do {
                box.value = try StrategicMergePatch.apply(p, to: o, schema: pod, schemas: schemas)
            } catch {
                box.failure = error as? PatchError ?? PatchError(.badRequest, path: "", "\(error)")
            }
        }
        #expect(box.failure == nil)
        #expect(box.value != .null)
    }

    @Test func deepestMergePatchFitsASmallStack() {
        var patch: Value = ["x": 1]
        for _ in 0..<10_000 { patch = ["a": patch] }
        let p = patch
        let box = Box()
        Self.onThread(stackKiB: 256) {
            box.value = MergePatch.apply(p, to: [:])
        }
        #expect(box.value == p)
    }
}
