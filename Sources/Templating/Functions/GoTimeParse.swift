/// Go's `time.ParseInLocation`: reads `value` against a reference-time layout, with Go's range checks,
/// zone handling and error texts (`parsing time "x" as "2006": cannot parse "x" as "2006"`).
enum GoTimeParse {
    /// The `time` package's own `quote` (non-ASCII and control bytes as `\xNN`).
    static func quote(_ s: String) -> String {
        var out = "\""
        let hex = Array("0123456789abcdef")
        for c in s.unicodeScalars {
            if c.value >= 0x80 || c.value < 0x20 {
                for b in String(c).utf8 { out += "\\x" + String(hex[Int(b >> 4)]) + String(hex[Int(b & 15)]) }
            } else {
                if c == "\"" || c == "\\" { out += "\\" }
                out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }

    private static let shortDays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]

    static func parse(_ layout: String, _ value: String, in zone: GoZone) throws -> GoTime {
        let fullValue = value
        func fail(_ layoutElem: String, _ valueElem: [UInt8]) -> FunctionError {
            FunctionError("parsing time \(quote(fullValue)) as \(quote(layout)): cannot parse "
                + "\(quote(String(decoding: valueElem, as: UTF8.self))) as \(quote(layoutElem))")
        }
        func rangeError(_ what: String) -> FunctionError {
            FunctionError("parsing time \(quote(fullValue)): \(what) out of range")
        }
        var v = Array(value.utf8)[...]
        var year: Int64 = 0, month = -1, day = -1, yday = -1, hour = 0, minute = 0, second = 0, nsec = 0
        var amSet = false, pmSet = false
        var fixedZone: GoZone?
        var zoneOffset: Int?
        var zoneName = ""
        let chunks = GoTimeFormat.chunks(layout)
        func isDigit(_ i: Int) -> Bool { v.count > i && v[v.startIndex + i] >= 48 && v[v.startIndex + i] <= 57 }
        func digit(_ i: Int) -> Int { Int(v[v.startIndex + i]) - 48 }
        /// Go's `getnum`: one or two digits (exactly two when `fixed`).
        func getnum(_ fixed: Bool) -> Int? {
            guard isDigit(0) else { return nil }
            if !isDigit(1) {
                if fixed { return nil }
                defer { v = v.dropFirst() }
                return digit(0)
            }
            defer { v = v.dropFirst(2) }
            return digit(0) * 10 + digit(1)
        }
        func getnum3(_ fixed: Bool) -> Int? {
            var n = 0, i = 0
            while i < 3, isDigit(i) {
                n = n * 10 + digit(i)
                i += 1
            }
            if i == 0 || (fixed && i != 3) { return nil }
            v = v.dropFirst(i)
            return n
        }
        func lookup(_ names: [String]) -> Int? {
            for (i, name) in names.enumerated() {
                let n = Array(name.utf8)
                guard v.count >= n.count else { continue }
                if zip(v.prefix(n.count), n).allSatisfy({ ($0 | 0x20) == ($1 | 0x20) }) {
                    v = v.dropFirst(n.count)
                    return i
                }
            }
            return nil
        }
        func nanoseconds(_ nbytes: Int) -> Int? {
            guard let first = v.first, first == 46 || first == 44 else { return nil }
            let n = min(nbytes, 10)
            var ns = 0
            for i in 1..<n {
                guard isDigit(i) else { return nil }
                ns = ns * 10 + digit(i)
            }
            for _ in 0..<(10 - n) { ns *= 10 }
            return ns
        }

        for (k, chunk) in chunks.enumerated() {
            switch chunk {
            case .literal(let prefix):
                // Go's `skip`: a space in the layout matches any run of spaces.
                var p = prefix[...]
                while let c = p.first {
                    if c == 32 {
                        if let f = v.first, f != 32 { throw fail(String(decoding: prefix, as: UTF8.self), Array(v)) }
                        while p.first == 32 { p = p.dropFirst() }
                        while v.first == 32 { v = v.dropFirst() }
                        continue
                    }
                    guard let f = v.first, f == c else { throw fail(String(decoding: prefix, as: UTF8.self), Array(v)) }
                    p = p.dropFirst()
                    v = v.dropFirst()
                }
            case .element(let e, let text):
                let stdstr = String(decoding: text, as: UTF8.self)
                let hold = Array(v)
                var ok = true
                var rangeErr = ""
                switch e {
                case .year:
                    if v.count < 2 || !isDigit(0) || !isDigit(1) { ok = false; break }
                    let y = digit(0) * 10 + digit(1)
                    v = v.dropFirst(2)
                    year = Int64(y >= 69 ? y + 1900 : y + 2000)
                case .longYear:
                    guard v.count >= 4, (0..<4).allSatisfy(isDigit) else { ok = false; break }
                    year = Int64((0..<4).reduce(0) { $0 * 10 + digit($1) })
                    v = v.dropFirst(4)
                case .month:
                    if let m = lookup(GoEnumValue.monthNames.map { String($0.prefix(3)) }) { month = m + 1 } else { ok = false }
                case .longMonth:
                    if let m = lookup(GoEnumValue.monthNames) { month = m + 1 } else { ok = false }
                case .numMonth, .zeroMonth:
                    if let m = getnum(e == .zeroMonth) {
                        month = m
                        if m <= 0 || m > 12 { rangeErr = "month" }
                    } else { ok = false }
                case .weekDay: ok = lookup(shortDays) != nil
                case .longWeekDay: ok = lookup(GoEnumValue.dayNames) != nil
                case .day, .underDay, .zeroDay:
                    if e == .underDay, v.first == 32 { v = v.dropFirst() }
                    if let d = getnum(e == .zeroDay) { day = d } else { ok = false }
                case .underYearDay, .zeroYearDay:
                    for _ in 0..<2 where e == .underYearDay && v.first == 32 { v = v.dropFirst() }
                    if let d = getnum3(e == .zeroYearDay) { yday = d } else { ok = false }
                case .hour:
                    if let h = getnum(false) {
                        hour = h
                        if h >= 24 { rangeErr = "hour" }
                    } else { ok = false }
                case .hour12, .zeroHour12:
                    if let h = getnum(e == .zeroHour12) {
                        hour = h
                        if h > 12 { rangeErr = "hour" }
                    } else { ok = false }
                case .minute, .zeroMinute:
                    if let m = getnum(e == .zeroMinute) {
                        minute = m
                        if m >= 60 { rangeErr = "minute" }
                    } else { ok = false }
                case .second, .zeroSecond:
                    guard let s = getnum(e == .zeroSecond) else { ok = false; break }
                    second = s
                    if s >= 60 { rangeErr = "second"; break }
                    // A fraction in the value but not in the layout is accepted after seconds.
                    if v.count >= 2, v.first == 46 || v.first == 44, isDigit(1) {
                        if k + 1 < chunks.count, case .element(.fraction, _) = chunks[k + 1] { break }
                        var n = 2
                        while isDigit(n) { n += 1 }
                        guard let ns = nanoseconds(n) else { ok = false; break }
                        nsec = ns
                        v = v.dropFirst(n)
                    }
                case .pm, .lowerPM:
                    guard v.count >= 2 else { ok = false; break }
                    let p = String(decoding: v.prefix(2), as: UTF8.self)
                    v = v.dropFirst(2)
                    if p == (e == .pm ? "PM" : "pm") { pmSet = true } else if p == (e == .pm ? "AM" : "am") { amSet = true } else { ok = false }
                case .iso8601TZ, .iso8601ShortTZ, .iso8601ColonTZ, .iso8601SecondsTZ, .iso8601ColonSecondsTZ,
                     .numTZ, .numShortTZ, .numColonTZ, .numSecondsTZ, .numColonSecondsTZ:
                    let iso: [GoTimeFormat.Element] = [.iso8601TZ, .iso8601ShortTZ, .iso8601ColonTZ, .iso8601SecondsTZ, .iso8601ColonSecondsTZ]
                    if iso.contains(e), v.first == UInt8(ascii: "Z") {
                        v = v.dropFirst()
                        fixedZone = .utc
                        break
                    }
                    let b = Array(v)
                    var parts: (sign: UInt8, h: [UInt8], m: [UInt8], s: [UInt8], len: Int) = (0, [], [], [], 0)
                    switch e {
                    case .iso8601ColonTZ, .numColonTZ:
                        guard b.count >= 6, b[3] == 58 else { ok = false; break }
                        parts = (b[0], Array(b[1..<3]), Array(b[4..<6]), [48, 48], 6)
                    case .numShortTZ, .iso8601ShortTZ:
                        guard b.count >= 3 else { ok = false; break }
                        parts = (b[0], Array(b[1..<3]), [48, 48], [48, 48], 3)
                    case .iso8601ColonSecondsTZ, .numColonSecondsTZ:
                        guard b.count >= 9, b[3] == 58, b[6] == 58 else { ok = false; break }
                        parts = (b[0], Array(b[1..<3]), Array(b[4..<6]), Array(b[7..<9]), 9)
                    case .iso8601SecondsTZ, .numSecondsTZ:
                        guard b.count >= 7 else { ok = false; break }
                        parts = (b[0], Array(b[1..<3]), Array(b[3..<5]), Array(b[5..<7]), 7)
                    default:
                        guard b.count >= 5 else { ok = false; break }
                        parts = (b[0], Array(b[1..<3]), Array(b[3..<5]), [48, 48], 5)
                    }
                    guard ok else { break }
                    func two(_ d: [UInt8]) -> Int? {
                        d.allSatisfy({ $0 >= 48 && $0 <= 57 }) ? Int(d[0] - 48) * 10 + Int(d[1] - 48) : nil
                    }
                    v = v.dropFirst(parts.len)
                    guard let hh = two(parts.h), let mm = two(parts.m), let ss = two(parts.s) else { ok = false; break }
                    if hh > 24 { rangeErr = "time zone offset hour" }
                    if mm > 60 { rangeErr = "time zone offset minute" }
                    if ss > 60 { rangeErr = "time zone offset second" }
                    let off = (hh * 60 + mm) * 60 + ss
                    switch parts.sign {
                    case UInt8(ascii: "+"): zoneOffset = off
                    case UInt8(ascii: "-"): zoneOffset = -off
                    default: ok = false
                    }
                case .tz:
                    if v.starts(with: "UTC".utf8) {
                        fixedZone = .utc
                        v = v.dropFirst(3)
                        break
                    }
                    guard let n = timeZoneLength(Array(v)) else { ok = false; break }
                    zoneName = String(decoding: v.prefix(n), as: UTF8.self)
                    v = v.dropFirst(n)
                case .fraction(_, let digits, let trim):
                    if !trim {
                        guard v.count >= digits + 1, let ns = nanoseconds(digits + 1) else { ok = false; break }
                        nsec = ns
                        v = v.dropFirst(digits + 1)
                    } else {
                        guard v.count >= 2, v.first == 46 || v.first == 44, isDigit(1) else { break }
                        var i = 0
                        while isDigit(i + 1) { i += 1 }
                        guard let ns = nanoseconds(i + 1) else { ok = false; break }
                        nsec = ns
                        v = v.dropFirst(i + 1)
                    }
                }
                if !rangeErr.isEmpty { throw rangeError(rangeErr) }
                if !ok { throw fail(stdstr, hold) }
            }
        }
        if !v.isEmpty {
            throw FunctionError("parsing time \(quote(fullValue)): extra text: \(quote(String(decoding: v, as: UTF8.self)))")
        }
        if pmSet && hour < 12 { hour += 12 } else if amSet && hour == 12 { hour = 0 }
        if yday >= 0 {
            var d = 0, m = 0
            var yd = yday
            if Civil.isLeap(year) {
                if yd == 60 { m = 2; d = 29 } else if yd > 60 { yd -= 1 }
            }
            if yd < 1 || yd > 365 { throw FunctionError("parsing time \(quote(fullValue)): day-of-year out of range") }
            if m == 0 {
                let before = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365]
                m = (yd - 1) / 31 + 1
                if before[m] < yd { m += 1 }
                d = yd - before[m - 1]
            }
            if month >= 0 && month != m { throw FunctionError("parsing time \(quote(fullValue)): day-of-year does not match month") }
            month = m
            if day >= 0 && day != d { throw FunctionError("parsing time \(quote(fullValue)): day-of-year does not match day") }
            day = d
        } else {
            if month < 0 { month = 1 }
            if day < 0 { day = 1 }
        }
        if day < 1 || day > Civil.daysIn(month: month, year: year) {
            throw FunctionError("parsing time \(quote(fullValue)): day out of range")
        }
        let wall = Civil.days(year: year, month: month, day: day) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        if let fixedZone { return date(wall, nsec, fixedZone) }
        if let zoneOffset {
            let utc = wall - Int64(zoneOffset)
            let local = zone.lookup(utc)
            if local.offset == zoneOffset && (zoneName.isEmpty || local.name == zoneName) {
                return GoTime(unix: utc, nanos: Int32(nsec), zone: zone)
            }
            return GoTime(unix: utc, nanos: Int32(nsec), zone: .fixed(name: zoneName, offset: zoneOffset))
        }
        if !zoneName.isEmpty {
            // A zone abbreviation is honoured when the location uses it at that time.
            for guess in [zone.lookup(wall).offset, zone.lookup(wall - Int64(zone.lookup(wall).offset)).offset] {
                let at = zone.lookup(wall - Int64(guess))
                if at.name == zoneName && at.offset == guess {
                    return GoTime(unix: wall - Int64(guess), nanos: Int32(nsec), zone: zone)
                }
            }
            var offset = 0
            if zoneName.count > 3, zoneName.hasPrefix("GMT") { offset = (Int(zoneName.dropFirst(3)) ?? 0) * 3600 }
            return GoTime(unix: wall - Int64(offset), nanos: Int32(nsec), zone: .fixed(name: zoneName, offset: offset))
        }
        return date(wall, nsec, zone)
    }

