import Templating

/// A FunctionEnvironment for calling the funcs-b library functions directly: fixed clock and seeded
/// randomness.
final class FuncsBEnvironment: FunctionEnvironment {
    let clock: any TemplateClock
    let random: RandomSource
    var userState: [String: Int] = [:]
    var hostContext: (any Sendable)? { nil }

    init(now: TemplateTime = TemplateTime(seconds: 1_709_596_800), seed: UInt64 = 42) {
        clock = FixedClock(now)
        random = RandomSource(seed: seed)
    }

    func executeTemplate(named name: String, data: TemplateValue) throws -> String { "" }
    func executeText(_ text: String, name: String, data: TemplateValue) throws -> String { "" }
}

/// Calls a registered function's body directly.
func callB(_ name: String, _ args: TemplateValue..., env: FuncsBEnvironment = FuncsBEnvironment()) throws
    -> TemplateValue
{
    guard let f = FunctionRegistry.standard[name] else { throw FunctionError("no function \(name)") }
    return try f.body(args, env)
}

/// The error message a call throws, or nil when it succeeds.
func callBError(_ name: String, _ args: TemplateValue...) -> String? {
    guard let f = FunctionRegistry.standard[name] else { return "no function \(name)" }
    do {
        _ = try f.body(args, FuncsBEnvironment())
        return nil
    } catch let e as FunctionError {
        return e.message
    } catch {
        return "\(error)"
    }
}

extension TemplateValue {
    static func s(_ x: String) -> TemplateValue { .string(x) }
    static func i(_ x: Int) -> TemplateValue { .int(x) }
    static func l(_ xs: TemplateValue...) -> TemplateValue { .list(xs, .any) }
    static func d(_ pairs: KeyValuePairs<String, TemplateValue>) -> TemplateValue {
        .map(MapRef(Dictionary(uniqueKeysWithValues: pairs.map { ($0.key, $0.value) })))
    }
}
