/// Sprig v3.3.0's regex functions (`regex.go`) over Go's RE2 semantics (``GoRegexp``). The
/// non-`must` variants use `regexp.MustCompile`, which panics on a bad pattern; text/template reports
/// that panic as the function's error. `regexMatch` alone swallows the error and answers false.
extension FunctionRegistry {
    mutating func registerRegex() {
        register("regexMatch", [.string, .string]) { args, _ in
            guard let re = try? GoRegexp.compile(RegexSupport.str(args[0])) else { return .bool(false) }
            return .bool(re.firstMatch(in: RegexSupport.str(args[1])) != nil)
        }
        register("mustRegexMatch", [.string, .string]) { args, _ in
            .bool(try RegexSupport.compile(args[0], must: true).firstMatch(in: RegexSupport.str(args[1])) != nil)
        }
        for (name, must) in [("regexFind", false), ("mustRegexFind", true)] {
            register(name, [.string, .string]) { args, _ in
                let m = try RegexSupport.compile(args[0], must: must).firstMatch(in: RegexSupport.str(args[1]))
                return .string((m?[0] ?? nil) ?? "")
            }
        }
        for (name, must) in [("regexFindAll", false), ("mustRegexFindAll", true)] {
            register(name, [.string, .string, .int]) { args, _ in
                let re = try RegexSupport.compile(args[0], must: must)
                return .stringList(re.findAll(RegexSupport.str(args[1]), RegexSupport.int(args[2])))
            }
        }
        for (name, must, expand) in [
            ("regexReplaceAll", false, true), ("mustRegexReplaceAll", true, true),
            ("regexReplaceAllLiteral", false, false), ("mustRegexReplaceAllLiteral", true, false),
        ] {
            register(name, [.string, .string, .string]) { args, _ in
                let re = try RegexSupport.compile(args[0], must: must)
                return .string(re.replaceAll(RegexSupport.str(args[1]), RegexSupport.str(args[2]), expand: expand))
            }
        }
        for (name, must) in [("regexSplit", false), ("mustRegexSplit", true)] {
            register(name, [.string, .string, .int]) { args, _ in
                let re = try RegexSupport.compile(args[0], must: must)
                return .stringList(re.split(RegexSupport.str(args[1]), RegexSupport.int(args[2])) ?? [])
            }
        }
        register("regexQuoteMeta", [.string]) { args, _ in .string(GoRegexp.quoteMeta(RegexSupport.str(args[0]))) }
    }
}

enum RegexSupport {
    static func str(_ v: TemplateValue) -> String {
        if case .string(let s) = v { return s }
        return v.stringified
    }

    static func int(_ v: TemplateValue) -> Int { Int(clamping: v.castInt64) }

    /// `regexp.Compile` (must: the error as is) or `regexp.MustCompile` (its panic text).
    static func compile(_ pattern: TemplateValue, must: Bool) throws -> GoRegexp {
        let p = str(pattern)
        do { return try GoRegexp.compile(p) } catch {
            throw FunctionError(must ? error.message : GoRegexp.mustCompileMessage(p, error))
        }
    }
}
