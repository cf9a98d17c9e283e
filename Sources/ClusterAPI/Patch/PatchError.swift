/// Why a patch could not be applied: a malformed patch (the request is wrong), a patch that does not fit
/// the object (a missing path, a failed `test`, a directive on the wrong kind of value), or a patch that
/// is too large. The message names the problem and where it happened, worded like the Kubernetes API
/// server's (evanphx/json-patch for JSON patch, apimachinery's strategicpatch/mergepatch errors).
public struct PatchError: Error, Sendable, Hashable, CustomStringConvertible {
    /// How the API server reports the error.
    public enum Code: Sendable, Hashable {
        /// The patch document itself is malformed: 400 Bad Request.
        case badRequest
        /// The patch is well-formed but cannot be applied to this object: 422 Unprocessable Entity.
        case unprocessable
        /// More operations than the server accepts: 413 Request Entity Too Large.
        case tooLarge
        /// The patch type does not apply to this kind (strategic merge on a custom resource):
        /// 415 Unsupported Media Type.
        case unsupportedMediaType
    }

    public let code: Code
    /// Where the problem is: a JSON pointer (`/spec/replicas`) for JSON patch, a field path
    /// (`spec.template.spec.containers[name=web].env`) for strategic merge patch, `""` for the root.
    public let path: String
    /// The full human-readable message (it already mentions `path` where that helps).
    public let message: String

    public init(_ code: Code, path: String, _ message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    /// The HTTP status the API server answers with.
    public var httpStatus: Int {
        switch code {
        case .badRequest: 400
        case .unprocessable: 422
        case .tooLarge: 413
        case .unsupportedMediaType: 415
        }
    }

    public var description: String { message }
}
