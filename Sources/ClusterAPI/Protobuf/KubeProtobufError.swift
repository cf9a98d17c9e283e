/// Why a Kubernetes protobuf body could not be decoded: a message naming the problem and the JSON path of the
/// field being read (`.spec.template.spec.containers[0].ports`), empty at the envelope level.
public struct KubeProtobufError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, without the path.
    public let reason: String
    /// The field path where it went wrong (`""` for the envelope itself).
    public let path: String

    public init(_ reason: String, path: String = "") {
        self.reason = reason
        self.path = path
    }

    /// `protobuf: <reason>` or `protobuf: <reason> (at <path>)`.
    public var description: String {
        path.isEmpty ? "protobuf: \(reason)" : "protobuf: \(reason) (at \(path))"
    }
}
