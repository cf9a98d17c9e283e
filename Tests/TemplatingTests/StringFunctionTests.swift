import Testing
import Templating

/// Expectations come from Helm v4.2.3 renders (probed with the real library) and Sprig's tests.
@Suite struct StringFunctionTests {
    static let cases: [Call] = [
        Call("hello", [], "Hello!"),
        // abbrev / abbrevboth (goutils, byte offsets)
        Call("abbrev", [i(5), s("hello world")], "he..."),
        Call("abbrev", [i(3), s("hello")], "hello"),
        Call("abbrev", [i(20), s("hello")], "hello"),
        Call("abbrev", [i(4), s("")], ""),
        Call("abbrev", [i(4), s("héllo")], "h..."),
        Call("abbrevboth", [i(5), i(10), s("1234 5678 9123")], "...5678..."),
        Call("abbrevboth", [i(0), i(10), s("1234 5678 9123")], "1234 56..."),
        Call("abbrevboth", [i(1), i(5), s("1234 5678 9123")], "1234 5678 9123"),
        Call("abbrevboth", [i(10), i(10), s("1234 5678 9123")], "...78 9123"),
        // trunc
        Call("trunc", [i(3), s("foooooo")], "foo"),
        Call("trunc", [i(-3), s("baaaaaar")], "aar"),
        Call("trunc", [i(-999), s("baaaaaar")], "baaaaaar"),
        Call("trunc", [i(0), s("baaaaaz")], ""),
        Call("trunc", [i(-3), s("abcdef")], "def"),
        Call("trunc", [i(3), s("héllo")], "hé"),
        Call("trunc", [i(2), s("héllo")], "h\u{FFFD}"),
        // substr (byte offsets; Go's slice panics become errors)
        Call("substr", [i(1), i(3), s("hello")], "el"),
        Call("substr", [i(0), i(3), s("fooo")], "foo"),
        Call("substr", [i(0), i(10), s("foo")], "foo"),
        Call("substr", [i(-1), i(3), s("hello")], "hel"),
        Call("substr", [i(2), i(-1), s("hello")], "llo"),
        Call("substr", [i(2), i(10), s("hello")], "llo"),
        Call("substr", [i(-1), i(10), s("hello")], "ERR: runtime error: slice bounds out of range [:10] with length 5"),
        Call("substr", [i(6), i(10), s("hello")], "ERR: runtime error: slice bounds out of range [6:5]"),
        Call("substr", [i(3), i(2), s("hello")], "ERR: runtime error: slice bounds out of range [3:2]"),
        Call("substr", [i(-1), i(-2), s("hello")], "ERR: runtime error: slice bounds out of range [:-2]"),
        // trims
        Call("trim", [s("   5.00   ")], "5.00"),
        Call("trim", [s("  x \n")], "x"),
        Call("trim", [s("\u{85}\u{A0}x\u{2003}")], "x"),
        Call("trimAll", [s("$"), s("$5.00$")], "5.00"),
        Call("trimAll", [s("$x"), s("$x5$x")], "5"),
        Call("trimall", [s("$"), s("$5.00$")], "5.00"),
        Call("trimAll", [s(""), s("$5$")], "$5$"),
        Call("trimPrefix", [s("$"), s("$5.00")], "5.00"),
        Call("trimPrefix", [s("a"), s("aab")], "ab"),
        Call("trimSuffix", [s("$"), s("5.00$")], "5.00"),
        Call("trimSuffix", [s("b"), s("abb")], "ab"),
        Call("trimPrefix", [s("e"), s("e\u{301}x")], "\u{301}x"),
        // case
        Call("upper", [s("aßé")], "AßÉ"),
        Call("lower", [s("ÀB")], "àb"),
        Call("lower", [s("ΣΑΣ")], "σασ"),
        Call("title", [s("hello world")], "Hello World"),
        Call("title", [s("hello wOrld foo_bar x.y")], "Hello WOrld Foo_bar X.Y"),
        Call("title", [s("ǆa élan")], "ǅa Élan"),
        Call("title", [s("a-b c\td")], "A-B C\tD"),
        Call("title", [s("o'neil")], "O'Neil"),
        Call("untitle", [s("First Try")], "first try"),
        Call("untitle", [s("ABC  Def")], "aBC  def"),
        Call("swapcase", [s("Hello World abc")], "hELLO wORLD ABC"),
        Call("swapcase", [s("aBc dEF")], "AbC Def"),
        Call("swapcase", [s("ǅa b")], "ǆA B"),
        Call("nospace", [s("h e l l o ")], "hello"),
        Call("nospace", [s(" a b\tc ")], "abc"),
        Call("nospace", [s("é x")], "Ã©x"),
        Call("nospace", [s("é")], "é"),
        Call("initials", [s("First Try")], "FT"),
        Call("initials", [s("élan x")], "Ãx"),
        Call("initials", [s("")], ""),
        // xstrings
        Call("camelcase", [s("foo_bar")], "FooBar"),
        Call("camelcase", [s("http_server")], "HttpServer"),
        Call("camelcase", [s("_complex__case_")], "_Complex_Case_"),
        Call("camelcase", [s("some words")], "SomeWords"),
        Call("camelcase", [s("GOLANG_IS_GREAT")], "GolangIsGreat"),
        Call("camelcase", [s("fooBar")], "FooBar"),
        Call("camelcase", [s("a")], "A"),
        Call("camelcase", [s("A-b-c")], "ABC"),
        Call("camelcase", [s("")], ""),
        Call("camelcase", [s("_")], "__"),
        Call("camelcase", [s("__a")], "__A"),
        Call("camelcase", [s("a_")], "A_"),
        Call("camelcase", [s("aB_cD")], "ABCD"),
        Call("camelcase", [s("ABC_DEF")], "AbcDef"),
        Call("camelcase", [s("a  b")], "A B"),
        Call("camelcase", [s("1_a")], "1A"),
        Call("snakecase", [s("FooBar")], "foo_bar"),
        Call("snakecase", [s("HTTPServer")], "http_server"),
        Call("snakecase", [s("http2xx")], "http_2xx"),
        Call("snakecase", [s("HTTP20xOK")], "http_20x_ok"),
        Call("snakecase", [s("Bld4Floor3rd")], "bld4_floor_3rd"),
        Call("snakecase", [s("GO PATH")], "go_path"),
        Call("snakecase", [s("a.b")], "a.b"),
        Call("snakecase", [s("foo__bar")], "foo__bar"),
        Call("snakecase", [s("")], ""),
        Call("snakecase", [s("a-b c")], "a_b_c"),
        Call("snakecase", [s("FooBAR")], "foo_bar"),
        Call("snakecase", [s("foo1Bar")], "foo1_bar"),
        Call("snakecase", [s("ÀÉtude")], "à_étude"),
        Call("snakecase", [s("x--y")], "x__y"),
        Call("snakecase", [s("a:B")], "a:b"),
        Call("snakecase", [s("1a")], "1a"),
        Call("snakecase", [s("a1")], "a1"),
        Call("snakecase", [s("A1b")], "a_1b"),
        Call("snakecase", [s("AB1c")], "ab_1c"),
        Call("snakecase", [s("a$b")], "a_$_b"),
        Call("kebabcase", [s("FooBar")], "foo-bar"),
        Call("kebabcase", [s("fooBarBaz")], "foo-bar-baz"),
        Call("kebabcase", [s("my_var Name")], "my-var-name"),
        Call("kebabcase", [s("ABC")], "abc"),
        Call("kebabcase", [s("a_b")], "a-b"),
        // repeat / wrap
        Call("repeat", [i(3), s("ab")], "ababab"),
        Call("repeat", [i(0), s("ab")], ""),
        Call("repeat", [i(-1), s("a")], "ERR: strings: negative Repeat count"),
        Call("wrap", [i(5), s("Hello World")], "Hello\nWorld"),
        Call("wrap", [i(5), s("hello world foo")], "hello\nworld\nfoo"),
        Call("wrap", [i(3), s("abcdefgh ij")], "abcdefgh\nij"),
        Call("wrap", [i(0), s("a b")], "a\nb"),
        Call("wrap", [i(5), s("")], ""),
        Call("wrapWith", [i(5), s("\t"), s("Hello World")], "Hello\tWorld"),
        Call("wrapWith", [i(3), s("|"), s("abcdefgh ij")], "abc|def|gh|ij"),
        // predicates
        Call("contains", [s("cat"), s("fair catch")], "true"),
        Call("contains", [s(""), s("abc")], "true"),
        Call("contains", [s("e"), s("e\u{301}")], "true"),
        Call("contains", [s("dog"), s("fair catch")], "false"),
        Call("hasPrefix", [s("cat"), s("catch")], "true"),
        Call("hasPrefix", [s(""), s("")], "true"),
        Call("hasPrefix", [s("e\u{301}"), s("\u{E9}")], "false"),
        Call("hasSuffix", [s("cat"), s("ducat")], "true"),
        Call("hasSuffix", [s("x"), s("ducat")], "false"),
        // quote / squote / cat
        Call("quote", [s("a"), s("b"), s("c")], #""a" "b" "c""#),
        Call("quote", [s("\"a\""), s("b")], #""\"a\"" "b""#),
        Call("quote", [i(1), i(2), i(3)], #""1" "2" "3""#),
        Call("quote", [s("a"), i(1), null], #""a" "1""#),
        Call("quote", [null], ""),
        Call("quote", [], ""),
        Call("quote", [s("a\tb"), s("é"), f(1.5)], #""a\tb" "é" "1.5""#),
        Call("quote", [s("\u{0}\u{7F}"), s("\u{A0}"), s("😀"), s("\u{7}\u{8}\u{C}\r\u{B}\\")],
             #""\x00\x7f" "\u00a0" "😀" "\a\b\f\r\v\\""#),
        Call("quote", [s("\u{200B}\u{E0001}")], #""\u200b\U000e0001""#),
        Call("quote", [list(s("a"), null)], #""[a <nil>]""#),
        Call("quote", [.bytes([104, 105])], #""hi""#),
        Call("squote", [s("a"), s("b"), s("c")], "'a' 'b' 'c'"),
        Call("squote", [i(1), i(2), i(3)], "'1' '2' '3'"),
        Call("squote", [s("a'b")], "'a'b'"),
        Call("squote", [null, i(1)], "'1'"),
        Call("squote", [null], ""),
        Call("squote", [list(s("a"))], "'[a]'"),
        Call("squote", [.bytes([104, 105])], "'[104 105]'"),
        Call("cat", [s("a"), i(1), null, s("b")], "a 1 b"),
        Call("cat", [s("a"), s("b"), null], "a b"),
        Call("cat", [], ""),
        Call("cat", [null], ""),
        Call("cat", [f(1e6), list(i(1))], "1e+06 [1]"),
        // indent / replace / plural
        Call("indent", [i(4), s("a\nb\nc")], "    a\n    b\n    c"),
        Call("indent", [i(2), s("a\n\nb")], "  a\n  \n  b"),
        Call("indent", [i(0), s("a\nb")], "a\nb"),
        Call("indent", [i(-1), s("a")], "ERR: strings: negative Repeat count"),
        Call("nindent", [i(4), s("a\nb\nc")], "\n    a\n    b\n    c"),
        Call("nindent", [i(2), s("a")], "\n  a"),
        Call("replace", [s(" "), s("-"), s("I Am Henry VIII")], "I-Am-Henry-VIII"),
        Call("replace", [s(""), s("-"), s("abc")], "-a-b-c-"),
        Call("replace", [s(""), s("-"), s("")], "-"),
        Call("replace", [s("aa"), s("b"), s("aaa")], "ba"),
        Call("plural", [s("one"), s("many"), i(1)], "one"),
        Call("plural", [s("one"), s("many"), i(0)], "many"),
        Call("plural", [s("one"), s("many"), i(-1)], "many"),
        // random functions with non-positive counts
        Call("randAlphaNum", [i(-1)], ""),
        Call("randAlpha", [i(0)], ""),
        Call("randNumeric", [i(0)], ""),
        Call("randAscii", [i(-5)], ""),
        Call("shuffle", [s("")], ""),
        Call("shuffle", [s("a")], "a"),
    ]

    @Test(arguments: cases)
    func stringFunction(_ c: Call) {
        #expect(Harness.text(c.name, c.args) == c.want)
    }

    @Test(arguments: [("randAlphaNum", "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"),
                      ("randAlpha", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"),
                      ("randNumeric", "0123456789"),
                      ("randAscii", String((32...126).map { Character(Unicode.Scalar(UInt8($0))) }))])
    func randomStringsUseTheirClass(_ name: String, _ allowed: String) throws {
        let out = try Harness.call(name, [i(200)]).goString
        #expect(out.unicodeScalars.count == 200)
        #expect(out.unicodeScalars.allSatisfy { allowed.unicodeScalars.contains($0) })
        // Seeded: the same seed gives the same string, another seed a different one.
        #expect(try Harness.call(name, [i(200)], env: TestEnvironment(seed: 42)).goString == out)
        #expect(try Harness.call(name, [i(200)], env: TestEnvironment(seed: 7)).goString != out)
    }

    @Test func shuffleKeepsTheRunes() throws {
        let input = "abcdefghé😀"
        let out = try Harness.call("shuffle", [s(input)]).goString
        #expect(out.unicodeScalars.sorted() == input.unicodeScalars.sorted())
        #expect(out != input)
    }
}

@Suite struct RunawayStringTests {
    @Test(arguments: [
        Call("repeat", [i(1 << 40), s("ab")], "ERR: strings: Repeat output of 2199023255552 bytes exceeds the limit of 536870912 bytes (helmctl refuses runaway templates)"),
        Call("repeat", [i(.max), s("ab")], "ERR: strings: Repeat output length overflow"),
        Call("indent", [i(1 << 40), s("a")], "ERR: strings: Repeat output of 1099511627776 bytes exceeds the limit of 536870912 bytes (helmctl refuses runaway templates)"),
        Call("randAlpha", [i(1 << 40)], "ERR: random string length 1099511627776 exceeds the limit of 536870912 (helmctl refuses runaway templates)"),
    ])
    func refusedWithClearErrors(_ c: Call) {
        #expect(Harness.text(c.name, c.args) == c.want)
    }
}
