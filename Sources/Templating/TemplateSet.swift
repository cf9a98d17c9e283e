import StructuredData
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
    /// Upper bound on `range` iterations in one execution (not a Go limit: a template such as
    /// `range 1000000000` would otherwise run for minutes; exceeding it is a clear error, not a hang).
    public var maxRangeIterations: Int
    /// Upper bound on the bytes one execution may output (not a Go limit; guards memory).
    public var maxOutputBytes: Int

    public init(clock: any TemplateClock = SystemClock(), random: RandomSource = RandomSource(),
                hostContext: (any Sendable)? = nil, missingKeyError: Bool = false,
                maxRangeIterations: Int = 50_000_000, maxOutputBytes: Int = 512 << 20) {
        self.clock = clock
        self.random = random
        self.hostContext = hostContext
        self.missingKeyError = missingKeyError
        self.maxRangeIterations = maxRangeIterations
        self.maxOutputBytes = maxOutputBytes
    }
}

/// A parsed, immutable set of templates: parse once, execute many times, concurrently.
public struct TemplateSet: Sendable {
    /// Trees by template name (files and `define`s).
    let trees: TreeTable
    /// The functions templates of this set may call.
    public let functions: FunctionRegistry

    init(trees: TreeTable, functions: FunctionRegistry) {
        self.trees = trees
        self.functions = functions
    }

    /// Parses `sources` in order into one set. A later non-empty `define` of a name replaces an earlier
    /// one (Go's "last parsed wins"; an empty one never replaces); two definitions of a name in one
    /// source are an error.
    public static func parse(_ sources: [TemplateSource], functions: FunctionRegistry) throws -> TemplateSet {
        try TemplateSet(trees: TreeTable(own: [:], parent: nil), functions: functions).adding(sources)
    }

    /// Returns a new set with `sources` added on top of this one (what `tpl` does: the new text can
    /// call every template already defined).
    public func adding(_ sources: [TemplateSource]) throws -> TemplateSet {
        // A small addition (tpl) layers over this set instead of copying it, so `tpl` stays O(text).
        let layered = trees.count > 64 && sources.count <= 4
        var own: [String: Tree] = layered ? [:] : trees.flattened()
        let parsed = Self.parseAll(sources, functions: functions)
        for result in parsed {
            // The first failing source in order fails the set, as a sequential parse would.
            for (name, tree) in try result.get() {
                // Go's associate(): never replace an existing template with an empty one.
                if tree.isEmpty, own[name] != nil || (layered && trees[name] != nil) { continue }
                own[name] = tree
            }
        }
        let table = layered ? TreeTable(own: own, parent: trees) : TreeTable(own: own, parent: nil)
        return TemplateSet(trees: table, functions: functions)
    }

    /// Sources at least this many are parsed on two threads (each file parses independently; the
    /// results are combined in order afterwards, so the outcome is the same as parsing in order).
    static let parallelThreshold = 16

    /// Every source's trees (or its parse error), in source order.
    static func parseAll(_ sources: [TemplateSource], functions: FunctionRegistry)
        -> [Result<[(String, Tree)], any Error>]
    {
        func one(_ s: TemplateSource) -> Result<[(String, Tree)], any Error> {
            Result { try Parser.parse(name: s.name, text: s.text, functions: functions) }
        }
        guard sources.count >= parallelThreshold else { return sources.map(one) }
        let slots = ResultSlots<[(String, Tree)]>(count: sources.count)
        LargeStack.forEach(count: sources.count, workers: 2) { i in slots.set(i, one(sources[i])) }
        return slots.results()
    }

    /// Whether a template of that name exists.
    public func has(_ name: String) -> Bool { trees[name] != nil }

    /// All template names (files and defines), sorted.
    public var names: [String] { trees.flattened().keys.sorted(by: goStringLess) }

    /// Executes the template `name` with `data` as dot and returns its output.
    public func execute(_ name: String, data: TemplateValue, options: ExecutionOptions = ExecutionOptions()) throws
        -> String
    {
        guard let tree = trees[name] else {
            throw TemplateError(kind: .plain, message: "template: no template \(goQuote(name)) associated with template \(goQuote(name))")
        }
        let state = ExecState(set: self, tree: tree, dot: data, options: options)
        _ = try state.walk(data, tree.root)
        return state.out
    }
}

/// Template trees by name, optionally layered over a parent table (for `tpl`).
final class TreeTable: Sendable {
    let own: [String: Tree]
    let parent: TreeTable?
    let count: Int

    init(own: [String: Tree], parent: TreeTable?) {
        self.own = own
        self.parent = parent
        self.count = own.count + (parent?.count ?? 0)
    }

    subscript(name: String) -> Tree? {
        if let t = own[name] { return t }
        return parent?[name]
    }

    func flattened() -> [String: Tree] {
        guard let parent else { return own }
        return parent.flattened().merging(own) { _, new in new }
    }
}

/// One result per index, each written by exactly one worker before the workers are joined
/// (``LargeStack/forEach(count:workers:size:_:)``).
public final class ResultSlots<T>: @unchecked Sendable {
    private var slots: [Result<T, any Error>?]
    private let lock = Lock()

    public init(count: Int) { slots = Array(repeating: nil, count: count) }

    public func set(_ i: Int, _ r: Result<T, any Error>) { lock.withLock { slots[i] = r } }

    /// The results in index order; an index no worker reached (cannot happen) reads as an error.
    public func results() -> [Result<T, any Error>] {
        lock.withLock {
            slots.map { $0 ?? .failure(TemplateError(kind: .plain, message: "template: internal error: missing result")) }
        }
    }
}
