import ArgumentParser
import ChartEngine

/// `helmctl repo …`: chart repository commands.
struct RepoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repo",
        abstract: "add, list, remove, update, and index chart repositories",
        subcommands: [RepoIndexCommand.self])
}

/// `helmctl repo index DIR [--url URL] [--merge FILE] [--json]`.
struct RepoIndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "generate an index file given a directory containing packaged charts")

    @Argument(help: "DIR")
    var directory: [String] = []

    @Option(name: .customLong("url"), help: "url of chart repository")
    var url = ""

    @Option(name: .customLong("merge"), help: "merge the generated index into the given index")
    var merge: String?

    @Flag(name: .customLong("json"), help: "output in JSON format")
    var json = false

    func run() throws {
        guard directory.count == 1 else {
            throw ChartEngineError(.usage, "\"helmctl repo index\" requires 1 argument\n\n"
                + "Usage:  helmctl repo index [DIR] [flags]")
        }
        var dir = directory[0]
        if !dir.hasPrefix("/") { dir = CurrentDirectory.path() + "/" + dir }
        _ = try RepoIndexAction.run(directory: dir, url: url, merge: merge, json: json,
                                    warn: { ErrorReporting.writeStderr("level=WARN msg=\"\($0)\"\n") })
    }
}
