import ArgumentParser
import ChartEngine
import StructuredData

/// `helmctl status RELEASE`: a release's status.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "display the status of the named release")

    @Argument(help: "RELEASE_NAME") var name: String
    @OptionGroup var cluster: ClusterFlags

    @Option(name: .customLong("revision"), help: "if set, display the status of the named release with revision")
    var revision: Int?

    @Option(name: [.short, .long], help: "prints the output in the specified format (table, json, yaml)")
    var output: ReleaseOutput = .table

    func run() throws {
        let (ctx, _) = try cluster.context()
        let r = try revision.map { try ctx.store.get(name, version: $0) } ?? ctx.store.last(name)
        if output == .table {
            // Helm v4 shows the live resources in table output.
            let resources = (try? ctx.resourcesSection(r)) ?? ""
            ErrorReporting.writeStdout(ReleasePrinter.status(r, resources: resources))
        } else {
            // Helm strips the chart from `status` output.
            var json = r.json
            if case .map(var m) = json { m["chart"] = nil; json = .map(m) }
            ErrorReporting.writeStdout(ReleasePrinter.encoded(json, output))
        }
    }
}
