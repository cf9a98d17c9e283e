import ClusterAPI
import Foundation
import StructuredData
import Testing

@Suite struct TableTests {
    /// 2023-11-14T22:13:20Z, the fixed clock of every table golden.
    static let now: Int64 = 1_700_000_000

    static let catalog: ResourceCatalog = {
        var c = ResourceCatalog.builtIn
        try? c.add(crd: ResourcesCatalogTests.widgetCRD)
        return c
    }()

    @Test(arguments: [
        (-5, "<invalid>"), (-1, "0s"), (0, "0s"), (5, "5s"), (119, "119s"), (120, "2m"), (123, "2m3s"), (599, "9m59s"),
        (600, "10m"), (10799, "179m"), (10800, "3h"), (11040, "3h4m"), (28799, "7h59m"), (28800, "8h"), (172799, "47h"),
        (172800, "2d"), (183600, "2d3h"), (691199, "7d23h"), (691200, "8d"), (3_888_000, "45d"),
        (63_071_999, "729d"), (63_072_000, "2y"), (63_936_000, "2y10d"), (252_288_000, "8y"), (315_360_000, "10y"),
    ] as [(Int64, String)])
    func humanDuration(_ seconds: Int64, _ text: String) {
        #expect(TableTime.humanDuration(seconds: seconds) == text)
    }

    @Test(arguments: [
        ("2023-11-14T22:13:20Z", 1_700_000_000), ("1970-01-01T00:00:00Z", 0), ("2023-11-14T22:13:20.123456Z", 1_700_000_000),
        ("2023-11-15T00:13:20+02:00", 1_700_000_000), ("2023-11-14T20:13:20-02:00", 1_700_000_000),
        ("2000-02-29T12:00:00Z", 951_825_600), ("1969-12-31T23:59:59Z", -1),
    ] as [(String, Int64)])
    func timestamps(_ text: String, _ seconds: Int64) {
        #expect(TableTime.parse(text) == seconds)
    }

    @Test(arguments: ["", "2023-11-14", "2023-11-14T22:13:20", "2023-13-14T22:13:20Z", "2023-11-14T22:13:20Q",
                      "2023-11-14T22:13:20.Z", "x023-11-14T22:13:20Z", "2023-11-14T22:13:20+0200"])
    func badTimestamps(_ text: String) {
        #expect(TableTime.parse(text) == nil)
    }

    @Test func formatRoundTrips() {
        #expect(TableTime.format(1_700_000_000) == "2023-11-14T22:13:20Z")
        #expect(TableTime.format(-1) == "1969-12-31T23:59:59Z")
        #expect(TableTime.format(951_825_600) == "2000-02-29T12:00:00Z")
    }

