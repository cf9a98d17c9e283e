import StructuredData
import Testing

/// Random and mutated inputs must give a value or a clean error, never a crash or a hang.
@Suite struct FuzzTests {
    /// SplitMix64: deterministic, seedable.
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    static let seeds: [String] = [
        "a: 1\nb: [x, y, {c: d}]\nanchors:\n  base: &b {x: 1}\n  m:\n    <<: *b\n",
        "- &a [1, 2]\n- *a\n- !!binary aGVsbG8=\n- |\n  literal\n- >-\n  folded\n---\nk: 'v'\n",
        #"{"a":[1,2.5e3,true,null,"s\u00e9"],"b":{"c":{}}}"#,
        "key: \"esc \\t \\u00e9\"\n? complex\n: v\n",
    ]
    static let alphabet: [UInt8] = Array("{}[],:-?&*!|>'\"%@` \n\t#\\<=.0123456789abcxyz~".utf8) + [0x00, 0xC3, 0xA9, 0xFF, 0xEF, 0xBB, 0xBF]

    @Test func mutatedInputsNeverCrash() {
        var rng = Rng(state: 20_261_127)
        var outcomes = 0
        for round in 0..<3000 {
            var bytes = Array(Self.seeds[round % Self.seeds.count].utf8)
            for _ in 0..<(1 + rng.below(6)) {
                let pos = bytes.isEmpty ? 0 : rng.below(bytes.count)
                switch rng.below(4) {
                case 0 where !bytes.isEmpty: bytes[pos] = Self.alphabet[rng.below(Self.alphabet.count)]
                case 1: bytes.insert(Self.alphabet[rng.below(Self.alphabet.count)], at: pos)
                case 2 where !bytes.isEmpty: bytes.remove(at: pos)
                default: bytes.insert(contentsOf: bytes[pos...].prefix(rng.below(8)), at: pos)
                }
            }
            outcomes += Self.exercise(bytes)
        }
        #expect(outcomes == 3000)
    }

    @Test func randomBytesNeverCrash() {
        var rng = Rng(state: 42)
        var outcomes = 0
        for _ in 0..<1500 {
            let bytes = (0..<rng.below(64)).map { _ in Self.alphabet[rng.below(Self.alphabet.count)] }
            outcomes += Self.exercise(bytes)
        }
        #expect(outcomes == 1500)
    }

    /// Decodes with every codec and re-encodes successes; returns 1 when the YAML path finished.
    static func exercise(_ bytes: [UInt8]) -> Int {
        if let v = try? YAML.decode(bytes) {
            _ = YAML.encode(v)
            _ = YAML.encodePretty(v)
            _ = try? TOML.encode(v)
        }
        _ = try? YAML.decodeAll(bytes, numbersAsFloat: false)
        if let v = try? JSON.decode(bytes) { _ = JSON.encode(v) }
        _ = try? TOML.decode(String(decoding: bytes, as: UTF8.self))
        return 1
    }

    /// What we encode must decode back to the same value (go-yaml round trip).
    @Test func encodeRoundTrips() throws {
        var rng = Rng(state: 7)
        let atoms: [Value] = ["", "yes", "a: b", " x", "x\n", "\u{1F600}", "line1\nline2 ", "#", "-", "1e3", "a\tb",
                              .string(String(repeating: "long words ", count: 12)), 1.5, 1e21, 3.0, true, nil, "\u{FEFF}bom"]
        for _ in 0..<300 {
            var v: Value = atoms[rng.below(atoms.count)]
            for _ in 0..<rng.below(4) {
                if rng.below(2) == 0 {
                    v = [v, atoms[rng.below(atoms.count)]]
                } else {
                    v = .map([atoms[rng.below(atoms.count)].stringValue ?? "k": v, "z": atoms[rng.below(atoms.count)]])
                }
            }
            #expect(try YAML.decode(YAML.encode(v)) == v, "toYaml round trip of \(v)")
            #expect(try YAML.decode(YAML.encodePretty(v)) == v, "toYamlPretty round trip of \(v)")
            #expect(try JSON.decode(JSON.encode(v)) == v, "toJson round trip of \(v)")
        }
    }
}

/// Hostile nesting through every codec: clean results or errors, never a stack overflow.
@Suite struct HostileNestingTests {
    @Test func deepValuesEncodeEverywhere() throws {
        // Block YAML and TOML output grows with the square of the depth (indentation, table
        // names), so those use a depth that still exceeds a default thread stack in recursion.
        var v: Value = "leaf"
        for _ in 0..<1_500 { v = ["k": v] }
        #expect(YAML.encode(v).hasPrefix("k:\n  k:\n"))
        #expect(YAML.encodePretty(v).hasPrefix("k:\n  k:\n"))
        #expect(try TOML.encode(v).hasPrefix("[k]\n  [k.k]\n"))
        for _ in 1_500..<10_000 { v = ["k": v] }
        #expect(JSON.encode(v).hasPrefix(#"{"k":{"k":"#))
    }

    @Test func deepCollectionKeyFailsCleanly() {
        let key = String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000)
        #expect(errorMessage { try YAML.decode("? " + key + "\n: v\n") }?.hasPrefix("yaml: invalid map key: ") == true)
    }

    @Test func deepTOMLFailsCleanly() {
        #expect(errorMessage { try TOML.decode("a = " + String(repeating: "[", count: 100_000)) } != nil)
        #expect(errorMessage { try TOML.decode(String(repeating: "a.", count: 100_000) + "b = 1") } != nil)
    }
}
