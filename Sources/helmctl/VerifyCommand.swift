import CommandLineKit
import ChartEngine

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `helmctl verify PATH [--keyring FILE]`: checks a chart archive against its `.prov` (Helm's
/// `action.Verify`).
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "verify that a chart at the given path has been signed and is valid")

    @Argument(help: "PATH")
    var paths: [String] = []

    @Option(name: .customLong("keyring"), help: "keyring containing public keys")
    var keyring = DefaultKeyring.path()

    func run() throws {
        guard paths.count == 1 else { throw CobraArgs.exact(1, "verify", use: "verify PATH") }
        let v = try Provenance.verifyChart(paths[0], keyring: keyring)
        ErrorReporting.writeStdout(v.report)
    }
}

/// Helm's `defaultKeyring`: `$GNUPGHOME/pubring.gpg`, else `~/.gnupg/pubring.gpg`.
enum DefaultKeyring {
    static func path() -> String {
        if let g = getenv("GNUPGHOME") { return String(cString: g) + "/pubring.gpg" }
        let home = getenv("HOME").map { String(cString: $0) } ?? ""
        return home + "/.gnupg/pubring.gpg"
    }
}
