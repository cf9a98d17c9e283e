import CommandLineKit
import ChartEngine

/// `helmctl test RELEASE`: run the release's test hooks.
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "test", abstract: "run tests for a release")

    @Argument(help: "RELEASE") var name: String
    @OptionGroup var cluster: ClusterFlags

    @Option(name: .customLong("timeout"), help: "time to wait for any individual Kubernetes operation")
    var timeout = "5m0s"

    @Option(name: .customLong("filter"), help: "specify tests by attribute (currently \"name\") using attribute=value syntax or '!attribute=value' to exclude a test")
    var filter: [String] = []

    @Flag(name: .customLong("hide-notes"), help: "if set, do not show notes in test output")
    var hideNotes = false

    func run() throws {
        var (ctx, _) = try cluster.context()
        ctx.timeoutSeconds = try parseDuration(timeout)
        let r = try ReleaseTestAction.run(ctx, name: name, filters: filter.flatMap { $0.split(separator: ",").map(String.init) })
        ErrorReporting.writeStdout(ReleasePrinter.status(r, hideNotes: hideNotes))
    }
}
