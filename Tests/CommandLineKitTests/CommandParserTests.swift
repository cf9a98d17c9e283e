import CommandLineKit
import Testing

struct Common: ParsableArguments {
    @Option(name: [.customShort("n"), .customLong("namespace")], help: "namespace scope for this request")
    var namespace: String?
    @Flag(name: .customLong("debug"), help: "enable verbose output") var debug = false
}

enum Format: String, ExpressibleByArgument {
    case table, json
}

struct Install: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "install", abstract: "install a chart", aliases: ["i"])
    @Argument(help: "[NAME] CHART") var args: [String] = []
    @OptionGroup var common: Common
    @Option(name: .customLong("set"), help: "set values") var set: [String] = []
    @Option(name: [.customShort("o"), .customLong("output")], help: "format") var output = Format.table
    @Option(name: .customLong("max"), help: "maximum") var max = 256
    @Option(name: .customLong("ratio"), help: "ratio") var ratio: Double?
    @Flag(name: [.customShort("a"), .customLong("all")], help: "all") var all = false
    @Flag(name: [.customShort("q"), .customLong("short")], help: "short") var short = false
    @Option(name: .customLong("hidden"), help: ArgumentHelp("secret", visibility: .hidden)) var hidden = ""
    @Option(name: .customLong("wait"), bareValue: "watcher", help: "strategy") var wait = "hookOnly"
}

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "show status")
    @Argument(help: "RELEASE_NAME") var name: String
    @Argument(help: "REVISION") var revision: Int?
}

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", shouldDisplay: false)
    @Option(name: .customLong("repo-dir"), help: "directory") var repoDir: String
}

struct Root: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tool", abstract: "A tool.",
                                                    subcommands: [Install.self, Status.self, Serve.self, Group.self])
}

struct Group: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "repo", abstract: "repositories", subcommands: [Status.self])
}

func parse<T>(_ args: [String], as _: T.Type = T.self) throws -> T {
    let command = try CommandParser.parse(Root.self, args)
    return try #require(command as? T)
}

func failure(_ args: [String]) -> String {
    do {
        _ = try CommandParser.parse(Root.self, args)
        return "parsed"
    } catch let e as CommandLineError {
        return e.message
    } catch CleanExit.helpRequest(let path) {
        return "help:" + CommandParser.commandPath(path)
    } catch {
        return "other: \(error)"
    }
}

@Suite("Command-line parsing (pflag rules)")
struct CommandParserTests {
    @Test func defaultsWhenNothingIsGiven() throws {
        let c = try parse(["install"], as: Install.self)
        #expect(c.args == [] && c.common.namespace == nil && !c.common.debug && c.set == [] && c.output == .table)
        #expect(c.max == 256 && c.ratio == nil && !c.all && c.hidden == "")
    }

    @Test func flagFormsAndInterspersedPositionals() throws {
        let c = try parse(["i", "web", "-n", "prod", "--set", "a=1", "./chart", "--set=b=2", "-oJSON".lowercased(),
                           "--max=3", "--ratio", "0.5", "-qa", "--debug=false", "--hidden", "-x"], as: Install.self)
        #expect(c.args == ["web", "./chart"])
        #expect(c.common.namespace == "prod")
        #expect(c.set == ["a=1", "b=2"])
        #expect(c.output == .json && c.max == 3 && c.ratio == 0.5)
        #expect(c.all && c.short && !c.common.debug)
        #expect(c.hidden == "-x")  // a value is taken as given, even when it starts with a dash
    }

    @Test func shorthandWithEqualsAndTerminator() throws {
        let c = try parse(["install", "-n=ns", "--", "--set", "-q"], as: Install.self)
        #expect(c.common.namespace == "ns")
        #expect(c.args == ["--set", "-q"] && c.set == [] && !c.short)
    }

    @Test func aBareOptionalValueFlagTakesItsDefaultAndNotTheNextWord() throws {
        let bare = try parse(["install", "--wait", "web"], as: Install.self)
        #expect(bare.wait == "watcher" && bare.args == ["web"])
        let given = try parse(["install", "--wait=legacy", "web"], as: Install.self)
        #expect(given.wait == "legacy" && given.args == ["web"])
        #expect(try parse(["install"], as: Install.self).wait == "hookOnly")
    }

