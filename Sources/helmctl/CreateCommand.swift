import CommandLineKit
import ChartEngine

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `helmctl create NAME [-p STARTER] [--chart-api-version v2|v3]`: scaffold a chart as `helm create` does.
struct CreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "create a new chart with the given name")

    @Argument(help: "NAME")
    var arguments: [String] = []

    @Option(name: [.customShort("p"), .customLong("starter")], help: "the name or absolute path to Helm starter scaffold")
    var starter: String = ""

    /// Hidden unless Helm's experimental gate `HELM_EXPERIMENTAL_CHART_V3` is set, as in Helm.
    @Option(name: .customLong("chart-api-version"),
            help: ArgumentHelp("chart API version to use (v2 or v3)",
                               visibility: CreateCommand.chartV3Enabled ? .default : .hidden))
    var chartAPIVersion: String = "v2"

    /// `gates.ChartV3.IsEnabled()`: the variable is set and not empty.
    static var chartV3Enabled: Bool {
        guard let v = getenv("HELM_EXPERIMENTAL_CHART_V3") else { return false }
        return v.pointee != 0
    }

    func run() throws {
        guard arguments.count == 1 else {
            throw ChartEngineError(.usage, "\"helmctl create\" requires 1 argument\n\nUsage:  helmctl create NAME [flags]")
        }
        var out = ""
        defer { ErrorReporting.writeStdout(out) }
        try CreateAction.run(name: arguments[0], starter: starter, starterDirectory: Self.startersDirectory(),
                             chartAPIVersion: chartAPIVersion, chartV3Enabled: Self.chartV3Enabled, output: &out)
    }

    /// Helm's `helmpath.DataPath("starters")`: `$HELM_DATA_HOME`, else `$XDG_DATA_HOME/helm`, else
    /// `~/.local/share/helm`, then `/starters`.
    static func startersDirectory() -> String {
        func env(_ name: String) -> String? {
            guard let v = getenv(name) else { return nil }
            let s = String(cString: v)
            return s.isEmpty ? nil : s
        }
        if let d = env("HELM_DATA_HOME") { return d + "/starters" }
        if let x = env("XDG_DATA_HOME") { return x + "/helm/starters" }
        return (env("HOME") ?? "") + "/.local/share/helm/starters"
    }
}
