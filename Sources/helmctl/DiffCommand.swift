import CommandLineKit
import ChartEngine

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `helmctl diff upgrade|rollback`: preview what an operation would change, without changing anything.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff", abstract: "show what an upgrade or rollback would change",
        subcommands: [DiffUpgradeCommand.self, DiffRollbackCommand.self])
}

/// Output flags shared by the diff subcommands (helm-diff's names).
struct DiffOutputFlags: ParsableArguments {
    @Flag(name: .customLong("no-color"), help: "disable colour output (also off when stdout is not a terminal or NO_COLOR is set)")
    var noColor = false

    @Option(name: .customLong("context"), help: "lines of context around each change (negative: the whole object)")
    var context = 3

    @Flag(name: .customLong("show-secrets"), help: "show the values of Secrets instead of redacting them")
    var showSecrets = false

    @Flag(name: .customLong("suppress-secrets"), help: "redact the values of Secrets (the default; overrides --show-secrets)")
    var suppressSecrets = false

    @Flag(name: .customLong("detailed-exitcode"), help: "exit with code 2 when there are changes")
    var detailedExitCode = false

    var revealSecrets: Bool { showSecrets && !suppressSecrets }

    /// Prints the changes; exits 2 with `--detailed-exitcode` when there are any.
    func emit(_ changes: [ResourceChange]) {
        let colour = !noColor && isatty(1) == 1 && getenv("NO_COLOR") == nil
        ErrorReporting.writeStdout(changes.map { $0.rendered(context: context, colour: colour) }.joined())
        if detailedExitCode && !changes.isEmpty { terminate(2) }
    }
}

/// Ends the process with `code`.
private func terminate(_ code: Int32) -> Never { exit(code) }

/// `helmctl diff upgrade RELEASE CHART`: the changes `helmctl upgrade` with the same values would make.
struct DiffUpgradeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "upgrade", abstract: "show what an upgrade would change")

    @Argument(help: "RELEASE CHART")
    var arguments: [String] = []

    @OptionGroup var cluster: ClusterFlags
    @OptionGroup var valueFlags: ValuesFlags
    @OptionGroup var chartFlags: ChartPathFlags
    @OptionGroup var output: DiffOutputFlags

    @OptionGroup var reuse: ValuesReuseFlags

    @Flag(name: .customLong("skip-schema-validation"), help: "disable JSON schema validation")
    var skipSchemaValidation = false

    func run() throws {
        guard arguments.count == 2 else {
            throw ChartEngineError(.usage, "\"helmctl diff upgrade\" requires 2 arguments\n\nUsage:  helmctl diff upgrade [RELEASE] [CHART] [flags]")
        }
        let location = try ChartReference.locate(arguments[1], options: chartFlags.reference, paths: GlobalPaths.current())
        let values = try valueFlags.valueOptions.merged()
        let chart = try ChartReference.load(location)
        let (ctx, ns) = try cluster.context()
        var o = UpgradeOptions(releaseName: arguments[0], namespace: ns)
        reuse.configure(&o)
        o.skipSchemaValidation = skipSchemaValidation
        output.emit(try DiffAction.upgrade(ctx, chart: chart, values: values, options: o,
                                           showSecrets: output.revealSecrets))
    }
}

/// `helmctl diff rollback RELEASE [REVISION]`: the changes `helmctl rollback` would make.
struct DiffRollbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rollback", abstract: "show what a rollback would change")

    @Argument(help: "RELEASE [REVISION]")
    var arguments: [String] = []

    @OptionGroup var cluster: ClusterFlags
    @OptionGroup var output: DiffOutputFlags

    func run() throws {
        guard (1...2).contains(arguments.count) else {
            throw ChartEngineError(.usage, "\"helmctl diff rollback\" requires at least 1 argument\n\nUsage:  helmctl diff rollback <RELEASE> [REVISION] [flags]")
        }
        var o = RollbackOptions(releaseName: arguments[0])
        if arguments.count == 2 { o.version = try RollbackCommand.revision(arguments[1]) }
        let (ctx, _) = try cluster.context()
        output.emit(try DiffAction.rollback(ctx, options: o, showSecrets: output.revealSecrets))
    }
}
