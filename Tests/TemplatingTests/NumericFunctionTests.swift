import Testing
import Templating

/// Conversions and math; expectations from Helm v4.2.3 renders and Sprig's numeric tests.
@Suite struct NumericFunctionTests {
    static let conversions: [Call] = [
        Call("atoi", [s("42")], "42"),
        Call("atoi", [s("x")], "0"),
        Call("atoi", [s("+5")], "5"),
        Call("atoi", [s("-5")], "-5"),
        Call("atoi", [s(" 5")], "0"),
        Call("atoi", [s("")], "0"),
        Call("atoi", [s("0x10")], "0"),
        Call("atoi", [s("1_000")], "0"),
        Call("atoi", [s("99999999999999999999")], "9223372036854775807"),
        Call("atoi", [s("-99999999999999999999")], "-9223372036854775808"),
        Call("int", [f(3.7)], "3"),
        Call("int", [f(-3.7)], "-3"),
        Call("int", [s("010")], "8"),
        Call("int", [s("1e6")], "0"),
        Call("int", [s("3.00")], "3"),
        Call("int", [s("3.7")], "0"),
        Call("int", [s("3.70")], "0"),
        Call("int", [s(".5")], "0"),
        Call("int", [s("1.")], "0"),
        Call("int", [s("0b101")], "5"),
        Call("int", [s("0o17")], "15"),
        Call("int", [s("+7")], "7"),
        Call("int", [s("1_000")], "1000"),
        Call("int", [s("_1")], "0"),
        Call("int", [s("0x")], "0"),
        Call("int", [s("-+5")], "0"),
        Call("int", [b(true)], "1"),
        Call("int", [null], "0"),
        Call("int", [list(i(1))], "0"),
        Call("int64", [s("0x10")], "16"),
        Call("int64", [s("-0x10")], "-16"),
        Call("int64", [s("9223372036854775808")], "0"),
        Call("int64", [f(1e19)], "-9223372036854775808"),
        Call("int64", [f(-1e19)], "-9223372036854775808"),
        Call("int64", [i(5)], "5"),
        Call("float64", [s("x")], "0"),
        Call("float64", [s("1.5")], "1.5"),
        Call("float64", [s("1e400")], "0"),
        Call("float64", [s("1e-400")], "0"),
        Call("float64", [s("1_000")], "1000"),
        Call("float64", [s("1_0.5")], "10.5"),
        Call("float64", [s("1__0")], "0"),
        Call("float64", [s("_1")], "0"),
        Call("float64", [s("0x1p-2")], "0.25"),
        Call("float64", [s("0x1_0p0")], "16"),
        Call("float64", [s("0x.8p1")], "1"),
        Call("float64", [s("0x10")], "0"),
        Call("float64", [s("Inf")], "+Inf"),
        Call("float64", [s("-infinity")], "-Inf"),
        Call("float64", [s(" 1")], "0"),
        Call("float64", [s(".e1")], "0"),
        Call("float64", [s("1e")], "0"),
        Call("float64", [s("")], "0"),
        Call("float64", [i(3)], "3"),
        Call("float64", [.map([:])], "0"),
        Call("toString", [f(1_000_000)], "1e+06"),
        Call("toString", [null], "<nil>"),
        Call("toString", [list(i(1), s("a"))], "[1 a]"),
        Call("toString", [.bytes([104, 105])], "hi"),
        Call("toDecimal", [s("0777")], "511"),
        Call("toDecimal", [f(511)], "329"),
        Call("toDecimal", [s("-10")], "-8"),
        Call("toDecimal", [s("0o17")], "0"),
        Call("toDecimal", [b(true)], "0"),
        Call("toDecimal", [s("9")], "0"),
        Call("toDecimal", [i(8)], "0"),
        Call("toDecimal", [null], "0"),
    ]

