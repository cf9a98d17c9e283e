import ClusterAPI
import StructuredData
import Testing

/// Hostile input never crashes: random strings through every parser, random values through every printer.
@Suite struct SelectorsRobustnessTests {
    /// A tiny deterministic generator (SplitMix64), so failures reproduce.
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func pick<T>(_ a: [T]) -> T { a[Int(next() % UInt64(a.count))] }
    }

    static let pieces = ["a", "b", "=", "==", "!=", "!", "(", ")", ",", " ", "in", "notin", "x/y", "-", ".", "\\", "<",
                         ">", "1", "é", "@", "[", "]", "?", "'", "\"", "$", "{", "}", "*", "metadata.name", "status.phase"]

    static func randomString(_ r: inout Rng) -> String {
        var s = ""
        for _ in 0..<Int(r.next() % 12) { s += r.pick(pieces) }
        return s
    }

    static func randomValue(_ r: inout Rng, depth: Int = 0) -> Value {
        switch r.next() % (depth > 3 ? 5 : 7) {
        case 0: return .null
        case 1: return .bool(r.next() % 2 == 0)
        case 2: return .int(Int64(bitPattern: r.next()))
        case 3: return .float(r.pick([0.5, -1e300, .nan, .infinity, 2.0]))
        case 4: return .string(r.pick(["", "2023-11-14T22:13:20Z", "Running", "True", "x", "9999-99-99T99:99:99Z"]))
        case 5: return .list((0..<Int(r.next() % 3)).map { _ in randomValue(&r, depth: depth + 1) })
        default:
            var m: [String: Value] = [:]
            let keys = ["metadata", "spec", "status", "name", "containers", "containerStatuses", "conditions", "state",
                        "waiting", "terminated", "reason", "type", "replicas", "selector", "matchLabels", "ports",
                        "subsets", "addresses", "restartCount", "lastState", "finishedAt", "creationTimestamp",
                        "initContainerStatuses", "metrics", "resource", "target", "rules", "items", "value"]
            for _ in 0..<Int(r.next() % 5) { m[r.pick(keys)] = randomValue(&r, depth: depth + 1) }
            return .map(m)
        }
    }

    @Test func parsersSurviveRandomInput() {
        var r = Rng(state: 42)
        let pods = ResourceCatalog.builtIn.resolve("pods")
        var parsed = 0
        for _ in 0..<3000 {
            let s = Self.randomString(&r)
            if let sel = try? LabelSelector(parsing: s) {
                parsed += 1
                // What parses renders to something that parses to the same thing.
                #expect((try? LabelSelector(parsing: sel.description))?.description == sel.description, "\(s)")
            }
            _ = try? FieldSelector(parsing: s, for: pods)
            _ = Discovery.acceptsAggregated(s)
            _ = OpenAPIStub.groupVersion(fromRelativePath: s)
            _ = TableTime.parse(s)
            _ = ResourceCatalog.builtIn.resolve(s)
        }
        #expect(parsed > 100)
    }

    @Test func printersSurviveRandomObjects() throws {
        var r = Rng(state: 7)
        var catalog = ResourceCatalog.builtIn
        try catalog.add(crd: ResourcesCatalogTests.widgetCRD)
        for _ in 0..<150 {
            let object = Self.randomValue(&r)
            for resource in catalog.resources {
                let row = TableConverter.row(for: resource, object: object, includeObject: .object, now: Int64(bitPattern: r.next()))
                #expect(row["cells"]?.listValue?.count == TableConverter.columnDefinitions(for: resource).count)
            }
            _ = try? LabelSelector(object: object)
            _ = try? catalog.add(crd: object)
        }
        #expect(TableTime.format(.min) == "0000-01-01T00:00:00Z")
        #expect(TableTime.format(.max) == "9999-12-31T23:59:59Z")
    }
}
