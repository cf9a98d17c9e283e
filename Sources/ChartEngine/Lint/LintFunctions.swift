import Templating

extension HelmFunctions {
    /// The functions as Helm's engine has them in lint mode (`Engine.LintMode`): `required` and
    /// `fail` log instead of failing and yield an empty string, so one missing value does not hide
    /// every other finding.
    static let lintRegistry: FunctionRegistry = {
        var r = registry
        r.register("required", [.string, .any]) { args, _ in
            switch args[1] {
            case .null, .invalid: return .string("")
            case .string(let s) where s.isEmpty: return .string("")
            default: return args[1]
            }
        }
        r.register("fail", [.string]) { _, _ in .string("") }
        return r
    }()
}
