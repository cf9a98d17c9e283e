@testable import StructuredData
import Testing

/// ``YAMLResolve/resolvePlain(_:fastReject:)`` settles number-like strings (`500m`, `256Mi`) with a
/// byte pre-check; it must resolve every scalar exactly as the full rules do.
struct ResolveFastRejectTests {
    static func same(_ s: String) -> Bool {
        "\(YAMLResolve.resolvePlain(s, fastReject: true))" == "\(YAMLResolve.resolvePlain(s, fastReject: false))"
    }

    @Test(arguments: [
        "500m", "256Mi", "1.5Gi", "10Ki", "1e3", "1E+10", "-1.5e-3", "0x1F", "0X1f", "0o17", "0b101", "-0b11",
        "1_000", "0_1", "+.inf", "-.Inf", ".nan", "12:30:45", "190:20:30.15", "2001-12-14t21:59:43.10-05:00",
        "2001-12-14 21:59:43.10 -5", "2002-12-14", "2002-12-14Z", "0.", "-.5", "+12", "-0", "007", "08", "3.14",
        "1.2.3", "1-2", "9223372036854775808", "18446744073709551616", "-9223372036854775809", "1e400", "0xg",
        "1 2", "1\t2", "1:2", "6h", "30s", "1.0.0-rc1", "127.0.0.1", "-", "+", "-x", "+1y",
    ])
    func knownScalars(_ s: String) {
        #expect(Self.same(s), "\(s)")
    }

    /// Every string of up to four bytes over an alphabet of the bytes that matter.
    @Test func exhaustiveShortStrings() {
        let alphabet = Array("0197-+._xboeEmiTZ: ").map(String.init)
        var pending = alphabet.filter { $0.first!.isNumber || $0 == "-" || $0 == "+" }
        var checked = 0
        var mismatches: [String] = []
        while let s = pending.popLast() {
            checked += 1
            if !Self.same(s) { mismatches.append(s) }
            if s.count < 4 { for a in alphabet { pending.append(s + a) } }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
        #expect(checked > 20000)
    }
}
