@testable import ChartEngine
import Testing

/// The per-file half of manifest sorting runs on two threads for large renders: the result and the
/// reported error must be those of the single-threaded pass.
struct ManifestSortParallelTests {
    static func files(count: Int, broken: Set<Int> = []) -> [String: String] {
        var out: [String: String] = [:]
        for i in 0..<count {
            let path = "c/templates/f\(i).yaml"
            var text = "kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: cm\(i)\n"
            if i % 3 == 0 { text += "---\nkind: Service\nmetadata:\n  name: s\(i)\n" }
            if i % 5 == 0 {
                text += "---\nkind: Job\nmetadata:\n  name: j\(i)\n  annotations:\n    helm.sh/hook: pre-install,post-upgrade\n"
                    + "    helm.sh/hook-weight: \"\(i % 7)\"\n"
            }
            if i % 11 == 0 { text = "\n  \n" }
            if broken.contains(i) { text += "---\nkind: [unclosed\n" }
            out[path] = text
        }
        out["c/templates/_helpers.tpl"] = "kind: [ignored partial"
        return out
    }

    @Test(arguments: [16, 40, 257])
    func parallelEqualsSequential(_ count: Int) throws {
        let f = Self.files(count: count)
        let seq = try ManifestSorter.sortTyped(f, order: KindOrder.install, parallelMinimum: .max)
        let par = try ManifestSorter.sortTyped(f, order: KindOrder.install, parallelMinimum: 1)
        #expect(par.manifests == seq.manifests)
        #expect(par.hooks == seq.hooks)
        #expect(seq.manifests.count > count / 2)
        #expect(!seq.hooks.isEmpty)
    }

    @Test func firstErrorInPathOrderIsReported() {
        // f13 sorts before f7 as a string ("f13" < "f7"): the sequential pass fails on f13 first.
        let f = Self.files(count: 40, broken: [7, 13, 39])
        func message(_ minimum: Int) -> String? {
            do {
                _ = try ManifestSorter.sortTyped(f, order: KindOrder.install, parallelMinimum: minimum)
                return nil
            } catch {
                return error.message
            }
        }
        let seq = message(.max)
        #expect(seq?.hasPrefix("YAML parse error on c/templates/f13.yaml") == true)
        for _ in 0..<20 { #expect(message(1) == seq) }
    }
}
