import CommandLineKit
import ChartEngine

/// `helmctl rollback RELEASE [REVISION]`: roll a release back to a previous revision.
struct RollbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rollback", abstract: "roll back a release to a previous revision")

    @Argument(help: "RELEASE [REVISION]")
    var arguments: [String] = []

    @OptionGroup var cluster: ClusterFlags
    @OptionGroup var wait: WaitFlags

    @Flag(name: .customLong("no-hooks"), help: "prevent hooks from running during rollback")
    var noHooks = false

    @Flag(name: .customLong("dry-run"), help: "simulate a rollback")
    var dryRun = false

    @Option(name: .customLong("timeout"), help: "time to wait for any individual Kubernetes operation")
    var timeout = "5m0s"

    @Flag(name: .customLong("force-conflicts"), help: "if set server-side apply will force changes against conflicts")
    var forceConflicts = false

    @Option(name: .customLong("server-side"), help: "object updates run in the server instead of the client (true, false, auto: as the revision rolled back to)")
    var serverSide = "auto"

    @Option(name: .customLong("history-max"), help: "limit the maximum number of revisions saved per release")
    var historyMax: Int?

    func run() throws {
        guard (1...2).contains(arguments.count) else {
            throw ChartEngineError(.usage, "\"helmctl rollback\" requires at least 1 argument\n\nUsage:  helmctl rollback <RELEASE> [REVISION] [flags]")
        }
        try wait.check()
        var o = RollbackOptions(releaseName: arguments[0])
        if arguments.count == 2 { o.version = try Self.revision(arguments[1]) }
        o.noHooks = noHooks
        o.dryRun = dryRun
        o.historyMax = historyMax ?? defaultHistoryMax()
        o.serverSide = serverSide
        _ = try ServerSideFlag.resolve(serverSide, previousApplyMethod: "")
        var (ctx, _) = try cluster.context()
        ctx.timeoutSeconds = try parseDuration(timeout)
        try wait.configure(&ctx)
        ctx.forceConflicts = forceConflicts
        _ = try RollbackAction.run(ctx, options: o)
        ErrorReporting.writeStdout("Rollback was a success! Happy Helming!\n")
    }

    /// The REVISION argument, with Go's `strconv.Atoi` wording on failure.
    static func revision(_ s: String) throws -> Int {
        guard let v = Int(s) else {
            throw ChartEngineError(.usage, "could not convert revision to a number: strconv.Atoi: parsing \"\(s)\": invalid syntax")
        }
        return v
    }
}
