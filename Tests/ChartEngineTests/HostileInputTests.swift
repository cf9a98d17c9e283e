import ChartEngine
import StructuredData
import Testing

/// Parsers of user input must fail with errors, never crash or hang, on arbitrary text.
struct HostileInputTests {
    /// A small deterministic generator (SplitMix64).
    struct Gen {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func string(from alphabet: [Character], maxLength: Int) -> String {
            let n = Int(next() % UInt64(maxLength + 1))
            return String((0..<n).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] })
        }
    }

    static let strvalsAlphabet = Array("ab01=,.[]{}\\\"- \n:")

    @Test func strvalsNeverCrash() {
        var g = Gen(state: 7)
        var parsed = 0
        for _ in 0..<3000 {
            let s = g.string(from: Self.strvalsAlphabet, maxLength: 24)
            var d: [String: Value] = [:]
            if (try? Strvals.parse(s, into: &d)) != nil { parsed += 1 }
            _ = try? Strvals.parseString(s, into: &d)
            _ = try? Strvals.parseLiteral(s, into: &d)
            _ = try? Strvals.parseJSON(s, into: &d)
        }
        // Some random inputs are valid, many are not: both paths were exercised.
        #expect(parsed > 0 && parsed < 3000)
    }

    @Test func splitIsIdempotent() {
        var g = Gen(state: 11)
        for _ in 0..<2000 {
            let s = g.string(from: Array("a:- \n#\t"), maxLength: 40)
            let docs = ManifestSplitter.split(s)
            #expect(!docs.contains(""))
            for d in docs { #expect(ManifestSplitter.split(d).first == d || d.hasPrefix("---")) }
        }
    }

    @Test func globAndIgnorePatternsNeverCrash() {
        var g = Gen(state: 3)
        let alphabet = Array("ab*?[]!{},/\\-.")
        for _ in 0..<2000 {
            let pattern = g.string(from: alphabet, maxLength: 12)
            let name = g.string(from: Array("ab/.-"), maxLength: 12)
            _ = FilesObject(["x/a.b": [1]]).glob(pattern)
            if let rules = try? HelmIgnore(parsing: pattern) { _ = rules.ignores(name, isDirectory: false) }
        }
        // Deeply nested keys are refused, not recursed into without bound.
        var d: [String: Value] = [:]
        let deep = Array(repeating: "k", count: 10_000).joined(separator: ".") + "=1"
        #expect(throws: ChartEngineError.self) { try Strvals.parse(deep, into: &d) }
        let deepList = "a" + String(repeating: "[0]", count: 10_000) + "=1"
        #expect(Fixtures.errorMessage { try Strvals.parse(deepList, into: &d) }
            == "list index nested level is greater than maximum supported nested level of 100")
    }
}

extension HostileInputTests {
    @Test func deeplyNestedValuesRender() throws {
        let depth = 3000
        var yaml = ""
        for i in 0..<depth { yaml += String(repeating: " ", count: i) + "k:\n" }
        yaml += String(repeating: " ", count: depth) + "v: 1\n"
        let chart = try Fixtures.simple(["t.yaml": "n: {{ .Values.k.k | len }}"], values: yaml)
        let user = try ValueOptions(values: ["k.k.x=1"]).merged()
        #expect(try Fixtures.render(chart, values: user)["mychart/templates/t.yaml"] == "n: 2")
        #expect(try TemplateAction.run(chart: chart, values: user, options: TemplateOptions())
            == "---\n# Source: mychart/templates/t.yaml\nn: 2\n")
    }
}

extension HostileInputTests {
    @Test func pathMatchingStaysBounded() throws {
        // `*a*a*…b` against a long run of a's backtracks exponentially without a bound.
        let pattern = String(repeating: "*a", count: 30) + "b"
        let rules = try HelmIgnore(parsing: pattern + "\n")
        #expect(!rules.ignores(String(repeating: "a", count: 200), isDirectory: false))
        #expect(rules.ignores("ab", isDirectory: false) == false)
        #expect(try HelmIgnore(parsing: "*a*b\n").ignores("xaxb", isDirectory: false))
    }
}
