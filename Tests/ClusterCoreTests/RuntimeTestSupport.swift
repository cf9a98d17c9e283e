import Foundation
import Testing
@testable import ClusterCore

/// A runc runtime rooted in a fresh temporary directory; `cleanup` removes every container it holds
/// (runc delete -f by id), the directory and, when no other container uses it, the shared `helmctl`
/// parent cgroup, whatever the test did.
struct RuntimeFixture {
    let root: String
    let runtime: RuncRuntime

    /// nil (after recording why) when this machine cannot run containers: the test then fails.
    static func make() -> RuntimeFixture? {
        if let problem = RuncRuntime.problem() {
            Issue.record("container tests need root, runc and busybox-static: \(problem)")
            return nil
        }
        let root = NSTemporaryDirectory() + "helmctl-runtime-" + UUID().uuidString.prefix(8).lowercased()
        try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        // Pulls reach registries on 127.0.0.1 only: a pod naming nginx:1.27 fails at once, never asks docker.io.
        return RuntimeFixture(root: root, runtime: RuncRuntime(root: root, images: ImageStore(root: root + "/images", loopbackRegistriesOnly: true)))
    }

    func cleanup() async {
        for id in (try? await runtime.list()) ?? [] { try? await runtime.delete(id) }
        try? FileManager.default.removeItem(atPath: root)
        _ = RuncRuntime.removeUnusedCgroupParents()
    }

    /// Runs `body`, then cleans up even when it threw.
    static func with(_ body: (RuntimeFixture) async throws -> Void) async throws {
        guard let fixture = make() else { return }
        try await runThenCleanUp({ try await body(fixture) }, cleanup: { await fixture.cleanup() })
    }

    /// The container's output so far (the text of its CRI log records).
    func log(_ id: String) -> String {
        let bytes = FileManager.default.contents(atPath: runtime.logPath(id)).map { [UInt8]($0) } ?? []
        return String(decoding: CRILog.parse(bytes, final: true).entries.flatMap(\.content), as: UTF8.self)
    }
}

/// Polls `check` until it holds or `seconds` pass (real containers take real time).
func eventually(_ seconds: Double = 60, _ check: () async -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if await check() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return await check()
}

/// Runs `body`, then `cleanup` whether or not `body` threw, then rethrows what `body` threw.
func runThenCleanUp(_ body: () async throws -> Void, cleanup: () async -> Void) async throws {
    let outcome: Result<Void, any Error>
    do {
        try await body()
        outcome = .success(())
    } catch {
        outcome = .failure(error)
    }
    await cleanup()
    try outcome.get()
}
