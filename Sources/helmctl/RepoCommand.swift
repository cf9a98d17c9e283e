import CommandLineKit
import ChartEngine

/// `helmctl repo …`: chart repository commands.
struct RepoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repo",
        abstract: "add, list, remove, update, and index chart repositories",
        subcommands: [RepoAddCommand.self, RepoIndexCommand.self, RepoListCommand.self, RepoRemoveCommand.self,
                      RepoUpdateCommand.self])
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

/// `helmctl repo add NAME URL`.
struct RepoAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "add a chart repository")

    @Argument(help: "[NAME] [URL]")
    var arguments: [String] = []

    @Option(name: .customLong("username"), help: "chart repository username")
    var username = ""

    @Option(name: .customLong("password"), help: "chart repository password")
    var password = ""

    @Flag(name: .customLong("password-stdin"), help: "read chart repository password from stdin")
    var passwordStdin = false

    @Flag(name: .customLong("force-update"), help: "replace (overwrite) the repo if it already exists")
    var forceUpdate = false

    @Flag(name: .customLong("no-update"), help: "Ignored. Formerly, it would disabled forced updates. It is deprecated by force-update.")
    var noUpdate = false

    @Flag(name: .customLong("allow-deprecated-repos"), help: "allow adding official repos that have been permanently deleted")
    var allowDeprecatedRepos = false

    @Flag(name: .customLong("pass-credentials"), help: "pass credentials to all domains")
    var passCredentials = false

    @OptionGroup var tls: TLSFlags

    func run() throws {
        guard arguments.count == 2 else {
            throw CobraArgs.exact(2, "repo add", use: "repo add [NAME] [URL]")
        }
        if !allowDeprecatedRepos {
            for (old, new) in [("//kubernetes-charts.storage.googleapis.com", "https://charts.helm.sh/stable"),
                               ("//kubernetes-charts-incubator.storage.googleapis.com", "https://charts.helm.sh/incubator")]
            where arguments[1].contains(old) {
                throw ChartEngineError(.usage, "repo \"\(arguments[1])\" is no longer available; try \"\(new)\" instead")
            }
        }
        var entry = RepositoryEntry(name: arguments[0], url: arguments[1])
        entry.username = username
        entry.password = password
        if !username.isEmpty && password.isEmpty {
            if !passwordStdin { ErrorReporting.writeStdout("Password: ") }
            var text = String(decoding: StandardInput.readAll(), as: UTF8.self)
            if passwordStdin {
                if text.hasSuffix("\n") { text.removeLast() }
                if text.hasSuffix("\r") { text.removeLast() }
            } else {
                text = String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
                ErrorReporting.writeStdout("\n")
            }
            entry.password = text
        }
        entry.passCredentialsAll = passCredentials
        entry.certFile = tls.certFile
        entry.keyFile = tls.keyFile
        entry.caFile = tls.caFile
        entry.insecureSkipTLSVerify = tls.insecureSkipTLSVerify
        try RepoActions.add(entry, forceUpdate: forceUpdate, paths: GlobalPaths.current(),
                            out: ErrorReporting.writeStdout)
    }
}

/// `helmctl repo list [-o table|json|yaml]`.
struct RepoListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "list chart repositories",
                                                    aliases: ["ls"])

    @Argument(help: "")
    var arguments: [String] = []

    @Option(name: [.customShort("o"), .customLong("output")], help: "prints the output in the specified format. Allowed values: table, json, yaml")
    var output = "table"

    func run() throws {
        if !arguments.isEmpty { throw CobraArgs.none("repo list", use: "repo list [flags]") }
        let format = try OutputFormat.parse(output)
        ErrorReporting.writeStdout(try RepoActions.list(paths: GlobalPaths.current(), format: format))
    }
}

/// `helmctl repo update [REPO…]`.
struct RepoUpdateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "update",
                                                    abstract: "update information of available charts locally from chart repositories",
                                                    aliases: ["up"])

    @Argument(help: "[REPO1 [REPO2 ...]]")
    var names: [String] = []

    func run() throws {
        try RepoActions.update(names: names, paths: GlobalPaths.current(), out: ErrorReporting.writeStdout)
    }
}

/// `helmctl repo remove REPO…`.
struct RepoRemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "remove one or more chart repositories",
                                                    aliases: ["rm"])

    @Argument(help: "[REPO1 [REPO2 ...]]")
    var names: [String] = []

    func run() throws {
        if names.isEmpty { throw CobraArgs.atLeast(1, "repo remove", use: "repo remove [REPO1 [REPO2 ...]]") }
        try RepoActions.remove(names: names, paths: GlobalPaths.current(), out: ErrorReporting.writeStdout)
    }
}
