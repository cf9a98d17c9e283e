import StructuredData

/// A time zone as Go's `*time.Location`: UTC, the process's local zone, a fixed offset, or a zone
/// loaded from the system's TZif database.
enum GoZone: Sendable {
    case utc
    case local
    case fixed(name: String, offset: Int)
    case database(TZifZone)

    /// Zone abbreviation and UTC offset in effect at `unix`.
    func lookup(_ unix: Int64) -> (name: String, offset: Int) {
        switch self {
        case .utc: return ("UTC", 0)
        case .local:
            let t = LocalZone.time(seconds: unix)
            return (t.zoneName, t.utcOffset)
        case .fixed(let name, let offset): return (name, offset)
        case .database(let z): return z.lookup(unix)
        }
    }

    /// `time.LoadLocation`: "" and "UTC" are UTC, "Local" the local zone, anything else is read from
    /// the zoneinfo database; nil when it cannot be loaded.
    static func load(_ name: String) -> GoZone? {
        switch name {
        case "", "UTC": return .utc
        case "Local": return .local
        default: return TZifZone.load(name).map(GoZone.database)
        }
    }
}

/// Proleptic Gregorian calendar arithmetic on days since 1970-01-01.
enum Civil {
    static func days(year: Int64, month: Int, day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func date(days z0: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = Int(doy - (153 * mp + 2) / 5 + 1)
        let m = Int(mp < 10 ? mp + 3 : mp - 9)
        return (m <= 2 ? y + 1 : y, m, d)
    }

    static func isLeap(_ y: Int64) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }

    static func daysIn(month: Int, year: Int64) -> Int {
        month == 2 ? (isLeap(year) ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }

    /// Division rounding toward negative infinity (never traps, even for `Int64.min`).
    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && a < 0) ? q - 1 : q
    }
}

/// Go's `time.Time`: an instant (Unix seconds and nanoseconds) shown in a zone.
struct GoTime: TemplateObject {
    var unix: Int64
    var nanos: Int32
    var zone: GoZone

    /// Days from 1970-01-01 back to Go's absolute epoch (March 1 of year -292277022399).
    static let absoluteEpochDays = Civil.days(year: -292_277_022_399, month: 3, day: 1)
    /// Seconds from the absolute epoch to the Unix epoch.
    static let absoluteOffset = UInt64(-absoluteEpochDays * 86_400)

    /// Go's zero `time.Time` (`0001-01-01 00:00:00 +0000 UTC`).
    static let zero = GoTime(unix: -62_135_596_800, nanos: 0, zone: .utc)

    init(unix: Int64, nanos: Int32 = 0, zone: GoZone) {
        self.unix = unix
        self.nanos = nanos
        self.zone = zone
    }

    /// A clock reading; shown in the local zone when it matches it (as `time.Now()` is).
    init(_ t: TemplateTime) {
        let local = LocalZone.time(seconds: t.seconds)
        let zone: GoZone = local.utcOffset == t.utcOffset && local.zoneName == t.zoneName
            ? .local : (t.zoneName == "UTC" && t.utcOffset == 0 ? .utc : .fixed(name: t.zoneName, offset: t.utcOffset))
        self.init(unix: t.seconds, nanos: t.nanoseconds, zone: zone)
    }

    /// Calendar fields in the time's own zone.
    struct Fields {
        var year: Int64, month: Int, day: Int, hour: Int, minute: Int, second: Int
        var weekday: Int, yearDay: Int, zoneName: String, offset: Int
    }

    var fields: Fields {
        let (name, offset) = zone.lookup(unix)
        // Go computes calendar fields from an unsigned count of seconds since its absolute epoch
        // (year -292277022399), wrapping at the int64 extremes; doing the same keeps those
        // extremes identical (`date` of the minimum int64 prints the maximum plus one second).
        let abs = UInt64(bitPattern: unix) &+ UInt64(bitPattern: Int64(offset)) &+ Self.absoluteOffset
        let days = Int64(abs / 86_400) + Self.absoluteEpochDays
        let secs = Int(abs % 86_400)
        let (y, m, d) = Civil.date(days: days)
        let wd = Int(((days % 7) + 11) % 7)  // 1970-01-01 was a Thursday (4)
        let yd = Int(days - Civil.days(year: y, month: 1, day: 1)) + 1
        return Fields(year: y, month: m, day: d, hour: secs / 3600, minute: secs / 60 % 60, second: secs % 60,
                      weekday: wd, yearDay: yd, zoneName: name, offset: offset)
    }

    func adding(nanoseconds d: Int64) -> GoTime {
        var total = Int64(nanos) + d % 1_000_000_000
        var secs = unix &+ d / 1_000_000_000
        if total < 0 {
            total += 1_000_000_000
            secs -= 1
        } else if total >= 1_000_000_000 {
            total -= 1_000_000_000
            secs += 1
        }
        return GoTime(unix: secs, nanos: Int32(total), zone: zone)
    }

    func inZone(_ z: GoZone) -> GoTime { GoTime(unix: unix, nanos: nanos, zone: z) }

    /// Nanoseconds from `other` to self, saturating as Go's `Sub`.
    func since(_ other: GoTime) -> Int64 {
        let (ds, o1) = unix.subtractingReportingOverflow(other.unix)
        let (ns, o2) = ds.multipliedReportingOverflow(by: 1_000_000_000)
        let (r, o3) = ns.addingReportingOverflow(Int64(nanos) - Int64(other.nanos))
        if o1 || o2 || o3 { return ds < 0 ? Int64.min : Int64.max }
        return r
    }

