import CommandLineKit
import ChartEngine

/// `helmctl show chart|values|readme|crds|all CHART` for chart directories and archives.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show information of a chart.",
        subcommands: [ShowAllCommand.self, ShowChartCommand.self, ShowValuesCommand.self, ShowReadmeCommand.self,
                      ShowCRDsCommand.self],
        aliases: ["inspect"])
}

/// One `show` subcommand. Concrete types, not one generic command: instantiating generic metadata
/// by name checks its requirements with runtime conformance scans, and the root's lookup of any
/// command listed after `show` builds this configuration.
protocol ShowPartCommand: ParsableCommand {
    static var format: ShowAction.Format { get }
    static var abstract: String { get }
    var chart: [String] { get }
    var chartFlags: ChartPathFlags { get }
}

extension ShowPartCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: format.rawValue, abstract: abstract)
    }

    func run() throws {
        guard chart.count == 1 else {
            throw ChartEngineError(.usage, "\"helmctl show \(Self.format.rawValue)\" requires 1 argument\n\n"
                + "Usage:  helmctl show \(Self.format.rawValue) [CHART] [flags]")
        }
        // cobra prints the action's output with Fprint (no extra newline).
        let loaded = try ChartReference.load(chart[0], options: chartFlags.reference, paths: GlobalPaths.current())
        ErrorReporting.writeStdout(ShowAction.show(loaded, format: Self.format))
    }
}

struct ShowAllCommand: ShowPartCommand {
    static let format = ShowAction.Format.all
    static let abstract = "show all information of the chart"
    @Argument(help: "CHART") var chart: [String] = []
    @OptionGroup var chartFlags: ChartPathFlags
}

struct ShowChartCommand: ShowPartCommand {
    static let format = ShowAction.Format.chart
    static let abstract = "show the chart's definition"
    @Argument(help: "CHART") var chart: [String] = []
    @OptionGroup var chartFlags: ChartPathFlags
}

struct ShowValuesCommand: ShowPartCommand {
    static let format = ShowAction.Format.values
    static let abstract = "show the chart's values"
    @Argument(help: "CHART") var chart: [String] = []
    @OptionGroup var chartFlags: ChartPathFlags
}

struct ShowReadmeCommand: ShowPartCommand {
    static let format = ShowAction.Format.readme
    static let abstract = "show the chart's README"
    @Argument(help: "CHART") var chart: [String] = []
    @OptionGroup var chartFlags: ChartPathFlags
}

struct ShowCRDsCommand: ShowPartCommand {
    static let format = ShowAction.Format.crds
    static let abstract = "show the chart's CRDs"
    @Argument(help: "CHART") var chart: [String] = []
    @OptionGroup var chartFlags: ChartPathFlags
}
