public import ClusterStore

/// How an ``APIServer`` listens, authenticates and stores.
public struct APIServerConfiguration: Sendable {
    /// TLS material, PEM encoded: the serving certificate chain and key, and the CA that signs client
    /// certificates (a presented client certificate must chain to it).
    public struct TLS: Sendable {
        public var certificateChainPEM: String
        public var privateKeyPEM: String
        public var clientCAPEM: String

        public init(certificateChainPEM: String, privateKeyPEM: String, clientCAPEM: String) {
            self.certificateChainPEM = certificateChainPEM
            self.privateKeyPEM = privateKeyPEM
            self.clientCAPEM = clientCAPEM
        }
    }

    public var host: String
    public var port: Int
    /// nil = plain HTTP (tests only; `cluster up` always serves TLS).
    public var tls: TLS?
    /// Bearer tokens → user names. A request needs a valid token or client certificate, except the
    /// health endpoints (`/healthz`, `/livez`, `/readyz`, `/version`).
    public var tokens: [String: String]
    /// When true, requests without credentials are served (tests only).
    public var allowAnonymous: Bool
    public var store: any KeyValueStore
    /// Largest accepted request body (Kubernetes: 3 MiB).
    public var maxBodyBytes: Int
    /// Logs one line (access log and errors).
    public var log: @Sendable (String) -> Void
    /// Watch events a client may lag behind before it is cut off (it must re-list).
    public var watchBuffer: Int = 10_000
    /// Kubelets in this process, asked for pod logs (none: `pods/log` answers 503 for bound pods).
    public var nodeAgents = NodeAgents()
    /// Where the `local-path` provisioner makes volume directories (`<data>/volumes`); nil: no
    /// dynamic provisioning (claims of that class stay Pending).
    public var volumesDirectory: String?

    public init(host: String = "127.0.0.1", port: Int = 6443, tls: TLS?, tokens: [String: String],
                allowAnonymous: Bool = false, store: any KeyValueStore, maxBodyBytes: Int = 3 * 1024 * 1024,
                log: @escaping @Sendable (String) -> Void = { _ in })
    {
        self.host = host
        self.port = port
        self.tls = tls
        self.tokens = tokens
        self.allowAnonymous = allowAnonymous
        self.store = store
        self.maxBodyBytes = maxBodyBytes
        self.log = log
    }
}
