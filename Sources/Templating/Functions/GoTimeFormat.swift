/// Go's reference-time layouts (`Mon Jan 2 15:04:05 MST 2006`): splitting a layout into literal text
/// and elements exactly as `time.nextStdChunk` does, and formatting with them.
enum GoTimeFormat {
    enum Element: Equatable {
        case longMonth, month, numMonth, zeroMonth
        case longWeekDay, weekDay
        case day, underDay, zeroDay, underYearDay, zeroYearDay
        case hour, hour12, zeroHour12
        case minute, zeroMinute, second, zeroSecond
        case longYear, year
        case pm, lowerPM
        case tz
        case iso8601TZ, iso8601SecondsTZ, iso8601ShortTZ, iso8601ColonTZ, iso8601ColonSecondsTZ
        case numTZ, numSecondsTZ, numShortTZ, numColonTZ, numColonSecondsTZ
        /// Fractional seconds: separator, digit count, trailing zeros trimmed (`.999`) or kept (`.000`).
        case fraction(separator: UInt8, digits: Int, trim: Bool)
    }

    enum Chunk: Equatable {
        case literal([UInt8])
        case element(Element, text: [UInt8])
    }

    private static func startsLower(_ b: [UInt8], _ i: Int) -> Bool {
        i < b.count && b[i] >= 97 && b[i] <= 122
    }

    private static func has(_ b: [UInt8], _ i: Int, _ s: String) -> Bool {
        let t = Array(s.utf8)
        return i + t.count <= b.count && Array(b[i..<(i + t.count)]) == t
    }

    /// The layout as literal runs and elements.
    static func chunks(_ layout: String) -> [Chunk] {
        let b = Array(layout.utf8)
        var out: [Chunk] = []
        var lit: [UInt8] = []
        var i = 0
        func emit(_ e: Element, _ len: Int) {
            if !lit.isEmpty { out.append(.literal(lit)); lit = [] }
            out.append(.element(e, text: Array(b[i..<(i + len)])))
            i += len
        }
        while i < b.count {
            let c = b[i]
            switch c {
            case UInt8(ascii: "J") where has(b, i, "Jan"):
                if has(b, i, "January") { emit(.longMonth, 7); continue }
                if !startsLower(b, i + 3) { emit(.month, 3); continue }
            case UInt8(ascii: "M") where has(b, i, "Mon"):
                if has(b, i, "Monday") { emit(.longWeekDay, 6); continue }
                if !startsLower(b, i + 3) { emit(.weekDay, 3); continue }
            case UInt8(ascii: "M") where has(b, i, "MST"):
                emit(.tz, 3); continue
            case UInt8(ascii: "0"):
                if i + 1 < b.count, b[i + 1] >= 49, b[i + 1] <= 54 {
                    let e: [Element] = [.zeroMonth, .zeroDay, .zeroHour12, .zeroMinute, .zeroSecond, .year]
                    emit(e[Int(b[i + 1] - 49)], 2); continue
                }
                if has(b, i, "002") { emit(.zeroYearDay, 3); continue }
            case UInt8(ascii: "1"):
                if has(b, i, "15") { emit(.hour, 2); continue }
                emit(.numMonth, 1); continue
            case UInt8(ascii: "2"):
                if has(b, i, "2006") { emit(.longYear, 4); continue }
                emit(.day, 1); continue
            case UInt8(ascii: "_"):
                if has(b, i, "_2") {
                    if has(b, i, "_2006") {
                        // A literal "_" followed by the year.
                        lit.append(c); i += 1
                        emit(.longYear, 4); continue
                    }
                    emit(.underDay, 2); continue
                }
                if has(b, i, "__2") { emit(.underYearDay, 3); continue }
            case UInt8(ascii: "3"): emit(.hour12, 1); continue
            case UInt8(ascii: "4"): emit(.minute, 1); continue
            case UInt8(ascii: "5"): emit(.second, 1); continue
            case UInt8(ascii: "P") where has(b, i, "PM"): emit(.pm, 2); continue
            case UInt8(ascii: "p") where has(b, i, "pm"): emit(.lowerPM, 2); continue
            case UInt8(ascii: "-"):
                if has(b, i, "-070000") { emit(.numSecondsTZ, 7); continue }
                if has(b, i, "-07:00:00") { emit(.numColonSecondsTZ, 9); continue }
                if has(b, i, "-0700") { emit(.numTZ, 5); continue }
                if has(b, i, "-07:00") { emit(.numColonTZ, 6); continue }
                if has(b, i, "-07") { emit(.numShortTZ, 3); continue }
            case UInt8(ascii: "Z"):
                if has(b, i, "Z070000") { emit(.iso8601SecondsTZ, 7); continue }
                if has(b, i, "Z07:00:00") { emit(.iso8601ColonSecondsTZ, 9); continue }
                if has(b, i, "Z0700") { emit(.iso8601TZ, 5); continue }
                if has(b, i, "Z07:00") { emit(.iso8601ColonTZ, 6); continue }
                if has(b, i, "Z07") { emit(.iso8601ShortTZ, 3); continue }
            case UInt8(ascii: "."), UInt8(ascii: ","):
                if i + 1 < b.count, b[i + 1] == 48 || b[i + 1] == 57 {
                    let ch = b[i + 1]
                    var j = i + 1
                    while j < b.count, b[j] == ch { j += 1 }
                    // Only a fraction when no other digit follows.
                    if !(j < b.count && b[j] >= 48 && b[j] <= 57) {
                        emit(.fraction(separator: c, digits: j - i - 1, trim: ch == 57), j - i); continue
                    }
                }
            default: break
            }
            lit.append(c)
            i += 1
        }
        if !lit.isEmpty { out.append(.literal(lit)) }
        return out
    }

