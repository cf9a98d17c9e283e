import Testing
import Templating

@Suite struct ListFunctionTests {
    static let abc = TemplateValue.l(.s("a"), .s("b"), .s("c"))

    @Test(arguments: [
        ("first", abc, "a"), ("mustFirst", abc, "a"), ("last", abc, "c"), ("rest", abc, "[b c]"),
        ("initial", abc, "[a b]"), ("reverse", abc, "[c b a]"), ("first", .l(), "<nil>"),
        ("rest", .l(), "[]"), ("initial", .l(), "[]"), ("last", .l(), "<nil>"),
        ("uniq", .l(.i(1), .i(1), .int64(1), .s("1"), .i(1)), "[1 1 1]"),
        ("compact", .l(.s(""), .i(0), .s("a"), .null, .bool(false), .l(), .i(2)), "[a 2]"),
        ("reverse", .stringList(["x", "y"]), "[y x]"),
        ("first", .stringList(["x", "y"]), "x"),
    ] as [(String, TemplateValue, String)])
    func unary(name: String, arg: TemplateValue, want: String) throws {
        #expect(try callB(name, arg).goString == want)
    }

    @Test func buildAndAppend() throws {
        #expect(try callB("list", .i(1), .s("a")).goString == "[1 a]")
        #expect(try callB("tuple").goString == "[]")
        #expect(try callB("append", Self.abc, .s("d")).goString == "[a b c d]")
        #expect(try callB("push", .stringList(["x"]), .i(2)).goTypeName == "[]interface {}")
        #expect(try callB("prepend", Self.abc, .s("z")).goString == "[z a b c]")
        #expect(try callB("concat", Self.abc, .stringList(["x"]), .l(.i(1))).goString == "[a b c x 1]")
        #expect(try callB("chunk", .i(2), .l(.i(1), .i(2), .i(3), .i(4), .i(5))).goString == "[[1 2] [3 4] [5]]")
        #expect(try callB("chunk", .i(2), .l()).goString == "[]")
        #expect(try callB("without", .l(.i(1), .i(2), .i(3), .i(2)), .i(2), .i(3)).goString == "[1]")
        #expect(try callB("has", .i(2), .l(.i(1), .i(2))) .isTruthy)
        #expect(try !callB("has", .int64(2), .l(.i(1), .i(2))).isTruthy)
        #expect(try !callB("has", .i(2), .null).isTruthy)
    }

    @Test func sliceKeepsTypeAndChecksBounds() throws {
        let l = TemplateValue.l(.i(1), .i(2), .i(3), .i(4), .i(5))
        #expect(try callB("slice", l).goString == "[1 2 3 4 5]")
        #expect(try callB("slice", l, .i(1), .i(3)).goString == "[2 3]")
        #expect(try callB("slice", l, .i(3)).goString == "[4 5]")
        #expect(try callB("slice", .stringList(["a", "b"]), .i(1)).goTypeName == "[]string")
        #expect(try callB("slice", .l()).isNil)
        #expect(callBError("slice", l, .i(3), .i(9)) == "reflect.Value.Slice: slice index out of bounds")
        #expect(callBError("slice", .s("hello"), .i(1), .i(3)) == "list should be type of slice or array but string")
    }

    @Test(arguments: [
        ("first", TemplateValue.s("x"), "Cannot find first on type string"),
        ("mustLast", .i(1), "Cannot find last on type int"),
        ("rest", .d(["a": .i(1)]), "Cannot find rest on type map"),
        ("initial", .float(1), "Cannot find initial on type float64"),
        ("reverse", .bool(true), "Cannot find reverse on type bool"),
        ("uniq", .s("x"), "Cannot find uniq on type string"),
        ("compact", .s("x"), "Cannot compact on type string"),
        ("append", .s("x"), "Cannot push on type string"),
        ("mustPrepend", .s("x"), "Cannot prepend on type string"),
        ("first", .null, "runtime error: invalid memory address or nil pointer dereference"),
    ] as [(String, TemplateValue, String)])
    func wrongKinds(name: String, arg: TemplateValue, want: String) {
        let err: String?
        if name == "append" || name == "mustPrepend" { err = callBError(name, arg, .i(1)) }
        else { err = callBError(name, arg) }
        #expect(err == want)
    }

    @Test func otherErrors() {
        #expect(callBError("concat", .l(), .s("x")) == "Cannot concat type string as list")
        #expect(callBError("chunk", .i(2), .s("x")) == "Cannot chunk type string")
        #expect(callBError("without", .s("x")) == "Cannot find without on type string")
        #expect(callBError("mustHas", .i(1), .s("x")) == "Cannot find has on type string")
    }
}
