import CommandLineKit
import ChartEngine

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Helm's TLS flags for repository access.
struct TLSFlags: ParsableArguments {
    @Option(name: .customLong("cert-file"), help: "identify HTTPS client using this SSL certificate file")
    var certFile = ""

    @Option(name: .customLong("key-file"), help: "identify HTTPS client using this SSL key file")
    var keyFile = ""

    @Option(name: .customLong("ca-file"), help: "verify certificates of HTTPS-enabled servers using this CA bundle")
    var caFile = ""

    @Flag(name: .customLong("insecure-skip-tls-verify"), help: "skip tls certificate checks for the chart download")
    var insecureSkipTLSVerify = false
}

/// Helm's chart-locating flags (`addChartPathOptionsFlags`): version, repository and credentials.
struct ChartPathFlags: ParsableArguments {
    @Option(name: .customLong("version"), help: "specify a version constraint for the chart version to use")
    var version = ""

    @Flag(name: .customLong("devel"), help: "use development versions, too. Equivalent to version '>0.0.0-0'. If --version is set, this is ignored")
    var devel = false

    @Option(name: .customLong("repo"), help: "chart repository url where to locate the requested chart")
    var repo = ""

    @Option(name: .customLong("username"), help: "chart repository username where to locate the requested chart")
    var username = ""

    @Option(name: .customLong("password"), help: "chart repository password where to locate the requested chart")
    var password = ""

    @Flag(name: .customLong("pass-credentials"), help: "pass credentials to all domains")
    var passCredentials = false

    @Flag(name: .customLong("verify"), help: "verify the package before using it")
    var verify = false

    @Option(name: .customLong("keyring"), help: "location of public keys used for verification")
    var keyring = ""

    @Flag(name: .customLong("plain-http"), help: "use insecure HTTP connections for the chart download")
    var plainHTTP = false

    @OptionGroup var tls: TLSFlags

    var http: HTTPOptions {
        var o = HTTPOptions()
        o.username = username
        o.password = password
        o.passCredentialsAll = passCredentials
        o.certFile = tls.certFile
        o.keyFile = tls.keyFile
        o.caFile = tls.caFile
        o.insecureSkipTLSVerify = tls.insecureSkipTLSVerify
        return o
    }

    var reference: ChartReference.Options {
        var o = ChartReference.Options()
        o.version = version
        o.devel = devel
        o.repoURL = repo
        o.http = http
        o.plainHTTP = plainHTTP
        o.verify = verify
        o.keyring = keyring.isEmpty ? DefaultKeyring.path() : keyring
        o.registryOutput = { ErrorReporting.writeStderr($0) }
        return o
    }
}

/// The Helm locations from the environment.
enum GlobalPaths {
    static func current() -> HelmPaths { HelmPaths.fromEnvironment() }
}

/// `-o table|json|yaml` as Helm's output flag parses it.
enum OutputFormat {
    static func parse(_ s: String) throws -> RepoActions.Format {
        guard let f = RepoActions.Format(rawValue: s) else {
            throw ChartEngineError(.usage, "invalid argument \"\(s)\" for \"-o, --output\" flag: invalid format type")
        }
        return f
    }
}

/// cobra's positional-argument errors (pkg/cmd/require).
enum CobraArgs {
    static func exact(_ n: Int, _ path: String, use: String) -> ChartEngineError {
        ChartEngineError(.usage, "\"helmctl \(path)\" requires \(n) argument\(n == 1 ? "" : "s")\n\nUsage:  helmctl \(use) [flags]")
    }

    static func atLeast(_ n: Int, _ path: String, use: String) -> ChartEngineError {
        ChartEngineError(.usage, "\"helmctl \(path)\" requires at least \(n) argument\(n == 1 ? "" : "s")\n\nUsage:  helmctl \(use) [flags]")
    }

    static func atMost(_ n: Int, _ path: String, use: String) -> ChartEngineError {
        ChartEngineError(.usage, "\"helmctl \(path)\" accepts at most \(n) argument\(n == 1 ? "" : "s")\n\nUsage:  helmctl \(use) [flags]")
    }

    static func none(_ path: String, use: String) -> ChartEngineError {
        ChartEngineError(.usage, "\"helmctl \(path)\" accepts no arguments\n\nUsage:  helmctl \(use)")
    }
}

/// Reads standard input to the end.
enum StandardInput {
    static func readAll() -> [UInt8] {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buf.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            out.append(contentsOf: buf[0..<n])
            if out.count > 1 << 20 { break }
        }
        return out
    }
}
