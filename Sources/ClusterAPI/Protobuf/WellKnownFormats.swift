/// The JSON spellings of apimachinery's special protobuf types: base64 for `bytes`, RFC 3339 for
/// `metav1.Time`/`MicroTime`, Go's `time.Duration.String()` for `metav1.Duration`.
enum WellKnownFormats {
    /// `2024-01-02T03:04:05Z` (Time) or `2024-01-02T03:04:05.000000Z` (MicroTime, six fractional digits).
    /// Seconds are clamped to Go's representable years 0001...9999 so hostile input cannot overflow.
    static func rfc3339(seconds: Int64, nanos: Int64, micro: Bool) -> String {
        let minSeconds: Int64 = -62_135_596_800  // 0001-01-01T00:00:00Z
        let maxSeconds: Int64 = 253_402_300_799  // 9999-12-31T23:59:59Z
        let s = min(max(seconds, minSeconds), maxSeconds)
        let days = s >= 0 ? s / 86_400 : -((-s + 86_399) / 86_400)
        let secondOfDay = s - days * 86_400
        let (year, month, day) = TableTime.civilFromDays(days)
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(secondOfDay / 3600, 2) + ":"
            + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
        if micro {
            let n = min(max(nanos, 0), 999_999_999)
            text += "." + pad(n / 1000, 6)
        }
        return text + "Z"
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// Go's `time.Duration(ns).String()`: `0s`, `1.5s`, `2m0s`, `1h0m0s`, `300ms`, `1µs`, `-5s`.
    static func goDuration(_ ns: Int64) -> String {
        if ns == 0 { return "0s" }
        let negative = ns < 0
        let u = ns.magnitude
        var out: String
        if u < 1_000_000_000 {
            // Sub-second: one unit with a fraction.
            let (unit, scale): (String, UInt64) =
                u < 1000 ? ("ns", 1) : u < 1_000_000 ? ("µs", 1000) : ("ms", 1_000_000)
            out = fraction(u, scale) + unit
        } else {
            let totalSeconds = u / 1_000_000_000
            let frac = u % 1_000_000_000
            var secondsText = String(totalSeconds % 60)
            if frac > 0 {
                var digits = pad(Int64(frac), 9)
                while digits.hasSuffix("0") { digits.removeLast() }
                secondsText += "." + digits
            }
            out = secondsText + "s"
            let minutes = totalSeconds / 60
            if minutes > 0 {
                out = String(minutes % 60) + "m" + out
                let hours = minutes / 60
                if hours > 0 { out = String(hours) + "h" + out }
            }
        }
        return negative ? "-" + out : out
    }

    private static func fraction(_ v: UInt64, _ scale: UInt64) -> String {
        let whole = v / scale
        let rest = v % scale
        if rest == 0 { return String(whole) }
        var digits = String(rest)
        let width = String(scale).count - 1
        digits = String(repeating: "0", count: width - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return String(whole) + "." + digits
    }
}
