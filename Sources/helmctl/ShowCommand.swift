import CommandLineKit
import ChartEngine

/// `helmctl show chart|values|readme|crds|all CHART` for chart directories and archives.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show information of a chart.",
        subcommands: [ShowPart<AllPart>.self, ShowPart<ChartPart>.self, ShowPart<ValuesPart>.self,
                      ShowPart<ReadmePart>.self, ShowPart<CRDsPart>.self],
        aliases: ["inspect"])
}

protocol ShowPartKind {
    static var format: ShowAction.Format { get }
    static var abstract: String { get }
}

enum AllPart: ShowPartKind {
    static let format = ShowAction.Format.all
    static let abstract = "show all information of the chart"
}

enum ChartPart: ShowPartKind {
    static let format = ShowAction.Format.chart
    static let abstract = "show the chart's definition"
}

enum ValuesPart: ShowPartKind {
    static let format = ShowAction.Format.values
    static let abstract = "show the chart's values"
}

enum ReadmePart: ShowPartKind {
    static let format = ShowAction.Format.readme
    static let abstract = "show the chart's README"
}

enum CRDsPart: ShowPartKind {
    static let format = ShowAction.Format.crds
    static let abstract = "show the chart's CRDs"
}

struct ShowPart<Kind: ShowPartKind>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: Kind.format.rawValue, abstract: Kind.abstract)
    }

    @Argument(help: "CHART")
    var chart: [String] = []

    @OptionGroup var chartFlags: ChartPathFlags

    func run() throws {
        guard chart.count == 1 else {
            throw ChartEngineError(.usage, "\"helmctl show \(Kind.format.rawValue)\" requires 1 argument\n\n"
                + "Usage:  helmctl show \(Kind.format.rawValue) [CHART] [flags]")
        }
        // cobra prints the action's output with Fprint (no extra newline).
        let loaded = try ChartReference.load(chart[0], options: chartFlags.reference, paths: GlobalPaths.current())
        ErrorReporting.writeStdout(ShowAction.show(loaded, format: Kind.format))
    }
}
