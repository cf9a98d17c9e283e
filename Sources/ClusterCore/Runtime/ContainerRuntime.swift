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
    /// (podnet) The pod sandbox's network namespace path to join; nil = a private one with only loopback.
    public var networkNamespace: String?
    /// (podnet) A hosts file (hostname → pod IP) bind-mounted at /etc/hosts; nil = the bundle's own.
    public var hostsFile: String?
    /// Host paths bind-mounted into the container (pod volumes per volumeMounts, the pod's resolv.conf).
    public var mounts: [ContainerMount]
    /// (ksec) cgroup limits (Runtime/CgroupResources.swift) and process privileges (Runtime/ContainerPrivileges.swift).
    public var resources = ContainerResources()
    public var privileges = ContainerPrivileges()
    /// (attach) The process' stdin stays open for attach sessions (a pod container's `stdin`);
    /// `stdinOnce` closes it when the first session ends. See RuncStdin.swift.
    public var stdin = false
    public var stdinOnce = false
    /// (kstate) OCI annotations: what the kubelet needs to re-adopt the container after a restart.
    public var annotations: [String: String] = [:]

    public init(id: String, image: String, args: [String], env: [String] = [], workingDir: String = "/",
                uid: UInt32 = 0, gid: UInt32 = 0, hostname: String, readOnlyRoot: Bool = false,
                networkNamespace: String? = nil, hostsFile: String? = nil, mounts: [ContainerMount] = [])
    {
        self.networkNamespace = networkNamespace
        self.hostsFile = hostsFile
        self.id = id
        self.image = image
        self.args = args
        self.env = env
        self.workingDir = workingDir
        self.uid = uid
        self.gid = gid
        self.hostname = hostname
        self.readOnlyRoot = readOnlyRoot
        self.mounts = mounts
    }
}

/// A host path bind-mounted at `destination` inside a container (a pod volume's volumeMount).
public struct ContainerMount: Sendable, Equatable {
    /// Absolute path inside the container.
    public var destination: String
    /// Absolute host path (a directory or a file).
    public var source: String
    public var readOnly: Bool

    public init(destination: String, source: String, readOnly: Bool = false) {
        self.destination = destination
        self.source = source
        self.readOnly = readOnly
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
    /// Makes the image available as `policy` says (pulling it when due) and resolves it; the default
    /// only resolves (see Images/RuntimeImages.swift).
    func pullImage(_ reference: String, policy: ImagePullPolicy, credentials: RegistryCredentials?,
                   progress: (@Sendable (ImagePullProgress) -> Void)?) async throws -> ContainerImage
    /// Writes the bundle (root file system and config) for `config`.
    func create(_ config: ContainerConfig) async throws
    /// Starts a created container; its stdout and stderr go to ``logPath(_:)``.
    func start(_ id: String) async throws
    func status(_ id: String) async -> ContainerStatus
    /// The exit code once the container ended, nil while it runs: what the kubelet asks every pass,
    /// so runtimes answer it without asking their tool when they can.
    func exitCode(_ id: String) async -> Int32?
    func kill(_ id: String, signal: Int32) async throws
    /// Stops (SIGKILL) if needed and removes the container and its bundle.
    func delete(_ id: String) async throws
    /// (ksec) Whether the kernel's OOM killer ended container `id` (its memory limit); the default: never known.
    func oomKilled(_ id: String) async -> Bool
    /// Ids of the containers this runtime knows (created, running or exited).
    func list() async throws -> [String]
    func logPath(_ id: String) -> String
    /// Starts `config.command` in the running container `id` (see ``ExecProcess``).
    func exec(_ id: String, _ config: ExecConfig) async throws -> any ExecProcess
    /// (kstate) Containers an earlier process left (running or exited), with their annotations.
    func adoptable() async -> [AdoptableContainer]
    /// (kstate) Takes over a container from ``adoptable()``: follows its exit and its log again.
    func adopt(_ container: AdoptableContainer) async -> ContainerStatus
    /// (kstate) Removes a removed container's log (kept after ``delete(_:)`` for `previous` logs).
    func removeLog(_ id: String) async
}

extension ContainerRuntime {
    public func adoptable() async -> [AdoptableContainer] { [] }
    public func adopt(_ container: AdoptableContainer) async -> ContainerStatus { .unknown }
    public func removeLog(_ id: String) async {}
}

extension ContainerRuntime {
    public func oomKilled(_ id: String) async -> Bool { false }

    public func exitCode(_ id: String) async -> Int32? {
        if case .exited(let code) = await status(id) { return code }
        return nil
    }
}
