import Testing
import Templating

@Suite struct RegexFunctionTests {
    @Test(arguments: [
        ("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}", "test@acme.com", true),
        ("^[a-z]+\\[[0-9]+\\]$", "adam[23]", true), ("a$", "a\n", false), ("(?m)a$", "a\nb", true),
        ("\\d", "٣", false), (".", "\n", false), ("(?s).", "\n", true), (".", "\r", true),
        ("[[:alpha:]]", "é", false), ("\\pL", "é", true), ("\\p{Greek}", "λ", true),
        ("a{,2}", "a{,2}", true), ("[]a]", "]", true), ("[a&&b]", "&", true), ("[[]", "[", true),
        ("(", "x", false), ("\\Qa.b\\E", "axb", false), ("(?i)ABC", "xabcx", true),
        ("\\bfoo\\b", "a foo b", true), ("x*", "", true), ("[^a]", "\n", true), ("^*a", "a", true),
    ])
    func match(pattern: String, s: String, want: Bool) throws {
        #expect(try callB("regexMatch", .s(pattern), .s(s)).isTruthy == want)
    }

    @Test(arguments: [
        ("a{2}", "aaaaaa", -1, "[aa aa aa]"), ("a{2}", "aaaaaa", 2, "[aa aa]"), ("a{2}", "aaaaaa", 0, "[]"),
        ("a*", "baaac", -1, "[ aaa ]"), ("\\w+", "héllo wörld", -1, "[h llo w rld]"),
        ("x", "abc", -1, "[]"), ("", "héllo", -1, "[     ]"), ("[a-c]\\d", "a1b2c3", -1, "[a1 b2 c3]"),
        ("^a", "aaa", -1, "[a]"), ("\\Aa", "aaa", -1, "[a]"), ("(?m)^x", "x\nx", -1, "[x x]"), ("ab", "xxabyyab", -1, "[ab ab]"),
        ("(a)b", "abab", 1, "[ab]"), ("^", "", -1, "[]"),
    ])
    func findAll(pattern: String, s: String, n: Int, want: String) throws {
        #expect(try callB("regexFindAll", .s(pattern), .s(s), .i(n)).goString == want)
    }

    @Test func findAndReplace() throws {
        #expect(try callB("regexFind", .s("[a-zA-Z][1-9]"), .s("abcd1234")).goString == "d1")
        #expect(try callB("regexFind", .s("x"), .s("abc")).goString == "")
        let cases: [(String, String, String, String)] = [
            ("a(x*)b", "-ab-axxb-", "${1}W", "-W-xxW-"), ("a(x*)b", "-ab-axxb-", "$1W", "---"),
            ("a(x*)b", "-ab-axxb-", "$1", "--xx-"), ("a(x*)b", "-ab-axxb-", "$$1", "-$1-$1-"),
            ("a*", "baaac", "X", "XbXcX"), ("(?P<first>\\w+) (?P<last>\\w+)", "John Smith", "${last}, $first", "Smith, John"),
            ("a(x*)b", "-ab-", "${9}|$", "-|$-"), ("", "abc", "-", "-a-b-c-"),
        ]
        for (re, s, repl, want) in cases {
            #expect(try callB("regexReplaceAll", .s(re), .s(s), .s(repl)).goString == want, "\(re) \(repl)")
        }
        #expect(try callB("regexReplaceAllLiteral", .s("a(x*)b"), .s("-ab-axxb-"), .s("${1}")).goString == "-${1}-${1}-")
        #expect(try callB("regexQuoteMeta", .s("1.2.3+[x]")).goString == "1\\.2\\.3\\+\\[x\\]")
    }

    @Test(arguments: [
        ("z+", "pizza", -1, "[pi a]"), ("z+", "pizza", 1, "[pizza]"), ("z+", "pizza", 2, "[pi a]"),
        ("a*", "abaabaccadaaae", 5, "[ b b c cadaaae]"), ("a+", "banana", -1, "[b n n ]"),
        ("", "abc", -1, "[a b c]"), ("x", "", -1, "[]"), ("x", "", 0, "[]"),
    ])
    func split(pattern: String, s: String, n: Int, want: String) throws {
        let out = try callB("regexSplit", .s(pattern), .s(s), .i(n))
        #expect(out.goString == want)
        if s.isEmpty, n != 0 { #expect(out.goString == "[]") }
    }

    @Test(arguments: [
        ("(", "missing closing ): `(`"), ("a)", "unexpected ): `a)`"),
        ("a**", "invalid nested repetition operator: `**`"), ("*a", "missing argument to repetition operator: `*`"),
        ("a|+", "missing argument to repetition operator: `+`"), ("\\1", "invalid escape sequence: `\\1`"),
        ("(?=x)", "invalid or unsupported Perl syntax: `(?=`"), ("[z-a]", "invalid character class range: `z-a`"),
        ("[a", "missing closing ]: `[a`"), ("x{1001}", "invalid repeat count: `{1001}`"),
        ("[[:foo:]]", "invalid character class range: `[:foo:]`"), ("a\\", "trailing backslash at end of expression: ``"),
        ("(?P<1a->x)", "invalid named capture: `(?P<1a->`"), ("\\Z", "invalid escape sequence: `\\Z`"),
    ])
    func errors(pattern: String, want: String) {
        #expect(callBError("mustRegexFind", .s(pattern), .s("x")) == "error parsing regexp: " + want)
        #expect(callBError("regexFind", .s(pattern), .s("x"))
            == "regexp: Compile(`\(pattern)`): error parsing regexp: " + want)
        #expect(callBError("mustRegexMatch", .s(pattern), .s("x")) == "error parsing regexp: " + want)
        #expect(callBError("regexMatch", .s(pattern), .s("x")) == nil)
    }

    @Test func compileQuoting() {
        #expect(callBError("regexFind", .s("(\n"), .s("x"))
            == "regexp: Compile(\"(\\n\"): error parsing regexp: missing closing ): `(\n`")
    }
}

@Suite struct RegexLinearTimeTests {
    /// Patterns that make backtracking engines explode finish quickly (Go's RE2 guarantee).
    @Test func pathologicalPatterns() throws {
        let long = String(repeating: "a", count: 5_000)
        let start = ContinuousClock.now
        #expect(try !callB("regexMatch", .s("(a*)*b"), .s(long + "c")).isTruthy)
        #expect(try !callB("regexMatch", .s("^(\\w+\\s?)*$"), .s(long + "!")).isTruthy)
        #expect(try callB("regexReplaceAll", .s("a"), .s(long), .s("b")).goString == String(repeating: "b", count: 5_000))
        #expect(ContinuousClock.now - start < .seconds(20))
    }
}

@Suite struct FuncsBConcurrencyTests {
    /// Compiled regexes, zones and semver constraints are shared through caches; renders run in parallel.
    @Test func concurrentCalls() async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for i in 0..<32 {
                group.addTask {
                    let a = try callB("regexReplaceAll", .s("\\p{Greek}+(\\d)"), .s("αβ\(i % 10)x"), .s("<$1>")).goString
                    let b = try callB("semverCompare", .s(">=1.20-0"), .s("v1.\(20 + i).0")).isTruthy
                    let c = try callB("dateInZone", .s("15:04 MST"), .i(1_700_000_000), .s("Europe/Berlin")).goString
                    return a == "<\(i % 10)>x" && b && c == "23:13 CET"
                }
            }
            for try await ok in group { #expect(ok) }
        }
    }
}
