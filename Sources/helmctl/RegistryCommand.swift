import CommandLineKit
import ChartEngine

/// `helmctl push CHART.tgz oci://HOST/PATH`.
struct PushCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push", abstract: "push a chart to remote")

    @Argument(help: "[chart] [remote]")
    var args: [String] = []

    @Flag(name: .customLong("plain-http"), help: "use insecure HTTP connections for the chart upload")
    var plainHTTP = false

    @Option(name: .customLong("username"), help: "chart repository username where to locate the requested chart")
    var username = ""

    @Option(name: .customLong("password"), help: "chart repository password where to locate the requested chart")
    var password = ""

    @OptionGroup var tls: TLSFlags

    func run() throws {
        guard args.count == 2 else { throw CobraArgs.exact(2, "push", use: "push [chart] [remote]") }
        var http = HTTPOptions()
        http.username = username
        http.password = password
        http.certFile = tls.certFile
        http.keyFile = tls.keyFile
        http.caFile = tls.caFile
        http.insecureSkipTLSVerify = tls.insecureSkipTLSVerify
        // Helm's registry client reports on stderr.
        ErrorReporting.writeStderr(try OCIActions.push(archive: args[0], to: args[1], plainHTTP: plainHTTP,
                                                       http: http, config: RegistryConfig.fromEnvironment()))
    }
}

/// `helmctl registry login|logout HOST`.
struct RegistryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry", abstract: "login to or logout from a registry",
        subcommands: [RegistryLogin.self, RegistryLogout.self])
}

struct RegistryLogin: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "login", abstract: "login to a registry")

    @Argument var host: [String] = []

    @Option(name: [.customShort("u"), .customLong("username")], help: "registry username")
    var username = ""

    @Option(name: [.customShort("p"), .customLong("password")], help: "registry password or identity token")
    var password = ""

    @Flag(name: .customLong("password-stdin"), help: "read password or identity token from stdin")
    var passwordStdin = false

    @Flag(name: .customLong("plain-http"), help: "use insecure HTTP connections for the chart upload")
    var plainHTTP = false

    @Flag(name: .customLong("insecure"), help: "allow connections to TLS registry without certs")
    var insecure = false

    func run() throws {
        guard host.count == 1 else { throw CobraArgs.exact(1, "registry login", use: "registry login [host]") }
        let (user, pw) = try CredentialPrompt.usernamePassword(username: username, password: password,
                                                              passwordFromStdin: passwordStdin)
        var http = HTTPOptions()
        http.insecureSkipTLSVerify = insecure
        ErrorReporting.writeStderr(try OCIActions.login(host: host[0], username: user, password: pw,
                                                        plainHTTP: plainHTTP, http: http,
                                                        config: RegistryConfig.fromEnvironment()))
    }
}

struct RegistryLogout: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logout", abstract: "logout from a registry")

    @Argument var host: [String] = []

    func run() throws {
        guard host.count == 1 else { throw CobraArgs.exact(1, "registry logout", use: "registry logout [host]") }
        ErrorReporting.writeStderr(try OCIActions.logout(host: host[0], config: RegistryConfig.fromEnvironment()))
    }
}
