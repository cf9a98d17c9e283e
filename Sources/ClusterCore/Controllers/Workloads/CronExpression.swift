import StructuredData

/// A parsed cron schedule (robfig/cron v3 `ParseStandard`, what Kubernetes' CronJob controller uses):
/// five fields `minute hour day-of-month month day-of-week` with lists, ranges, steps and month/day
/// names, or a descriptor (`@yearly`/`@annually`, `@monthly`, `@weekly`, `@daily`/`@midnight`,
/// `@hourly`). As in cron, when both day fields are restricted a day matches either of them.
/// Times are Unix seconds evaluated at a fixed UTC offset (`utcOffset` seconds east of UTC).
struct CronExpression: Equatable, Sendable {
    var minutes: UInt64 = 0
    var hours: UInt64 = 0
    var daysOfMonth: UInt64 = 0
    var months: UInt64 = 0
    var daysOfWeek: UInt64 = 0
    /// Whether the day field began with `*` or `?` (then the other day field alone decides).
    var domStar = false
    var dowStar = false

    struct ParseError: Error, Equatable, CustomStringConvertible {
        var description: String
    }

    private static let monthNames = ["jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
                                     "sep": 9, "oct": 10, "nov": 11, "dec": 12]
    private static let dayNames = ["sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6]

    init(parsing spec: String) throws(ParseError) {
        let s = spec.trimmingSpaces
        let descriptors = ["@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
                           "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *"]
        let text = descriptors[s.lowercased()] ?? s
        if text.hasPrefix("@") { throw ParseError(description: "unrecognized descriptor: \(s)") }
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
        guard fields.count == 5 else { throw ParseError(description: "expected exactly 5 fields, found \(fields.count): [\(fields.joined(separator: " "))]") }
        minutes = try Self.field(fields[0], 0, 59, [:])
        hours = try Self.field(fields[1], 0, 23, [:])
        daysOfMonth = try Self.field(fields[2], 1, 31, [:])
        months = try Self.field(fields[3], 1, 12, Self.monthNames)
        // Day of week 7 is Sunday too.
        var dow = try Self.field(fields[4], 0, 7, Self.dayNames)
        if dow & (1 << 7) != 0 { dow = (dow & ~(1 << 7)) | 1 }
        daysOfWeek = dow
        domStar = fields[2].hasPrefix("*") || fields[2].hasPrefix("?")
        dowStar = fields[4].hasPrefix("*") || fields[4].hasPrefix("?")
    }

    private static func field(_ text: String, _ lo: Int, _ hi: Int, _ names: [String: Int]) throws(ParseError) -> UInt64 {
        var bits: UInt64 = 0
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let rangeAndStep = part.split(separator: "/", omittingEmptySubsequences: false)
            guard rangeAndStep.count <= 2 else { throw ParseError(description: "too many slashes: \(part)") }
            let bounds = rangeAndStep[0].split(separator: "-", omittingEmptySubsequences: false)
            var start: Int, end: Int
            if bounds == ["*"] || bounds == ["?"] {
                start = lo
                end = hi
            } else {
                guard bounds.count <= 2 else { throw ParseError(description: "too many hyphens: \(part)") }
                start = try value(bounds[0], names)
                end = start
                if bounds.count == 2 { end = try value(bounds[1], names) }
            }
            var step = 1
            if rangeAndStep.count == 2 {
                guard let n = Int(rangeAndStep[1]), n > 0 else { throw ParseError(description: "step of range should be a positive number: \(part)") }
                step = n
                if bounds.count == 1 && bounds != ["*"] && bounds != ["?"] { end = hi }
            }
            guard start >= lo else { throw ParseError(description: "beginning of range (\(start)) below minimum (\(lo)): \(part)") }
            guard end <= hi else { throw ParseError(description: "end of range (\(end)) above maximum (\(hi)): \(part)") }
            guard start <= end else { throw ParseError(description: "beginning of range (\(start)) beyond end of range (\(end)): \(part)") }
            for v in stride(from: start, through: end, by: step) { bits |= 1 << UInt64(v) }
        }
        return bits
    }

    private static func value(_ s: Substring, _ names: [String: Int]) throws(ParseError) -> Int {
        if let n = names[s.lowercased()] { return n }
        guard !s.isEmpty, s.allSatisfy({ ("0"..."9").contains($0) }), s.count < 4, let n = Int(s) else {
            throw ParseError(description: "failed to parse int from \(s)")
        }
        return n
    }

    private func dayMatches(day: Int, weekday: Int) -> Bool {
        let dom = daysOfMonth & (1 << UInt64(day)) != 0
        let dow = daysOfWeek & (1 << UInt64(weekday)) != 0
        return domStar || dowStar ? dom && dow : dom || dow
    }

