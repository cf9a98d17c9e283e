import CommandLineKit
import ChartEngine
import RepoServer

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `helmctl serve --repo-dir DIR`: serve a chart repository over HTTP (Helm v2's `helm serve`, with
/// ChartMuseum's upload API).
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "start a local http web server for a chart repository")

    @Option(name: .customLong("repo-dir"), help: "local directory path from which to serve charts")
    var repoDir: String

    @Option(name: .customLong("address"), help: "address to listen on")
    var address = "127.0.0.1:8879"

    @Option(name: .customLong("url"), help: "external URL of chart repository (default: the request's host)")
    var url: String?

    @Option(name: .customLong("basic-auth"), help: "require HTTP basic authentication, as user:password")
    var basicAuth: String?

    @Option(name: .customLong("bearer-token"), help: "require this bearer token")
    var bearerToken: String?

    @Flag(name: .customLong("auth-anonymous-get"), help: "allow reads without credentials (uploads still need them)")
    var anonymousGet = false

    @Flag(name: .customLong("enable-upload"), help: "enable ChartMuseum's upload API (POST /api/charts)")
    var enableUpload = false

    @Flag(name: .customLong("allow-overwrite"), help: "let uploads replace an existing chart version")
    var allowOverwrite = false

    @Option(name: .customLong("max-upload-size"), help: "largest accepted upload in bytes")
    var maxUploadSize = 20 << 20

    @Option(name: .customLong("poll-interval"), help: "seconds between scans of the directory for changed archives")
    var pollInterval = 1.0

    @Option(name: .customLong("threads"), help: "event-loop threads (default: one per core)")
    var threads: Int?

    func run() throws {
        let config = try makeConfiguration()
        // Commands run synchronously (main.swift stays synchronous for the other commands),
        // so the async service runs on the concurrency pool while this thread waits for it.
        let outcome = BlockingWait.run {
            try await RepoServerService.runUntilSignalled(config: config) { server in
                ErrorReporting.writeStdout("Now serving you on \(config.host):\(server.port)\n")
            }
        }
        if case .failure(let error) = outcome {
            throw ChartEngineError(.io, "\(error)")
        }
    }

    func makeConfiguration() throws -> RepoServerConfiguration {
        guard let (host, port) = Self.splitAddress(address) else {
            throw ChartEngineError(.usage, "invalid --address \(address): want HOST:PORT")
        }
        var dir = repoDir
        if !dir.hasPrefix("/") { dir = CurrentDirectory.path() + "/" + dir }
        var auth = RepoServerAuth.none
        if let basicAuth {
            guard bearerToken == nil else {
                throw ChartEngineError(.usage, "--basic-auth and --bearer-token cannot be combined")
            }
            guard let colon = basicAuth.firstIndex(of: ":"), colon != basicAuth.startIndex else {
                throw ChartEngineError(.usage, "invalid --basic-auth: want user:password")
            }
            auth = .basic(user: String(basicAuth[..<colon]), password: String(basicAuth[basicAuth.index(after: colon)...]))
        } else if let bearerToken {
            guard !bearerToken.isEmpty else { throw ChartEngineError(.usage, "--bearer-token must not be empty") }
            auth = .bearer(token: bearerToken)
        }
        if let threads, !(1...256).contains(threads) {
            throw ChartEngineError(.usage, "--threads must be between 1 and 256")
        }
        guard pollInterval > 0, pollInterval <= 86400 else {
            throw ChartEngineError(.usage, "--poll-interval must be between 0 and 86400 seconds")
        }
        return RepoServerConfiguration(
            repoDirectory: dir, host: host, port: port, baseURL: url, auth: auth, anonymousGet: anonymousGet,
            enableUpload: enableUpload, allowOverwrite: allowOverwrite, maxUploadBytes: maxUploadSize,
            pollInterval: .milliseconds(Int64(pollInterval * 1000)), eventLoopThreads: threads,
            log: { ErrorReporting.writeStderr($0 + "\n") })
    }

    /// `HOST:PORT`, `[V6]:PORT` or `:PORT` (all interfaces, as Go's net.Listen).
    static func splitAddress(_ address: String) -> (String, Int)? {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
              (0...65535).contains(port)
        else { return nil }
        var host = String(address[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }
}

/// Runs async work to completion from synchronous code by parking the calling thread on a condition
/// variable (the work itself runs on the global concurrency pool, never on this thread).
enum BlockingWait {
    final class Box: @unchecked Sendable {
        var mutex = pthread_mutex_t()
        var cond = pthread_cond_t()
        var result: Result<Void, any Error>?
    }

    static func run(_ body: @escaping @Sendable () async throws -> Void) -> Result<Void, any Error> {
        let box = Box()
        pthread_mutex_init(&box.mutex, nil)
        pthread_cond_init(&box.cond, nil)
        Task.detached {
            let r: Result<Void, any Error>
            do {
                try await body()
                r = .success(())
            } catch {
                r = .failure(error)
            }
            pthread_mutex_lock(&box.mutex)
            box.result = r
            pthread_cond_signal(&box.cond)
            pthread_mutex_unlock(&box.mutex)
        }
        pthread_mutex_lock(&box.mutex)
        while box.result == nil { pthread_cond_wait(&box.cond, &box.mutex) }
        let r = box.result ?? .success(())
        pthread_mutex_unlock(&box.mutex)
        return r
    }
}
