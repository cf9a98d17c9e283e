import Testing
import Templating

/// Defaults, reflection, paths and encodings; expectations from Helm v4.2.3 renders.
@Suite struct MiscFunctionTests {
    static let defaults: [Call] = [
        Call("default", [s("d"), i(0)], "d"),
        Call("default", [s("d"), s("0")], "0"),
        Call("default", [s("d")], "d"),
        Call("default", [s("d"), null], "d"),
        Call("default", [s("d"), b(false)], "d"),
        Call("default", [s("d"), f(0)], "d"),
        Call("default", [s("d"), list()], "d"),
        Call("default", [s("d"), .map([:])], "d"),
        Call("default", [s("d"), s("x"), s("y")], "x"),
        Call("default", [s("d"), s(""), s("y")], "d"),
        Call("empty", [s("0")], "false"),
        Call("empty", [list()], "true"),
        Call("empty", [null], "true"),
        Call("empty", [.bytes([])], "true"),
        Call("empty", [.map(["a": i(1)])], "false"),
        Call("coalesce", [null, i(0), s(""), s("x")], "x"),
        Call("coalesce", [], "<nil>"),
        Call("coalesce", [null, b(false)], "<nil>"),
        Call("all", [i(1), s("a")], "true"),
        Call("all", [i(1), s("")], "false"),
        Call("all", [], "true"),
        Call("any", [], "false"),
        Call("any", [i(0), s(""), i(1)], "true"),
        Call("any", [i(0), null], "false"),
        Call("ternary", [s("a"), s("b"), b(true)], "a"),
        Call("ternary", [s("a"), s("b"), b(false)], "b"),
    ]

    static let reflection: [Call] = [
        Call("typeOf", [null], "<nil>"),
        Call("typeOf", [f(1.5)], "float64"),
        Call("typeOf", [i(1)], "int"),
        Call("typeOf", [i64(1)], "int64"),
        Call("typeOf", [.map([:])], "map[string]interface {}"),
        Call("typeOf", [list()], "[]interface {}"),
        Call("typeOf", [.stringList(["a"])], "[]string"),
        Call("kindOf", [null], "invalid"),
        Call("kindOf", [list()], "slice"),
        Call("kindOf", [.map([:])], "map"),
        Call("kindOf", [i64(1)], "int64"),
        Call("typeIs", [s("int"), i(1)], "true"),
        Call("typeIs", [s("int"), i64(1)], "false"),
        Call("typeIsLike", [s("string"), s("x")], "true"),
        Call("typeIsLike", [s("Version"), .object(FakeObject())], "true"),
        Call("kindIs", [s("map"), .map([:])], "true"),
        Call("kindIs", [s("slice"), s("x")], "false"),
        Call("deepEqual", [i(1), i(1)], "true"),
        Call("deepEqual", [i(1), i64(1)], "false"),
        Call("deepEqual", [i(1), f(1)], "false"),
        Call("deepEqual", [list(i(1), i(2)), list(i(1), i(2))], "true"),
        Call("deepEqual", [list(i(1), i(2)), list(i(2), i(1))], "false"),
        Call("deepEqual", [list(s("a")), .stringList(["a"])], "false"),
        Call("deepEqual", [.map(["a": i(1)]), .map(["a": i(1)])], "true"),
        Call("deepEqual", [.map(["a": i(1)]), .map(["a": i(2)])], "false"),
        Call("deepEqual", [.map(["a": i(1)]), .map(["b": i(1)])], "false"),
        Call("deepEqual", [null, null], "true"),
        Call("deepEqual", [null, s("")], "false"),
        Call("deepEqual", [f(.nan), f(.nan)], "false"),
        Call("deepEqual", [s("\u{E9}"), s("e\u{301}")], "false"),
        Call("deepEqual", [list(null), list(null)], "true"),
    ]

    static let paths: [Call] = [
        Call("base", [s("")], "."),
        Call("base", [s("/")], "/"),
        Call("base", [s("a/b/")], "b"),
        Call("base", [s("/a/b.txt")], "b.txt"),
        Call("dir", [s("")], "."),
        Call("dir", [s("/a")], "/"),
        Call("dir", [s("a/b/c/")], "a/b/c"),
        Call("dir", [s("a")], "."),
        Call("clean", [s("a//b/../c/.")], "a/c"),
        Call("clean", [s("/../a")], "/a"),
        Call("clean", [s("")], "."),
        Call("clean", [s("../../a/..")], "../.."),
        Call("clean", [s("a/../..")], ".."),
        Call("clean", [s("/a/b/../../..")], "/"),
        Call("clean", [s("./")], "."),
        Call("clean", [s("abc/./def//")], "abc/def"),
        Call("ext", [s("a/b.tar.gz")], ".gz"),
        Call("ext", [s("a.b/c")], ""),
        Call("ext", [s("a.")], "."),
        Call("isAbs", [s("/a")], "true"),
        Call("isAbs", [s("a")], "false"),
        Call("isAbs", [s("")], "false"),
        Call("osBase", [s("a/b")], "b"),
        Call("osDir", [s("a/b")], "a"),
        Call("osClean", [s("a/./b")], "a/b"),
        Call("osExt", [s("x.yaml")], ".yaml"),
        Call("osIsAbs", [s("/x")], "true"),
    ]

