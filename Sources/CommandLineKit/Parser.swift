import StructuredData

/// Parses a command line into the command it names, with pflag's rules (Helm's flag library):
/// `--name value`, `--name=value`, `-n value`, `-nvalue`, `-n=value`, combined boolean shorthands
/// (`-qa`), `--flag=false` for booleans, flags anywhere among the positionals, `--` ending the flags.
public enum CommandParser {
    /// The command `arguments` (without the program name) select under `root`, with its options set.
    /// Throws ``CleanExit`` for help, ``CommandLineError`` for a command line that does not fit.
    public static func parse(_ root: any ParsableCommand.Type, _ arguments: [String]) throws -> any ParsableCommand {
        var path: [any ParsableCommand.Type] = [root]
        var rest = arguments[...]
        if rest.first == "help" {  // `helmctl help CMD…`: the help of CMD
            rest = rest.dropFirst()
            for word in rest {
                guard let sub = subcommand(named: word, of: path.last!) else {
                    throw CommandLineError("unknown help topic [\(goQuote(word))]")
                }
                path.append(sub)
            }
            throw CleanExit.helpRequest(path)
        }
        while !path.last!.configuration.subcommands.isEmpty {
            guard let word = rest.first else { throw CleanExit.helpRequest(path) }
            if word == "-h" || word == "--help" { throw CleanExit.helpRequest(path) }
            guard let sub = subcommand(named: word, of: path.last!) else {
                let name = commandPath(path)
                if word.hasPrefix("-") { throw CommandLineError(unknownFlag(word)) }
                throw CommandLineError("unknown command \(goQuote(word)) for \(goQuote(name))\n"
                    + "Run '\(name) --help' for usage.")
            }
            path.append(sub)
            rest = rest.dropFirst()
        }
        let command = path.last!
        let (value, slots) = Registry.collecting { command.init() }
        try assign(Array(rest), to: slots, path: path)
        return value
    }

    static func subcommand(named name: String, of command: any ParsableCommand.Type) -> (any ParsableCommand.Type)? {
        command.configuration.subcommands.first { sub in
            let c = sub.configuration
            return c.commandName == name || c.aliases.contains(name)
        }
    }

    /// `helmctl repo add`.
    public static func commandPath(_ path: [any ParsableCommand.Type]) -> String {
        path.map { $0.configuration.commandName ?? "" }.joined(separator: " ")
    }

    static func unknownFlag(_ word: String) -> String {
        if word.hasPrefix("--") { return "unknown flag: \(word.split(separator: "=", maxSplits: 1)[0])" }
        return "unknown shorthand flag: '\(word.dropFirst().first ?? "-")' in \(word)"
    }

    static func assign(_ args: [String], to slots: [Slot], path: [any ParsableCommand.Type]) throws {
        // Linear lookups over a command's few dozen flags: a Dictionary's first use instantiates its
        // generic metadata at start-up (it showed in start-up profiles).
        let flags = slots.filter { $0.kind != .argument }
        func long(_ name: String) -> Slot? { flags.first { $0.names.longNames.contains(name) } }
        func short(_ c: Character) -> Slot? { flags.first { $0.names.shortNames.contains(c) } }
        var positionals: [String] = []
        var i = 0
        func set(_ slot: Slot, _ text: String) throws {
            if let problem = slot.assign(text) {
                throw CommandLineError("invalid argument \(goQuote(text)) for \(goQuote(slot.flagLabel)) flag: \(problem)")
            }
            slot.given = true
        }
        while i < args.count {
            let a = args[i]
            i += 1
            if a == "--" {
                positionals += args[i...]
                break
            }
            if a.hasPrefix("--") {
                let parts = a.dropFirst(2).split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(parts[0])
                guard let slot = long(name) else {
                    if name == "help" { throw CleanExit.helpRequest(path) }
                    throw CommandLineError("unknown flag: --\(name)")
                }
                if parts.count == 2 {
                    try set(slot, String(parts[1]))
                } else if slot.kind == .flag {
                    try set(slot, "true")
                } else if let bare = slot.bareValue {
                    try set(slot, bare)
                } else if i < args.count {
                    try set(slot, args[i])
                    i += 1
                } else {
                    throw CommandLineError("flag needs an argument: --\(name)")
                }
            } else if a.hasPrefix("-"), a.count > 1 {
                var chars = a.dropFirst()[...]
                while let c = chars.first {
                    chars = chars.dropFirst()
                    guard let slot = short(c) else {
                        if c == "h" { throw CleanExit.helpRequest(path) }
                        throw CommandLineError("unknown shorthand flag: '\(c)' in \(a)")
                    }
                    if chars.first == "=" {
                        try set(slot, String(chars.dropFirst()))
                        break
                    }
                    if slot.kind == .flag {
                        try set(slot, "true")
                        continue
                    }
                    if !chars.isEmpty {
                        try set(slot, String(chars))
                    } else if i < args.count {
                        try set(slot, args[i])
                        i += 1
                    } else {
                        throw CommandLineError("flag needs an argument: '\(c)' in -\(c)")
                    }
                    break
                }
            } else {
                positionals.append(a)
            }
        }
        let unset = slots.filter { $0.kind == .option && $0.required && !$0.given }.compactMap(\.names.longNames.first)
        if !unset.isEmpty {
            throw CommandLineError("required flag(s) " + unset.map { goQuote($0) }.joined(separator: ", ") + " not set")
        }
        try assignPositionals(positionals, to: slots.filter { $0.kind == .argument }, path: path)
    }

    /// In declaration order: each single positional takes one word, an array the rest.
    static func assignPositionals(_ words: [String], to slots: [Slot], path: [any ParsableCommand.Type]) throws {
        var next = 0
        for slot in slots {
            if slot.repeating {
                while next < words.count {
                    try convert(slot, words[next], path: path)
                    next += 1
                }
            } else if next < words.count {
                try convert(slot, words[next], path: path)
                next += 1
            }
        }
        let needed = slots.filter { $0.required }.count
        let accepted = slots.contains { $0.repeating } ? Int.max : slots.count
        let exact = needed == accepted
        let missing = slots.contains { $0.required && !$0.given }
        guard missing || words.count > accepted else { return }
        let count = missing ? needed : accepted
        let noun = count == 1 ? "argument" : "arguments"
        let name = commandPath(path)
        let verb = exact ? "requires" : missing ? "requires at least" : "accepts at most"
        throw CommandLineError("\(goQuote(name)) \(verb) \(count) \(noun)\n\nUsage:  \(Help.usageLine(path, slots: slots))")
    }

    static func convert(_ slot: Slot, _ word: String, path: [any ParsableCommand.Type]) throws {
        if let problem = slot.assign(word) {
            throw CommandLineError("invalid argument \(goQuote(word)) for \(goQuote(slot.valueName)): \(problem)")
        }
        slot.given = true
    }
}
