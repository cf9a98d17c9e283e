import CommandLineKit
import ChartEngine
import StructuredData

/// `helmctl install [NAME] CHART`: install a chart as a release on the cluster.
struct InstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "install", abstract: "install a chart")

    @Argument(help: "[NAME] CHART")
    var arguments: [String] = []

    @OptionGroup var cluster: ClusterFlags
    @OptionGroup var valueFlags: ValuesFlags
    @OptionGroup var chartFlags: ChartPathFlags
    @OptionGroup var common: ReleaseWriteFlags

    @Flag(name: [.customShort("g"), .customLong("generate-name")], help: "generate the name (and omit the NAME parameter)")
    var generateName = false

    @Flag(name: .customLong("create-namespace"), help: "create the release namespace if not present")
    var createNamespace = false

    @Flag(name: .customLong("replace"), help: "reuse the given name, only if that name is a deleted release")
    var replace = false

    func run() throws {
        let (name, chartRef) = try nameAndChart()
        try common.checkSupported()
        let location = try ChartReference.locate(chartRef, options: chartFlags.reference, paths: GlobalPaths.current())
        let early = cluster.earlyContext(release: name, offline: (try? common.dryRunMode()) == "client")
        let values = try valueFlags.valueOptions.merged()
        let chart = try ChartReference.load(location)
        let (ctx0, ns) = try early.get()
        var ctx = ctx0
        ctx.timeoutSeconds = try parseDuration(common.timeout)
        ctx.forceConflicts = common.forceConflicts
        // Install has no previous release: `auto` is server-side, Helm v4's install default.
        ctx.serverSide = try ServerSideFlag.resolve(common.serverSide, previousApplyMethod: "ssa")
        try common.wait.configure(&ctx, rollbackOnFailure: common.rollbackOnFailure)
        var o = InstallOptions(releaseName: name, namespace: ns)
        o.createNamespace = createNamespace
        o.dryRun = try common.dryRunMode()
        o.description = common.description
        o.labels = try parseLabels(common.labels)
        o.skipCRDs = common.skipCRDs
        o.noHooks = common.noHooks
        o.skipSchemaValidation = common.skipSchemaValidation
        o.replace = replace
        o.takeOwnership = common.takeOwnership
        let r: Release
        r = try common.install(ctx, chart: chart, values: values, options: o)
        ErrorReporting.writeStdout(common.render(r, debug: cluster.debug))
    }

    /// Helm's `nameAndChart` for install: `NAME CHART`, or `CHART` with `--generate-name`.
    func nameAndChart() throws -> (String, String) {
        if arguments.count == 2 {
            if generateName { throw ChartEngineError(.usage, "cannot set --generate-name and also specify a name") }
            return (arguments[0], arguments[1])
        }
        if arguments.count == 1 && generateName {
            var base = String(arguments[0].split(separator: "/").last ?? "")
            if base == "." || base.isEmpty { base = "chart" }
            if let dot = base.firstIndex(of: ".") { base = String(base[..<dot]) }
            return ("\(base)-\(ReleaseTime.unixNow())", arguments[0])
        }
        if arguments.count == 1 { throw ChartEngineError(.usage, "must either provide a name or specify --generate-name") }
        throw ChartEngineError(.usage, "\"helmctl install\" requires at least 1 argument\n\nUsage:  helmctl install [NAME] [CHART] [flags]")
    }
}

/// Flags shared by install and upgrade.
struct ReleaseWriteFlags: ParsableArguments {
    @Flag(name: [.customLong("rollback-on-failure"), .customLong("atomic")],
          help: "if set, a failed install uninstalls the release and a failed upgrade rolls back")
    var rollbackOnFailure = false

    @Option(name: .customLong("server-side"), help: "object updates run in the server instead of the client (true, false, auto)")
    var serverSide = "auto"

    @OptionGroup var wait: WaitFlags

    /// Checks the flags helmctl accepts but cannot honour yet.
    func checkSupported() throws {
        try wait.check()
        _ = try ServerSideFlag.resolve(serverSide, previousApplyMethod: "ssa")
    }

    @Option(name: .customLong("dry-run"), bareValue: "client", help: "simulate an install: none, client or server")
    var dryRun: String?

    @Option(name: .customLong("description"), help: "add a custom description")
    var description = ""

    @Option(name: [.customShort("l"), .customLong("labels")], help: "labels added to release metadata")
    var labels: [String] = []

    @Flag(name: .customLong("skip-crds"), help: "if set, no CRDs will be installed")
    var skipCRDs = false

