import ArgumentParser
import ChartEngine

/// `helmctl status RELEASE`: a release's status.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "display the status of the named release")

    @Argument(help: "RELEASE_NAME") var name: String
    @OptionGroup var cluster: ClusterFlags

    @Option(name: .customLong("revision"), help: "if set, display the status of the named release with revision")
    var revision: Int?

    @Flag(name: .customLong("show-desc"), help: "show the description message of the named release")
    var showDescription = false

    @Option(name: [.short, .long], help: "prints the output in the specified format (table, json, yaml)")
    var output: ReleaseOutput = .table

    func run() throws {
        let (ctx, _) = try cluster.context()
        let r = try revision.map { try ctx.store.get(name, version: $0) } ?? ctx.store.last(name)
        if output == .table {
            ErrorReporting.writeStdout(ReleasePrinter.status(r, showDescription: showDescription))
        } else {
            ErrorReporting.writeStdout(ReleasePrinter.encoded(r.json, output))
        }
    }
}
