/// A failure talking to the API server: transport problems (`code` 0) or a decoded `Status` object.
public struct KubeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status code (0 when no response was received).
    public var code: Int
    /// The `Status.reason` (`NotFound`, `AlreadyExists`, `Conflict`, …), empty when unknown.
    public var reason: String
    /// The `Status.message`, or a transport/configuration error text.
    public var message: String

    public init(code: Int = 0, reason: String = "", message: String) {
        self.code = code
        self.reason = reason
        self.message = message
    }

    public var description: String { message }
    /// True for a 404 `NotFound`.
    public var isNotFound: Bool { code == 404 }
    /// True for a 409 `AlreadyExists`.
    public var isAlreadyExists: Bool { code == 409 && reason == "AlreadyExists" }
    /// True for a 409 `Conflict` (stale resourceVersion or apply conflict).
    public var isConflict: Bool { code == 409 && reason != "AlreadyExists" }
}
