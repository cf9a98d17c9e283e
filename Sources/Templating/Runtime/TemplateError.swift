/// A parse or execution error, carrying what Go's `text/template` reports so that callers can print
/// Go's exact text (``goDescription``) or reword it as Helm does.
public struct TemplateError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// `template: NAME:LINE: MSG`
        case parse
        /// `template: NAME:LINE:COL: executing "EXEC" at <NODE>: MSG`
        case exec
        /// A Go `ExecError` without location (e.g. `template: no template "x" associated with template "y"`,
        /// or `exceeded maximum template depth (100000)`): printed verbatim.
        case plain
    }

    public var kind: Kind
    /// File (parse name) of the node where the error happened.
    public var parseName: String
    /// 1-based line.
    public var line: Int
    /// 0-based byte column within the line (exec errors only).
    public var column: Int
    /// Name of the template being executed (a file or a `define` name).
    public var executingName: String
    /// The node's source form, e.g. `.Values.a.b.c` or `eq .Values.small 12`.
    public var nodeText: String
    /// The message after the location part. For function errors: `error calling NAME: …`.
    public var message: String
    /// Name of the function whose error this is (`fail`, `include`, `eq`), if any.
    public var function: String?
    /// When the function's error was itself a template error (nested `include`/`tpl`), that error.
    public var underlying: TemplateErrorBox?

    public init(kind: Kind, parseName: String = "", line: Int = 0, column: Int = 0, executingName: String = "",
                nodeText: String = "", message: String, function: String? = nil,
                underlying: TemplateErrorBox? = nil) {
        self.kind = kind
        self.parseName = parseName
        self.line = line
        self.column = column
        self.executingName = executingName
        self.nodeText = nodeText
        self.message = message
        self.function = function
        self.underlying = underlying
    }

    /// Go's `err.Error()` text.
    public var goDescription: String {
        switch kind {
        case .parse: "template: \(parseName):\(line): \(message)"
        case .exec:
            "template: \(parseName):\(line):\(column): executing \"\(executingName)\" at <\(nodeText)>: \(message)"
        case .plain: message
        }
    }

    public var description: String { goDescription }
}

/// Indirection so a ``TemplateError`` can hold the error it wraps.
public final class TemplateErrorBox: Sendable {
    public let error: any Error & Sendable
    public init(_ error: any Error & Sendable) { self.error = error }
}