    static func pad(_ v: Int64, _ width: Int) -> String {
        var s = String(v.magnitude)
        while s.count < width { s = "0" + s }
        return v < 0 ? "-" + s : s
    }

    static func format(_ t: GoTime, _ layout: String) -> String {
        let f = t.fields
        var out = ""
        for chunk in chunks(layout) {
            switch chunk {
            case .literal(let bytes): out += String(decoding: bytes, as: UTF8.self)
            case .element(let e, _): out += element(e, f, t.nanos)
            }
        }
        return out
    }

    private static func element(_ e: Element, _ f: GoTime.Fields, _ nanos: Int32) -> String {
        switch e {
        case .year:
            let y = f.year % 100
            return pad(y < 0 ? -y : y, 2)
        case .longYear: return pad(f.year, 4)
        case .month: return String(GoEnumValue.monthNames[f.month - 1].prefix(3))
        case .longMonth: return GoEnumValue.monthNames[f.month - 1]
        case .numMonth: return String(f.month)
        case .zeroMonth: return pad(Int64(f.month), 2)
        case .weekDay: return String(GoEnumValue.dayNames[f.weekday].prefix(3))
        case .longWeekDay: return GoEnumValue.dayNames[f.weekday]
        case .day: return String(f.day)
        case .underDay: return (f.day < 10 ? " " : "") + String(f.day)
        case .zeroDay: return pad(Int64(f.day), 2)
        case .underYearDay: return String(repeating: " ", count: f.yearDay < 10 ? 2 : f.yearDay < 100 ? 1 : 0) + String(f.yearDay)
        case .zeroYearDay: return pad(Int64(f.yearDay), 3)
        case .hour: return pad(Int64(f.hour), 2)
        case .hour12: return String(f.hour % 12 == 0 ? 12 : f.hour % 12)
        case .zeroHour12: return pad(Int64(f.hour % 12 == 0 ? 12 : f.hour % 12), 2)
        case .minute: return String(f.minute)
        case .zeroMinute: return pad(Int64(f.minute), 2)
        case .second: return String(f.second)
        case .zeroSecond: return pad(Int64(f.second), 2)
        case .pm: return f.hour >= 12 ? "PM" : "AM"
        case .lowerPM: return f.hour >= 12 ? "pm" : "am"
        case .tz:
            if !f.zoneName.isEmpty { return f.zoneName }
            let z = f.offset / 60
            return (z < 0 ? "-" : "+") + pad(Int64(abs(z) / 60), 2) + pad(Int64(abs(z) % 60), 2)
        case .iso8601TZ, .iso8601SecondsTZ, .iso8601ShortTZ, .iso8601ColonTZ, .iso8601ColonSecondsTZ,
             .numTZ, .numSecondsTZ, .numShortTZ, .numColonTZ, .numColonSecondsTZ:
            let iso: Set<Element> = [.iso8601TZ, .iso8601SecondsTZ, .iso8601ShortTZ, .iso8601ColonTZ, .iso8601ColonSecondsTZ]
            if f.offset == 0 && iso.contains(e) { return "Z" }
            let abs = f.offset < 0 ? -f.offset : f.offset
            let zone = abs / 60
            var s = f.offset < 0 ? "-" : "+"
            s += pad(Int64(zone / 60), 2)
            let colon: Set<Element> = [.iso8601ColonTZ, .numColonTZ, .iso8601ColonSecondsTZ, .numColonSecondsTZ]
            if colon.contains(e) { s += ":" }
            if e != .numShortTZ && e != .iso8601ShortTZ { s += pad(Int64(zone % 60), 2) }
            let withSeconds: Set<Element> = [.iso8601SecondsTZ, .numSecondsTZ, .numColonSecondsTZ, .iso8601ColonSecondsTZ]
            if withSeconds.contains(e) {
                if e == .numColonSecondsTZ || e == .iso8601ColonSecondsTZ { s += ":" }
                s += pad(Int64(abs % 60), 2)
            }
            return s
        case .fraction(let sep, let digits, let trim):
            return fraction(nanos, sep, digits, trim)
        }
    }

    /// `appendNano`: the first `digits` of the nine-digit nanoseconds, trailing zeros dropped for the
    /// `9` form (and the separator too when nothing is left).
    static func fraction(_ nanos: Int32, _ sep: UInt8, _ digits: Int, _ trim: Bool) -> String {
        var d = Array(pad(Int64(nanos), 9)).prefix(min(digits, 9))
        if trim {
            while d.last == "0" { d.removeLast() }
            if d.isEmpty { return "" }
        }
        return String(UnicodeScalar(sep)) + String(d)
    }
}

extension GoTimeFormat.Element: Hashable {}
