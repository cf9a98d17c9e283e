import CommandLineKit
import ChartEngine

/// `helmctl search repo [KEYWORD]`.
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "search", abstract: "search for a keyword in charts",
                                                    subcommands: [SearchRepoCommand.self])
}

struct SearchRepoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "repo", abstract: "search repositories for a keyword in charts")

    @Argument(help: "[keyword]")
    var keywords: [String] = []

    @Flag(name: [.customShort("r"), .customLong("regexp")], help: "use regular expressions for searching repositories you have added")
    var regexp = false

    @Flag(name: [.customShort("l"), .customLong("versions")], help: "show the long listing, with each version of each chart on its own line, for repositories you have added")
    var versions = false

    @Flag(name: .customLong("devel"), help: "use development versions (alpha, beta, and release candidate releases), too. Equivalent to version '>0.0.0-0'. If --version is set, this is ignored")
    var devel = false

    @Option(name: .customLong("version"), help: "search using semantic versioning constraints on repositories you have added")
    var version = ""

    @Option(name: .customLong("max-col-width"), help: "maximum column width for output table")
    var maxColWidth: UInt = 50

    @Flag(name: .customLong("fail-on-no-result"), help: "search fails if no results are found")
    var failOnNoResult = false

    @Option(name: [.customShort("o"), .customLong("output")], help: "prints the output in the specified format. Allowed values: table, json, yaml")
    var output = "table"

    func run() throws {
        var o = SearchAction.Options()
        o.terms = keywords
        o.regexp = regexp
        o.versions = versions
        o.devel = devel
        o.version = version
        o.maxColumnWidth = Int(maxColWidth)
        o.failOnNoResult = failOnNoResult
        o.format = try OutputFormat.parse(output)
        let out = try SearchAction.run(o, paths: GlobalPaths.current(),
                                       warn: { ErrorReporting.writeStderr("\(RepoIndexCommand.logTime()) WARN \($0)\n") })
        ErrorReporting.writeStdout(out)
    }
}
