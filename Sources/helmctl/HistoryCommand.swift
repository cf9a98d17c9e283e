import CommandLineKit
import ChartEngine
import StructuredData

/// `helmctl history RELEASE`: the revisions of a release.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "fetch release history",
                                                    aliases: ["hist"])

    @Argument(help: "RELEASE_NAME") var name: String
    @OptionGroup var cluster: ClusterFlags

    @Option(name: .customLong("max"), help: "maximum number of revision to include in history")
    var max = 256

    @Option(name: [.customShort("o"), .customLong("output")], help: "prints the output in the specified format (table, json, yaml)")
    var output: ReleaseOutput = .table

    func run() throws {
        let (ctx, _) = try cluster.context()
        var hist = try ctx.store.history(name)
        if hist.isEmpty { throw ChartEngineError(.io, "release: not found") }
        if hist.count > max { hist = Array(hist.suffix(max)) }
        switch output {
        case .table:
            var rows = [["REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION", "DESCRIPTION"]]
            for r in hist {
                rows.append([String(r.version), ReleaseTime.ansic(r.info.lastDeployed), r.info.status.rawValue,
                             r.chartLabel, r.appVersion, r.info.description])
            }
            ErrorReporting.writeStdout(ReleasePrinter.table(rows, maxColWidth: 60))
        default:
            let items: [Value] = hist.map { r in
                ["revision": .int(Int64(r.version)), "updated": .string(r.info.lastDeployed),
                 "status": .string(r.info.status.rawValue), "chart": .string(r.chartLabel),
                 "app_version": .string(r.appVersion), "description": .string(r.info.description)]
            }
            ErrorReporting.writeStdout(ReleasePrinter.encoded(.list(items), output))
        }
    }
}
