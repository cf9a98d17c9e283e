#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A named zone read from the system zoneinfo database (TZif files, RFC 8536), looked up as Go's
/// `time.Location` does, including the POSIX TZ rule in the footer for times after the last
/// transition.
final class TZifZone: Sendable {
    struct ZoneType: Sendable {
        let offset: Int
        let isDST: Bool
        let name: String
    }

    let transitions: [Int64]
    let transitionTypes: [Int]
    let types: [ZoneType]
    let rule: POSIXTZRule?

    init(transitions: [Int64], transitionTypes: [Int], types: [ZoneType], rule: POSIXTZRule?) {
        self.transitions = transitions
        self.transitionTypes = transitionTypes
        self.types = types
        self.rule = rule
    }

    private static let cache = ZoneCache()

    /// Loads `name` (e.g. `Europe/Berlin`) from `ZONEINFO` or /usr/share/zoneinfo; nil when the name
    /// is unsafe or the file is missing or malformed.
    static func load(_ name: String) -> TZifZone? {
        if name.contains("..") || name.hasPrefix("/") || name.hasPrefix("\\") { return nil }
        if let hit = cache.get(name) { return hit }
        var dirs = ["/usr/share/zoneinfo/", "/usr/share/lib/zoneinfo/", "/usr/lib/locale/TZ/", "/etc/zoneinfo/"]
        if let env = getenv("ZONEINFO") { dirs.insert(String(cString: env) + "/", at: 0) }
        for dir in dirs {
            if let bytes = readFile(dir + name), let zone = parse(bytes) {
                cache.put(name, zone)
                return zone
            }
        }
        return nil
    }

    private static func readFile(_ path: String) -> [UInt8]? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n <= 0 { break }
            out += buf[0..<n]
            if out.count > 4 << 20 { return nil }
        }
        return out
    }

    /// Parses TZif data (the 64-bit block when present).
    static func parse(_ b: [UInt8]) -> TZifZone? {
        guard b.count >= 44, b[0] == 0x54, b[1] == 0x5A, b[2] == 0x69, b[3] == 0x66 else { return nil }
        let version = b[4]
        func be32(_ i: Int) -> Int64? {
            guard i + 4 <= b.count else { return nil }
            return Int64(Int32(bitPattern: UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])))
        }
        func be64(_ i: Int) -> Int64? {
            guard i + 8 <= b.count else { return nil }
            var v: UInt64 = 0
            for k in 0..<8 { v = v << 8 | UInt64(b[i + k]) }
            return Int64(bitPattern: v)
        }
        func counts(_ at: Int) -> [Int]? {
            var c: [Int] = []
            for k in 0..<6 {
                guard let v = be32(at + 20 + 4 * k), v >= 0, v < 1 << 20 else { return nil }
                c.append(Int(v))
            }
            return c  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
        }
        guard var c = counts(0) else { return nil }
        var p = 44
        var timeSize = 4
        if version >= 0x32 {
            // Skip the 32-bit block and read the 64-bit one.
            let skip = c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0]
            guard p + skip + 44 <= b.count, let c2 = counts(p + skip) else { return nil }
            p += skip + 44
            c = c2
            timeSize = 8
        }
        let (leapcnt, timecnt, typecnt, charcnt) = (c[2], c[3], c[4], c[5])
        guard typecnt > 0 else { return nil }
        var transitions: [Int64] = []
        for i in 0..<timecnt {
            guard let t = timeSize == 8 ? be64(p + 8 * i) : be32(p + 4 * i) else { return nil }
            transitions.append(t)
        }
        p += timecnt * timeSize
        guard p + timecnt <= b.count else { return nil }
        let indexes = b[p..<(p + timecnt)].map(Int.init)
        p += timecnt
        guard indexes.allSatisfy({ $0 < typecnt }) else { return nil }
        var raw: [(Int, Bool, Int)] = []
        for i in 0..<typecnt {
            guard let off = be32(p + 6 * i), p + 6 * i + 5 < b.count else { return nil }
            raw.append((Int(off), b[p + 6 * i + 4] != 0, Int(b[p + 6 * i + 5])))
        }
        p += typecnt * 6
        guard p + charcnt <= b.count else { return nil }
        let chars = Array(b[p..<(p + charcnt)])
        p += charcnt + leapcnt * (timeSize + 4) + c[1] + c[0]
        let types = raw.map { off, dst, idx -> ZoneType in
            var end = idx
            while end < chars.count, chars[end] != 0 { end += 1 }
            return ZoneType(offset: off, isDST: dst, name: idx < chars.count ? String(decoding: chars[idx..<end], as: UTF8.self) : "")
        }
        var rule: POSIXTZRule?
        if timeSize == 8, p < b.count, b[p] == 0x0A, let nl = b[(p + 1)...].firstIndex(of: 0x0A) {
            rule = POSIXTZRule(String(decoding: b[(p + 1)..<nl], as: UTF8.self))
        }
        return TZifZone(transitions: transitions, transitionTypes: indexes, types: types, rule: rule)
    }

    /// Go's `lookupFirstZone`: the zone for times before the first transition.
    private var firstZone: ZoneType {
        if !transitionTypes.contains(0) { return types[0] }
        if let first = transitionTypes.first, types[first].isDST {
            var zi = first - 1
            while zi >= 0 {
                if !types[zi].isDST { return types[zi] }
                zi -= 1
            }
        }
        return types.first(where: { !$0.isDST }) ?? types[0]
    }

    func lookup(_ unix: Int64) -> (name: String, offset: Int) {
        if transitions.isEmpty {
            if let r = rule?.lookup(unix) { return r }
            return (types[0].name, types[0].offset)
        }
        if unix < transitions[0] { return (firstZone.name, firstZone.offset) }
        var lo = 0, hi = transitions.count
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if unix < transitions[mid] { hi = mid } else { lo = mid }
        }
        if lo == transitions.count - 1, let r = rule?.lookup(unix) { return r }
        let z = types[transitionTypes[lo]]
        return (z.name, z.offset)
    }
}

