import Testing
import ClusterStore
import NIOHTTP1
import StructuredData
@testable import ClusterCore

/// Watch semantics: synthetic ADDED for the current state, resume from a revision without gaps,
/// selector transitions, WatchList's initial-events-end bookmark, 410 for compacted revisions.
@Suite struct APIServerWatchTests {
    func configMap(_ name: String, label: String = "a") -> String {
        #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"\#(name)","labels":{"app":"\#(label)"}}}"#
    }

    @Test func watchFromNowThenResumeWithoutGaps() async throws {
        let api = try await TestAPI.make()
        let first = await api.call(.POST, "/api/v1/namespaces/default/configmaps", json: configMap("one"))
        let rv = first.body[path: "metadata.resourceVersion"]?.stringValue ?? ""
        guard let w = await api.watch("/api/v1/namespaces/default/configmaps?watch=true") else { Issue.record("no stream"); return }
        let initial = await w.next()
        #expect(initial?.0 == "ADDED")
        #expect(initial?.1[path: "metadata.name"] == "one")
        await api.call(.POST, "/api/v1/namespaces/default/configmaps", json: configMap("two"))
        await api.call(.PATCH, "/api/v1/namespaces/default/configmaps/one", json: #"{"data":{"x":"1"}}"#, contentType: "application/merge-patch+json")
        await api.call(.DELETE, "/api/v1/namespaces/default/configmaps/two")
        let live = [await w.next(), await w.next(), await w.next()].map { "\($0?.0 ?? "") \($0?.1[path: "metadata.name"]?.stringValue ?? "")" }
        #expect(live == ["ADDED two", "MODIFIED one", "DELETED two"])
        // A client that saw only `one` resumes from its revision and gets the same three events.
        guard let resumed = await api.watch("/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=\(rv)") else { return }
        var types: [String] = []
        for _ in 0..<3 { types.append(await resumed.next()?.0 ?? "") }
        #expect(types == ["ADDED", "MODIFIED", "DELETED"])
    }

    @Test func selectorTransitionsBecomeAddedAndDeleted() async throws {
        let api = try await TestAPI.make()
        let made = await api.call(.POST, "/api/v1/namespaces/default/configmaps", json: configMap("c", label: "x"))
        let rv = made.body[path: "metadata.resourceVersion"]?.stringValue ?? ""
        guard let w = await api.watch("/api/v1/namespaces/default/configmaps?watch=true&labelSelector=app%3Dy&resourceVersion=\(rv)") else { return }
        await api.call(.PATCH, "/api/v1/namespaces/default/configmaps/c", json: #"{"metadata":{"labels":{"app":"y"}}}"#, contentType: "application/merge-patch+json")
        await api.call(.PATCH, "/api/v1/namespaces/default/configmaps/c", json: #"{"metadata":{"labels":{"app":"z"}}}"#, contentType: "application/merge-patch+json")
        #expect(await w.next()?.0 == "ADDED")
        #expect(await w.next()?.0 == "DELETED")
    }

    @Test func watchListEndsInitialEventsWithABookmark() async throws {
        let api = try await TestAPI.make()
        await api.call(.POST, "/api/v1/namespaces/default/configmaps", json: configMap("a"))
        await api.call(.POST, "/api/v1/namespaces/default/configmaps", json: configMap("b"))
        guard let w = await api.watch("/api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true") else { return }
        #expect(await w.next()?.0 == "ADDED")
        #expect(await w.next()?.0 == "ADDED")
        let mark = await w.next()
        #expect(mark?.0 == "BOOKMARK")
        #expect(mark?.1[path: "metadata.annotations"]?["k8s.io/initial-events-end"] == "true")
        let refused = await api.call(.GET, "/api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true")
        #expect(refused.code == 422)
    }

    @Test func compactedRevisionGivesExpiredError() async throws {
        let api = try await TestAPI.make()
        for i in 0..<5 { await api.call(.POST, "/api/v1/namespaces/default/configmaps", json: configMap("c\(i)")) }
        let now = try await api.store.currentRevision()
        try await api.store.compact(revision: now - 1)
        guard let w = await api.watch("/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=2") else { return }
        let event = await w.next()
        #expect(event?.0 == "ERROR")
        #expect(event?.1["code"] == 410)
        let list = await api.call(.GET, "/api/v1/namespaces/default/configmaps?limit=2")
        let token = list.body[path: "metadata.continue"]?.stringValue ?? ""
        for i in 5..<8 { await api.call(.POST, "/api/v1/namespaces/default/configmaps", json: configMap("c\(i)")) }
        try await api.store.compact(revision: try await api.store.currentRevision())
        let expired = await api.call(.GET, "/api/v1/namespaces/default/configmaps?limit=2&continue=\(token)")
        #expect(expired.code == 410)
        #expect(expired.reason == "Expired")
    }

    @Test func tableWatchEventsAreOneRowTables() async throws {
        let api = try await TestAPI.make()
        await api.call(.POST, "/api/v1/namespaces/default/configmaps", json: configMap("t"))
        guard let w = await api.watch("/api/v1/namespaces/default/configmaps?watch=true",
                                      accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json") else { return }
        let e = await w.next()
        #expect(e?.1["kind"] == "Table")
        #expect(e?.1["rows"]?.listValue?.count == 1)
        #expect((e?.1["columnDefinitions"]?.listValue?.count ?? 0) > 0)
    }
}
