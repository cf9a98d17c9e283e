/// How a client must authenticate, if at all.
public enum RepoServerAuth: Sendable, Equatable {
    /// Every request is served without credentials.
    case none
    /// HTTP Basic authentication (`--basic-auth user:pass`).
    case basic(user: String, password: String)
    /// A static bearer token (`--bearer-token T`), sent as `Authorization: Bearer T`.
    case bearer(token: String)
}

/// Everything `helmctl serve` needs to run a chart repository server.
public struct RepoServerConfiguration: Sendable {
    /// The directory whose archives (`*.tgz`, `*/*.tgz`) and provenance files are served.
    public var repoDirectory: String
    /// The address to listen on (`127.0.0.1` by default; `0.0.0.0` for every interface).
    public var host: String
    /// The port to listen on; 0 asks the kernel for a free one (see ``RepoHTTPServer/port``).
    public var port: Int
    /// Base URL written into `index.yaml`; when nil the request's `Host` header is used
    /// (`http://HOST/…`), and relative URLs when the request has none.
    public var baseURL: String?
    /// Who may read and upload.
    public var auth: RepoServerAuth
    /// ChartMuseum's `--auth-anonymous-get`: reads are allowed without credentials, uploads are not.
    public var anonymousGet: Bool
    /// Enables `POST /api/charts` (ChartMuseum's upload API).
    public var enableUpload: Bool
    /// Lets an upload replace an existing archive instead of answering 409.
    public var allowOverwrite: Bool
    /// Largest accepted upload body (ChartMuseum's default `--max-upload-size` is 20 MiB).
    public var maxUploadBytes: Int
    /// How often the directory is polled for added or removed archives.
    public var pollInterval: Duration
    /// Event-loop threads; nil shares NIO's process-wide group (one thread per core).
    public var eventLoopThreads: Int?
    /// Receives one access-log line per request (without the newline) and server messages.
    public var log: @Sendable (String) -> Void

    /// A configuration with the defaults of `helmctl serve`.
    public init(repoDirectory: String, host: String = "127.0.0.1", port: Int = 8879, baseURL: String? = nil,
                auth: RepoServerAuth = .none, anonymousGet: Bool = false, enableUpload: Bool = false,
                allowOverwrite: Bool = false, maxUploadBytes: Int = 20 << 20,
                pollInterval: Duration = .seconds(1), eventLoopThreads: Int? = nil, log: @escaping @Sendable (String) -> Void = { _ in })
    {
        self.repoDirectory = repoDirectory
        self.host = host
        self.port = port
        self.baseURL = baseURL
        self.auth = auth
        self.anonymousGet = anonymousGet
        self.enableUpload = enableUpload
        self.allowOverwrite = allowOverwrite
        self.maxUploadBytes = maxUploadBytes
        self.pollInterval = pollInterval
        self.eventLoopThreads = eventLoopThreads
        self.log = log
    }
}

/// Errors of the repository server, with a message fit for `Error: …`.
public struct RepoServerError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, worded for the user.
    public var message: String

    /// An error with that message.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
