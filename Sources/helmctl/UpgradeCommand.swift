import CommandLineKit
import ChartEngine
import StructuredData

/// `helmctl upgrade RELEASE CHART`: upgrade a release to a new chart or values.
struct UpgradeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "upgrade", abstract: "upgrade a release")

    @Argument(help: "RELEASE CHART")
    var arguments: [String] = []

    @OptionGroup var cluster: ClusterFlags
    @OptionGroup var valueFlags: ValuesFlags
    @OptionGroup var chartFlags: ChartPathFlags
    @OptionGroup var common: ReleaseWriteFlags

    @Flag(name: [.customShort("i"), .customLong("install")], help: "if a release by this name doesn't already exist, run an install")
    var install = false

    @Flag(name: .customLong("create-namespace"), help: "if --install is set, create the release namespace if not present")
    var createNamespace = false

    @OptionGroup var reuse: ValuesReuseFlags

    @Flag(name: .customLong("cleanup-on-fail"), help: "allow deletion of new resources created in this upgrade when upgrade fails")
    var cleanupOnFail = false

    @Option(name: .customLong("history-max"), help: "limit the maximum number of revisions saved per release")
    var historyMax: Int?

    func run() throws {
        guard arguments.count == 2 else {
            throw ChartEngineError(.usage, "\"helmctl upgrade\" requires 2 arguments\n\nUsage:  helmctl upgrade [RELEASE] [CHART] [flags]")
        }
        let name = arguments[0]
        try common.checkSupported()
        let location = try ChartReference.locate(arguments[1], options: chartFlags.reference, paths: GlobalPaths.current())
        let early = cluster.earlyContext(release: name, offline: false)
        let values = try valueFlags.valueOptions.merged()
        let chart = try ChartReference.load(location)
        let (ctx0, ns) = try early.get()
        var ctx = ctx0
        ctx.timeoutSeconds = try parseDuration(common.timeout)
        ctx.forceConflicts = common.forceConflicts
        try common.wait.configure(&ctx, rollbackOnFailure: common.rollbackOnFailure)
        let history = try ctx.store.history(name)
        let previousMethod = history.last(where: { $0.info.status == .deployed })?.applyMethod ?? history.last?.applyMethod
        ctx.serverSide = try ServerSideFlag.resolve(common.serverSide, previousApplyMethod: previousMethod ?? "ssa")
        if install && (history.isEmpty || history.last?.info.status == .uninstalled) {
            var o = InstallOptions(releaseName: name, namespace: ns)
            o.createNamespace = createNamespace
            o.dryRun = try common.dryRunMode()
            o.description = common.description
            o.labels = try parseLabels(common.labels)
            o.skipCRDs = common.skipCRDs
            o.noHooks = common.noHooks
            o.skipSchemaValidation = common.skipSchemaValidation
            o.replace = true
            o.takeOwnership = common.takeOwnership
            ctx.serverSide = try ServerSideFlag.resolve(common.serverSide, previousApplyMethod: "ssa")
            let r: Release
            r = try common.install(ctx, chart: chart, values: values, options: o)
            let head = common.output == .table ? "Release \"\(name)\" does not exist. Installing it now.\n" : ""
            ErrorReporting.writeStdout(head + common.render(r, debug: cluster.debug))
            return
        }
        if history.isEmpty {
            throw ChartEngineError(.io, "UPGRADE FAILED: \"\(name)\" has no deployed releases")
        }
        var o = UpgradeOptions(releaseName: name, namespace: ns)
        o.dryRun = try common.dryRunMode()
        o.description = common.description
        o.labels = try parseLabels(common.labels)
        o.noHooks = common.noHooks
        o.skipCRDs = common.skipCRDs
        o.skipSchemaValidation = common.skipSchemaValidation
        reuse.configure(&o)
        o.historyMax = historyMax ?? defaultHistoryMax()
        o.takeOwnership = common.takeOwnership
        o.cleanupOnFail = cleanupOnFail
        let deployed = try ctx.store.deployed(name)
        let r: Release
        do { r = try UpgradeAction.run(ctx, chart: chart, values: values, options: o) } catch {
            let message = ReleaseContext.message(error)
            let failedRevision = (try? ctx.store.last(name))?.version ?? 0
            if common.rollbackOnFailure, o.dryRun == "none", let target = deployed,
               failedRevision > (history.last?.version ?? 0)
            {
                var rb = RollbackOptions(releaseName: name)
                rb.version = target.version
                rb.historyMax = o.historyMax
                do { _ = try RollbackAction.run(ctx, options: rb) } catch {
                    throw ChartEngineError(.io, "UPGRADE FAILED: an error occurred while rolling back the release. "
                        + "original upgrade error: \(message): \(ReleaseContext.message(error))")
                }
                throw ChartEngineError(.io, "UPGRADE FAILED: release \(name) failed, and has been rolled back due to "
                    + "rollback-on-failure being set: \(message)")
            }
            throw ChartEngineError(.io, "UPGRADE FAILED: " + message)
        }
        let head = common.output == .table ? "Release \"\(name)\" has been upgraded. Happy Helming!\n" : ""
        ErrorReporting.writeStdout(head + common.render(r, debug: cluster.debug))
    }
}

/// `--reuse-values`, `--reset-values`, `--reset-then-reuse-values` (upgrade and diff upgrade).
struct ValuesReuseFlags: ParsableArguments {
    @Flag(name: .customLong("reuse-values"), help: "reuse the last release's values and merge in any overrides")
    var reuseValues = false

    @Flag(name: .customLong("reset-values"), help: "reset the values to the ones built into the chart")
    var resetValues = false

    @Flag(name: .customLong("reset-then-reuse-values"), help: "reset to the chart's values, then apply the last release's")
    var resetThenReuseValues = false

    func configure(_ o: inout UpgradeOptions) {
        o.reuseValues = reuseValues
        o.resetValues = resetValues
        o.resetThenReuseValues = resetThenReuseValues
    }
}
