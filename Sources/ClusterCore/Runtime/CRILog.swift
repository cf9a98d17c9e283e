#if canImport(Glibc)
    import Glibc
#endif

/// A point in time with nanoseconds (log lines are ordered and filtered by it).
struct LogTime: Sendable, Comparable {
    var seconds: Int64
    var nanoseconds: Int32

    static func < (a: LogTime, b: LogTime) -> Bool {
        (a.seconds, a.nanoseconds) < (b.seconds, b.nanoseconds)
    }

    static func now() -> LogTime {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return LogTime(seconds: Int64(ts.tv_sec), nanoseconds: Int32(ts.tv_nsec))
    }

    /// RFC 3339 with nine fractional digits in UTC (`2006-01-02T15:04:05.000000000Z`), as the kubelet
    /// prints `--timestamps`.
    var rfc3339Nano: String {
        let base = Timestamps.rfc3339(seconds)  // …T15:04:05Z
        let digits = String(nanoseconds)
        return String(base.dropLast()) + "." + String(repeating: "0", count: max(0, 9 - digits.count)) + digits + "Z"
    }

    /// Parses RFC 3339 with optional fractional seconds and a `Z` or `±hh:mm` offset; nil when malformed.
    static func parse(_ text: some StringProtocol) -> LogTime? {
        let s = Array(text.utf8)
        guard s.count >= 20, s[10] == UInt8(ascii: "T") || s[10] == UInt8(ascii: "t") else { return nil }
        var i = 19
        var nanos: Int32 = 0
        if i < s.count, s[i] == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            while i < s.count, s[i] >= 48, s[i] <= 57 {
                if digits < 9 { nanos = nanos * 10 + Int32(s[i] - 48) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 9) { nanos *= 10 }
        }
        guard i < s.count else { return nil }
        var offset: Int64 = 0
        if s[i] == UInt8(ascii: "Z") || s[i] == UInt8(ascii: "z") {
            guard i + 1 == s.count else { return nil }
        } else {
            guard s.count - i == 6, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-"), s[i + 3] == UInt8(ascii: ":"),
                  let h = Int64(String(decoding: s[(i + 1)...(i + 2)], as: UTF8.self)),
                  let m = Int64(String(decoding: s[(i + 4)...(i + 5)], as: UTF8.self)), h < 24, m < 60
            else { return nil }
            offset = (h * 3600 + m * 60) * (s[i] == UInt8(ascii: "+") ? 1 : -1)
        }
        guard let seconds = Timestamps.parse(String(decoding: s[0..<19], as: UTF8.self) + "Z") else { return nil }
        return LogTime(seconds: seconds - offset, nanoseconds: nanos)
    }
}

/// Container logs in the CRI log format the kubelet reads (`<RFC3339Nano> <stdout|stderr> <F|P> <text>\n`):
/// every line carries the time it was read from the container, so `timestamps`, `sinceSeconds` and
/// `sinceTime` can be answered; `P` marks a piece of a line longer than ``maxLine``.
enum CRILog {
    /// Longer lines are split into `P` pieces (as containerd does at 16 KiB).
    static let maxLine = 16 * 1024

    struct Entry: Sendable, Equatable {
        var time: LogTime
        var stream: String
        /// The text with its newline when the line is complete (a final `P` piece has none).
        var content: [UInt8]
    }

    /// One record line for `content` (without its newline) read at `time`.
    static func record(_ content: ArraySlice<UInt8>, stream: String, partial: Bool, time: LogTime) -> [UInt8] {
        Array((time.rfc3339Nano + " " + stream + (partial ? " P " : " F ")).utf8) + content + [UInt8(ascii: "\n")]
    }

    /// Splits `bytes` (a run of records) into entries, joining `P` pieces with the record that
    /// completes them; also returns how many bytes were consumed (an unterminated last record
    /// waits for more). Malformed records are passed through as stdout text.
    static func parse(_ bytes: [UInt8], final: Bool = false) -> (entries: [Entry], consumed: Int) {
        var entries: [Entry] = []
        var pending: Entry?
        var start = 0
        var consumedUpTo = 0
        while let nl = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
            let line = bytes[start..<nl]
            start = nl + 1
            guard let (time, stream, partial, content) = split(line) else {
                entries.append(Entry(time: pending?.time ?? LogTime(seconds: 0, nanoseconds: 0), stream: "stdout", content: Array(line) + [10]))
                if pending == nil { consumedUpTo = start }
                continue
            }
            if partial {
                if pending == nil { pending = Entry(time: time, stream: stream, content: []) }
                pending?.content += content
            } else {
                var e = pending ?? Entry(time: time, stream: stream, content: [])
                e.content += content
                e.content.append(UInt8(ascii: "\n"))
                entries.append(e)
                pending = nil
                consumedUpTo = start
            }
        }
        if final, let pending {
            entries.append(pending)
            consumedUpTo = start
        }
        return (entries, consumedUpTo)
    }

    private static func split(_ line: ArraySlice<UInt8>) -> (LogTime, String, Bool, ArraySlice<UInt8>)? {
        guard let s1 = line.firstIndex(of: 32) else { return nil }
        let rest = line[(s1 + 1)...]
        guard let s2 = rest.firstIndex(of: 32), let time = LogTime.parse(String(decoding: line[..<s1], as: UTF8.self)) else { return nil }
        let stream = String(decoding: rest[..<s2], as: UTF8.self)
        guard stream == "stdout" || stream == "stderr" else { return nil }
        let tagAndText = rest[(s2 + 1)...]
        let tagEnd = tagAndText.firstIndex(of: 32) ?? tagAndText.endIndex
        let tag = tagAndText[..<tagEnd]
        let text = tagEnd < tagAndText.endIndex ? tagAndText[(tagEnd + 1)...] : tagAndText[tagEnd...]
        return (time, stream, tag.first == UInt8(ascii: "P"), text)
    }

    /// What `pods/log` returns for `entries` under the request's options (the kubelet's order: the
    /// last `tailLines` lines, of those the ones since `since`, each with its time when asked, cut at
    /// `limitBytes`).
    struct Options: Sendable {
        var since: LogTime?
        var tailLines: Int?
        var timestamps = false
        var limitBytes: Int?
    }

    static func render(_ entries: [Entry], _ options: Options) -> [UInt8] {
        var selected = entries
        if let tail = options.tailLines { selected = Array(selected.suffix(tail)) }
        if let since = options.since { selected = selected.filter { $0.time >= since } }
        var out: [UInt8] = []
        for e in selected {
            if options.timestamps { out += Array((e.time.rfc3339Nano + " ").utf8) }
            out += e.content
            if let limit = options.limitBytes, out.count >= limit { return Array(out.prefix(limit)) }
        }
        return out
    }
}
