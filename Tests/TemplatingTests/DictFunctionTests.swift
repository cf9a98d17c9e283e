import Testing
import Templating

@Suite struct DictFunctionTests {
    @Test func dictGetSet() throws {
        #expect(try callB("dict", .s("a"), .i(1), .i(2), .s("b")).goString == "map[2:b a:1]")
        #expect(try callB("dict", .s("a")).goString == "map[a:]")
        let m = TemplateValue.d(["a": .i(1)])
        #expect(try callB("get", m, .s("a")).goString == "1")
        #expect(try callB("get", m, .s("zz")).goString == "")
        let r = try callB("set", m, .s("b"), .s("x"))
        #expect(m.goString == "map[a:1 b:x]")
        if case .map(let a) = r, case .map(let b) = m { #expect(a === b) } else { Issue.record("not a map") }
        _ = try callB("unset", m, .s("a"))
        #expect(m.goString == "map[b:x]")
        #expect(try callB("hasKey", m, .s("b")).isTruthy)
        #expect(try !callB("hasKey", m, .s("a")).isTruthy)
    }

    @Test func keysValuesPickOmitPluck() throws {
        let m = TemplateValue.d(["b": .i(2), "a": .i(1), "c": .i(3)])
        #expect(try callB("keys", m).goString == "[a b c]")
        #expect(try callB("keys", m, .d(["z": .i(1), "0": .i(0)])).goString == "[a b c 0 z]")
        #expect(try callB("keys", m).goTypeName == "[]string")
        #expect(try callB("values", m).goString == "[1 2 3]")
        #expect(try callB("pick", m, .s("a"), .s("c"), .s("q")).goString == "map[a:1 c:3]")
        #expect(try callB("omit", m, .s("a"), .s("c")).goString == "map[b:2]")
        #expect(try callB("pluck", .s("a"), m, .d(["a": .s("x")]), .d([:])).goString == "[1 x]")
    }

    @Test func dig() throws {
        let m = TemplateValue.d(["a": .d(["b": .d(["c": .s("deep")])])])
        #expect(try callB("dig", .s("a"), .s("b"), .s("c"), .s("def"), m).goString == "deep")
        #expect(try callB("dig", .s("a"), .s("x"), .s("c"), .s("def"), m).goString == "def")
        #expect(callBError("dig", .s("a"), m) == "dig needs at least three arguments")
        #expect(callBError("dig", .s("a"), .s("b"), .s("c"), .s("d"), .s("def"), m)
            == "interface conversion: interface {} is string, not map[string]interface {}")
        // Helm v4's `.Values` is a named map type that Go's type assertion in `dig` refuses.
        let values = TemplateValue.map(MapRef(["a": .i(1)], typeName: "common.Values"))
        #expect(callBError("dig", .s("a"), .s("x"), values)
            == "interface conversion: interface {} is common.Values, not map[string]interface {}")
    }

    @Test(arguments: [
        // dst zero values are overwritten by merge; non-zero dst wins.
        ("merge", TemplateValue.d(["a": .s(""), "b": .i(0), "c": .s("keep")]),
         TemplateValue.d(["a": .s("x"), "b": .i(5), "c": .s("no"), "d": .s("new")]), "map[a:x b:5 c:keep d:new]"),
        ("mergeOverwrite", .d(["a": .s("old"), "b": .s("keep")]), .d(["a": .s("")]), "map[a: b:keep]"),
        ("merge", .d(["n": .d(["x": .i(1)])]), .d(["n": .d(["x": .i(2), "y": .i(3)])]), "map[n:map[x:1 y:3]]"),
        ("mergeOverwrite", .d(["n": .d(["x": .i(1)])]), .d(["n": .d(["x": .i(2), "y": .i(3)])]), "map[n:map[x:2 y:3]]"),
        ("merge", .d(["l": .l(.i(1))]), .d(["l": .l(.i(2), .i(3))]), "map[l:[1]]"),
        ("mergeOverwrite", .d(["l": .l(.i(1))]), .d(["l": .l()]), "map[l:[]]"),
        ("merge", .d(["l": .l()]), .d(["l": .l(.i(2))]), "map[l:[2]]"),
        ("merge", .d([:]), .d(["a": .null]), "map[]"),
        ("mergeOverwrite", .d(["a": .i(1)]), .d(["a": .null]), "map[a:<nil>]"),
        ("merge", .d(["m": .d(["x": .i(1)])]), .d(["m": .s("s")]), "map[m:map[x:1]]"),
        ("mergeOverwrite", .d(["m": .d(["x": .i(1)])]), .d(["m": .s("s")]), "map[m:s]"),
        ("merge", .d(["m": .s("s")]), .d(["m": .d(["x": .i(1)])]), "map[m:s]"),
    ] as [(String, TemplateValue, TemplateValue, String)])
    func merge(name: String, dst: TemplateValue, src: TemplateValue, want: String) throws {
        let out = try callB(name, dst, src)
        #expect(out.goString == want)
        #expect(dst.goString == want)
    }

    @Test func deepCopyIsIndependent() throws {
        let inner = TemplateValue.d(["x": .i(1)])
        let m = TemplateValue.d(["in": inner, "l": .l(.i(1))])
        let c = try callB("deepCopy", m)
        _ = try callB("set", inner, .s("x"), .i(2))
        #expect(c.goString == "map[in:map[x:1] l:[1]]")
        #expect(try callB("mustDeepCopy", .s("s")).goString == "s")
        #expect(callBError("deepCopy", .null) == "reflect: call of reflect.Value.Type on zero Value")
    }
}
