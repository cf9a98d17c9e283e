/// Help text in cobra's layout (what `helm CMD --help` prints).
public enum Help {
    /// The help of the last command of `path` (root first).
    public static func text(_ path: [any ParsableCommand.Type]) -> String {
        let command = path.last!
        let config = command.configuration
        let name = CommandParser.commandPath(path)
        var out = config.abstract.isEmpty ? "" : config.abstract + "\n\n"
        let subcommands = config.subcommands.filter { $0.configuration.shouldDisplay }
        out += "Usage:\n"
        var flags: [Slot] = []
        if config.subcommands.isEmpty {
            let (_, slots) = Registry.collecting { command.init() }
            flags = slots.filter { $0.kind != .argument && $0.help.visibility == .default }
            out += "  \(usageLine(path, slots: slots))\n"
        } else {
            out += "  \(name) [command]\n"
        }
        if !config.aliases.isEmpty {
            out += "\nAliases:\n  \(([config.commandName ?? ""] + config.aliases).joined(separator: ", "))\n"
        }
        if !subcommands.isEmpty {
            out += "\nAvailable Commands:\n"
            let width = max(11, subcommands.map { ($0.configuration.commandName ?? "").count }.max() ?? 0)
            for sub in subcommands {
                let c = sub.configuration
                let n = c.commandName ?? ""
                out += "  " + n + String(repeating: " ", count: width - n.count + 1) + c.abstract + "\n"
            }
        }
        out += "\nFlags:\n" + flagTable(flags, commandName: config.commandName ?? "")
        if !subcommands.isEmpty {
            out += "\nUse \"\(name) [command] --help\" for more information about a command.\n"
        }
        return out
    }

    /// `helmctl uninstall RELEASE_NAME... [flags]`.
    static func usageLine(_ path: [any ParsableCommand.Type], slots: [Slot]) -> String {
        let labels = slots.filter { $0.kind == .argument && !$0.valueName.isEmpty }.map(\.valueName)
        return ([CommandParser.commandPath(path)] + labels + ["[flags]"]).joined(separator: " ")
    }

    /// pflag's FlagUsages: `  -n, --namespace string   help`, the help column aligned.
    static func flagTable(_ flags: [Slot], commandName: String) -> String {
        var rows: [(String, String)] = flags.map { slot in
            let long = slot.names.longNames.first.map { "--" + $0 } ?? ""
            var left = slot.names.shortNames.first.map { "  -\($0), " } ?? "      "
            left += long
            if slot.kind == .option { left += " " + slot.valueName }
            if let bare = slot.bareValue { left += "[=\"\(bare)\"]" }
            return (left, slot.help.abstract)
        }
        rows.append(("  -h, --help", "help for \(commandName)"))
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { left, help in left + String(repeating: " ", count: width - left.count) + "   " + help + "\n" }
            .joined()
    }
}
