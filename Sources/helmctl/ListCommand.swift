import CommandLineKit
import ChartEngine
import StructuredData

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `helmctl list`: list releases.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "list releases", aliases: ["ls"])

    @OptionGroup var cluster: ClusterFlags

    @Flag(name: [.customShort("A"), .customLong("all-namespaces")], help: "list releases across all namespaces")
    var allNamespaces = false

    @Flag(name: [.customShort("a"), .customLong("all")], help: "show all releases without any filter applied")
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

    @Flag(name: [.customShort("d"), .customLong("date")], help: "sort by release date")
    var byDate = false

    @Option(name: [.customShort("m"), .customLong("max")], help: "maximum number of releases to fetch")
    var max = 256

    @Option(name: .customLong("offset"), help: "next release index in the list, used to offset from start value")
    var offset = 0

    @Option(name: [.customShort("f"), .customLong("filter")], help: "a regular expression; only releases whose name matches are listed")
    var filter = ""

    @Option(name: [.customShort("l"), .customLong("selector")], help: "label selector on release labels (e.g. -l key1=value1,key2!=value2)")
    var selector = ""

    @Option(name: [.customShort("o"), .customLong("output")], help: "prints the output in the specified format (table, json, yaml)")
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
        if !filter.isEmpty {
            let re = try PosixRegex(filter)
            rows = rows.filter { re.matches($0.name) }
        }
        if !selector.isEmpty {
            let terms = try parseSelector(selector)
            rows = rows.filter { r in
                var labels = r.labels
                labels["name"] = r.name
                labels["owner"] = "helm"
                labels["status"] = r.info.status.rawValue
                labels["version"] = String(r.version)
                return terms.allSatisfy { t in t.equal == (labels[t.key] == t.value) }
            }
        }
        if byDate {
            rows.sort { $0.info.lastDeployed < $1.info.lastDeployed }
        } else {
            rows.sort { $0.name != $1.name ? $0.name < $1.name : $0.namespace < $1.namespace }
        }
        if reverse { rows.reverse() }
        if offset > 0 { rows = Array(rows.dropFirst(offset)) }
        if max > 0 && rows.count > max { rows = Array(rows.prefix(max)) }
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

/// `k=v`, `k==v` and `k!=v` terms of a label selector.
func parseSelector(_ text: String) throws -> [(key: String, value: String, equal: Bool)] {
    try text.split(separator: ",").map { term in
        let t = String(term)
        if let r = t.firstRange(of: "!=") { return (String(t[..<r.lowerBound]), String(t[r.upperBound...]), false) }
        if let r = t.firstRange(of: "==") { return (String(t[..<r.lowerBound]), String(t[r.upperBound...]), true) }
        if let r = t.firstRange(of: "=") { return (String(t[..<r.lowerBound]), String(t[r.upperBound...]), true) }
        throw ChartEngineError(.usage, "unable to parse requirement: \(t)")
    }
}

/// POSIX extended regular expressions (close to Go's RE2 for the name filters `helm list -f` takes).
final class PosixRegex {
    private var re = regex_t()

    init(_ pattern: String) throws {
        guard regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) == 0 else {
            throw ChartEngineError(.usage, "error parsing regexp: \(pattern)")
        }
    }

    deinit { regfree(&re) }

    func matches(_ s: String) -> Bool { regexec(&re, s, 0, nil, 0) == 0 }
}
