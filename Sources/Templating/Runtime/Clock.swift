internal import CLibCrypto
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A point in time with the zone it is shown in, as Go's `time.Time`.
public struct TemplateTime: Sendable, Hashable {
    /// Seconds since the Unix epoch.
    public var seconds: Int64
    /// Nanoseconds within the second, 0..<1e9.
    public var nanoseconds: Int32
    /// Offset of the display zone from UTC, in seconds.
    public var utcOffset: Int
    /// Zone abbreviation (`UTC`, `CET`).
    public var zoneName: String

    public init(seconds: Int64, nanoseconds: Int32 = 0, utcOffset: Int = 0, zoneName: String = "UTC") {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
        self.utcOffset = utcOffset
        self.zoneName = zoneName
    }
}

/// Source of "now" for `now`, `ago`, `date` and the certificate generators.
public protocol TemplateClock: Sendable {
    func now() -> TemplateTime
}

/// The real clock, in the process's local time zone (Go's `time.Local`, from `TZ`).
public struct SystemClock: TemplateClock {
    public init() {}
    public func now() -> TemplateTime {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return LocalZone.time(seconds: Int64(ts.tv_sec), nanoseconds: Int32(ts.tv_nsec))
    }
}

/// A clock that always reports one instant (tests, reproducible renders).
public struct FixedClock: TemplateClock {
    public let instant: TemplateTime
    public init(_ instant: TemplateTime) { self.instant = instant }
    public func now() -> TemplateTime { instant }
}

/// The process's local time zone, as Go's `time.Local`.
public enum LocalZone {
    /// `seconds` shown in the local zone.
    public static func time(seconds: Int64, nanoseconds: Int32 = 0) -> TemplateTime {
        var t = time_t(seconds)
        var tmv = tm()
        localtime_r(&t, &tmv)
        let name = tmv.tm_zone.map { String(cString: $0) } ?? "UTC"
        return TemplateTime(seconds: seconds, nanoseconds: nanoseconds, utcOffset: Int(tmv.tm_gmtoff),
                            zoneName: name)
    }
}

/// Randomness for `rand*`, `uuidv4`, `shuffle` and key generation; seedable for tests.
public final class RandomSource: @unchecked Sendable {
    private var state: UInt64
    private let seeded: Bool
    private let lock = Lock()

    /// A generator seeded from the system's entropy.
    public init() {
        var s: UInt64 = 0
        withUnsafeMutableBytes(of: &s) { buf in
            _ = helmctl_random_bytes(buf.baseAddress, buf.count)
        }
        state = s
        seeded = false
    }

    /// A deterministic generator (tests).
    public init(seed: UInt64) {
        state = seed
        seeded = true
    }

    /// Next 64 random bits (SplitMix64; unbiased enough for template helpers, not for keys — key
    /// material uses ``fillSecure(_:)``).
    public func next() -> UInt64 {
        lock.withLock {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// A uniform integer in `0..<bound`.
    public func next(below bound: UInt64) -> UInt64 {
        precondition(bound > 0)
        let limit = UInt64.max - UInt64.max % bound
        while true {
            let v = next()
            if v < limit { return v % bound }
        }
    }

    /// Fills `buf` with random bytes: from the kernel unless this source is seeded.
    public func fill(_ buf: inout [UInt8]) {
        if seeded {
            for i in buf.indices { buf[i] = UInt8(truncatingIfNeeded: next()) }
        } else {
            buf.withUnsafeMutableBufferPointer { _ = helmctl_random_bytes($0.baseAddress, $0.count) }
        }
    }
}

/// A small mutex for tiny hot state (never held across `await`).
public final class Lock: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    public init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    public func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body()
    }
}
