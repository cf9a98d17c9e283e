import ArgumentParser
import ChartEngine
import StructuredData

/// `helmctl list`: list releases.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "list releases", aliases: ["ls"])

    @OptionGroup var cluster: ClusterFlags

    @Flag(name: [.customShort("A"), .customLong("all-namespaces")], help: "list releases across all namespaces")
    var allNamespaces = false

    @Flag(name: [.short, .long], help: "show all releases without any filter applied")
    var all = false

    @Flag(name: .customLong("deployed")) var deployed = false
    @Flag(name: .customLong("failed")) var failed = false
    @Flag(name: .customLong("pending")) var pending = false
    @Flag(name: .customLong("superseded")) var superseded = false
    @Flag(name: .customLong("uninstalled")) var uninstalled = false
    @Flag(name: .customLong("uninstalling")) var uninstalling = false

    @Flag(name: [.customShort("q"), .customLong("short")], help: "output short (quiet) listing format")
    var short = false

    @Flag(name: .customLong("no-headers"), help: "don't print headers when using the default output format")
    var noHeaders = false

    @Flag(name: [.customShort("r"), .customLong("reverse")], help: "reverse the sort order")
    var reverse = false

    @Option(name: [.short, .long], help: "prints the output in the specified format (table, json, yaml)")
    var output: ReleaseOutput = .table

    func run() throws {
        let (ctx, _) = try cluster.context(allNamespaces: allNamespaces)
        let records = try ctx.store.driver.list(releaseName: nil)
        // The newest revision of each release.
        var latest: [String: Release] = [:]
        for r in records {
            let k = r.namespace + "/" + r.name
            if let cur = latest[k], cur.version >= r.version { continue }
            latest[k] = r
        }
        var states: Set<ReleaseStatus> = []
        if deployed { states.insert(.deployed) }
        if failed { states.insert(.failed) }
        if pending { states.formUnion([.pendingInstall, .pendingUpgrade, .pendingRollback]) }
        if superseded { states.insert(.superseded) }
        if uninstalled { states.insert(.uninstalled) }
        if uninstalling { states.insert(.uninstalling) }
        // Helm v4 lists every state unless a state flag narrows it (`-a` is kept for v3 scripts).
        var rows = latest.values.filter { states.isEmpty || all || states.contains($0.info.status) }
        rows.sort { $0.name != $1.name ? $0.name < $1.name : $0.namespace < $1.namespace }
        if reverse { rows.reverse() }
        if short && output == .table {
            ErrorReporting.writeStdout(rows.map { $0.name + "\n" }.joined())
            return
        }
        switch output {
        case .table:
            var table: [[String]] = noHeaders ? [] : [["NAME", "NAMESPACE", "REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION"]]
            for r in rows {
                table.append([r.name, r.namespace, String(r.version), ReleaseTime.goString(r.info.lastDeployed),
                              r.info.status.rawValue, r.chartLabel, r.appVersion])
            }
            ErrorReporting.writeStdout(ReleasePrinter.table(table))
        default:
            let items: [Value] = rows.map { r in
                ["name": .string(r.name), "namespace": .string(r.namespace), "revision": .string(String(r.version)),
                 "updated": .string(ReleaseTime.goString(r.info.lastDeployed)), "status": .string(r.info.status.rawValue),
                 "chart": .string(r.chartLabel), "app_version": .string(r.appVersion)]
            }
            ErrorReporting.writeStdout(ReleasePrinter.encoded(.list(items), output))
        }
    }
}
