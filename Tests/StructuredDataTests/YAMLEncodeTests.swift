@testable import StructuredData
import Testing

/// `toYaml` (go-yaml v2 via sigs.k8s.io/yaml) and `toYamlPretty` (go-yaml v3) output rules of
/// helm-behaviour.md §3.3; the broader table checked against Helm lives in HelmOracleTests.
@Suite struct YAMLEncodeTests {
    static func toYaml(_ v: Value) -> String {
        let s = YAML.encode(v)
        return s.hasSuffix("\n") ? String(s.dropLast()) : s
    }

    static func pretty(_ v: Value) -> String {
        let s = YAML.encodePretty(v)
        return s.hasSuffix("\n") ? String(s.dropLast()) : s
    }

    @Test(arguments: [
        "yes", "on", "y", "n", "true", "null", "~", "123", "1.5", "0123", "1e3", "0x1F", "1.10", "2024-01-01",
        "12:30", "1:20", ".5", ".inf", ".nan", "1_000", "+1", "0b101", "0o17", "No", "OFF",
    ])
    func stringsThatResolveOtherwiseAreDoubleQuoted(_ s: String) {
        #expect(Self.toYaml(.string(s)) == "\"\(s)\"")
        #expect(Self.pretty(.string(s)) == "\"\(s)\"")
    }

    @Test(arguments: [
        ("", "\"\""), ("a\r\nb", "\"a\\r\\nb\""), ("a\u{1}b", "\"a\\x01b\""), ("\u{1F600}", "\"\\U0001F600\""),
        ("a\tb", "\"a\\tb\""), ("\u{FEFF}x", "\"\\uFEFF\\x78\""), ("line1 \nline2", "\"line1 \\nline2\""),
        ("&x", "'&x'"), ("*x", "'*x'"), ("- x", "'- x'"), ("a: b", "'a: b'"), ("a #b", "'a #b'"), (" lead", "' lead'"),
        ("a ", "'a '"), ("@x", "'@x'"), ("{a}", "'{a}'"), ("[a]", "'[a]'"), ("%x", "'%x'"), ("!x", "'!x'"),
        ("|x", "'|x'"), (">x", "'>x'"), ("`x", "'`x'"), ("-", "'-'"), ("a:", "'a:'"), ("'q'", "'''q'''"),
        ("it's \"q\"", "it's \"q\""), ("a,b", "a,b"), ("a#b", "a#b"), ("?x", "?x"), ("http://x:80/p", "http://x:80/p"),
        ("héllo ✓", "héllo ✓"), ("<<", "<<"),
        ("line1\nline2", "|-\n  line1\n  line2"), ("line1\nline2\n", "|\n  line1\n  line2"),
        ("line1\n\n", "|+\n  line1\n"), ("\nlead", "|2-\n\n  lead"), ("  x\n y\n", "|2\n    x\n   y"),
    ])
    func quotingAndBlockScalars(input: String, expected: String) {
        #expect(Self.toYaml(.string(input)) == expected)
    }

    @Test func prettyUsesLiteralBlocksForTabs() {
        #expect(Self.pretty("a\tb\nc") == "|-\n  a\tb\n  c")
        #expect(Self.toYaml("a\tb\nc") == "\"a\\tb\\nc\"")
    }

