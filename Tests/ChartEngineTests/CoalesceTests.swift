import ChartEngine
import StructuredData
import Testing

/// Values coalescing as Helm v4.2.3's `CoalesceValues` (§3.4, §3.5 of the behaviour reference).
struct CoalesceTests {
    static func parent(values: [String: Value], sub: Chart? = nil) -> Chart {
        Chart(metadata: ChartMetadata(name: "parent", version: "1.0.0"), values: values,
              dependencies: sub.map { [$0] } ?? [])
    }

    static func sub(_ values: [String: Value]) -> Chart {
        Chart(metadata: ChartMetadata(name: "sub", version: "1.0.0"), values: values)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var defaults: [String: Value]
        var user: [String: Value]
        var expected: [String: Value]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "user scalar wins", defaults: ["a": 1.0, "b": "x"], user: ["a": .int(2)],
             expected: ["a": .int(2), "b": "x"]),
        Case(name: "maps merge recursively", defaults: ["m": ["a": 1.0, "n": ["x": "1"]]],
             user: ["m": ["b": 2.0, "n": ["y": "2"]]],
             expected: ["m": ["a": 1.0, "b": 2.0, "n": ["x": "1", "y": "2"]]]),
        Case(name: "lists replace", defaults: ["l": [1.0, 2.0, 3.0]], user: ["l": [9.0]], expected: ["l": [9.0]]),
        Case(name: "user null deletes defaults", defaults: ["a": ["b": 1.0, "c": 2.0, "d": ["e": 3.0]]],
             user: ["a": ["b": nil, "d": nil]], expected: ["a": ["c": 2.0]]),
        Case(name: "top-level user null deletes the key", defaults: ["a": 1.0, "b": 2.0], user: ["a": nil],
             expected: ["b": 2.0]),
        Case(name: "chart default nulls are dropped", defaults: ["n": nil, "m": ["x": nil, "y": 1.0]], user: [:],
             expected: ["m": ["y": 1.0]]),
        Case(name: "user null for an unknown key stays", defaults: [:], user: ["z": nil], expected: ["z": nil]),
        Case(name: "user scalar over default table wins", defaults: ["t": ["a": 1.0]], user: ["t": "flat"],
             expected: ["t": "flat"]),
        Case(name: "user table over default scalar wins", defaults: ["t": "flat"], user: ["t": ["a": 1.0]],
             expected: ["t": ["a": 1.0]]),
    ]

    @Test(arguments: cases)
    func coalesceRoot(_ c: Case) throws {
        var co = Coalescer()
        let out = try co.coalesce(chart: Self.parent(values: c.defaults), values: c.user)
        #expect(Value.map(out) == .map(c.expected))
    }

    @Test func typeClashLogsWarnings() throws {
        var co = Coalescer()
        _ = try co.coalesce(chart: Self.parent(values: ["t": ["a": ["x": 1.0]]]), values: ["t": ["a": "s"]])
        #expect(co.warnings == ["warning: cannot overwrite table with non table for parent.t.a (map[x:1])"])
    }

    @Test func subchartSectionGetsDefaultsAndGlobals() throws {
        let chart = Self.parent(
            values: ["global": ["env": "prod", "shared": ["a": "parent"]], "sub": ["fromParent": true]],
            sub: Self.sub(["subonly": "yes", "fromParent": false,
                           "global": ["env": "dev", "own": "sub", "shared": ["a": "sub", "b": "sub"]]]))
        var co = Coalescer()
        let out = try co.coalesce(chart: chart, values: ["sub": ["user": 1.0]])
        let expectedSub: Value = [
            "subonly": "yes", "fromParent": true, "user": 1.0,
            "global": ["env": "prod", "own": "sub", "shared": ["a": "parent", "b": "sub"]],
        ]
        #expect(out["sub"] == expectedSub)
        // Globals flow down only.
        #expect(out["global"] == ["env": "prod", "shared": ["a": "parent"]])
    }

    @Test func subchartWithoutSectionStillGetsGlobals() throws {
        let chart = Self.parent(values: ["global": ["g": 1.0]], sub: Self.sub(["x": 1.0]))
        var co = Coalescer()
        let out = try co.coalesce(chart: chart, values: [:])
        #expect(out["sub"] == ["x": 1.0, "global": ["g": 1.0]])
    }

    @Test func nonTableSubchartSectionIsATypeMismatch() {
        let chart = Self.parent(values: [:], sub: Self.sub([:]))
        var co = Coalescer()
        #expect(Fixtures.errorMessage { _ = try co.coalesce(chart: chart, values: ["sub": "oops"]) }
            == "type mismatch on sub: %!t(string=oops)")
    }

    @Test func userNullInsideSubchartSectionDeletesSubchartDefault() throws {
        let chart = Self.parent(values: [:], sub: Self.sub(["a": 1.0, "b": 2.0]))
        var co = Coalescer()
        let out = try co.coalesce(chart: chart, values: ["sub": ["a": nil]])
        #expect(out["sub"] == ["b": 2.0, "global": [:]])
    }
}
