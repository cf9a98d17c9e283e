/// The one error type of ChartEngine: a small code for callers that branch on the kind of failure and
/// the message worded exactly as Helm v4.2.3 prints it after `Error: `.
public struct ChartEngineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Code: String, Sendable {
        /// The chart path does not exist or is not a chart.
        case chartNotFound
        /// `Chart.yaml` is missing, malformed or fails validation.
        case invalidChart
        /// A values file, `--set` expression or `--set-json` document could not be read or parsed.
        case invalidValues
        /// A file could not be read.
        case io
        /// A template failed to parse.
        case templateParse
        /// A template failed to execute.
        case templateExecution
        /// A rendered manifest is not valid YAML.
        case manifestParse
        /// A dependency problem (type mismatch, bad condition).
        case dependency
        /// A `--show-only` template was not found, or another rendering-output problem.
        case output
        /// Bad command-line usage.
        case usage
    }

    public var code: Code
    /// The message as Helm prints it after `Error: `.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
