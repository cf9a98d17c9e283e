import ArgumentParser
import ChartEngine
import ClusterCore
import KubeClient

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one place that maps errors to output and exit codes.
///
/// Helm prints `Error: MESSAGE` on standard error and exits 1 for every failure, usage errors
/// included (cobra's `unknown flag: --x`), so helmctl does the same; help and `--version` exit 0.
enum ErrorReporting {
    static func run(_ root: HelmCtl.Type) -> Never {
        do {
            let arguments = GlobalFlagOrder.reordered(Array(CommandLine.arguments.dropFirst()))
            var command = try directlyParsed(arguments) ?? root.parseAsRoot(arguments)
            try command.run()
            exit(0)
        } catch let e as ChartEngineError {
            fail(e.message)
        } catch let e as ClusterError {
            fail(e.description)
        } catch let e as KubeError {
            fail(e.message)
        } catch {
            let code = root.exitCode(for: error)
            if code == .success {
                // --help and similar clean exits print through ArgumentParser.
                root.exit(withError: error)
            }
            fail(cobraWording(root.message(for: error)))
        }
    }

    /// The command line parsed by the named subcommand alone, or nil when that is not possible.
    ///
    /// Parsing from the root makes ArgumentParser reflect over every command's arguments (type
    /// metadata and protocol-conformance lookups: ~4 ms of each start). A successful parse by the
    /// subcommand gives the same command value; anything else (help, a usage error, an unknown name)
    /// returns nil and is parsed again from the root, so messages keep the full `helmctl …` path.
    static func directlyParsed(_ arguments: [String]) -> (any ParsableCommand)? {
        guard let name = arguments.first, !name.hasPrefix("-") else { return nil }
        for sub in HelmCtl.configuration.subcommands {
            let config = sub.configuration
            guard config.commandName == name || config.aliases.contains(name) else { continue }
            // A help request parses into ArgumentParser's own help command: not ours to print.
            guard let parsed = try? sub.parseAsRoot(Array(arguments.dropFirst())), type(of: parsed) == sub
            else { return nil }
            return parsed
        }
        return nil
    }

    /// ArgumentParser's usage messages in the words Helm's cobra/pflag use for the same mistakes.
    static func cobraWording(_ message: String) -> String {
        let unknown = "Unknown option '"
        if message.hasPrefix(unknown), message.hasSuffix("'") {
            let flag = String(message.dropFirst(unknown.count).dropLast())
            if flag.hasPrefix("--") { return "unknown flag: \(flag)" }
            if flag.hasPrefix("-"), let c = flag.dropFirst().first {
                return "unknown shorthand flag: '\(c)' in \(flag)"
            }
        }
        let missing = "Missing value for '"
        if message.hasPrefix(missing), let end = message.dropFirst(missing.count).firstIndex(of: "'") {
            let spec = message[message.index(message.startIndex, offsetBy: missing.count)..<end]
            let flag = spec.split(separator: " ").first.map(String.init) ?? String(spec)
            if !flag.hasPrefix("--"), flag.hasPrefix("-"), let c = flag.dropFirst().first {
                return "flag needs an argument: '\(c)' in \(flag)"
            }
            return "flag needs an argument: \(flag)"
        }
        return message
    }

    static func fail(_ message: String) -> Never {
        writeStderr("Error: \(message)\n")
        exit(1)
    }

    static func writeStderr(_ s: String) { writeAll(2, s) }

    static func writeStdout(_ s: String) { writeAll(1, s) }

    /// Unbuffered write of the whole string to a file descriptor.
    static func writeAll(_ fd: Int32, _ s: String) {
        var bytes = Array(s.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { buf in
                write(fd, buf.baseAddress.map { $0 + offset }, buf.count - offset)
            }
            if n < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += n
        }
    }
}
