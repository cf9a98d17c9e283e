/// An error from decoding or encoding structured data, with the position where it happened when known.
public struct StructuredDataError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, in the words of the Go library Helm uses where it matters
    /// (e.g. `yaml: line 3: could not find expected ':'`).
    public var message: String
    /// 1-based line of the input, when known.
    public var line: Int?

    public init(_ message: String, line: Int? = nil) {
        self.message = message
        self.line = line
    }

    public var description: String { message }
}
