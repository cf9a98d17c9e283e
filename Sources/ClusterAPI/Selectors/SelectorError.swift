/// A label or field selector that cannot be parsed or used; `message` is worded as Kubernetes words it, so the
/// API server can put it in a 400 `BadRequest` Status unchanged.
public struct SelectorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The Kubernetes-worded message.
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
