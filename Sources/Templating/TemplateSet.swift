/// One named template source: a file of a chart, or a string given to `tpl`.
public struct TemplateSource: Sendable {
    /// The name the file's top-level template gets (`mychart/templates/deployment.yaml`).
    public var name: String
    public var text: String

    public init(name: String, text: String) {
        self.name = name
        self.text = text
    }
}

/// How one execution runs.
public struct ExecutionOptions: Sendable {
    public var clock: any TemplateClock
    public var random: RandomSource
    /// Passed through to functions as ``FunctionEnvironment/hostContext``.
    public var hostContext: (any Sendable)?
    /// `missingkey=error` (Helm's SDK `Strict` mode); Helm's CLI uses `missingkey=zero`.
    public var missingKeyError: Bool

    public init(clock: any TemplateClock = SystemClock(), random: RandomSource = RandomSource(),
                hostContext: (any Sendable)? = nil, missingKeyError: Bool = false) {
        self.clock = clock
        self.random = random
        self.hostContext = hostContext
        self.missingKeyError = missingKeyError
    }
}

/// A parsed, immutable set of templates: parse once, execute many times, concurrently.
public struct TemplateSet: Sendable {
    /// Parses `sources` in order into one set. A later `define` of a name replaces an earlier one
    /// (Go's "last parsed wins"); two definitions of a name in one source are an error.
    public static func parse(_ sources: [TemplateSource], functions: FunctionRegistry) throws -> TemplateSet {
        throw TemplateError(kind: .plain, message: "template engine under construction")
    }

    /// Returns a new set with `sources` added on top of this one (what `tpl` does: the new text can
    /// call every template already defined).
    public func adding(_ sources: [TemplateSource]) throws -> TemplateSet {
        throw TemplateError(kind: .plain, message: "template engine under construction")
    }

    /// Whether a template of that name exists.
    public func has(_ name: String) -> Bool { false }

    /// Executes the template `name` with `data` as dot and returns its output.
    public func execute(_ name: String, data: TemplateValue, options: ExecutionOptions = ExecutionOptions()) throws
        -> String
    {
        throw TemplateError(kind: .plain, message: "template engine under construction")
    }
}