    static let encodings: [Call] = [
        Call("b64enc", [s("coffee")], "Y29mZmVl"),
        Call("b64enc", [s("")], ""),
        Call("b64enc", [s("a")], "YQ=="),
        Call("b64enc", [s("ab")], "YWI="),
        Call("b64enc", [s("é")], "w6k="),
        Call("b64dec", [s("Y29mZmVl")], "coffee"),
        Call("b64dec", [s("")], ""),
        Call("b64dec", [s("!!")], "illegal base64 data at input byte 0"),
        Call("b64dec", [s("YQ")], "illegal base64 data at input byte 0"),
        Call("b64dec", [s("Y")], "illegal base64 data at input byte 0"),
        Call("b64dec", [s("YQ=")], "illegal base64 data at input byte 3"),
        Call("b64dec", [s("YQ==YQ==")], "illegal base64 data at input byte 4"),
        Call("b64dec", [s("YWJj\nZA==")], "abcd"),
        Call("b64dec", [s("YWJjZA=\n=")], "abcd"),
        Call("b64dec", [s("YWJjZ===")], "illegal base64 data at input byte 5"),
        Call("b64dec", [s("YWJj=")], "illegal base64 data at input byte 4"),
        Call("b64dec", [s("YWJjZA==\n")], "abcd"),
        Call("b64dec", [s("YWJjZA==x")], "illegal base64 data at input byte 8"),
        Call("b64dec", [s("YWJjZA")], "illegal base64 data at input byte 4"),
        Call("b64dec", [s("YWJjZGU=")], "abcde"),
        Call("b32enc", [s("coffee")], "MNXWMZTFMU======"),
        Call("b32enc", [s("")], ""),
        Call("b32enc", [s("abc")], "MFRGG==="),
        Call("b32enc", [s("abcde")], "MFRGGZDF"),
        Call("b32enc", [s("a")], "ME======"),
        Call("b32dec", [s("MNXWMZTFMU======")], "coffee"),
        Call("b32dec", [s("MFRGG===")], "abc"),
        Call("b32dec", [s("MFRG\nG===")], "abc"),
        Call("b32dec", [s("MFRGGZDF")], "abcde"),
        Call("b32dec", [s("MFRGG")], "illegal base32 data at input byte 0"),
        Call("b32dec", [s("!")], "illegal base32 data at input byte 0"),
        Call("b32dec", [s("MFRGG==")], "illegal base32 data at input byte 7"),
        Call("b32dec", [s("MFR=====")], "illegal base32 data at input byte 3"),
        Call("b32dec", [s("mfrgg===")], "illegal base32 data at input byte 0"),
    ]

    @Test(arguments: defaults)
    func defaultsAndFlow(_ c: Call) {
        #expect(Harness.text(c.name, c.args) == c.want)
    }

    @Test(arguments: reflection)
    func reflect(_ c: Call) {
        #expect(Harness.text(c.name, c.args) == c.want)
    }

    @Test(arguments: paths)
    func path(_ c: Call) {
        #expect(Harness.text(c.name, c.args) == c.want)
    }

    @Test(arguments: encodings)
    func encoding(_ c: Call) {
        #expect(Harness.text(c.name, c.args) == c.want)
    }

    @Test func defaultReturnsTheGivenValueItself() throws {
        let m = TemplateValue.map(["a": i(1)])
        guard case .map(let got) = try Harness.call("default", [s("d"), m]), case .map(let orig) = m else {
            Issue.record("not a map")
            return
        }
        #expect(got === orig)
    }
}

struct FakeObject: TemplateObject {
    var goTypeName: String { "*Version" }
    var formatted: String { "1.2.3" }
    func member(_ name: String) -> TemplateMember? { nil }
}

@Suite struct FunctionInventoryTests {
    /// Every Sprig name of these areas (helm-behaviour.md §1.2) is registered.
    static let names = """
        abbrev abbrevboth trunc trim trimAll trimall trimPrefix trimSuffix upper lower title untitle substr \
        repeat nospace initials swapcase shuffle snakecase camelcase kebabcase wrap wrapWith contains hasPrefix \
        hasSuffix quote squote cat indent nindent replace plural hello randAlphaNum randAlpha randAscii \
        randNumeric split splitList splitn toStrings join sortAlpha atoi int int64 float64 toString toDecimal \
        add add1 sub div mod mul max biggest min randInt seq until untilStep addf add1f subf divf mulf maxf \
        minf ceil floor round default empty coalesce all any ternary typeOf typeIs typeIsLike kindOf kindIs \
        deepEqual base dir clean ext isAbs osBase osClean osDir osExt osIsAbs b64enc b64dec b32enc b32dec
        """.split(separator: " ").map(String.init)

    @Test func allRegistered() {
        #expect(Self.names.count == 99)
        let missing = Self.names.filter { FunctionRegistry.standard[$0] == nil }
        #expect(missing.isEmpty, "missing: \(missing)")
    }

    /// Declared Go signatures (the executor converts arguments by them).
    @Test(arguments: [
        ("trunc", [ParamType.int, .string], ParamType?.none), ("substr", [.int, .int, .string], nil),
        ("quote", [], .any), ("add", [], .any), ("mul", [.any], .any), ("indent", [.int, .string], nil),
        ("join", [.string, .any], nil), ("until", [.int], nil), ("seq", [], .int), ("round", [.any, .int], .float64),
        ("ternary", [.any, .any, .bool], nil), ("default", [.any], .any), ("splitn", [.string, .int, .string], nil),
        ("plural", [.string, .string, .int], nil), ("randInt", [.int, .int], nil), ("atoi", [.string], nil),
    ])
    func signatures(_ name: String, _ params: [ParamType], _ variadic: ParamType?) throws {
        let fn = try #require(FunctionRegistry.standard[name])
        #expect(fn.params == params)
        #expect(fn.variadic == variadic)
    }
}