    @Test func foldsLongStringsAtColumn80() {
        let words = String(repeating: "word ", count: 30)
        // Trailing space: single-quoted, still folded at the first space past column 80.
        #expect(Self.toYaml(.string(words))
            == "'word word word word word word word word word word word word word word word word word\n"
            + "  word word word word word word word word word word word word word '")
        let plain = String(words.dropLast())
        #expect(Self.toYaml(["k": .string(plain)])
            == "k: word word word word word word word word word word word word word word word word\n"
            + "  word word word word word word word word word word word word word word")
        #expect(Self.pretty(["k": .string(plain)]) == "k: " + plain)
    }

    @Test func collectionsAndIndentation() {
        let v: Value = ["b": [1, 2], "a": ["x": 1, "y": ["a", ["c": "d", "e": [], "f": [:]]]], "d": []]
        #expect(Self.toYaml(v) == "a:\n  x: 1\n  \"y\":\n  - a\n  - c: d\n    e: []\n    f: {}\nb:\n- 1\n- 2\nd: []")
        #expect(Self.pretty(v) == "a:\n  x: 1\n  \"y\":\n    - a\n    - c: d\n      e: []\n      f: {}\nb:\n  - 1\n  - 2\nd: []")
        #expect(Self.toYaml([[1, 2], [], [[3]]]) == "- - 1\n  - 2\n- []\n- - - 3")
        #expect(Self.toYaml([:]) == "{}")
        #expect(Self.toYaml([]) == "[]")
        #expect(Self.toYaml(nil) == "null")
        #expect(Self.toYaml("s") == "s")
    }

    @Test(arguments: [
        (1_000_000.0, "1000000", "1e+06"), (1.5, "1.5", "1.5"), (1_234_567.5, "1.2345675e+06", "1.2345675e+06"),
        (0.0000001, "1e-07", "1e-07"), (1e21, "1e+21", "1e+21"), (1e20, "1e+20", "1e+20"), (3.0, "3", "3"),
        (-0.0, "0", "-0"), (123_456_789.0, "123456789", "1.23456789e+08"),
    ])
    func floats(value: Double, toYaml: String, pretty: String) {
        #expect(Self.toYaml(.float(value)) == toYaml)
        #expect(Self.pretty(.float(value)) == pretty)
    }

    @Test func nonFiniteFloatsFailTheJSONStep() {
        #expect(errorMessage { try YAML.encodeChecked(["a": .float(.nan)]) } == "json: unsupported value: NaN")
        #expect(Self.pretty(.float(.infinity)) == ".inf")
    }

    @Test func naturalKeyOrder() {
        // Keys whose pairwise order is consistent (see HelmOracleCases.swift for why some sets are not).
        let keys = ["-x", "_", "1", "01", "A", "Z", "a-b", "a.b", "a_b", "a9", "a10", "ab", "b", "x", "é"]
        var m: [String: Value] = [:]
        for k in keys { m[k] = 1 }
        #expect(Self.toYaml(.map(m)) == "-x: 1\n_: 1\n\"1\": 1\n\"01\": 1\nA: 1\nZ: 1\na-b: 1\na.b: 1\na_b: 1\na9: 1\na10: 1\nab: 1\nb: 1\nx: 1\né: 1")
        #expect(NaturalOrder.less("a1b", "a01b"))
        #expect(NaturalOrder.less("a9", "a10"))
        #expect(NaturalOrder.less("a10", "a1b"))  // non-letter before letter
        #expect(!NaturalOrder.less("b", "a"))
    }

    @Test func longAndMultilineKeysUseComplexForm() {
        let long = String(repeating: "k", count: 130)
        #expect(Self.toYaml(.map([long: 1])) == "? " + long + "\n: 1")
        #expect(Self.toYaml(["a\nb": 1]) == "? |-\n  a\n  b\n: 1")
    }
}

/// ``NaturalOrder`` compares without copying; this is the straightforward reading of go-yaml's
/// `keyList.Less` over scalar arrays, kept here as the reference it must agree with.
struct NaturalOrderReferenceTests {
    static func reference(_ a: String, _ b: String) -> Bool {
        let ar = Array(a.unicodeScalars)
        let br = Array(b.unicodeScalars)
        var i = 0
        while i < ar.count && i < br.count {
            if ar[i] == br[i] {
                i += 1
                continue
            }
            let al = NaturalOrder.isLetter(ar[i])
            let bl = NaturalOrder.isLetter(br[i])
            if al && bl { return ar[i].value < br[i].value }
            if al || bl { return bl }
            var an: Int64 = 0
            var bn: Int64 = 0
            if ar[i] == "0" || br[i] == "0" {
                var j = i - 1
                while j >= 0 && NaturalOrder.isDigit(ar[j]) {
                    if ar[j] != "0" {
                        an = 1
                        bn = 1
                        break
                    }
                    j -= 1
                }
            }
            var ai = i
            while ai < ar.count && NaturalOrder.isDigit(ar[ai]) {
                an = an &* 10 &+ (Int64(ar[ai].value) &- 48)
                ai += 1
            }
            var bi = i
            while bi < br.count && NaturalOrder.isDigit(br[bi]) {
                bn = bn &* 10 &+ (Int64(br[bi].value) &- 48)
                bi += 1
            }
            if an != bn { return an < bn }
            if ai != bi { return ai < bi }
            return ar[i].value < br[i].value
        }
        return ar.count < br.count
    }

    @Test func agreesWithReferenceOnEveryPairOfShortKeys() {
        let alphabet = ["0", "1", "9", "a", "A", "_", "é", "٣"]
        var keys = [""]
        for _ in 0..<3 { keys += keys.flatMap { k in alphabet.map { k + $0 } } }
        keys = Array(Set(keys)).sorted()
        var mismatches: [String] = []
        for a in keys {
            for b in keys where NaturalOrder.less(a, b) != Self.reference(a, b) { mismatches.append("\(a) vs \(b)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
        #expect(keys.count > 500)
    }
}
