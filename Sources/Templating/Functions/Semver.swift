/// Sprig v3.3.0's `semver` and `semverCompare` (`semver.go`), over Masterminds/semver v3.
extension FunctionRegistry {
    mutating func registerSemver() {
        register("semver", [.string]) { args, _ in
            .object(try SemverVersion.parse(RegexSupport.str(args[0])))
        }
        register("semverCompare", [.string, .string]) { args, _ in
            let constraints = try SemverConstraints.parse(RegexSupport.str(args[0]))
            let version = try SemverVersion.parse(RegexSupport.str(args[1]))
            return .bool(constraints.check(version))
        }
    }
}
