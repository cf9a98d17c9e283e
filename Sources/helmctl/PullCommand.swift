import CommandLineKit
import ChartEngine

/// `helmctl pull CHART…` (alias `fetch`): downloads chart archives from repositories.
struct PullCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull", abstract: "download a chart from a repository and (optionally) unpack it in local directory",
        aliases: ["fetch"])

    @Argument(help: "[chart URL | repo/chartname] [...]")
    var charts: [String] = []

    @Option(name: [.customShort("d"), .customLong("destination")], help: "location to write the chart. If this and untardir are specified, untardir is appended to this")
    var destination = "."

    @Flag(name: .customLong("untar"), help: "if set to true, will untar the chart after downloading it")
    var untar = false

    @Option(name: .customLong("untardir"), help: "if untar is specified, this flag specifies the name of the directory into which the chart is expanded")
    var untarDir = "."

    @Flag(name: .customLong("prov"), help: "fetch the provenance file, but don't perform verification")
    var prov = false

    @OptionGroup var chartFlags: ChartPathFlags

    func run() throws {
        if charts.isEmpty {
            throw CobraArgs.atLeast(1, "pull", use: "pull [chart URL | repo/chartname] [...]")
        }
        var o = PullAction.Options()
        o.version = chartFlags.version
        o.devel = chartFlags.devel
        o.repoURL = chartFlags.repo
        o.destination = destination
        o.untar = untar
        o.untarDir = untarDir
        o.http = chartFlags.http
        o.verify = chartFlags.verify
        o.prov = prov
        o.keyring = chartFlags.keyring.isEmpty ? DefaultKeyring.path() : chartFlags.keyring
        o.plainHTTP = chartFlags.plainHTTP
        // OCI pulls report through Helm's registry client, which writes to stderr; verification
        // reports go to stdout as Helm prints them.
        o.registryOutput = { ErrorReporting.writeStderr($0) }
        let paths = GlobalPaths.current()
        for chart in charts {
            ErrorReporting.writeStdout(try PullAction.run(chart, options: o, paths: paths))
        }
    }
}