    static let integerMath: [Call] = [
        Call("add", [], "0"),
        Call("add", [i(1), f(2.9), s("3"), null, b(true)], "7"),
        Call("add", [i64(.max), i(1)], "-9223372036854775808"),
        Call("add1", [s("5")], "6"),
        Call("sub", [i(1), i(2)], "-1"),
        Call("mul", [i(2)], "2"),
        Call("mul", [i(3), s("x")], "0"),
        Call("mul", [i(2), i(3), f(4.5)], "24"),
        Call("div", [i(-7), i(2)], "-3"),
        Call("div", [i(1), i(0)], "ERR: runtime error: integer divide by zero"),
        Call("div", [i64(.min), i(-1)], "-9223372036854775808"),
        Call("mod", [i(-7), i(3)], "-1"),
        Call("mod", [i(1), i(0)], "ERR: runtime error: integer divide by zero"),
        Call("mod", [i64(.min), i(-1)], "0"),
        Call("max", [i(1), i(5), s("7")], "7"),
        Call("max", [s("a")], "0"),
        Call("biggest", [i(4), i(9)], "9"),
        Call("min", [i(3), i(-1)], "-1"),
        Call("until", [i(3)], "[0 1 2]"),
        Call("until", [i(-3)], "[0 -1 -2]"),
        Call("until", [i(0)], "[]"),
        Call("untilStep", [i(0), i(10), i(3)], "[0 3 6 9]"),
        Call("untilStep", [i(10), i(0), i(-3)], "[10 7 4 1]"),
        Call("untilStep", [i(0), i(10), i(0)], "[]"),
        Call("untilStep", [i(10), i(0), i(3)], "[]"),
        Call("untilStep", [i(0), i(1 << 30), i(1)], "ERR: list of 1073741824 elements exceeds the limit of 16777216 (helmctl refuses runaway templates)"),
        Call("until", [i(.max)], "ERR: list of 9223372036854775807 elements exceeds the limit of 16777216 (helmctl refuses runaway templates)"),
        Call("untilStep", [i(.min), i(.max), i(.max)], "[-9223372036854775808 -1 9223372036854775806]"),
        Call("seq", [], ""),
        Call("seq", [i(3)], "1 2 3"),
        Call("seq", [i(0)], "1 0"),
        Call("seq", [i(-2)], "1 0 -1 -2"),
        Call("seq", [i(5), i(1)], "5 4 3 2 1"),
        Call("seq", [i(2), i(5)], "2 3 4 5"),
        Call("seq", [i(1), i(2), i(7)], "1 3 5 7"),
        Call("seq", [i(7), i(-2), i(1)], "7 5 3 1"),
        Call("seq", [i(1), i(-1), i(5)], ""),
        Call("seq", [i(5), i(1), i(1)], ""),
        Call("seq", [i(1), i(2), i(3), i(4)], ""),
        Call("randInt", [i(5), i(5)], "ERR: invalid argument to Intn"),
        Call("randInt", [i(5), i(6)], "5"),
    ]

