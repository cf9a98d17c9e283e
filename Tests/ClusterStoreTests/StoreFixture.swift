import ClusterStore
import Foundation
import Testing

/// The backends the shared suite runs against.
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case memory, sqlite, etcd
    var testDescription: String { rawValue }
    /// The backends whose leases run on an injected clock.
    var hasManualClock: Bool { self != .etcd }
}

/// One store under test with what the tests need around it.
struct StoreFixture: Sendable {
    let backend: Backend
    let store: any KeyValueStore
    /// Set for backends whose lease clock the test drives.
    let clock: ManualStoreClock?
    /// Expires leases now (memory/sqlite).
    let expire: @Sendable () async -> Void
    /// A key prefix unique to this fixture.
    let prefix: String
    let cleanup: @Sendable () async -> Void

    func key(_ name: String) -> String { prefix + name }
}

enum Fixtures {
    static func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("store-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func make(_ backend: Backend, watcherBuffer: Int = 1000) async throws -> StoreFixture {
        let prefix = "/registry/t-\(UUID().uuidString.prefix(8))/"
        switch backend {
        case .memory:
            let clock = ManualStoreClock()
            let s = MemoryStore(clock: clock, watcherBuffer: watcherBuffer)
            return StoreFixture(backend: backend, store: s, clock: clock, expire: { await s.expireLeases() },
                                prefix: prefix, cleanup: { await s.close() })
        case .sqlite:
            let clock = ManualStoreClock()
            let dir = try tempDir()
            let s = try await SQLiteStore.open(
                path: dir.appendingPathComponent("state.db").path,
                options: .init(watcherBuffer: watcherBuffer, eventRing: 64, clock: clock))
            return StoreFixture(backend: backend, store: s, clock: clock, expire: { await s.expireLeases() },
                                prefix: prefix, cleanup: {
                                    await s.close()
                                    try? FileManager.default.removeItem(at: dir)
                                })
        case .etcd:
            let server = try await EtcdServer.start()
            // A refused endpoint first: every etcd test also exercises the move to the next endpoint.
            let dead = "http://127.0.0.1:\(try EtcdServer.freePort())"
            let s = try EtcdStore(endpoints: [dead, server.endpoint], options: .init(watcherBuffer: watcherBuffer))
            return StoreFixture(backend: backend, store: s, clock: nil, expire: {}, prefix: prefix, cleanup: {
                await s.close()
                server.stop()
            })
        }
    }

    /// Runs `body` with a fresh store and always cleans up.
    static func with(_ backend: Backend, watcherBuffer: Int = 1000,
                     _ body: (StoreFixture) async throws -> Void) async throws {
        let f = try await make(backend, watcherBuffer: watcherBuffer)
        do {
            try await body(f)
        } catch {
            await f.cleanup()
            throw error
        }
        await f.cleanup()
    }
}

extension Array where Element == UInt8 {
    init(_ s: String) { self = Array(s.utf8) }
}

/// Reads exactly `count` events from a watch (fails the test if it ends first).
func take(_ count: Int, from watch: StoreWatch, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [StoreEvent] {
    var out: [StoreEvent] = []
    guard count > 0 else { return out }
    for try await e in watch {
        out.append(e)
        if out.count == count { return out }
    }
    Issue.record("watch ended after \(out.count) of \(count) events", sourceLocation: sourceLocation)
    return out
}

/// The StoreError a throwing call produced (nil if it succeeded or threw something else).
func storeError(_ body: () async throws -> Void) async -> StoreError? {
    do {
        try await body()
        return nil
    } catch let e as StoreError {
        return e
    } catch {
        return nil
    }
}
