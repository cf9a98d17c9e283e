import Testing
import ClusterAPI
import StructuredData

/// Hostile input never crashes the decoder: every truncation and many bit flips of every fixture either
/// decode or throw a `KubeProtobufError`.
@Suite struct ProtobufFuzzTests {
    /// A small deterministic generator (no wall-clock seeds, reproducible failures).
    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
    }

    @Test(arguments: ProtobufFixtures.names)
    func truncationsNeverCrash(name: String) throws {
        let body = try ProtobufFixtures.body(name)
        var failures = 0
        for length in 0..<body.count {
            if (try? KubeProtobuf.decode(Array(body.prefix(length)))) == nil { failures += 1 }
        }
        // The empty and magic-only prefixes can never decode.
        #expect(failures >= min(body.count, 4))
    }

    @Test(arguments: ProtobufFixtures.names)
    func bitFlipsNeverCrash(name: String) throws {
        let body = try ProtobufFixtures.body(name)
        var rng = SplitMix(state: UInt64(truncatingIfNeeded: name.utf8.reduce(0) { $0 &* 31 &+ Int($1) }))
        var decoded = 0
        for _ in 0..<300 {
            var mutated = body
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                let i = 4 + Int(rng.next() % UInt64(max(mutated.count - 4, 1)))
                if i < mutated.count { mutated[i] ^= UInt8(1 << (rng.next() % 8)) }
            }
            do {
                _ = try KubeProtobuf.decode(mutated)
                decoded += 1
            } catch {
                #expect(!error.description.isEmpty)
            }
        }
        #expect(decoded <= 300)
    }
}