private final class ZoneCache: @unchecked Sendable {
    private var zones: [String: TZifZone] = [:]
    private let lock = Lock()
    func get(_ k: String) -> TZifZone? { lock.withLock { zones[k] } }
    func put(_ k: String, _ v: TZifZone) { lock.withLock { zones[k] = v } }
}

/// A POSIX TZ rule (`CET-1CEST,M3.5.0,M10.5.0/3`), evaluated as Go's `tzset`.
struct POSIXTZRule: Sendable {
    struct Rule: Sendable {
        enum Kind: Sendable { case julian, dayOfYear, monthWeekDay }
        var kind: Kind
        var day = 0, week = 0, month = 0
        /// Seconds after local midnight.
        var time = 7200
    }

    var stdName: String
    var stdOffset: Int
    var dst: (name: String, offset: Int, start: Rule, end: Rule)?

    init?(_ s: String) {
        var p = Substring(s)
        guard let std = Self.name(&p), let off = Self.offset(&p) else { return nil }
        stdName = std
        stdOffset = -off
        if p.isEmpty { dst = nil; return }
        guard let dname = Self.name(&p) else { return nil }
        var doff = stdOffset + 3600
        if let c = p.first, c != "," {
            guard let o = Self.offset(&p) else { return nil }
            doff = -o
        }
        // Go defaults to the US rules when none are given.
        var start = Rule(kind: .monthWeekDay, day: 0, week: 2, month: 3)
        var end = Rule(kind: .monthWeekDay, day: 0, week: 1, month: 11)
        if p.first == "," {
            p = p.dropFirst()
            guard let s1 = Self.rule(&p), p.first == "," else { return nil }
            p = p.dropFirst()
            guard let e1 = Self.rule(&p), p.isEmpty else { return nil }
            start = s1
            end = e1
        } else if !p.isEmpty {
            return nil
        }
        dst = (dname, doff, start, end)
    }

