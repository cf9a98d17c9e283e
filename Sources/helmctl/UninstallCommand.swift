import CommandLineKit
import ChartEngine

/// `helmctl uninstall RELEASE...`: remove releases and their resources.
struct UninstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "uninstall", abstract: "uninstall a release",
                                                    aliases: ["un", "del", "delete"])

    @Argument(help: "RELEASE_NAME...")
    var names: [String] = []

    @OptionGroup var cluster: ClusterFlags
    @OptionGroup var wait: WaitFlags

    @Flag(name: .customLong("keep-history"), help: "remove all associated resources and mark the release as deleted, but retain the release history")
    var keepHistory = false

    @Flag(name: .customLong("no-hooks"), help: "prevent hooks from running during uninstallation")
    var noHooks = false

    @Flag(name: .customLong("dry-run"), help: "simulate a uninstall")
    var dryRun = false

    @Flag(name: .customLong("ignore-not-found"), help: "treat \"release not found\" as a successful uninstall")
    var ignoreNotFound = false

    @Option(name: .customLong("cascade"), help: "background, orphan or foreground")
    var cascade = "background"

    @Option(name: .customLong("description"), help: "add a custom description")
    var description = ""

    @Option(name: .customLong("timeout"), help: "time to wait for any individual Kubernetes operation")
    var timeout = "5m0s"

    func run() throws {
        guard !names.isEmpty else {
            throw ChartEngineError(.usage, "\"helmctl uninstall\" requires at least 1 argument\n\nUsage:  helmctl uninstall RELEASE_NAME [...] [flags]")
        }
        guard ["background", "orphan", "foreground"].contains(cascade) else {
            throw ChartEngineError(.usage, "invalid cascade value (\(cascade)). Must be \"background\", \"foreground\", or \"orphan\"")
        }
        try wait.check()
        var (ctx, _) = try cluster.context()
        ctx.timeoutSeconds = try parseDuration(timeout)
        try wait.configure(&ctx)
        for name in names {
            var o = UninstallOptions(releaseName: name)
            o.keepHistory = keepHistory
            o.noHooks = noHooks
            o.dryRun = dryRun
            o.ignoreNotFound = ignoreNotFound
            o.cascade = cascade
            o.description = description
            let res = try UninstallAction.run(ctx, options: o)
            var out = ""
            // Helm prints its Info (ending in a newline) with Println, so a blank line follows it; the
            // last line comes also for a release --ignore-not-found skipped.
            if !res.kept.isEmpty {
                out += "These resources were kept due to the resource policy:\n" + res.kept.map { $0 + "\n" }.joined() + "\n"
            }
            out += "release \"\(name)\" uninstalled\n"
            ErrorReporting.writeStdout(out)
        }
    }
}
