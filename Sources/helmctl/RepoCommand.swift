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
                                    warn: { ErrorReporting.writeStderr("\(Self.logTime()) WARN \($0)\n") })
    }
}

extension RepoIndexCommand {
    /// Go's default `log`/`slog` prefix: `2006/01/02 15:04:05` in local time.
    static func logTime() -> String {
        let t = Array(RepoTime.now())
        guard t.count >= 19 else { return "" }
        return String(t[0..<10]).replacingDashes() + " " + String(t[11..<19])
    }
}

extension String {
    fileprivate func replacingDashes() -> String { String(map { $0 == "-" ? "/" : $0 }) }
}