    @Test func lastValueWinsForSingleOptions() throws {
        let c = try parse(["install", "--max", "1", "--max", "2", "-n", "a", "--namespace", "b"], as: Install.self)
        #expect(c.max == 2 && c.common.namespace == "b")
    }

    @Test func positionalsInDeclarationOrder() throws {
        let s = try parse(["status", "web", "3"], as: Status.self)
        #expect(s.name == "web" && s.revision == 3)
        let t = try parse(["repo", "status", "db"], as: Status.self)
        #expect(t.name == "db" && t.revision == nil)
    }

    @Test func usageErrorsInCobraWords() {
        #expect(failure(["install", "--nope"]) == "unknown flag: --nope")
        #expect(failure(["install", "--nope=1"]) == "unknown flag: --nope")
        #expect(failure(["install", "-z"]) == "unknown shorthand flag: 'z' in -z")
        #expect(failure(["install", "-qz"]) == "unknown shorthand flag: 'z' in -qz")
        #expect(failure(["install", "--set"]) == "flag needs an argument: --set")
        #expect(failure(["install", "-n"]) == "flag needs an argument: 'n' in -n")
        #expect(failure(["install", "--max", "x"])
            == "invalid argument \"x\" for \"--max\" flag: strconv.ParseInt: parsing \"x\": invalid syntax")
        #expect(failure(["install", "-o", "xml"]) == "invalid argument \"xml\" for \"-o, --output\" flag: invalid value")
        #expect(failure(["install", "--debug=maybe"])
            == "invalid argument \"maybe\" for \"--debug\" flag: strconv.ParseBool: parsing \"maybe\": invalid syntax")
        #expect(failure(["status"]) == "\"tool status\" requires at least 1 argument\n\nUsage:  tool status RELEASE_NAME REVISION [flags]")
        #expect(failure(["status", "a", "1", "extra"]) == "\"tool status\" accepts at most 2 arguments\n\nUsage:  tool status RELEASE_NAME REVISION [flags]")
        #expect(failure(["status", "a", "one"]) == "invalid argument \"one\" for \"REVISION\": strconv.ParseInt: parsing \"one\": invalid syntax")
        #expect(failure(["serve"]) == "required flag(s) \"repo-dir\" not set")
        #expect(failure(["bogus"]) == "unknown command \"bogus\" for \"tool\"\nRun 'tool --help' for usage.")
        #expect(failure(["repo", "bogus"]) == "unknown command \"bogus\" for \"tool repo\"\nRun 'tool repo --help' for usage.")
    }

    @Test func helpRequests() {
        #expect(failure([]) == "help:tool")
        #expect(failure(["repo"]) == "help:tool repo")
        #expect(failure(["install", "web", "--help"]) == "help:tool install")
        #expect(failure(["install", "-h"]) == "help:tool install")
        #expect(failure(["-h"]) == "help:tool")
        #expect(failure(["help", "repo", "status"]) == "help:tool repo status")
        #expect(failure(["help", "nope"]) == "unknown help topic [\"nope\"]")
    }

    @Test func helpTextInCobraLayout() {
        let text = Help.text([Root.self, Install.self])
        #expect(text == """
            install a chart

            Usage:
              tool install [NAME] CHART [flags]

            Aliases:
              install, i

            Flags:
              -n, --namespace string          namespace scope for this request
                  --debug                     enable verbose output
                  --set stringArray           set values
              -o, --output string             format
                  --max int                   maximum
                  --ratio float64             ratio
              -a, --all                       all
              -q, --short                     short
                  --wait string[="watcher"]   strategy
              -h, --help                      help for install

            """)
        let root = Help.text([Root.self])
        #expect(root.contains("Available Commands:\n  install     install a chart\n  status      show status\n  repo        repositories\n"))
        #expect(!root.contains("serve"))
        #expect(root.hasSuffix("Use \"tool [command] --help\" for more information about a command.\n"))
    }

    @Test func aCommandValueBuiltOutsideParsingKeepsItsDefaults() {
        let c = Install()
        #expect(c.max == 256 && c.set == [] && c.common.namespace == nil)
    }
}
