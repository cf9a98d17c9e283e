/// What to run in a running container, as `kubectl exec` asks for it.
public struct ExecConfig: Sendable, Equatable {
    /// The argv; the container's environment, user and working directory apply.
    public var command: [String]
    /// Run on a pseudo-terminal (output then comes as one stream, on stdout).
    public var tty: Bool
    /// Whether the caller writes the process' stdin (otherwise it reads /dev/null).
    public var stdin: Bool

    public init(command: [String], tty: Bool = false, stdin: Bool = false) {
        self.command = command
        self.tty = tty
        self.stdin = stdin
    }
}

/// One chunk of a process' output.
public enum ExecOutput: Sendable, Equatable {
    case stdout([UInt8])
    case stderr([UInt8])
}

/// A process in a container whose streams a client drives (an exec, or a container's main process
/// for attach). Every method may be called from any task; none blocks.
public protocol ExecProcess: Sendable {
    /// Output in order; finishes when the process has exited and its output is drained.
    var output: AsyncStream<ExecOutput> { get }
    /// Returns once the command runs; throws when it could not be started (not found, not
    /// executable): an error as the CRI reports it, not an exit code, and no output then.
    func started() async throws
    /// Queues bytes for the process' stdin (ignored without stdin).
    func write(_ bytes: [UInt8])
    /// Ends stdin (a terminal gets end-of-transmission, ^D).
    func closeStdin()
    /// Sets the terminal size (ignored without a terminal).
    func resize(width: UInt16, height: UInt16)
    /// The exit code (128 + signal when killed), once the process ended.
    func wait() async -> Int32
    /// Kills the process (the client went away).
    func terminate()
}

extension ExecProcess {
    public func started() async throws {}
}

extension ContainerRuntime {
    /// Runtimes without exec support refuse by name.
    public func exec(_ id: String, _ config: ExecConfig) async throws -> any ExecProcess {
        throw RuntimeError("this container runtime does not support exec")
    }
}
