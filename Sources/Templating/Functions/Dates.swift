/// Sprig v3.3.0's date functions (`date.go`) over Go's `time` semantics (``GoTime``,
/// ``GoTimeFormat``, ``GoTimeParse``, ``GoDuration``). "Now" comes from the injected clock; the local
/// zone is the process's (`TZ`), as Go's `time.Local`.
extension FunctionRegistry {
    mutating func registerDates() {
        register("now", []) { _, env in .object(GoTime(env.clock.now())) }
        register("ago", [.any]) { args, env in
            let now = GoTime(env.clock.now())
            let t: GoTime
            switch args[0] {
            case .object(let o as GoTime): t = o
            case .int(let n, .int64), .int(let n, .int): t = GoTime(unix: n, zone: .local)
            default: t = now
            }
            return .string(GoDuration.format(GoDuration.round(now.since(t), GoDuration.second)))
        }
        for name in ["date"] {
            register(name, [.string, .any]) { args, env in
                .string(DateSupport.dateInZone(RegexSupport.str(args[0]), args[1], "Local", env))
            }
        }
        for name in ["dateInZone", "date_in_zone"] {
            register(name, [.string, .any, .string]) { args, env in
                .string(DateSupport.dateInZone(RegexSupport.str(args[0]), args[1], RegexSupport.str(args[2]), env))
            }
        }
        register("htmlDate", [.any]) { args, env in
            .string(DateSupport.dateInZone("2006-01-02", args[0], "Local", env))
        }
        register("htmlDateInZone", [.any, .string]) { args, env in
            .string(DateSupport.dateInZone("2006-01-02", args[0], RegexSupport.str(args[1]), env))
        }
        for name in ["dateModify", "date_modify"] {
            register(name, [.string, .any]) { args, _ in
                let t = try DateSupport.time(args[1])
                guard let d = try? GoDuration.parse(RegexSupport.str(args[0])) else { return .object(t) }
                return .object(t.adding(nanoseconds: d))
            }
        }
        for name in ["mustDateModify", "must_date_modify"] {
            register(name, [.string, .any]) { args, _ in
                let t = try DateSupport.time(args[1])
                return .object(t.adding(nanoseconds: try GoDuration.parse(RegexSupport.str(args[0]))))
            }
        }
        register("duration", [.any]) { args, _ in
            // Only a string or an int64 count of seconds; anything else (even a Go int) is 0.
            var n: Int64 = 0
            switch args[0] {
            case .string(let s): n = GoParse.int64(s, base: 10) ?? 0
            case .int(let i, .int64): n = i
            default: break
            }
            return .string(GoDuration.format(n &* GoDuration.second))
        }
        register("durationRound", [.any]) { args, env in
            var d: Int64 = 0
            switch args[0] {
            case .string(let s): d = (try? GoDuration.parse(s)) ?? 0
            case .int(let i, .int64): d = i
            case .object(let o as GoTime): d = GoTime(env.clock.now()).since(o)
            default: break
            }
            return .string(DateSupport.roundedDuration(d))
        }
        register("toDate", [.string, .string]) { args, _ in
            let t = try? GoTimeParse.parse(RegexSupport.str(args[0]), RegexSupport.str(args[1]), in: .local)
            return .object(t ?? GoTime.zero)
        }
        register("mustToDate", [.string, .string]) { args, _ in
            .object(try GoTimeParse.parse(RegexSupport.str(args[0]), RegexSupport.str(args[1]), in: .local))
        }
        register("unixEpoch", [.goType("time.Time")]) { args, _ in .string(String(try DateSupport.time(args[0]).unix)) }
    }
}

enum DateSupport {
    /// A `time.Time` parameter; other values fail as the executor reports a mistyped argument.
    static func time(_ v: TemplateValue) throws -> GoTime {
        if case .object(let o as GoTime) = v { return o }
        throw FunctionError("wrong type for value; expected time.Time; got \(v.goTypeName)")
    }

    /// Sprig's `dateInZone`: times as they are, int/int32/int64 as Unix seconds, anything else now;
    /// an unknown zone falls back to UTC.
    static func dateInZone(_ layout: String, _ date: TemplateValue, _ zoneName: String,
                           _ env: any FunctionEnvironment) -> String {
        let t: GoTime
        switch date {
        case .object(let o as GoTime): t = o
        case .int(let n, .int64), .int(let n, .int), .int(let n, .int32): t = GoTime(unix: n, zone: .local)
        default: t = GoTime(env.clock.now())
        }
        let zone = GoZone.load(zoneName) ?? .utc
        return GoTimeFormat.format(t.inZone(zone), layout)
    }

    /// Sprig's `durationRound`: the largest whole unit (y, mo, d, h, m, s) strictly exceeded; the
    /// sign is dropped.
    static func roundedDuration(_ d: Int64) -> String {
        let u = d < 0 ? UInt64(bitPattern: 0 &- d) : UInt64(d)
        let second: UInt64 = 1_000_000_000
        let units: [(UInt64, String)] = [
            (second * 3600 * 24 * 365, "y"), (second * 3600 * 24 * 30, "mo"), (second * 3600 * 24, "d"),
            (second * 3600, "h"), (second * 60, "m"), (second, "s"),
        ]
        for (size, suffix) in units where u > size { return String(u / size) + suffix }
        return "0s"
    }
}
