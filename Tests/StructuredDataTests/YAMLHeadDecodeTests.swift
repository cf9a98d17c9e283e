import StructuredData
import Testing

/// `YAML.decodeHead`: the head keys exactly as a full decode gives them, or nil (decode in full).
@Suite struct YAMLHeadDecodeTests {
    static let keys: Set<String> = ["apiVersion", "kind", "metadata"]

    /// What a full decode gives, reduced to the head keys (nil when it fails).
    static func reference(_ doc: String) -> Value? {
        guard let full = try? YAML.decode(doc) else { return nil }
        guard case .map(let m) = full else { return full }
        return .map(m.filter { keys.contains($0.key) })
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var doc: String
        /// True when the fast path must give up (the caller then decodes in full).
        var bails: Bool
        var testDescription: String { doc.debugDescription }
    }

    static let cases: [Case] = [
        Case(doc: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: \"1\"\n  b: [1, 2, {c: d}]\n", bails: false),
        Case(doc: "kind: Deployment\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n        - name: a\n          ports: [80, 443]\n", bails: false),
        Case(doc: "metadata:\n  name: 1e3\n  annotations:\n    helm.sh/hook: pre-install\n    w: 5\nkind: 7\n", bails: false),
        Case(doc: "# only a comment\n", bails: false),
        Case(doc: "", bails: false),
        Case(doc: "just a scalar", bails: false),
        Case(doc: "- a\n- b\n", bails: false),
        Case(doc: "kind: A\nkind: B\nmetadata: {name: a}\nmetadata: {name: b}\n", bails: false),
        Case(doc: "kind: A\nspec:\n  1: one\n  true: yes\n  1.5: x\n  -.inf: y\n", bails: false),
        Case(doc: "kind: A\nspec: {x: -1, y: +2, z: .5, w: -.5e3, s: '-.inf'}\n", bails: false),
        // Things only a full decode reports exactly.
        Case(doc: "kind: A\nspec:\n  x: .nan\n", bails: true),
        Case(doc: "kind: A\nspec:\n  x: -.Inf\n", bails: true),
        Case(doc: "kind: A\nspec:\n  ~: 1\n", bails: true),
        Case(doc: "kind: A\nspec:\n  0xFFFFFFFFFFFFFFFF: 1\n", bails: true),
        Case(doc: "kind: A\nspec:\n  <<: {a: 1}\n", bails: true),
        Case(doc: "kind: A\nspec:\n  ? [a, b]\n  : 1\n", bails: true),
        Case(doc: "kind: A\nspec: !!int x\n", bails: true),
        Case(doc: "kind: A\nspec: !!binary '%%%'\n", bails: true),
        Case(doc: "kind: &k A\nspec: *k\n", bails: true),
        Case(doc: "kind: A\nspec: &a {x: 1}\nother: *a\n", bails: true),
        Case(doc: "kind: A\nspec:\n  a: b: c\n", bails: true),
        Case(doc: "kind: A\nspec: [1, 2\n", bails: true),
        Case(doc: "kind: A\nspec: x\n---\nkind: B\n", bails: false),
    ]

    @Test(arguments: cases)
    func headMatchesFullDecode(_ c: Case) {
        let head = YAML.decodeHead(c.doc, keys: Self.keys)
        if c.bails {
            #expect(head == nil)
        } else {
            #expect(head != nil)
            #expect(head == Self.reference(c.doc))
        }
    }

    @Test func deepSkippedNestingIsParsedNotBuilt() {
        let deep = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect(YAML.decodeHead("kind: A\nspec: \(deep)\n", keys: Self.keys) == .map(["kind": "A"]))
    }
}
