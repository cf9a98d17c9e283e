import Testing
import Templating
import StructuredData
#if canImport(Glibc)
    import Glibc
#endif

/// Helm's outputs below were produced with TZ=UTC; the suite pins the process's local zone to UTC.
private let pinUTC: Void = {
    setenv("TZ", "UTC", 1)
    tzset()
}()

@Suite struct DateFunctionTests {
    init() { _ = pinUTC }

    static func day(_ s: String) throws -> TemplateValue { try callB("toDate", .s("2006-01-02"), .s(s)) }

    @Test(arguments: [
        ("2006-01-02", "2024-03-05", "2024-03-05 00:00:00 +0000 UTC"),
        ("2006-01-02", "bad", "0001-01-01 00:00:00 +0000 UTC"),
        ("2006-01-02T15:04:05Z07:00", "2024-02-03T10:11:12+05:30", "2024-02-03 10:11:12 +0530 +0530"),
        ("2006-01-02T15:04:05Z07:00", "2024-02-03T10:11:12Z", "2024-02-03 10:11:12 +0000 UTC"),
        ("2006-01-02 15:04:05 MST", "2024-02-03 10:11:12 PST", "2024-02-03 10:11:12 +0000 PST"),
        ("2006-01-02 15:04:05", "2024-02-03 10:11:12.123456", "2024-02-03 10:11:12.123456 +0000 UTC"),
        ("2006-01-02 MST", "2024-03-05 GMT", "2024-03-05 00:00:00 +0000 GMT"),
        ("2006-01-02 MST", "2024-03-05 CEST", "2024-03-05 00:00:00 +0000 CEST"),
        ("01/02/06 3:04PM", "12/31/99 11:30PM", "1999-12-31 23:30:00 +0000 UTC"),
        ("Jan _2 2006", "Feb  9 2024", "2024-02-09 00:00:00 +0000 UTC"),
        ("2006 002", "2024 060", "2024-02-29 00:00:00 +0000 UTC"),
    ])
    func toDate(layout: String, value: String, want: String) throws {
        #expect(try callB("toDate", .s(layout), .s(value)).goString == want)
    }

    @Test(arguments: [
        ("2006-01-02", "bad", "parsing time \"bad\" as \"2006-01-02\": cannot parse \"bad\" as \"2006\""),
        ("2006-01-02", "2024-13-05", "parsing time \"2024-13-05\": month out of range"),
        ("2006-01-02", "2024-02-30", "parsing time \"2024-02-30\": day out of range"),
        ("2006-01-02", "2024-02-03x", "parsing time \"2024-02-03x\": extra text: \"x\""),
        ("Jan 2 2006", "Feb 31 2024", "parsing time \"Feb 31 2024\": day out of range"),
        ("15:04", "25:00", "parsing time \"25:00\": hour out of range"),
        ("2006-01-02", "2024/01/02", "parsing time \"2024/01/02\" as \"2006-01-02\": cannot parse \"/01/02\" as \"-\""),
    ])
    func mustToDateErrors(layout: String, value: String, want: String) {
        #expect(callBError("mustToDate", .s(layout), .s(value)) == want)
    }

