/// Helm's `LocateChart` for charts given on the command line, offline: local paths only.
public enum ChartLocator {
    /// Returns `name` when it exists on disk; otherwise fails as Helm does before it would try a
    /// repository (`path "./x" not found`, `repo x not found`, or the form error for bare names).
    public static func locate(_ name: String) throws -> String {
        if FileSystem.kind(of: name) != .missing { return name }
        if name.hasPrefix("/") || name.hasPrefix(".") {
            throw ChartEngineError(.chartNotFound, "path \"\(name)\" not found")
        }
        if let slash = name.firstIndex(of: "/") {
            throw ChartEngineError(.chartNotFound, "repo \(name[..<slash]) not found")
        }
        throw ChartEngineError(.chartNotFound,
                               "non-absolute URLs should be in form of repo_name/path_to_chart, got: \(name)")
    }
}
