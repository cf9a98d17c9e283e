import CommandLineKit
import ChartEngine
import StructuredData

/// `helmctl status RELEASE`: a release's status.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "display the status of the named release")

    @Argument(help: "RELEASE_NAME") var name: String
    @OptionGroup var cluster: ClusterFlags

    @Option(name: .customLong("revision"), help: "if set, display the status of the named release with revision")
    var revision: Int?

    @Option(name: [.customShort("o"), .customLong("output")], help: "prints the output in the specified format (table, json, yaml)")
    var output: ReleaseOutput = .table

    @Flag(name: .customLong("watch"), help: "after the status, show the release's resources, pods and Warning events live until interrupted (Ctrl-C)")
    var watch = false

    func run() throws {
        var (ctx, _) = try cluster.context()
        let r = try revision.map { try ctx.store.get(name, version: $0) } ?? ctx.store.last(name)
        if watch {
            // A live view on standard error (redrawn on a terminal, a line per change otherwise); it
            // ends with the process (Ctrl-C).
            ErrorReporting.writeStdout(ReleasePrinter.status(r, hideNotes: true))
            let printer = WaitProgressPrinter()
            printer.watching = true
            ctx.wait.progress = { printer.report($0) }
            try ctx.watchRelease(r) { false }
            return
        }
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
