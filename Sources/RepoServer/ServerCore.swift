import NIOConcurrencyHelpers
import NIOHTTP1
import NIOPosix

/// What every connection handler shares: configuration, repository state, file cache, thread pool.
final class ServerCore: Sendable {
    enum Authorization { case allowed(user: String), denied }

    let config: RepoServerConfiguration
    let state: RepoState
    let cache = FileCache()
    let threadPool: NIOThreadPool
    /// The `WWW-Authenticate` challenge for 401 answers.
    let challenge: String
    private let expectedAuthorization: String?
    private let date = NIOLockedValueBox<(Int, String, String)>((0, "", ""))

    init(config: RepoServerConfiguration, state: RepoState, threadPool: NIOThreadPool) {
        self.config = config
        self.state = state
        self.threadPool = threadPool
        switch config.auth {
        case .none:
            expectedAuthorization = nil
            challenge = ""
        case .basic(let user, let password):
            expectedAuthorization = "Basic " + Base64.encode(Array("\(user):\(password)".utf8))
            challenge = #"Basic realm="helmctl""#
        case .bearer(let token):
            expectedAuthorization = "Bearer " + token
            challenge = #"Bearer realm="helmctl""#
        }
    }

    /// Checks credentials. `write` marks uploads, which `anonymousGet` does not open.
    func authorize(_ headers: HTTPHeaders, write: Bool) -> Authorization {
        guard let expected = expectedAuthorization else { return .allowed(user: "-") }
        if config.anonymousGet && !write { return .allowed(user: "-") }
        guard let given = headers.first(name: "Authorization") else { return .denied }
        // The scheme name is case-insensitive (RFC 9110 §11.1); the credentials are not.
        let parts = given.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return .denied }
        let normalized = (parts[0].lowercased() == "basic" ? "Basic" : parts[0].lowercased() == "bearer" ? "Bearer" : String(parts[0]))
            + " " + parts[1].trimmingSpaces
        guard constantTimeEquals(normalized, expected) else { return .denied }
        if case .basic(let user, _) = config.auth { return .allowed(user: user) }
        return .allowed(user: "-")
    }

    /// The base for index URLs: `--url`, else `http://HOST` from a well-formed `Host` header, else
    /// relative URLs (Helm resolves them against the repository URL).
    func indexBase(_ headers: HTTPHeaders) -> String {
        if let base = config.baseURL { return base }
        guard let host = headers.first(name: "Host"), !host.isEmpty, host.utf8.count <= 255,
              host.utf8.allSatisfy({ c in
                  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)
                      || c == UInt8(ascii: ".") || c == UInt8(ascii: "-") || c == UInt8(ascii: ":")
                      || c == UInt8(ascii: "[") || c == UInt8(ascii: "]")
              })
        else { return "" }
        return "http://" + host
    }

    /// The `Date` header, formatted once per second.
    func dateHeader() -> String { clockStrings().http }

    /// The access log's time stamp, formatted once per second.
    func logTime() -> String { clockStrings().log }

    private func clockStrings() -> (http: String, log: String) {
        let now = HTTPDate.now()
        return date.withLockedValue { cached in
            if cached.0 != now { cached = (now, HTTPDate.format(now), HTTPDate.logFormat(now)) }
            return (cached.1, cached.2)
        }
    }
}
