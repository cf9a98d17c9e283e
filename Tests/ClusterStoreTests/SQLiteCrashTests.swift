import ClusterStore
import Foundation
import Glibc
import Testing

/// kill -9 of a process in the middle of 1000 concurrent writers: after reopening, every write the
/// process acknowledged is there, exactly once.
@Suite("SQLite kill -9")
struct SQLiteCrashTests {
    /// The stress writer, built next to the test bundle (`swift build --target helmctl-store-bench`).
    static func benchBinary() throws -> URL {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let bin = exe.deletingLastPathComponent().appendingPathComponent("helmctl-store-bench")
        guard FileManager.default.isExecutableFile(atPath: bin.path) else {
            throw EtcdTestError(description: "\(bin.path) missing: run `swift build --target helmctl-store-bench`")
        }
        return bin
    }

    @Test(arguments: SQLiteStore.Synchronous.allCases)
    func acknowledgedWritesSurviveKill9(_ sync: SQLiteStore.Synchronous) async throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let killAfter = 1500
        let p = Process()
        p.executableURL = try Self.benchBinary()
        p.arguments = ["stress", dir.path, "--sync", sync.rawValue.lowercased(), "--tasks", "1000", "--per-task", "5"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let pid = p.processIdentifier
        // Read acknowledgements as they arrive; SIGKILL once `killAfter` are in.
        let (acked, finished): ([String], Bool) = await withCheckedContinuation { c in
            Thread.detachNewThread {
                var keys: [String] = []
                var pending = ""
                var done = false
                var killed = false
                let fh = out.fileHandleForReading
                while true {
                    let chunk = fh.availableData
                    if chunk.isEmpty { break }
                    pending += String(decoding: chunk, as: UTF8.self)
                    while let nl = pending.firstIndex(of: "\n") {
                        let line = String(pending[..<nl])
                        pending = String(pending[pending.index(after: nl)...])
                        if line.hasPrefix("/stress/") { keys.append(line) }
                        if line == "done" { done = true }
                    }
                    if !killed && keys.count >= killAfter {
                        kill(pid, SIGKILL)
                        killed = true
                    }
                }
                c.resume(returning: (keys, done))
            }
        }
        p.waitUntilExit()
        #expect(!finished, "the writer finished before it was killed; the test proved nothing")
        #expect(p.terminationReason == .uncaughtSignal)
        #expect(acked.count >= killAfter)

        let store = try await SQLiteStore.open(path: dir.appendingPathComponent("state.db").path)
        let listed = try await store.list(prefix: "/stress/", after: nil, limit: 0, revision: 0)
        let present = Dictionary(listed.items.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let missing = acked.filter { present[$0] == nil }
        #expect(missing.isEmpty, "acknowledged but lost: \(missing.prefix(5))")
        for key in acked { #expect(present[key]?.value == Array(key.utf8)) }
        // No duplicates: the history holds exactly one creation per key, revisions unique and gap-free.
        let current = try await store.currentRevision()
        let history = StoreWatchCollector()
        if current > 0 {
            for try await e in try await store.watch(prefix: "/stress/", afterRevision: 0) {
                history.events.append(e)
                if e.revision == current { break }
            }
        }
        #expect(history.events.count == listed.items.count)
        #expect(Set(history.events.map(\.kv.key)).count == history.events.count)
        #expect(history.events.map(\.revision) == Array(1...max(1, current)).prefix(history.events.count).map { $0 })
        #expect(history.events.allSatisfy { $0.kind == .added })
        await store.close()
    }
}

final class StoreWatchCollector: @unchecked Sendable {
    var events: [StoreEvent] = []
}
