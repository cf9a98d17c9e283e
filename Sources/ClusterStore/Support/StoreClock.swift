// `timespec` is declared, for Swift's member-import check, by the first C module that textually
// included its glibc header; in a release build of this target that is CLibCurl (curl.h).
import CLibCurl
import Glibc
import NIOConcurrencyHelpers

/// The wall clock the stores read lease deadlines from, injected so tests can move time by hand.
public protocol StoreClock: Sendable {
    /// Milliseconds since the Unix epoch (lease deadlines are stored in this unit so they survive restarts).
    func now() -> Int64
}

/// The real clock (`CLOCK_REALTIME`).
public struct SystemStoreClock: StoreClock {
    public init() {}

    /// `CLOCK_REALTIME` in milliseconds.
    public func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}

/// A clock that only moves when told to: tests advance it, then call the store's `expireLeases()`.
public final class ManualStoreClock: StoreClock {
    private let millis: NIOLockedValueBox<Int64>

    /// Starts at `milliseconds` since the epoch (any fixed value keeps tests reproducible).
    public init(milliseconds: Int64 = 1_700_000_000_000) {
        millis = NIOLockedValueBox(milliseconds)
    }

    /// The time the test has moved the clock to.
    public func now() -> Int64 { millis.withLockedValue { $0 } }

    /// Moves the clock forward by `milliseconds`.
    public func advance(milliseconds: Int64) {
        millis.withLockedValue { $0 += milliseconds }
    }

    /// Moves the clock forward by `seconds`.
    public func advance(seconds: Int64) { advance(milliseconds: seconds * 1000) }
}
