import StructuredData
import Testing

/// `YAML.duplicateKeys`: go-yaml v2 strict mode's "already set in map" findings (the Helm-checked
/// wording is covered by the lint fixtures; this pins the scan itself and hostile input).
@Suite struct YAMLDuplicateKeysTests {
    typealias K = YAML.MapKey

    @Test(arguments: [
        ("a: 1\nb: 2\n", []),
        ("a: 1\na: 2\n", [(2, K.string("a"))]),
        // The line is where the repeated entry's value starts.
        ("a: 1\na:\n\n  x: 1\n", [(4, K.string("a"))]),
        ("a: 1\na:\n- x\n", [(3, K.string("a"))]),
        ("a: 1\na:\n", [(2, K.string("a"))]),
        // Nested first: the repeated entry's value is decoded before the entry is stored.
        ("m:\n  x: 1\nm:\n  z: 1\n  z: 2\n", [(5, K.string("z")), (4, K.string("m"))]),
        ("l:\n- k: 1\n  k: 2\n- {k: 1, j: 2, k: 3}\n", [(3, K.string("k")), (4, K.string("k"))]),
        // go-yaml's resolution: equal after resolving, different types stay different.
        ("1: a\n0x1: b\n\"1\": c\n1.0: d\n", [(2, K.int(1))]),
        ("y: a\ntrue: b\nno: c\nOFF: d\n", [(2, K.bool(true)), (4, K.bool(false))]),
        ("~: a\nnull: b\n", [(2, K.null)]),
        (".nan: a\n.NaN: b\n", []),
        ("'q': 1\nq: 2\n!!str 5: 3\n\"5\": 4\n", [(2, K.string("q")), (4, K.string("5"))]),
        ("2024-01-01: a\n\"2024-01-01\": b\n", [(2, K.string("2024-01-01"))]),
        // Aliases as keys and values; an aliased mapping is checked again at every use.
        ("a: &x k\n*x : 1\nk: 2\n", [(3, K.string("k"))]),
        ("a: &x {k: 1, k: 2}\nb: *x\n", [(1, K.string("k")), (1, K.string("k"))]),
        // Merged keys are entries of the enclosing mapping, reported at the merged value's line
        // (checked against Helm v4.2.3's lint).
        ("b: &m {p: 1}\nc:\n  <<: *m\n  <<: *m\n", [(1, K.string("p"))]),
        ("c:\n  <<: {p: 1}\n  p: 2\n", [(3, K.string("p"))]),
        ("c:\n  <<: [{p: 1}, {p: 2, q: 3}]\n  q: 4\n", [(2, K.string("p")), (3, K.string("q"))]),
        // Only the first document counts, as go-yaml's Unmarshal reads only it.
        ("a: 1\n---\na: 1\na: 2\n", []),
        // Collection keys are left to the decoder (go-yaml refuses them).
        ("? [a]\n: 1\n? [a]\n: 2\n", []),
    ] as [(String, [(Int, K)])])
    func findings(_ text: String, _ expected: [(Int, K)]) {
        let got = YAML.duplicateKeys(text)
        #expect(got.map(\.line) == expected.map(\.0))
        #expect(got.map(\.key) == expected.map(\.1))
    }

    @Test func brokenYAMLStopsTheScanWithoutACrash() {
        #expect(YAML.duplicateKeys("a: 1\na: 2\nb: [\n").map(\.line) == [2])
        #expect(YAML.duplicateKeys("a: *missing\na: 1\n").map(\.line) == [2])
        #expect(YAML.duplicateKeys("\u{FEFF}a: 1\na: 2\n").map(\.line) == [2])
        #expect(YAML.duplicateKeys("").isEmpty)
        #expect(YAML.duplicateKeys("\u{0}\u{1}: :").isEmpty)
    }

    @Test func aliasExpansionIsBounded() {
        // A "billion laughs" document: each level aliases the previous one nine times. The walk
        // re-checks aliased mappings as go-yaml does, but stops at its work budget.
        var text = "x0: &a0 {k: 1, k: 2}\n"
        for i in 1..<25 {
            text += "x\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 9).joined(separator: ", ") + "]\n"
        }
        let found = YAML.duplicateKeys(text)
        #expect(!found.isEmpty && found.count < 1_000_000)
        #expect(found.allSatisfy { $0.line == 1 && $0.key == .string("k") })
    }

    @Test func deepNestingIsBoundedNotRecursive() {
        let depth = 20_000
        let deep = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(YAML.duplicateKeys("a: \(deep)\na: 1\n").isEmpty)
        let maps = String(repeating: "{a: ", count: 5_000) + "1" + String(repeating: ", a: 2}", count: 5_000)
        #expect(YAML.duplicateKeys(maps).count == 5_000)
    }
}