    private static func name(_ p: inout Substring) -> String? {
        if p.first == "<" {
            guard let close = p.firstIndex(of: ">") else { return nil }
            let n = String(p[p.index(after: p.startIndex)..<close])
            p = p[p.index(after: close)...]
            return n
        }
        var n = ""
        while let c = p.first, c.isLetter, c.isASCII {
            n.append(c)
            p = p.dropFirst()
        }
        return n.count >= 3 ? n : nil
    }

    private static func number(_ p: inout Substring) -> Int? {
        var v = 0, any = false
        while let c = p.first, let d = c.wholeNumberValue, c.isASCII {
            v = v * 10 + d
            any = true
            p = p.dropFirst()
            if v > 1_000_000 { return nil }
        }
        return any ? v : nil
    }

    /// `[+-]hh[:mm[:ss]]` in seconds.
    private static func offset(_ p: inout Substring) -> Int? {
        var sign = 1
        if p.first == "+" || p.first == "-" {
            sign = p.first == "-" ? -1 : 1
            p = p.dropFirst()
        }
        guard let h = number(&p) else { return nil }
        var secs = h * 3600
        if p.first == ":" {
            p = p.dropFirst()
            guard let m = number(&p) else { return nil }
            secs += m * 60
            if p.first == ":" {
                p = p.dropFirst()
                guard let s = number(&p) else { return nil }
                secs += s
            }
        }
        return sign * secs
    }

    private static func rule(_ p: inout Substring) -> Rule? {
        var r: Rule
        if p.first == "J" {
            p = p.dropFirst()
            guard let d = number(&p), d >= 1, d <= 365 else { return nil }
            r = Rule(kind: .julian, day: d)
        } else if p.first == "M" {
            p = p.dropFirst()
            guard let m = number(&p), p.first == "." else { return nil }
            p = p.dropFirst()
            guard let w = number(&p), p.first == "." else { return nil }
            p = p.dropFirst()
            guard let d = number(&p), (1...12).contains(m), (1...5).contains(w), (0...6).contains(d) else { return nil }
            r = Rule(kind: .monthWeekDay, day: d, week: w, month: m)
        } else {
            guard let d = number(&p), d <= 365 else { return nil }
            r = Rule(kind: .dayOfYear, day: d)
        }
        if p.first == "/" {
            p = p.dropFirst()
            guard let t = offset(&p) else { return nil }
            r.time = t
        }
        return r
    }

    /// Seconds from the start of `year` (UTC) to the moment `r` happens, given the offset in force.
    private func ruleTime(_ year: Int64, _ r: Rule, _ off: Int) -> Int64 {
        var days: Int64
        switch r.kind {
        case .julian:
            days = Int64(r.day - 1)
            if Civil.isLeap(year) && r.day >= 60 { days += 1 }
        case .dayOfYear:
            days = Int64(r.day)
        case .monthWeekDay:
            let first = Civil.days(year: year, month: r.month, day: 1)
            let dow = Int(((first % 7) + 11) % 7)
            var d = r.day - dow
            if d < 0 { d += 7 }
            for _ in 1..<r.week where d + 7 < Civil.daysIn(month: r.month, year: year) { d += 7 }
            days = first - Civil.days(year: year, month: 1, day: 1) + Int64(d)
        }
        return days * 86_400 + Int64(r.time - off)
    }

    func lookup(_ unix: Int64) -> (name: String, offset: Int)? {
        guard let dst else { return (stdName, stdOffset) }
        let days = Civil.floorDiv(unix, 86_400)
        let year = Civil.date(days: days).year
        let ysec = unix &- Civil.days(year: year, month: 1, day: 1) &* 86_400
        var startSec = ruleTime(year, dst.start, stdOffset)
        var endSec = ruleTime(year, dst.end, dst.offset)
        var std = (stdName, stdOffset)
        var daylight = (dst.name, dst.offset)
        if endSec < startSec {
            swap(&startSec, &endSec)
            swap(&std, &daylight)
        }
        if ysec < startSec || ysec >= endSec { return std }
        return daylight
    }
}