    // MARK: TemplateObject

    var goTypeName: String { "time.Time" }
    var goKind: String { "struct" }
    var formatted: String { GoTimeFormat.format(self, "2006-01-02 15:04:05.999999999 -0700 MST") }
    var dataValue: Value { .string(GoTimeFormat.format(self, "2006-01-02T15:04:05.999999999Z07:00")) }

    func member(_ name: String) -> TemplateMember? {
        let t = self
        let f = fields
        func int(_ v: Int64, _ kind: TemplateValue.IntKind = .int) -> TemplateMember { .method { _ in .int(v, kind) } }
        switch name {
        case "Year": return int(f.year)
        case "Month": return .method { _ in .object(GoEnumValue.month(f.month)) }
        case "Day": return int(Int64(f.day))
        case "Hour": return int(Int64(f.hour))
        case "Minute": return int(Int64(f.minute))
        case "Second": return int(Int64(f.second))
        case "Nanosecond": return int(Int64(t.nanos))
        case "YearDay": return int(Int64(f.yearDay))
        case "Weekday": return .method { _ in .object(GoEnumValue.weekday(f.weekday)) }
        case "Unix": return int(t.unix, .int64)
        case "UnixMilli": return int(t.unix &* 1000 &+ Int64(t.nanos) / 1_000_000, .int64)
        case "UnixMicro": return int(t.unix &* 1_000_000 &+ Int64(t.nanos) / 1000, .int64)
        case "UnixNano": return int(t.unix &* 1_000_000_000 &+ Int64(t.nanos), .int64)
        case "IsZero": return .method { _ in .bool(t.unix == GoTime.zero.unix && t.nanos == 0) }
        case "String": return .method { _ in .string(t.formatted) }
        case "UTC": return .method { _ in .object(t.inZone(.utc)) }
        case "Local": return .method { _ in .object(t.inZone(.local)) }
        case "Format":
            return .method { args in
                guard args.count == 1, case .string(let layout) = args[0] else {
                    throw FunctionError("wrong type for value; expected string; got \(args.first?.goTypeName ?? "<nil>")")
                }
                return .string(GoTimeFormat.format(t, layout))
            }
        case "Add":
            return .method { args in
                guard args.count == 1, case .int(let d, _) = args[0] else {
                    throw FunctionError("wrong type for value; expected time.Duration; got \(args.first?.goTypeName ?? "<nil>")")
                }
                return .object(t.adding(nanoseconds: d))
            }
        case "Sub":
            return .method { args in
                .object(GoDurationValue(nanoseconds: t.since(try GoTime.argument(args, "Sub"))))
            }
        case "Before": return .method { args in .bool(t.since(try GoTime.argument(args, "Before")) < 0) }
        case "After": return .method { args in .bool(t.since(try GoTime.argument(args, "After")) > 0) }
        case "Equal": return .method { args in .bool(t.since(try GoTime.argument(args, "Equal")) == 0) }
        default: return nil
        }
    }

    /// A single `time.Time` method argument.
    static func argument(_ args: [TemplateValue], _ method: String) throws -> GoTime {
        guard args.count == 1 else { throw FunctionError("wrong number of args for \(method): want 1 got \(args.count)") }
        guard case .object(let o) = args[0], let t = o as? GoTime else {
            throw FunctionError("wrong type for value; expected time.Time; got \(args[0].goTypeName)")
        }
        return t
    }
}

/// `time.Month` and `time.Weekday`: integers that print as names.
struct GoEnumValue: TemplateObject {
    let goTypeName: String
    let value: Int
    let name: String
    var goKind: String { "int" }
    var formatted: String { name }
    var dataValue: Value { .int(Int64(value)) }
    func member(_ name: String) -> TemplateMember? {
        name == "String" ? .method { [n = self.name] _ in .string(n) } : nil
    }

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                             "October", "November", "December"]
    static let dayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

    static func month(_ m: Int) -> GoEnumValue { GoEnumValue(goTypeName: "time.Month", value: m, name: monthNames[m - 1]) }
    static func weekday(_ d: Int) -> GoEnumValue { GoEnumValue(goTypeName: "time.Weekday", value: d, name: dayNames[d]) }
}

/// A `time.Duration` value (what `Sub` returns): prints as `1h0m0s`.
struct GoDurationValue: TemplateObject {
    let nanoseconds: Int64
    var goTypeName: String { "time.Duration" }
    var goKind: String { "int64" }
    var formatted: String { GoDuration.format(nanoseconds) }
    var dataValue: Value { .int(nanoseconds) }
    func member(_ name: String) -> TemplateMember? {
        let d = nanoseconds
        switch name {
        case "String": return .method { _ in .string(GoDuration.format(d)) }
        case "Hours": return .method { _ in .float(Double(d) / 3.6e12) }
        case "Minutes": return .method { _ in .float(Double(d) / 6e10) }
        case "Seconds": return .method { _ in .float(Double(d) / 1e9) }
        case "Milliseconds": return .method { _ in .int(d / 1_000_000, .int64) }
        case "Microseconds": return .method { _ in .int(d / 1000, .int64) }
        case "Nanoseconds": return .method { _ in .int(d, .int64) }
        default: return nil
        }
    }
}
