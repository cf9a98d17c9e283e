import ArgumentParser
import ChartEngine

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `helmctl create NAME [-p STARTER]`: scaffold a chart as `helm create` does.
struct CreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "create a new chart with the given name")

    @Argument(help: "NAME")
    var arguments: [String] = []

    @Option(name: [.customShort("p"), .long], help: "the name or absolute path to Helm starter scaffold")
    var starter: String = ""

    @Option(name: .customLong("chart-api-version"), help: "chart API version to use (v2 or v3)")
    var chartAPIVersion: String = "v2"

    func run() throws {
        guard arguments.count == 1 else {
            throw ChartEngineError(.usage, "\"helmctl create\" requires 1 argument\n\nUsage:  helmctl create NAME [flags]")
        }
        var out = ""
        defer { ErrorReporting.writeStdout(out) }
        if chartAPIVersion != "v2" && !chartAPIVersion.isEmpty {
            out += "Creating \(arguments[0])\n"
            if chartAPIVersion == "v3" {
                throw ChartEngineError(.usage, "chart API version v3 is not supported by helmctl yet")
            }
            throw ChartEngineError(.usage, "unsupported chart API version: \(chartAPIVersion) (supported: v2, v3)")
        }
        try CreateAction.run(name: arguments[0], starter: starter, starterDirectory: Self.startersDirectory(),
                             output: &out)
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
