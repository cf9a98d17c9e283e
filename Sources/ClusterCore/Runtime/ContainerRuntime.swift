/// What a container runs, as the kubelet derives it from a pod's container.
public struct ContainerConfig: Sendable, Equatable {
    /// runc container id (letters, digits, `-`, `_`, `.`).
    public var id: String
    public var image: String
    /// The full argv (image entrypoint/cmd already merged with the pod's command/args).
    public var args: [String]
    public var env: [String]
    public var workingDir: String
    public var uid: UInt32
    public var gid: UInt32
    public var hostname: String
    public var readOnlyRoot: Bool

    public init(id: String, image: String, args: [String], env: [String] = [], workingDir: String = "/",
                uid: UInt32 = 0, gid: UInt32 = 0, hostname: String, readOnlyRoot: Bool = false)
    {
        self.id = id
        self.image = image
        self.args = args
        self.env = env
        self.workingDir = workingDir
        self.uid = uid
        self.gid = gid
        self.hostname = hostname
        self.readOnlyRoot = readOnlyRoot
    }
}

/// A container's life as the runtime sees it.
public enum ContainerStatus: Sendable, Equatable {
    /// Prepared (bundle written) but not started.
    case created
    case running(pid: Int32)
    case exited(code: Int32)
    case unknown
}

/// Runs containers on this node. Implementations keep their containers apart from anyone else's.
public protocol ContainerRuntime: Sendable {
    /// `runc://1.1.5`-style name and version, for the Node's nodeInfo.
    var version: String { get async }
    /// Resolves an image (throws with a pull error when it is not available).
    func image(_ reference: String) async throws -> ContainerImage
    /// Writes the bundle (root file system and config) for `config`.
    func create(_ config: ContainerConfig) async throws
    /// Starts a created container; its stdout and stderr go to ``logPath(_:)``.
    func start(_ id: String) async throws
    func status(_ id: String) async -> ContainerStatus
    func kill(_ id: String, signal: Int32) async throws
    /// Stops (SIGKILL) if needed and removes the container and its bundle.
    func delete(_ id: String) async throws
    /// Ids of the containers this runtime knows (created, running or exited).
    func list() async throws -> [String]
    func logPath(_ id: String) -> String
    /// Starts `config.command` in the running container `id` (see ``ExecProcess``).
    func exec(_ id: String, _ config: ExecConfig) async throws -> any ExecProcess
}
