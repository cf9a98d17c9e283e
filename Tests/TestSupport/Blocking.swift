import Foundation

/// Runs blocking work (a child process and the wait for it, a slow file operation) on a thread of
/// its own and suspends the calling task meanwhile. A test that blocks inline holds one of Swift's
/// cooperative threads — there are only as many as cores (2 on CI machines) — and with two such
/// tests (gpg generating keys, the Helm oracle starting) every other suite's tasks stop: an
/// in-process kubelet then misses its first heartbeat and a time-bounded check fails.
public func offCooperativePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.stackSize = 1 << 20
        thread.start()
    }
}
