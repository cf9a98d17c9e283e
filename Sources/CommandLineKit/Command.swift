/// Commands and groups of options, declared with property wrappers (`@Option`, `@Flag`,
/// `@Argument`, `@OptionGroup`) and parsed with pflag's rules (the flag library under Helm's cobra).
///
/// The spelling follows swift-argument-parser, which helmctl used before: its reflection over every
/// command's properties (Mirror, runtime protocol-conformance scans, Codable decoding) and the
/// FoundationEssentials it linked in cost ~3.5 ms of each process start (`helmctl show chart`: 7.6 →
/// 4.0 ms). Here each property wrapper registers itself while the command value is constructed (see
/// ``Registry``), so parsing needs no reflection at all.

/// A group of options and arguments, parsed as part of a command (`@OptionGroup`).
public protocol ParsableArguments {
    init()
}

/// A command: its configuration, its options (as properties) and what it does.
public protocol ParsableCommand: ParsableArguments {
    static var configuration: CommandConfiguration { get }
    mutating func run() throws
}

extension ParsableCommand {
    public static var configuration: CommandConfiguration { CommandConfiguration() }
    /// A command that only groups subcommands prints its help.
    public mutating func run() throws {
        throw CleanExit.helpRequest([Self.self])
    }
}

/// A command's name, one-line description, aliases and subcommands.
public struct CommandConfiguration: Sendable {
    public var commandName: String?
    public var abstract: String
    public var shouldDisplay: Bool
    public var subcommands: [any ParsableCommand.Type]
    public var aliases: [String]

    public init(commandName: String? = nil, abstract: String = "", shouldDisplay: Bool = true,
                subcommands: [any ParsableCommand.Type] = [], aliases: [String] = [])
    {
        self.commandName = commandName
        self.abstract = abstract
        self.shouldDisplay = shouldDisplay
        self.subcommands = subcommands
        self.aliases = aliases
    }
}

/// Ends the process with `code` and no message (`throw ExitCode(3)`).
public struct ExitCode: Error, Equatable {
    public let rawValue: Int32
    public init(_ code: Int32) { rawValue = code }
}

/// A request that ends the process successfully after printing something (help).
public enum CleanExit: Error {
    /// Help for the last command of this path of command types (root first).
    case helpRequest([any ParsableCommand.Type])
}

/// A command line that does not fit the command: the message is in pflag's/cobra's words.
public struct CommandLineError: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
