#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Times as Helm records and prints them (UTC).
public enum ReleaseTime {
    public static func unixNow() -> Int { Int(time(nil)) }

    /// Now as Go's RFC 3339 with nanoseconds (`2026-11-27T16:50:14.123456789Z`, trailing zeros trimmed).
    public static func now() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var frac = String(ts.tv_nsec)
        frac = String(repeating: "0", count: max(0, 9 - frac.count)) + frac
        while frac.hasSuffix("0") { frac.removeLast() }
        return stamp(Int(ts.tv_sec), "%Y-%m-%dT%H:%M:%S") + (frac.isEmpty ? "" : "." + frac) + "Z"
    }

    static func stamp(_ secs: Int, _ format: String) -> String {
        var t = time_t(secs)
        var tmv = tm()
        gmtime_r(&t, &tmv)
        var buf = [CChar](repeating: 0, count: 64)
        let n = strftime(&buf, buf.count, format, &tmv)
        return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Parses RFC 3339 into (unix seconds, fractional digits, offset seconds); nil when malformed.
    static func parse(_ s: String) -> (secs: Int, frac: String)? {
        let u = Array(s.utf8)
        guard u.count >= 20 else { return nil }
        func num(_ a: Int, _ b: Int) -> Int? { Int(String(decoding: u[a..<b], as: UTF8.self)) }
        guard let y = num(0, 4), let mo = num(5, 7), let d = num(8, 10), let h = num(11, 13), let mi = num(14, 16),
              let se = num(17, 19) else { return nil }
        var i = 19
        var frac = ""
        if i < u.count && u[i] == UInt8(ascii: ".") {
            i += 1
            while i < u.count, u[i] >= 48, u[i] <= 57 { frac.unicodeScalars.append(Unicode.Scalar(u[i])); i += 1 }
        }
        var offset = 0
        if i < u.count, u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-"), i + 6 <= u.count,
           let oh = num(i + 1, i + 3), let om = num(i + 4, i + 6)
        {
            offset = (oh * 3600 + om * 60) * (u[i] == UInt8(ascii: "-") ? -1 : 1)
        }
        var tmv = tm()
        tmv.tm_year = Int32(y - 1900); tmv.tm_mon = Int32(mo - 1); tmv.tm_mday = Int32(d)
        tmv.tm_hour = Int32(h); tmv.tm_min = Int32(mi); tmv.tm_sec = Int32(se)
        return (Int(timegm(&tmv)) - offset, frac)
    }

    /// Go's `time.ANSIC` (`Mon Jan _2 15:04:05 2006`) in UTC, as `helm status`/`history` print.
    public static func ansic(_ rfc: String) -> String {
        guard let (secs, _) = parse(rfc) else { return "" }
        var day = stamp(secs, "%e")
        if day.hasPrefix(" ") == false && day.count == 1 { day = " " + day }
        return stamp(secs, "%a %b ") + day + stamp(secs, " %H:%M:%S %Y")
    }

    /// Go's `Time.String()` in UTC (`2006-01-02 15:04:05.999999999 +0000 UTC`), as `helm list` prints.
    public static func goString(_ rfc: String) -> String {
        guard let (secs, frac) = parse(rfc) else { return "" }
        var f = frac
        while f.hasSuffix("0") { f.removeLast() }
        return stamp(secs, "%Y-%m-%d %H:%M:%S") + (f.isEmpty ? "" : "." + f) + " +0000 UTC"
    }
}