    @Flag(name: .customLong("no-hooks"), help: "prevent hooks from running")
    var noHooks = false

    @Flag(name: .customLong("skip-schema-validation"), help: "if set, disables JSON schema validation")
    var skipSchemaValidation = false

    @Flag(name: .customLong("force-conflicts"), help: "if set server-side apply will force changes against conflicts")
    var forceConflicts = false

    @Option(name: .customLong("timeout"), help: "time to wait for any individual Kubernetes operation (like Jobs for hooks)")
    var timeout = "5m0s"

    @Option(name: [.customShort("o"), .customLong("output")], help: "prints the output in the specified format (table, json, yaml)")
    var output: ReleaseOutput = .table

    /// Runs the install, uninstalling on failure with `--rollback-on-failure`; errors are worded as Helm's.
    func install(_ ctx: ReleaseContext, chart: Chart, values: [String: Value], options o: InstallOptions) throws -> Release {
        do {
            return try InstallAction.run(ctx, chart: chart, values: values, options: o)
        } catch {
            let message = ReleaseContext.message(error)
            if rollbackOnFailure && o.dryRun == "none" && (try? ctx.store.history(o.releaseName).isEmpty) == false {
                do {
                    _ = try UninstallAction.run(ctx, options: UninstallOptions(releaseName: o.releaseName))
                } catch {
                    throw ChartEngineError(.io, "INSTALLATION FAILED: an error occurred while uninstalling the release. "
                        + "original install error: \(message): \(ReleaseContext.message(error))")
                }
                throw ChartEngineError(.io, "INSTALLATION FAILED: release \(o.releaseName) failed, and has been "
                    + "uninstalled due to rollback-on-failure being set: \(message)")
            }
            throw ChartEngineError(.io, "INSTALLATION FAILED: " + message)
        }
    }

    /// `--dry-run` alone means `client`; `true`/`false` are Helm's deprecated spellings.
    func dryRunMode() throws -> String {
        guard let d = dryRun else { return "none" }
        switch d {
        case "", "client", "true": return "client"
        case "server": return "server"
        case "none", "false": return "none"
        default: throw ChartEngineError(.usage, "invalid dry-run value (\(d)). Must be \"none\", \"server\", or \"client\"")
        }
    }

    @Flag(name: .customLong("take-ownership"), help: "if set, ignore the ownership check and take ownership of existing resources")
    var takeOwnership = false

    @Flag(name: .customLong("hide-notes"), help: "if set, do not show notes in install output")
    var hideNotes = false

    /// Status text (HOOKS/MANIFEST included on dry runs) or the release as JSON/YAML.
    func render(_ r: Release, debug: Bool = false) -> String {
        if output != .table { return ReleasePrinter.encoded(r.json, output) }
        return ReleasePrinter.status(r, debug: debug, hideNotes: hideNotes)
    }
}

/// Helm v4's `--wait[=watcher|legacy|hookOnly]` (a bare `--wait` is `watcher`;
/// `true`/`false` are Helm's deprecated spellings) and `--wait-for-jobs`.
struct WaitFlags: ParsableArguments {
    @Option(name: .customLong("wait"), bareValue: "watcher", help: "wait strategy: watcher (kstatus, the default of a bare --wait), legacy (Helm 3's rules) or hookOnly (only hooks; the default)")
    var wait = "hookOnly"

    @Flag(name: .customLong("wait-for-jobs"), help: "with --wait, also wait until all Jobs have completed")
    var waitForJobs = false

    func check() throws { _ = try strategy() }

    func strategy() throws -> WaitStrategy {
        switch wait {
        case "hookOnly", "false": return .hookOnly
        case "watcher", "true": return .watcher
        case "legacy": return .legacy
        default:
            throw ChartEngineError(.usage, "invalid wait strategy \"\(wait)\": must be watcher, legacy or hookOnly")
        }
    }

    /// Sets the context's wait strategy and progress reporting; `rollbackOnFailure` implies `watcher`
    /// when no strategy was asked for (Helm v4).
    func configure(_ ctx: inout ReleaseContext, rollbackOnFailure: Bool = false) throws {
        var s = try strategy()
        if rollbackOnFailure && s == .hookOnly { s = .watcher }
        ctx.wait.strategy = s
        ctx.wait.waitForJobs = waitForJobs
        if s != .hookOnly {
            let printer = WaitProgressPrinter()
            ctx.wait.progress = { printer.report($0) }
        }
    }
}

