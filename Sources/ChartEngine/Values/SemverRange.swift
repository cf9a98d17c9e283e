import Templating

/// Helm's `IsCompatibleRange(constraint, version)`: true when both parse and the version satisfies the
/// constraint (Masterminds semver), false otherwise — including for an empty constraint.
enum SemverRange {
    static func isCompatible(_ constraint: String, _ version: String) -> Bool {
        // The template library's `semverCompare` is Masterminds' NewConstraint + NewVersion + Check.
        guard let compare = FunctionRegistry.standard["semverCompare"] else { return false }
        guard let result = try? compare.body([.string(constraint), .string(version)], DetachedEnvironment()),
              case .bool(let ok) = result
        else { return false }
        return ok
    }
}

/// A function environment for calling library functions outside a template execution.
final class DetachedEnvironment: FunctionEnvironment {
    var clock: any TemplateClock { FixedClock(TemplateTime(seconds: 0)) }
    let random = RandomSource(seed: 0)
    var userState: [String: Int] = [:]
    var hostContext: (any Sendable)? { nil }
    func executeTemplate(named name: String, data: TemplateValue) throws -> String {
        throw FunctionError("no template set")
    }
    func executeText(_ text: String, name: String, data: TemplateValue) throws -> String {
        throw FunctionError("no template set")
    }
}
