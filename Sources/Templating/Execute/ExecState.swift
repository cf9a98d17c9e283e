import StructuredData
/// Where an error is reported: the node Go's executor last marked with `s.at(node)`.
enum ErrorNode {
    case arg(Arg)
    case cmd(Command)
    case pipe(Pipe)
    case template(pos: Int, name: String, pipe: Pipe?)
    case range(Branch)

    var pos: Int {
        switch self {
        case .arg(let a): a.pos
        case .cmd(let c): c.pos
        case .pipe(let p): p.pos
        case .template(let p, _, _): p
        case .range(let b): b.pos
        }
    }

    var goString: String {
        switch self {
        case .arg(let a): a.goString
        case .cmd(let c): c.goString
        case .pipe(let p): p.goString
        case .template(_, let name, let pipe):
            pipe.map { "{{template \(goQuote(name)) \($0.goString)}}" } ?? "{{template \(goQuote(name))}}"
        case .range(let b): "{{range \(b.pipe.goString)}}"
        }
    }
}

/// Control flow out of a range body.
enum Flow { case normal, breakLoop, continueLoop }

/// Go's maximum `{{template}}` nesting.
let maxExecDepth = 100_000

/// One execution: Go's `state`. Not shared between threads.
final class ExecState: FunctionEnvironment {
    let set: TemplateSet
    var tree: Tree
    /// Variables; `boxed` marks values whose static Go type is `interface{}` (range elements).
    var vars: [(name: String, value: TemplateValue, boxed: Bool)]
    /// First variable of the template being executed: a nested `{{template}}`/`include` runs on this
    /// same state with its variables stacked above the caller's, which it must not see.
    var varBase = 0
    /// Whether dot's static Go type is `interface{}` (inside `range` over `[]interface{}`/maps),
    /// which decides the type named in "can't evaluate field X in type T".
    var dotBoxed = false
    var depth: Int
    var out: String = ""
    var at: ErrorNode?
    let options: ExecutionOptions
    var userState: [String: Int] = [:]
    /// Range iterations left for this execution (shared with nested template calls via userState).
    var iterationBudget: Int

    var clock: any TemplateClock { options.clock }
    var random: RandomSource { options.random }
    var hostContext: (any Sendable)? { options.hostContext }

    init(set: TemplateSet, tree: Tree, dot: TemplateValue, options: ExecutionOptions, depth: Int = 0) {
        self.set = set
        self.tree = tree
        self.vars = [("$", dot, false)]
        self.depth = depth
        self.options = options
        self.iterationBudget = options.maxRangeIterations
    }

    // MARK: errors

    func error(_ message: String, function: String? = nil, underlying: TemplateErrorBox? = nil) -> TemplateError {
        guard let at else {
            return TemplateError(kind: .plain, parseName: tree.parseName, executingName: tree.name,
                                 message: "template: \(tree.name): \(message)")
        }
        let (line, col) = tree.source.location(at.pos)
        return TemplateError(kind: .exec, parseName: tree.parseName, line: line, column: col,
                             executingName: tree.name, nodeText: at.goString, message: message,
                             function: function, underlying: underlying)
    }

    // MARK: variables

    func varValue(_ name: String) throws -> (TemplateValue, Bool) {
        for i in stride(from: vars.count - 1, through: varBase, by: -1) where vars[i].name == name {
            return (vars[i].value, vars[i].boxed)
        }
        throw error("undefined variable: \(name)")
    }

    func setVar(_ name: String, _ value: TemplateValue) throws {
        for i in stride(from: vars.count - 1, through: varBase, by: -1) where vars[i].name == name {
            vars[i].value = value
            vars[i].boxed = false
            return
        }
        throw error("undefined variable: \(name)")
    }

    // MARK: walking

    func walk(_ dot: TemplateValue, _ nodes: [Node]) throws -> Flow {
        for n in nodes {
            let f = try walk(dot, n)
            if f != .normal { return f }
        }
        return .normal
    }

