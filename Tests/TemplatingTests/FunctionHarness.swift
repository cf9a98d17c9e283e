import StructuredData
import Templating

/// Calls registered template functions directly, as the executor would after converting arguments.
final class TestEnvironment: FunctionEnvironment {
    let clock: any TemplateClock = FixedClock(TemplateTime(seconds: 1_700_000_000))
    let random: RandomSource
    var userState: [String: Int] = [:]
    var hostContext: (any Sendable)? { nil }

    init(seed: UInt64 = 42) { random = RandomSource(seed: seed) }

    func executeTemplate(named name: String, data: TemplateValue) throws -> String {
        throw FunctionError("no templates in the function harness")
    }

    func executeText(_ text: String, name: String, data: TemplateValue) throws -> String {
        throw FunctionError("no templates in the function harness")
    }
}

enum Harness {
    /// Invokes `name` from the standard registry with already-typed arguments.
    static func call(_ name: String, _ args: [TemplateValue], env: TestEnvironment = TestEnvironment()) throws
        -> TemplateValue
    {
        guard let f = FunctionRegistry.standard[name] else { throw FunctionError("no function \(name)") }
        return try f.body(args, env)
    }

    /// The `%v` text of the result (what a template would print), or `ERR: message`.
    static func text(_ name: String, _ args: [TemplateValue], env: TestEnvironment = TestEnvironment()) -> String {
        do {
            return try call(name, args, env: env).goString
        } catch let e as FunctionError {
            return "ERR: " + e.message
        } catch {
            return "ERR: \(error)"
        }
    }
}

/// Shorthands for typed arguments.
func s(_ v: String) -> TemplateValue { .string(v) }
func i(_ v: Int) -> TemplateValue { .int(v) }
func i64(_ v: Int64) -> TemplateValue { .int64(v) }
func f(_ v: Double) -> TemplateValue { .float(v) }
func b(_ v: Bool) -> TemplateValue { .bool(v) }
let null = TemplateValue.null
func list(_ v: TemplateValue...) -> TemplateValue { .list(v) }

/// One table row: call `name` with `args`; the printed (`%v`) result must equal `want`
/// (`ERR: message` for a function error).
struct Call: Sendable, CustomStringConvertible {
    let name: String
    let args: [TemplateValue]
    let want: String

    init(_ name: String, _ args: [TemplateValue], _ want: String) {
        self.name = name
        self.args = args
        self.want = want
    }

    var description: String { "\(name) \(args.map(\.goString).joined(separator: " ")) → \(want)" }
}
