import NIOConcurrencyHelpers

/// The background task that expires leases for a running store (tests call `expireLeases()` directly
/// after advancing a manual clock instead). Sleeping here is fine: it suspends, it does not block.
final class LeaseSweeper: Sendable {
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    /// Starts calling `expire` every `intervalMilliseconds` (a second start replaces the first).
    func start(intervalMilliseconds: Int64, _ expire: @escaping @Sendable () async -> Void) {
        let interval = UInt64(max(10, intervalMilliseconds)) * 1_000_000
        let t = Task {
            while !Task.isCancelled {
                do { try await Task.sleep(nanoseconds: interval) } catch { return }
                await expire()
            }
        }
        task.withLockedValue { old in
            old?.cancel()
            old = t
        }
    }

    func stop() {
        task.withLockedValue { t in
            t?.cancel()
            t = nil
        }
    }
}