    @Test func formatting() throws {
        let t = try callB("toDate", .s("2006-01-02 15:04:05.999"), .s("2024-03-05 13:04:05.120"))
        #expect(try callB("date", .s("Mon Jan _2 15:04:05.000 MST 2006 -07 Z07:00 pm PM 3 03 __2 002 .999 ,000"), t).goString
            == "Tue Mar  5 13:04:05.120 UTC 2024 +00 Z pm PM 1 01  65 065 .12 ,120")
        #expect(try callB("date", .s("January Monday 06 -0700 -07:00:00 Z0700"), t).goString
            == "March Tuesday 24 +0000 +00:00:00 Z")
        #expect(try callB("date", .s("2006-01-02"), .i(1_700_000_000)).goString == "2023-11-14")
        #expect(try callB("date", .s("2006-01-02"), .int64(1_700_000_000)).goString == "2023-11-14")
        // Non-time values mean "now" (the fixed clock: 2024-03-05).
        #expect(try callB("date", .s("2006-01-02"), .float(1_700_000_000)).goString == "2024-03-05")
        #expect(try callB("htmlDate", try Self.day("2024-03-05")).goString == "2024-03-05")
        #expect(try callB("htmlDateInZone", try Self.day("2024-03-05"), .s("Asia/Tokyo")).goString == "2024-03-05")
        #expect(try callB("unixEpoch", try Self.day("2024-03-05")).goString == "1709596800")
        #expect(try callB("now").goString == "2024-03-05 00:00:00 +0000 UTC")
        #expect(try callB("toDate", .s("2006-01-02"), .s("2024-03-05")).dataValue == .string("2024-03-05T00:00:00Z"))
    }

    @Test(arguments: [
        ("2024-07-05", "America/New_York", "2024-07-04 20:00 EDT -0400"),
        ("2024-01-05", "America/New_York", "2024-01-04 19:00 EST -0500"),
        ("2054-07-05", "Europe/Berlin", "2054-07-05 02:00 CEST +0200"),
        ("2024-03-05", "Bogus/Zone", "2024-03-05 00:00 UTC +0000"),
        ("2024-03-05", "Asia/Kolkata", "2024-03-05 05:30 IST +0530"),
        ("2024-03-05", "../etc/passwd", "2024-03-05 00:00 UTC +0000"),
    ])
    func zones(day: String, zone: String, want: String) throws {
        #expect(try callB("dateInZone", .s("2006-01-02 15:04 MST -0700"), try Self.day(day), .s(zone)).goString == want)
        #expect(try callB("date_in_zone", .s("2006-01-02 15:04 MST -0700"), try Self.day(day), .s(zone)).goString == want)
    }

    @Test func durations() throws {
        let cases: [(String, TemplateValue, String)] = [
            ("duration", .s("95"), "1m35s"), ("duration", .i(95), "0s"), ("duration", .int64(3600), "1h0m0s"),
            ("duration", .s("x"), "0s"), ("durationRound", .s("2h10m"), "2h"), ("durationRound", .s("-3h"), "3h"),
            ("durationRound", .s("1s"), "0s"), ("durationRound", .int64(90_000_000_000), "1m"),
            ("durationRound", .s("720h1s"), "1mo"), ("durationRound", .i(5), "0s"),
            ("durationRound", .s("8761h"), "1y"), ("durationRound", .s("49h"), "2d"),
        ]
        for (f, arg, want) in cases { #expect(try callB(f, arg).goString == want, "\(f) \(arg)") }
        let base = try Self.day("2024-03-05")
        #expect(try callB("dateModify", .s("1h30m"), base).goString == "2024-03-05 01:30:00 +0000 UTC")
        #expect(try callB("dateModify", .s("bad"), base).goString == "2024-03-05 00:00:00 +0000 UTC")
        #expect(try callB("date_modify", .s("-2µs"), base).goString == "2024-03-04 23:59:59.999998 +0000 UTC")
        #expect(try callB("mustDateModify", .s("1.5h"), base).goString == "2024-03-05 01:30:00 +0000 UTC")
        #expect(callBError("mustDateModify", .s("bad"), base) == "time: invalid duration \"bad\"")
        #expect(callBError("must_date_modify", .s("1y"), base) == "time: unknown unit \"y\" in duration \"1y\"")
        #expect(callBError("mustDateModify", .s(""), base) == "time: invalid duration \"\"")
        #expect(callBError("mustDateModify", .s("1"), base) == "time: missing unit in duration \"1\"")
        #expect(try callB("ago", try Self.day("2024-03-04")).goString == "24h0m0s")
        #expect(try callB("ago", .int64(1_709_596_800 - 95)).goString == "1m35s")
    }

    @Test func timeMethods() throws {
        guard case .object(let t) = try Self.day("2024-03-05") else { Issue.record("not a time"); return }
        func call(_ name: String, _ args: [TemplateValue] = []) throws -> TemplateValue {
            guard case .method(let f)? = t.member(name) else { throw FunctionError("no \(name)") }
            return try f(args)
        }
        #expect(t.goTypeName == "time.Time")
        #expect(try call("Month").goString == "March")
        #expect(try call("Month").goTypeName == "time.Month")
        #expect(try call("Weekday").goString == "Tuesday")
        #expect(try call("Unix").goTypeName == "int64")
        #expect(try call("YearDay").goString == "65")
        #expect(try call("Format", [.s("Jan 2")]).goString == "Mar 5")
        #expect(try call("UTC").goString == "2024-03-05 00:00:00 +0000 UTC")
        #expect(try call("Sub", [try Self.day("2024-03-04")]).goString == "24h0m0s")
    }
}