    /// Go's `Date` for a wall-clock reading in `zone`.
    static func date(_ wall: Int64, _ nsec: Int, _ zone: GoZone) -> GoTime {
        var offset = zone.lookup(wall).offset
        if offset != 0 {
            let second = zone.lookup(wall - Int64(offset)).offset
            if second != offset { offset = second }
        }
        return GoTime(unix: wall - Int64(offset), nanos: Int32(nsec), zone: zone)
    }

    /// Go's `parseTimeZone`: how many bytes of `v` look like a zone abbreviation.
    private static func timeZoneLength(_ v: [UInt8]) -> Int? {
        guard v.count >= 3 else { return nil }
        let s = String(decoding: v.prefix(4), as: UTF8.self)
        if s == "ChST" || s == "MeST" { return 4 }
        if v.starts(with: "GMT".utf8) {
            // `GMT` optionally followed by a signed hour offset.
            var i = 3
            guard i < v.count, v[i] == 43 || v[i] == 45 else { return 3 }
            i += 1
            var n = 0, digits = 0
            while i < v.count, v[i] >= 48, v[i] <= 57 {
                n = n * 10 + Int(v[i] - 48)
                i += 1
                digits += 1
            }
            if digits == 0 || n > 23 || (digits > 1 && v[4] == 48) { return 3 }
            return i
        }
        if v[0] == 43 || v[0] == 45 {
            var i = 1
            while i < v.count, v[i] >= 48, v[i] <= 57, i < 3 { i += 1 }
            return i > 1 ? i : nil
        }
        var upper = 0
        while upper < 6, upper < v.count, v[upper] >= 65, v[upper] <= 90 { upper += 1 }
        switch upper {
        case 3: return 3
        case 4: return v[3] == 84 || s == "WITA" ? 4 : nil
        case 5: return v[4] == 84 ? 5 : nil
        default: return nil
        }
    }
}
