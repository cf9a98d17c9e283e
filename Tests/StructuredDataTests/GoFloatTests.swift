import StructuredData
import Testing

@Suite struct GoFloatTests {
    @Test(arguments: [
        (1_000_000.0, "1e+06"), (1_234_567.0, "1.234567e+06"), (123_456.0, "123456"), (100_000.5, "100000.5"),
        (0.0001, "0.0001"), (0.00001, "1e-05"), (3.0, "3"), (1.2345678901234567e19, "1.2345678901234567e+19"),
        (-2.5, "-2.5"), (0.0, "0"), (1.5, "1.5"), (0.1, "0.1"),
    ])
    func percentV(value: Double, expected: String) {
        #expect(GoFloat.formatV(value) == expected)
    }

    @Test func fixedAndExponent() {
        #expect(GoFloat.formatF(3.14159, precision: 2) == "3.14")
        #expect(GoFloat.formatE(1234.5678, precision: 3) == "1.235e+03")
        #expect(GoFloat.formatG(1234.5678, precision: 3) == "1.23e+03")
        #expect(GoFloat.formatG(0.000012345, precision: 2) == "1.2e-05")
        #expect(GoFloat.formatG(123.0, precision: 5) == "123")
    }
}
