import CommandLineKit
import ChartEngine

/// `helmctl dependency list|update|build` (alias `dep`).
struct DependencyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dependency", abstract: "manage a chart's dependencies",
        subcommands: [DependencyBuildCommand.self, DependencyListCommand.self, DependencyUpdateCommand.self],
        aliases: ["dep", "dependencies"])
}

/// Flags shared by `dependency update` and `dependency build`.
struct DependencyFlags: ParsableArguments {
    @Flag(name: .customLong("verify"), help: "verify the packages against signatures")
    var verify = false

    @Option(name: .customLong("keyring"), help: "keyring containing public keys")
    var keyring = DefaultKeyring.path()

    @Flag(name: .customLong("skip-refresh"), help: "do not refresh the local repository cache")
    var skipRefresh = false

    @Flag(name: .customLong("plain-http"), help: "use insecure HTTP connections for the chart download")
    var plainHTTP = false

    @OptionGroup var tls: TLSFlags

    @Option(name: .customLong("username"), help: "chart repository username where to locate the requested chart")
    var username = ""

    @Option(name: .customLong("password"), help: "chart repository password where to locate the requested chart")
    var password = ""

    func manager(_ args: [String], _ name: String) throws -> DependencyManager {
        if args.count > 1 { throw CobraArgs.atMost(1, "dependency \(name)", use: "dependency \(name) CHART") }
        let path = args.first.map { GoPathClean.clean($0) } ?? "."
        var manager = DependencyManager(chartPath: path, paths: GlobalPaths.current(), skipUpdate: skipRefresh,
                                        out: ErrorReporting.writeStdout)
        manager.registry.plainHTTP = plainHTTP
        manager.verify = verify
        manager.keyring = keyring
        var http = HTTPOptions()
        http.username = username
        http.password = password
        http.certFile = tls.certFile
        http.keyFile = tls.keyFile
        http.caFile = tls.caFile
        http.insecureSkipTLSVerify = tls.insecureSkipTLSVerify
        manager.registry.http = http
        return manager
    }
}

struct DependencyUpdateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update", abstract: "update charts/ based on the contents of Chart.yaml", aliases: ["up"])

    @Argument(help: "CHART")
    var chart: [String] = []

    @OptionGroup var flags: DependencyFlags

    func run() throws { try flags.manager(chart, "update").update() }
}

struct DependencyBuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build", abstract: "rebuild the charts/ directory based on the Chart.lock file")

    @Argument(help: "CHART")
    var chart: [String] = []

    @OptionGroup var flags: DependencyFlags

    func run() throws { try flags.manager(chart, "build").build() }
}

struct DependencyListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "list the dependencies for the given chart", aliases: ["ls"])

    @Argument(help: "CHART")
    var chart: [String] = []

    @Option(name: .customLong("max-col-width"), help: "maximum column width for output table")
    var maxColWidth: UInt = 80

    func run() throws {
        if chart.count > 1 { throw CobraArgs.atMost(1, "dependency list", use: "dependency list CHART") }
        let path = chart.first.map { GoPathClean.clean($0) } ?? "."
        ErrorReporting.writeStdout(try DependencyList.run(chartPath: path, maxColumnWidth: Int(maxColWidth)))
    }
}

/// Go's `filepath.Clean` for command-line paths.
enum GoPathClean {
    static func clean(_ p: String) -> String {
        if p.isEmpty { return "." }
        let abs = p.hasPrefix("/")
        var out: [Substring] = []
        for part in p.split(separator: "/") {
            if part == "." { continue }
            if part == ".." {
                if let last = out.last, last != ".." { out.removeLast() } else if !abs { out.append(part) }
                continue
            }
            out.append(part)
        }
        let joined = out.joined(separator: "/")
        if abs { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }
}