    /// The first scheduled time strictly after `t`, within about five years; nil when none.
    func next(after t: Int64, utcOffset: Int64 = 0) -> Int64? {
        let local = t + utcOffset
        // Start at the next whole minute.
        var minuteStart = (local.floorDiv(60) + 1) * 60
        var days = minuteStart.floorDiv(86_400)
        let limit = days + 366 * 5
        while days <= limit {
            let (_, m, d) = CivilDate.fromDays(days)
            let weekday = Int((days + 4).floorMod(7))
            if months & (1 << UInt64(m)) != 0 && dayMatches(day: d, weekday: weekday) {
                let dayStart = days * 86_400
                let fromMinute = Int((minuteStart - dayStart) / 60)
                for minuteOfDay in max(0, fromMinute)..<1440 {
                    let h = minuteOfDay / 60, mi = minuteOfDay % 60
                    if hours & (1 << UInt64(h)) != 0 && minutes & (1 << UInt64(mi)) != 0 {
                        return dayStart + Int64(minuteOfDay) * 60 - utcOffset
                    }
                }
            }
            days += 1
            minuteStart = days * 86_400
        }
        return nil
    }

    /// The latest scheduled time in `(from, to]` (what `mostRecentScheduleTime` picks), searching
    /// backwards a day at a time over at most about five years.
    func last(after from: Int64, atOrBefore to: Int64, utcOffset: Int64 = 0) -> Int64? {
        guard to > from else { return nil }
        let localTo = to + utcOffset, localFrom = from + utcOffset
        var days = localTo.floorDiv(86_400)
        let floorDay = max(localFrom.floorDiv(86_400), days - 366 * 5)
        while days >= floorDay {
            let (_, m, d) = CivilDate.fromDays(days)
            let weekday = Int((days + 4).floorMod(7))
            if months & (1 << UInt64(m)) != 0 && dayMatches(day: d, weekday: weekday) {
                let dayStart = days * 86_400
                let top = min(1439, Int((localTo - dayStart).floorDiv(60)))
                var minuteOfDay = top
                while minuteOfDay >= 0 {
                    let t = dayStart + Int64(minuteOfDay) * 60
                    if t <= localFrom { return nil }
                    if hours & (1 << UInt64(minuteOfDay / 60)) != 0 && minutes & (1 << UInt64(minuteOfDay % 60)) != 0 {
                        return t - utcOffset
                    }
                    minuteOfDay -= 1
                }
            }
            days -= 1
        }
        return nil
    }

    /// Seconds east of UTC for a CronJob `timeZone` (or a `CRON_TZ=`/`TZ=` prefix): UTC and the fixed
    /// `Etc/GMT±N` zones are known here; nil for anything else.
    static func utcOffset(zone: String?) -> Int64? {
        guard let zone, !zone.isEmpty else { return 0 }
        if ["UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Universal", "Universal", "Etc/Zulu", "Zulu", "GMT", "Etc/GMT", "Etc/GMT0",
            "Etc/GMT+0", "Etc/GMT-0", "Etc/Greenwich", "Greenwich"].contains(zone)
        {
            return 0
        }
        if zone.hasPrefix("Etc/GMT"), let n = Int64(zone.dropFirst(7)), (-14...12).contains(n) {
            // POSIX sign: Etc/GMT+5 is five hours west of UTC.
            return -n * 3600
        }
        return nil
    }

    /// Splits a leading `CRON_TZ=zone ` or `TZ=zone ` from a schedule.
    static func splitZone(_ schedule: String) -> (zone: String?, schedule: String) {
        let s = schedule.trimmingSpaces
        for prefix in ["CRON_TZ=", "TZ="] where s.hasPrefix(prefix) {
            let rest = s.dropFirst(prefix.count)
            guard let space = rest.firstIndex(where: { $0 == " " || $0 == "\t" }) else { return (String(rest), "") }
            return (String(rest[..<space]), String(rest[space...]))
        }
        return (nil, s)
    }
}

/// Proleptic Gregorian dates from days since 1970-01-01 (Howard Hinnant's `civil_from_days`).
enum CivilDate {
    static func fromDays(_ z0: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = z.floorDiv(146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = Int(doy - (153 * mp + 2) / 5 + 1)
        let m = Int(mp < 10 ? mp + 3 : mp - 9)
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

extension Int64 {
    func floorDiv(_ d: Int64) -> Int64 {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }

    func floorMod(_ d: Int64) -> Int64 { self - floorDiv(d) * d }
}
