import Testing
import StructuredData
import Foundation
@testable import KubeClient

/// KubeWatchSet against the scripted HTTP server: WatchList, and LIST + WATCH when it is refused.
@Suite(.serialized) struct WatchTests {
    static let configMaps = APIResource(group: "", version: "v1", name: "configmaps", kind: "ConfigMap", namespaced: true)

    func collect(_ w: KubeWatchSet, until done: ([WatchEvent]) -> Bool) throws -> [WatchEvent] {
        var all: [WatchEvent] = []
        for _ in 0..<100 where !done(all) {
            all += try w.poll(timeoutMilliseconds: 100)
        }
        return all
    }

    @Test func watchListDeliversTheInitialStateThenSynced() throws {
        let stream = #"{"type":"ADDED","object":{"kind":"ConfigMap","metadata":{"name":"a","namespace":"team","resourceVersion":"5"}}}"#
            + "\n" + #"{"type":"BOOKMARK","object":{"kind":"ConfigMap","metadata":{"resourceVersion":"6","annotations":{"k8s.io/initial-events-end":"true"}}}}"#
            + "\n"
        let server = try FakeAPIServer(responses: [(200, stream)])
        let client = try KubeClient(config: KubeConfig(server: "http://127.0.0.1:\(server.port)"))
        let w = try KubeWatchSet(client: client)
        let i = try w.add(Self.configMaps, namespace: "team")
        let events = try collect(w) { $0.contains { $0.type == "SYNCED" } }
        #expect(events.map(\.type) == ["ADDED", "SYNCED"])
        #expect(events.first?.object["metadata"]?["name"] == "a")
        #expect(w.isSynced(i) && w.allSynced)
        let line = try #require(server.recorded.first)
        #expect(line.hasPrefix("GET /api/v1/namespaces/team/configmaps?allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&sendInitialEvents=true&timeoutSeconds="))
        #expect(line.hasSuffix("&watch=true HTTP/1.1"))
    }

    @Test func selectorsGoWithTheWatchList() throws {
        let stream = #"{"type":"BOOKMARK","object":{"kind":"Event","metadata":{"resourceVersion":"6","annotations":{"k8s.io/initial-events-end":"true"}}}}"#
            + "\n"
        let server = try FakeAPIServer(responses: [(200, stream)])
        let client = try KubeClient(config: KubeConfig(server: "http://127.0.0.1:\(server.port)"))
        let w = try KubeWatchSet(client: client)
        _ = try w.add(Self.configMaps, namespace: "team", labelSelector: "app=web", fieldSelector: "type=Warning")
        _ = try collect(w) { $0.contains { $0.type == "SYNCED" } }
        let line = try #require(server.recorded.first)
        #expect(line.hasPrefix("GET /api/v1/namespaces/team/configmaps?allowWatchBookmarks=true&labelSelector=app%3Dweb&fieldSelector=type%3DWarning&resourceVersionMatch=NotOlderThan"))
    }

    @Test func refusedWatchListFallsBackToListThenWatch() throws {
        let invalid = #"{"kind":"Status","status":"Failure","reason":"Invalid","code":422,"message":"sendInitialEvents is not supported"}"#
        let list = #"{"kind":"ConfigMapList","metadata":{"resourceVersion":"9"},"items":[{"kind":"ConfigMap","metadata":{"name":"b","namespace":"team"}}]}"#
        let update = #"{"type":"MODIFIED","object":{"kind":"ConfigMap","metadata":{"name":"b","namespace":"team","resourceVersion":"10"}}}"# + "\n"
        let server = try FakeAPIServer(responses: [(422, invalid), (200, list), (200, update)])
        let client = try KubeClient(config: KubeConfig(server: "http://127.0.0.1:\(server.port)"))
        let w = try KubeWatchSet(client: client)
        _ = try w.add(Self.configMaps, namespace: "team", fieldSelector: "metadata.name=b")
        let events = try collect(w) { $0.contains { $0.type == "MODIFIED" } }
        #expect(events.map(\.type) == ["RESET", "ADDED", "SYNCED", "MODIFIED"])
        let lines = server.recorded
        #expect(lines.count == 3)
        #expect(lines.count == 3 && lines[1] == "GET /api/v1/namespaces/team/configmaps?fieldSelector=metadata.name%3Db HTTP/1.1")
        #expect(lines.count == 3 && lines[2].hasPrefix("GET /api/v1/namespaces/team/configmaps?allowWatchBookmarks=true&fieldSelector=metadata.name%3Db&resourceVersion=9&timeoutSeconds="))
    }
}
