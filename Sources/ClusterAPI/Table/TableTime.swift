/// Time arithmetic for Table cells without Foundation: RFC 3339 parsing and formatting over Unix seconds,
/// and Kubernetes' `duration.HumanDuration`.
public enum TableTime {
    /// Unix seconds of an RFC 3339 timestamp (`2024-05-01T10:00:00Z`, fractional seconds and offsets allowed).
    public static func parse(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        func num(_ from: Int, _ len: Int) -> Int64? {
            guard from + len <= b.count else { return nil }
            var n: Int64 = 0
            for c in b[from..<(from + len)] {
                guard c >= 48, c <= 57 else { return nil }
                n = n * 10 + Int64(c - 48)
            }
            return n
        }
        guard b.count >= 20, b[4] == 45, b[7] == 45, b[10] == 84 || b[10] == 116, b[13] == 58, b[16] == 58,
              let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), let h = num(11, 2), let mi = num(14, 2),
              let s = num(17, 2), (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61
        else { return nil }
        var i = 19
        if b[i] == 46 {
            i += 1
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
            guard i > start else { return nil }
        }
        guard i < b.count else { return nil }
        var offset: Int64 = 0
        if b[i] == 90 || b[i] == 122 {
            guard i + 1 == b.count else { return nil }
        } else if b[i] == 43 || b[i] == 45 {
            guard i + 6 == b.count, b[i + 3] == 58, let oh = num(i + 1, 2), let om = num(i + 4, 2) else { return nil }
            offset = (oh * 3600 + om * 60) * (b[i] == 43 ? 1 : -1)
        } else {
            return nil
        }
        return daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset
    }

    /// `2006-01-02T15:04:05Z` for Unix seconds (UTC), as Go's `time.RFC3339` prints a UTC time.
    /// Values outside years 0000-9999 are clamped to that range, as RFC 3339 cannot express them.
    public static func format(_ seconds0: Int64) -> String {
        let seconds = min(max(seconds0, -62_167_219_200), 253_402_300_799)
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let rem = seconds - days * 86400
        let (y, m, d) = civilFromDays(days)
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        var year = String(y)
        while year.count < 4 { year = "0" + year }
        return "\(year)-\(two(m))-\(two(d))T\(two(rem / 3600)):\(two(rem % 3600 / 60)):\(two(rem % 60))Z"
    }

    // Howard Hinnant's days-from-civil algorithms.
    static func daysFromCivil(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// Kubernetes' `duration.HumanDuration`: `45s`, `2m3s`, `10m`, `3h4m`, `20h`, `2d3h`, `45d`, `2y10d`, `9y`.
    public static func humanDuration(seconds: Int64) -> String {
        if seconds < -1 { return "<invalid>" }
        if seconds < 0 { return "0s" }
        if seconds < 60 * 2 { return "\(seconds)s" }
        let minutes = seconds / 60
        if minutes < 10 {
            let s = seconds % 60
            return s == 0 ? "\(minutes)m" : "\(minutes)m\(s)s"
        }
        if minutes < 60 * 3 { return "\(minutes)m" }
        let hours = seconds / 3600
        if hours < 8 {
            let m = minutes % 60
            return m == 0 ? "\(hours)h" : "\(hours)h\(m)m"
        }
        if hours < 48 { return "\(hours)h" }
        if hours < 24 * 8 {
            let h = hours % 24
            return h == 0 ? "\(hours / 24)d" : "\(hours / 24)d\(h)h"
        }
        if hours < 24 * 365 * 2 { return "\(hours / 24)d" }
        if hours < 24 * 365 * 8 {
            let dy = (hours / 24) % 365
            return dy == 0 ? "\(hours / 24 / 365)y" : "\(hours / 24 / 365)y\(dy)d"
        }
        return "\(hours / 24 / 365)y"
    }

    /// `translateTimestampSince`: the age of an RFC 3339 timestamp, `<unknown>` when absent or unparsable.
    static func since(_ timestamp: String?, now: Int64) -> String {
        guard let timestamp, let t = parse(timestamp) else { return "<unknown>" }
        return humanDuration(seconds: now &- t)
    }
}