    /// Every `Fixtures/table/<name>.input.json` is rendered and compared with `<name>.golden.json`.
    static let cases: [String] = {
        let dir = ResourcesGolden.url("table")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(".input.json") }.map { String($0.dropLast(".input.json".count)) }.sorted()
    }()

    @Test func fixtureFolderIsNotEmpty() {
        #expect(Self.cases.count >= 40)
    }

    @Test(arguments: cases)
    func golden(_ name: String) throws {
        let input = try ResourcesGolden.read("table/\(name).input.json")
        let resourceName = try #require(input["resource"]?.stringValue)
        let resource = try #require(Self.catalog.resolve(resourceName), "unknown resource \(resourceName)")
        let include = IncludeObject(parameter: input["includeObject"]?.stringValue ?? "") ?? .metadata
        let table = TableConverter.table(for: resource, objects: input["objects"]?.listValue ?? [],
                                         includeObject: include, now: Self.now, listMeta: input["listMeta"])
        try ResourcesGolden.check(table, against: "table/\(name).golden.json")
        // Every row has one cell per column.
        let columns = table["columnDefinitions"]?.listValue?.count ?? -1
        for row in table["rows"]?.listValue ?? [] {
            #expect(row["cells"]?.listValue?.count == columns)
        }
    }

    @Test func columnDefinitionsPerKind() throws {
        func names(_ r: String) -> [String] {
            guard let res = Self.catalog.resolve(r) else { return [] }
            return TableConverter.columnDefinitions(for: res).map(\.name)
        }
        #expect(names("pods") == ["Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"])
        #expect(names("deployments") == ["Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector"])
        #expect(names("services") == ["Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector"])
        #expect(names("jobs") == ["Name", "Status", "Completions", "Duration", "Age", "Containers", "Images", "Selector"])
        #expect(names("crd") == ["Name", "Created At"])
        #expect(names("widgets") == ["Name", "Replicas", "Ready"])
        #expect(names("widgets.v1alpha1.example.com") == ["Name", "Age"])
        let pods = TableConverter.columnDefinitions(for: try #require(Self.catalog.resolve("pods")))
        #expect(pods.filter { $0.priority == 1 }.map(\.name) == ["IP", "Node", "Nominated Node", "Readiness Gates"])
        #expect(pods[0].format == "name")
        let unknown = ResourceInfo(group: "x.io", version: "v1", kind: "Thing", plural: "things", namespaced: true)
        #expect(TableConverter.columnDefinitions(for: unknown).map(\.name) == ["Name", "Created At"])
    }

    @Test func rowObjectModes() throws {
        let pods = try #require(Self.catalog.resolve("pods"))
        let pod = ResourcesGolden.json(#"{"metadata":{"name":"p","namespace":"d","labels":{"a":"b"}},"spec":{"containers":[]}}"#)
        let meta = TableConverter.row(for: pods, object: pod, now: Self.now)
        #expect(meta["object"] == ["kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                                   "metadata": ["name": "p", "namespace": "d", "labels": ["a": "b"]]])
        let full = TableConverter.row(for: pods, object: pod, includeObject: .object, now: Self.now)
        #expect(full["object"]?["kind"] == "Pod" && full["object"]?["apiVersion"] == "v1")
        #expect(full["object"]?["spec"] == ["containers": []])
        let none = TableConverter.row(for: pods, object: pod, includeObject: .none, now: Self.now)
        #expect(none["object"] == .null)
        #expect(IncludeObject(parameter: "Bogus") == nil)
    }

    /// The pod STATUS column, case by case.
    @Test(arguments: [
        (#"{"status":{"phase":"Running","containerStatuses":[{"ready":true,"state":{"running":{}}}]}}"#, "Running", "1/1"),
        (#"{"status":{"phase":"Pending","containerStatuses":[{"state":{"waiting":{"reason":"ImagePullBackOff"}}}]}}"#, "ImagePullBackOff", "0/1"),
        (#"{"status":{"phase":"Running","containerStatuses":[{"state":{"terminated":{"exitCode":0,"reason":"Completed"}}},{"ready":true,"state":{"running":{}}}]},"spec":{"containers":[{},{}]}}"#, "NotReady", "1/2"),
        (#"{"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}],"containerStatuses":[{"state":{"terminated":{"exitCode":0,"reason":"Completed"}}},{"ready":true,"state":{"running":{}}}]},"spec":{"containers":[{},{}]}}"#, "Running", "1/2"),
        (#"{"status":{"phase":"Failed","containerStatuses":[{"state":{"terminated":{"exitCode":0,"signal":9}}}]}}"#, "Signal:9", "0/1"),
        (#"{"status":{"phase":"Pending","initContainerStatuses":[{"state":{"waiting":{"reason":"ErrImagePull"}}}]},"spec":{"initContainers":[{}]}}"#, "Init:ErrImagePull", "0/1"),
        (#"{"status":{"phase":"Pending","initContainerStatuses":[{"state":{"terminated":{"exitCode":1,"reason":"Error"}}}]},"spec":{"initContainers":[{}]}}"#, "Init:Error", "0/1"),
        (#"{"status":{"phase":"Pending","initContainerStatuses":[{"state":{"waiting":{"reason":"PodInitializing"}}}]},"spec":{"initContainers":[{},{},{}]}}"#, "Init:0/3", "0/1"),
        (#"{"metadata":{"deletionTimestamp":"2023-11-14T22:13:15Z"},"status":{"phase":"Running","reason":"NodeLost"}}"#, "Unknown", "0/1"),
        (#"{"metadata":{"deletionTimestamp":"2023-11-14T22:13:15Z"},"status":{"phase":"Succeeded"}}"#, "Succeeded", "0/1"),
        (#"{"status":{}}"#, "", "0/1"),
    ])
    func podStatus(_ json: String, _ status: String, _ ready: String) throws {
        let pods = try #require(Self.catalog.resolve("pods"))
        var pod = ResourcesGolden.json(json)
        // One plain container unless the case says otherwise.
        if case .map(var m) = pod {
            var spec = m["spec"]?.mapValue ?? [:]
            if spec["containers"] == nil { spec["containers"] = [[:]] }
            m["spec"] = .map(spec)
            pod = .map(m)
        }
        let cells = TableConverter.row(for: pods, object: pod, now: Self.now)["cells"]?.listValue ?? []
        #expect(cells.count == 9)
        #expect(cells[2] == .string(status))
        #expect(cells[1] == .string(ready))
    }

    @Test func customColumnsHandleOddValues() throws {
        let widgets = try #require(Self.catalog.resolve("widgets"))
        let odd = ResourcesGolden.json(#"{"metadata":{"name":"w"},"spec":{"replicas":"three"},"status":{"conditions":"nope"}}"#)
        let cells = TableConverter.row(for: widgets, object: odd, now: Self.now)["cells"]?.listValue ?? []
        #expect(cells == ["w", .null, .null])
        #expect(TableConverter.row(for: widgets, object: "not an object", now: Self.now)["cells"] == ["", .null, .null])
    }
}
