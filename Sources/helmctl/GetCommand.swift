import CommandLineKit
import ChartEngine
import StructuredData

/// `helmctl get values|manifest|notes|hooks|metadata|all RELEASE`.
struct GetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get", abstract: "download extended information of a named release (values, manifest, notes, hooks, metadata, all)")

    @Argument(help: "values|manifest|notes|hooks|metadata|all") var part: String
    @Argument(help: "RELEASE_NAME") var name: String
    @OptionGroup var cluster: ClusterFlags
    @Option(name: .customLong("revision"), help: "get the named release with revision") var revision: Int?
    @Flag(name: [.customShort("a"), .customLong("all")], help: "dump all (computed) values") var all = false
    @Option(name: [.customShort("o"), .customLong("output")], help: "prints the output in the specified format (table, json, yaml)")
    var output: ReleaseOutput = .table

    func run() throws {
        let (ctx, _) = try cluster.context()
        let r = try revision.map { try ctx.store.get(name, version: $0) } ?? ctx.store.last(name)
        ErrorReporting.writeStdout(try GetCommand.render(part, r, all: all, output: output))
    }

    static func values(_ r: Release, all: Bool, output: ReleaseOutput) -> String {
        let v: [String: Value] = all ? ValuesFile.mergeMaps(r.chartValues, r.config) : r.config
        if output != .table { return ReleasePrinter.encoded(.map(v), output) }
        let head = all ? "COMPUTED VALUES:\n" : "USER-SUPPLIED VALUES:\n"
        return head + (v.isEmpty ? "null\n" : YAML.encode(.map(v)))
    }

    static func render(_ part: String, _ r: Release, all: Bool, output: ReleaseOutput) throws -> String {
        switch part {
        case "values": return values(r, all: all, output: output)
        case "manifest": return r.manifest
        case "notes": return r.info.notes.isEmpty ? "" : "NOTES:\n\(r.info.notes)\n"
        case "hooks": return r.hooks.map { "---\n# Source: \($0.path)\n\($0.manifest)\n" }.joined()
        case "metadata":
            let m: Value = ["name": .string(r.name), "chart": .string(r.chartName), "version": .string(r.chartVersion),
                            "appVersion": .string(r.appVersion), "namespace": .string(r.namespace),
                            "revision": .int(Int64(r.version)), "status": .string(r.info.status.rawValue),
                            "deployedAt": .string(r.info.lastDeployed)]
            if output != .table { return ReleasePrinter.encoded(m, output) }
            return "NAME: \(r.name)\nCHART: \(r.chartName)\nVERSION: \(r.chartVersion)\nAPP_VERSION: \(r.appVersion)\n"
                + "NAMESPACE: \(r.namespace)\nREVISION: \(r.version)\nSTATUS: \(r.info.status.rawValue)\n"
                + "DEPLOYED_AT: \(r.info.lastDeployed)\n"
        case "all":
            // Helm's `get all`: the status printer with metadata and debug sections.
            return ReleasePrinter.status(r, showMetadata: true, debug: true)
        default:
            throw ChartEngineError(.usage, "unknown command \"\(part)\" for \"helmctl get\"")
        }
    }
}