    func walk(_ dot: TemplateValue, _ node: Node) throws -> Flow {
        switch node {
        case .text(let t):
            out += t
            if out.utf8.count > options.maxOutputBytes { throw outputLimitError() }
        case .action(let pipe):
            let v = try evalPipeline(dot, pipe)
            if pipe.decl.isEmpty {
                try printValue(v)
                if out.utf8.count > options.maxOutputBytes { throw outputLimitError() }
            }
        case .ifNode(let b):
            return try walkIfOrWith(isWith: false, dot, b)
        case .with(let b):
            return try walkIfOrWith(isWith: true, dot, b)
        case .range(let b):
            try walkRange(dot, b)
        case .template(let pos, let name, let pipe):
            try walkTemplate(dot, pos: pos, name: name, pipe: pipe)
        case .breakNode:
            return .breakLoop
        case .continueNode:
            return .continueLoop
        case .list(let l):
            return try walk(dot, l)
        }
        return .normal
    }

    func outputLimitError() -> TemplateError {
        error("output exceeds the limit of \(options.maxOutputBytes) bytes (helmctl refuses runaway templates)")
    }

    func printValue(_ v: TemplateValue) throws {
        switch v {
        case .invalid, .null: out += "<no value>"
        case .string(let s): out += s
        case .object(let o): out += o.formatted
        default: out += v.goString
        }
    }

    func walkIfOrWith(isWith: Bool, _ dot: TemplateValue, _ b: Branch) throws -> Flow {
        let mark = vars.count
        defer { vars.removeLast(vars.count - mark) }
        let val = try evalPipeline(dot, b.pipe)
        if val.isTruthy {
            if isWith {
                let saved = dotBoxed
                dotBoxed = false
                defer { dotBoxed = saved }
                return try walk(val, b.list)
            }
            return try walk(dot, b.list)
        } else if let e = b.elseList {
            return try walk(dot, e)
        }
        return .normal
    }

    func walkRange(_ dot: TemplateValue, _ r: Branch) throws {
        at = .range(r)
        let outerMark = vars.count
        defer { vars.removeLast(vars.count - outerMark) }
        let val = try evalPipeline(dot, r.pipe)
        let mark = vars.count
        // Returns false when the body executed {{break}}.
        func iteration(_ index: TemplateValue, _ elem: TemplateValue, boxed: Bool = false) throws -> Bool {
            iterationBudget -= 1
            if iterationBudget < 0 {
                at = .range(r)
                throw error("range exceeds the limit of \(options.maxRangeIterations) iterations per render (helmctl refuses runaway templates)")
            }
            let decl = r.pipe.decl
            if !decl.isEmpty {
                if r.pipe.isAssign {
                    try setVar(decl[0], decl.count > 1 ? index : elem)
                } else {
                    vars[vars.count - 1].value = elem
                    vars[vars.count - 1].boxed = boxed
                }
            }
            if decl.count > 1 {
                if r.pipe.isAssign {
                    try setVar(decl[1], elem)
                } else {
                    vars[vars.count - 2].value = index
                }
            }
            let savedBoxed = dotBoxed
            dotBoxed = boxed
            defer {
                vars.removeLast(vars.count - mark)
                dotBoxed = savedBoxed
            }
            return try walk(elem, r.list) != .breakLoop
        }
        switch val {
        case .list(let items, let kind):
            if items.isEmpty { break }
            for (i, item) in items.enumerated() {
                let elem = kind == .any ? item.boxed : item
                if try !iteration(.int(i), elem, boxed: kind == .any) { break }
            }
            return
        case .bytes(let items):
            if items.isEmpty { break }
            for (i, item) in items.enumerated() where try !iteration(.int(i), .int(Int64(item), .uint8)) { break }
            return
        case .map(let m):
            if m.storage.isEmpty { break }
            for k in m.sortedKeys {
                let elem = (m.storage[k] ?? .null).boxed
                if try !iteration(.string(k), elem, boxed: m.typeName != "map[string]string") { break }
            }
            return
        case .int(let n, let kind):
            if r.pipe.decl.count > 1 {
                throw error("can't use \(val.goString) to iterate over more than one variable")
            }
            if n <= 0 { break }
            var i: Int64 = 0
            while i < n {
                if try !iteration(.int(i, kind), .int(i, kind)) { break }
                i += 1
            }
            return
        case .object(let o) where o.mapView != nil:
            let m = o.mapView!
            if m.storage.isEmpty { break }
            for k in m.sortedKeys where try !iteration(.string(k), m.storage[k]!) { break }
            return
        case .object(let o) where o.listView != nil:
            let items = o.listView!
            if items.isEmpty { break }
            for (i, item) in items.enumerated() where try !iteration(.int(i), item) { break }
            return
        case .invalid, .null:
            break
        default:
            throw error("range can't iterate over \(val.goString)")
        }
        if let e = r.elseList { _ = try walk(dot, e) }
    }

