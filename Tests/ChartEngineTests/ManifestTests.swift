import ChartEngine
import StructuredData
import Testing

/// Manifest splitting, kind ordering and hook separation (`releaseutil`).
struct ManifestTests {
    struct SplitCase: CustomTestStringConvertible, Sendable {
        var input: String
        var docs: [String]
        var testDescription: String { input.debugDescription }
    }

    static let splits: [SplitCase] = [
        SplitCase(input: "a: 1\n", docs: ["a: 1\n"]),
        SplitCase(input: "---\na: 1\n---\nb: 2\n", docs: ["a: 1", "b: 2\n"]),
        // The last document keeps its trailing newlines (Helm v4.2.3 prints them).
        SplitCase(input: "a: 1\n\n\n---\n\nb: 2\n\n", docs: ["a: 1", "b: 2\n\n"]),
        // The first separator eats the newline the second one would need (RE2 matches do not overlap).
        SplitCase(input: "a: 1\n---\n---\nb: 2", docs: ["a: 1", "---\nb: 2"]),
        SplitCase(input: "a: |\n  x---y\nb: 2", docs: ["a: |\n  x---y\nb: 2"]),
        SplitCase(input: "a: 1\n---foo\nb: 2", docs: ["a: 1", "foo\nb: 2"]),
        SplitCase(input: "   \n  ", docs: []),
        SplitCase(input: "# only a comment\n", docs: ["# only a comment\n"]),
        SplitCase(input: "  ---  \na: 1", docs: ["a: 1"]),
    ]

    @Test(arguments: splits)
    func split(_ c: SplitCase) {
        #expect(ManifestSplitter.split(c.input) == c.docs)
    }

    @Test func kindOrderIsStableAndPutsUnknownKindsLastAlphabetically() {
        let kinds = ["Deployment", "Zeta", "Service", "", "Alpha", "Namespace", "Service", "ConfigMap"]
        let items = kinds.enumerated().map { (i: $0.offset, kind: $0.element) }
        let sorted = KindOrder.sorted(items) { $0.kind }
        #expect(sorted.map(\.kind) == ["Namespace", "ConfigMap", "Service", "Service", "Deployment", "", "Alpha", "Zeta"])
        #expect(sorted.filter { $0.kind == "Service" }.map(\.i) == [2, 6])
    }

    @Test func sortSeparatesHooksAndDropsUnknownHooks() throws {
        let files = [
            "c/templates/b.yaml": "kind: Service\nmetadata:\n  name: s\n---\nkind: Job\nmetadata:\n  name: j\n  annotations:\n    helm.sh/hook: pre-install, post-upgrade\n    helm.sh/hook-weight: \"5\"\n",
            "c/templates/a.yaml": "kind: Deployment\nmetadata:\n  name: d\n",
            "c/templates/_p.tpl": "kind: Secret",
            "c/templates/empty.yaml": "  \n",
            "c/templates/t.yaml": "kind: Pod\nmetadata:\n  annotations:\n    helm.sh/hook: test-success\n",
            "c/templates/u.yaml": "kind: Pod\nmetadata:\n  annotations:\n    helm.sh/hook: not-a-hook\n",
        ]
        let (hooks, manifests) = try ManifestSorter.sort(files)
        #expect(manifests.map(\.kind) == ["Service", "Deployment"])
        #expect(manifests.map(\.path) == ["c/templates/b.yaml", "c/templates/a.yaml"])
        #expect(hooks.map(\.manifest.kind) == ["Pod", "Job"])
        #expect(hooks[1].events == ["pre-install", "post-upgrade"])
        #expect(hooks[1].weight == 5)
        #expect(hooks[0].isTest)
    }

    @Test func invalidYAMLIsReportedWithThePath() {
        let msg = Fixtures.errorMessage { _ = try ManifestSorter.sort(["c/templates/x.yaml": "a: b: c\n"]) }
        #expect(msg == "YAML parse error on c/templates/x.yaml: error converting YAML to JSON: yaml: mapping values are not allowed in this context")
    }

    @Test func nonMapDocumentIsAnUnmarshalError() {
        let msg = Fixtures.errorMessage { _ = try ManifestSorter.sort(["c/templates/x.yaml": "- a\n- b\n"]) }
        #expect(msg == "YAML parse error on c/templates/x.yaml: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type releaseutil.SimpleHead")
    }
}
