/// The CronJob schedule syntax (robfig/cron v3 `ParseStandard`, which Kubernetes uses): five
/// fields `minute hour day-of-month month day-of-week`, or a descriptor (`@hourly`, `@every 1h`…).
/// Errors read as that parser words them.
enum CronSchedule {
    private struct Bounds {
        let min: Int, max: Int
        let names: [String: Int]
    }

    private static let months: [String: Int] = [
        "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
    ]
    private static let days: [String: Int] = ["sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6]
    private static let fields: [Bounds] = [
        Bounds(min: 0, max: 59, names: [:]), Bounds(min: 0, max: 23, names: [:]), Bounds(min: 1, max: 31, names: [:]),
        Bounds(min: 1, max: 12, names: months), Bounds(min: 0, max: 6, names: days),
    ]
    private static let descriptors: Set<String> = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"]

    /// Nil when the schedule parses, else the parser's error text.
    static func parseError(_ spec: String) -> String? {
        var s = spec.trimmingSpaces
        if s.isEmpty { return "empty spec string" }
        // A leading TZ=/CRON_TZ= names a location; the rest is parsed as usual.
        if s.hasPrefix("TZ=") || s.hasPrefix("CRON_TZ=") {
            guard let space = s.firstIndex(where: { $0 == " " || $0 == "\t" }) else {
                return "provided bad location \(s.split(separator: "=").dropFirst().joined(separator: "=")): unknown time zone"
            }
            s = String(s[space...]).trimmingSpaces
        }
        if s.hasPrefix("@") {
            if descriptors.contains(s) { return nil }
            if s.hasPrefix("@every ") {
                let d = String(s.dropFirst(7))
                return isGoDuration(d) ? nil : "failed to parse duration \(s): time: invalid duration \(GoFormat.quote(d))"
            }
            return "unrecognized descriptor: \(s)"
        }
        let parts = s.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
        guard parts.count == 5 else {
            return "expected exactly 5 fields, found \(parts.count): [\(parts.joined(separator: " "))]"
        }
        for (part, bounds) in zip(parts, fields) {
            for expr in part.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
                if let err = rangeError(expr, bounds) { return err }
            }
        }
        return nil
    }

    private static func rangeError(_ expr: String, _ r: Bounds) -> String? {
        let rangeAndStep = expr.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let lowAndHigh = rangeAndStep[0].split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        var start: Int, end: Int
        if lowAndHigh[0] == "*" || lowAndHigh[0] == "?" {
            start = r.min
            end = r.max
        } else {
            switch parseIntOrName(lowAndHigh[0], r.names) {
            case .failure(let e): return e.text
            case .success(let v): start = v
            }
            switch lowAndHigh.count {
            case 1: end = start
            case 2:
                switch parseIntOrName(lowAndHigh[1], r.names) {
                case .failure(let e): return e.text
                case .success(let v): end = v
                }
            default: return "too many hyphens: \(expr)"
            }
        }
        var step = 1
        switch rangeAndStep.count {
        case 1: break
        case 2:
            switch mustParseInt(rangeAndStep[1]) {
            case .failure(let e): return e.text
            case .success(let v): step = v
            }
            if lowAndHigh.count == 1 { end = r.max }
        default: return "too many slashes: \(expr)"
        }
        if start < r.min { return "beginning of range (\(start)) below minimum (\(r.min)): \(expr)" }
        if end > r.max { return "end of range (\(end)) above maximum (\(r.max)): \(expr)" }
        if start > end { return "beginning of range (\(start)) beyond end of range (\(end)): \(expr)" }
        if step == 0 { return "step of range should be a positive number: \(expr)" }
        return nil
    }

    struct ParseError: Error { let text: String }

    private static func parseIntOrName(_ s: String, _ names: [String: Int]) -> Result<Int, ParseError> {
        if let v = names[s.lowercased()] { return .success(v) }
        return mustParseInt(s)
    }

    private static func mustParseInt(_ s: String) -> Result<Int, ParseError> {
        guard let n = goAtoi(s) else {
            let reason = s.isEmpty || !s.dropFirst(s.hasPrefix("-") || s.hasPrefix("+") ? 1 : 0).allSatisfy(\.isASCIIDigit)
                ? "invalid syntax" : "value out of range"
            return .failure(ParseError(text: "failed to parse int from \(s): strconv.Atoi: parsing \(GoFormat.quote(s)): \(reason)"))
        }
        if n < 0 { return .failure(ParseError(text: "negative number (\(n)) not allowed: \(s)")) }
        return .success(n)
    }

    private static func goAtoi(_ s: String) -> Int? {
        var body = Substring(s)
        var negative = false
        if body.hasPrefix("-") || body.hasPrefix("+") {
            negative = body.hasPrefix("-")
            body = body.dropFirst()
        }
        guard !body.isEmpty, body.allSatisfy(\.isASCIIDigit), let v = Int(body) else { return nil }
        return negative ? -v : v
    }

    /// Go's `time.ParseDuration` syntax: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`, or `0`.
    private static func isGoDuration(_ s: String) -> Bool {
        var rest = Substring(s)
        if rest.hasPrefix("-") || rest.hasPrefix("+") { rest = rest.dropFirst() }
        if rest == "0" { return true }
        if rest.isEmpty { return false }
        let units = ["ns", "us", "µs", "μs", "ms", "s", "m", "h"]
        while !rest.isEmpty {
            let num = rest.prefix { $0.isASCIIDigit || $0 == "." }
            if num.isEmpty || num == "." || num.filter({ $0 == "." }).count > 1 { return false }
            rest = rest.dropFirst(num.count)
            guard let unit = units.sorted(by: { $0.count > $1.count }).first(where: { rest.hasPrefix($0) }) else { return false }
            rest = rest.dropFirst(unit.count)
        }
        return true
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) && isASCII }
}
