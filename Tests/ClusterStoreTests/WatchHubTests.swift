@testable import ClusterStore
import Testing

/// The shared fan-out's bookkeeping.
@Suite("Watch hub")
struct WatchHubTests {
    static func event(_ rev: Int64, _ key: String = "/k") -> StoreEvent {
        StoreEvent(kind: .added, kv: KeyValue(key: key, value: [], createRevision: rev, modRevision: rev), previous: nil)
    }

    @Test func droppedOrCancelledWatchesAreUnregistered() async throws {
        let hub = WatchHub(currentRevision: 0, compactRevision: 0, ringCapacity: 8, watcherBuffer: 4)
        do {
            let w = try await hub.subscribe(prefix: "/", afterRevision: 0) { _, _ in [] }
            hub.publish([Self.event(1)])
            for try await e in w {
                #expect(e.revision == 1)
                break
            }
        }
        #expect(hub.watcherCount == 0)
        let w2 = try await hub.subscribe(prefix: "/", afterRevision: 1) { _, _ in [] }
        let t = Task { for try await _ in w2 {} }
        t.cancel()
        _ = try? await t.value
        #expect(hub.watcherCount == 0)
        hub.close()
    }

    @Test func resumeBeforeTheRingLoadsHistoryThenPendingInOrder() async throws {
        let hub = WatchHub(currentRevision: 0, compactRevision: 0, ringCapacity: 3, watcherBuffer: 100)
        hub.publish((1...10).map { Self.event($0) })
        let w = try await hub.subscribe(prefix: "/", afterRevision: 2) { after, upTo in
            // While history loads, a live event arrives; it must come after the history.
            hub.publish([Self.event(11)])
            return (after + 1...upTo).map { Self.event($0) }
        }
        let got = try await take(9, from: w)
        #expect(got.map(\.revision) == Array(3...11))
        hub.close()
    }
}