    func walkTemplate(_ dot: TemplateValue, pos: Int, name: String, pipe: Pipe?) throws {
        at = .template(pos: pos, name: name, pipe: pipe)
        guard let tmpl = set.trees[name] else { throw error("template \(goQuote(name)) not defined") }
        if depth >= maxExecDepth { throw error("exceeded maximum template depth (\(maxExecDepth))") }
        let newDot = try pipe.map { try evalPipeline(dot, $0) } ?? .invalid
        // The callee writes straight into this state's output.
        try runNested(tmpl, dot: newDot)
    }

    /// Executes `tmpl` with `dot` on this state as Go's fresh `state` for a nested template would: its
    /// own tree, error position, dot typing and variables (`$` = dot), sharing output, user state and
    /// the iteration budget; everything is restored afterwards, also when it throws.
    func runNested(_ tmpl: Tree, dot: TemplateValue) throws {
        let savedTree = tree
        let savedAt = at
        let savedBoxed = dotBoxed
        let savedBase = varBase
        let mark = vars.count
        tree = tmpl
        at = nil
        dotBoxed = false
        depth += 1
        varBase = mark
        vars.append(("$", dot, false))
        defer {
            vars.removeLast(vars.count - mark)
            varBase = savedBase
            depth -= 1
            dotBoxed = savedBoxed
            at = savedAt
            tree = savedTree
        }
        _ = try walk(dot, tmpl.root)
    }

    // MARK: FunctionEnvironment

    func executeTemplate(named name: String, data: TemplateValue) throws -> String {
        guard let tmpl = set.trees[name] else {
            throw TemplateError(kind: .plain,
                                message: "template: no template \(goQuote(name)) associated with template \(goQuote(tree.name))")
        }
        if depth >= maxExecDepth { throw error("exceeded maximum template depth (\(maxExecDepth))") }
        // The callee's output is returned, not written: give it an empty buffer for the duration.
        let savedOut = out
        out = ""
        defer { out = savedOut }
        try runNested(tmpl, dot: data)
        return out
    }

    func executeText(_ text: String, name: String, data: TemplateValue) throws -> String {
        let newSet = try set.adding([TemplateSource(name: name, text: text)])
        guard let tmpl = newSet.trees[name] else { return "" }
        let inner = ExecState(set: newSet, tree: tmpl, dot: data, options: options, depth: depth + 1)
        inner.userState = userState
        inner.iterationBudget = iterationBudget
        defer {
            userState = inner.userState
            iterationBudget = inner.iterationBudget
        }
        _ = try inner.walk(data, tmpl.root)
        return inner.out
    }
}

extension TemplateValue {
    /// The value as seen through a Go `interface{}`-typed slot (map element, `[]interface{}` item):
    /// a nil there is a valid, typed nil (`.null`), not "no value".
    var boxed: TemplateValue {
        if case .invalid = self { return .null }
        return self
    }
}