    static let floatMath: [Call] = [
        Call("addf", [], "0"),
        Call("addf", [f(0.1), f(0.2)], "0.3"),
        Call("addf", [f(1.1), f(2.2)], "3.3"),
        Call("addf", [s("NaN"), i(1)], "ERR: Cannot create a Decimal from NaN"),
        Call("addf", [s("-Inf")], "ERR: Cannot create a Decimal from -Inf"),
        Call("add1f", [f(0.1)], "1.1"),
        Call("subf", [f(0.3), f(0.1)], "0.2"),
        Call("subf", [i(1)], "1"),
        Call("mulf", [f(1.1), i(3)], "3.3"),
        Call("mulf", [f(1e300), f(1e300)], "+Inf"),
        Call("mulf", [f(-2), f(0)], "0"),
        Call("divf", [i(1), i(3)], "0.3333333333333333"),
        Call("divf", [i(10), i(4)], "2.5"),
        Call("divf", [i(2), i(3)], "0.6666666666666667"),
        Call("divf", [i(-2), i(3)], "-0.6666666666666667"),
        Call("divf", [i(1), i(3), i(3)], "0.1111111111111111"),
        Call("divf", [f(1e300), f(1e-300)], "+Inf"),
        Call("divf", [f(1e-300), f(1e300)], "0"),
        Call("divf", [i(1), i(0)], "ERR: decimal division by 0"),
        Call("divf", [i(0), i(5)], "0"),
        Call("maxf", [i(1), s("x"), f(3.5)], "3.5"),
        Call("maxf", [f(-1)], "-1"),
        Call("maxf", [f(.nan), f(.infinity)], "+Inf"),
        Call("maxf", [f(.nan), i(1)], "NaN"),
        Call("minf", [i(2), f(-0.5)], "-0.5"),
        Call("minf", [f(.nan), f(-.infinity)], "-Inf"),
        Call("ceil", [f(1.1)], "2"),
        Call("ceil", [s("x")], "0"),
        Call("floor", [f(-1.1)], "-2"),
        Call("round", [f(2.5), i(0)], "3"),
        Call("round", [f(-2.5), i(0)], "-3"),
        Call("round", [f(-2.4), i(0)], "-3"),
        Call("round", [f(1.2345), i(2)], "1.23"),
        Call("round", [f(1.5), i(0), f(0.6)], "1"),
        Call("round", [s("3.14159"), i(3)], "3.142"),
        Call("round", [f(1234.5), i(-2)], "1200"),
        Call("round", [f(2.675), i(2)], "2.68"),
        Call("round", [f(1e300), i(2)], "1e+300"),
        Call("round", [f(0.5), i(400)], "NaN"),
        Call("round", [f(123.456), i(30)], "123.45600000000002"),
        Call("divf", [i(1), i(7)], "0.1428571428571429"),
        Call("divf", [i(2), i(7)], "0.2857142857142857"),
        Call("divf", [i(5), i(9)], "0.5555555555555556"),
        Call("divf", [i(-5), i(9)], "-0.5555555555555556"),
        Call("divf", [f(1.5), f(0.7)], "2.142857142857143"),
        Call("divf", [i(1), f(1e-20)], "1e+20"),
        Call("divf", [f(0.00000000000000001), i(3)], "0"),
        Call("mulf", [f(0.1), f(0.1), f(0.1)], "0.001"),
        Call("subf", [f(1e20), f(0.1)], "1e+20"),
        Call("addf", [f(1e-320), f(1e-320)], "2e-320"),
    ]

    @Test(arguments: conversions)
    func conversion(_ c: Call) {
        #expect(Harness.text(c.name, c.args) == c.want)
    }

    @Test(arguments: integerMath)
    func integer(_ c: Call) {
        #expect(Harness.text(c.name, c.args) == c.want)
    }

    @Test(arguments: floatMath)
    func float(_ c: Call) {
        #expect(Harness.text(c.name, c.args) == c.want)
    }

    /// Result kinds matter for `typeOf`, `eq` and printing.
    @Test(arguments: [
        Call("atoi", [s("1")], "int"), Call("int", [s("1")], "int"), Call("int64", [s("1")], "int64"),
        Call("float64", [s("1")], "float64"), Call("add", [i(1)], "int64"), Call("max", [i(1)], "int64"),
        Call("addf", [i(1)], "float64"), Call("round", [f(1), i(0)], "float64"), Call("seq", [i(3)], "string"),
        Call("until", [i(3)], "[]int"), Call("untilStep", [i(0), i(3), i(1)], "[]int"),
        Call("toDecimal", [s("7")], "int64"), Call("randInt", [i(0), i(9)], "int"),
    ])
    func resultTypes(_ c: Call) throws {
        #expect(try Harness.call(c.name, c.args).goTypeName == c.want)
    }

    @Test func randIntStaysInRange() throws {
        let env = TestEnvironment(seed: 9)
        var seen = Set<String>()
        for _ in 0..<200 {
            let v = try Harness.call("randInt", [i(-2), i(3)], env: env).goString
            seen.insert(v)
        }
        #expect(seen == ["-2", "-1", "0", "1", "2"])
    }
}
