/// The parse tree of Go's template language. Positions are byte offsets into the source of the file
/// the node was parsed from (``Tree/source``), from which error messages derive line and column.
enum Node: Sendable {
    case text(String)
    case action(Pipe)
    case ifNode(Branch)
    case with(Branch)
    case range(Branch)
    case template(pos: Int, name: String, pipe: Pipe?)
    case breakNode(pos: Int)
    case continueNode(pos: Int)
    case list([Node])
}

/// `{{if}}`/`{{with}}`/`{{range}}`: pipeline, body and optional else.
///
/// Tree nodes are classes, built once by the parser and never changed afterwards: the executor
/// passes and marks (``ExecState/at``) them by reference, one retain instead of one per array inside.
final class Branch: @unchecked Sendable {
    let pos: Int
    let pipe: Pipe
    let list: [Node]
    let elseList: [Node]?

    init(pos: Int, pipe: Pipe, list: [Node], elseList: [Node]?) {
        self.pos = pos
        self.pipe = pipe
        self.list = list
        self.elseList = elseList
    }
}

/// A pipeline with optional variable declarations: `$x := a | b c`. Filled in by the parser only.
final class Pipe: @unchecked Sendable {
    let pos: Int
    var isAssign: Bool
    var decl: [String]
    var declPos: [Int]
    var cmds: [Command]

    init(pos: Int, isAssign: Bool, decl: [String], declPos: [Int], cmds: [Command]) {
        self.pos = pos
        self.isAssign = isAssign
        self.decl = decl
        self.declPos = declPos
        self.cmds = cmds
    }

    var goString: String {
        var s = ""
        if !decl.isEmpty {
            s = decl.joined(separator: ", ") + (isAssign ? " = " : " := ")
        }
        return s + cmds.map(\.goString).joined(separator: " | ")
    }
}

/// One command of a pipeline: a function or value followed by arguments. Filled in by the parser only.
final class Command: @unchecked Sendable {
    let pos: Int
    var args: [Arg]

    init(pos: Int, args: [Arg]) {
        self.pos = pos
        self.args = args
    }

    var goString: String {
        args.map { arg in
            if case .pipe(let p) = arg { return "(" + p.goString + ")" }
            return arg.goString
        }.joined(separator: " ")
    }
}

/// A number literal with every interpretation Go's parser computes.
struct NumberLiteral: Sendable {
    var text: String
    var isInt = false
    var isUint = false
    var isFloat = false
    var isComplex = false
    var int64: Int64 = 0
    var uint64: UInt64 = 0
    var float64: Double = 0
    var complexReal: Double = 0
    var complexImag: Double = 0
}

/// An operand.
indirect enum Arg: Sendable {
    case field(pos: Int, names: [String])
    case variable(pos: Int, name: String, fields: [String])
    /// A function name, resolved against the set's registry at parse time (nil for `and`/`or`).
    case identifier(pos: Int, name: String, fn: TemplateFunction?)
    case chain(pos: Int, base: Arg, fields: [String])
    case pipe(Pipe)
    case dot(pos: Int)
    case nilValue(pos: Int)
    case bool(pos: Int, Bool)
    case number(pos: Int, NumberLiteral)
    case string(pos: Int, quoted: String, text: String)

    var pos: Int {
        switch self {
        case .field(let p, _), .variable(let p, _, _), .identifier(let p, _, _), .chain(let p, _, _), .dot(let p),
            .nilValue(let p), .bool(let p, _), .number(let p, _), .string(let p, _, _):
            p
        case .pipe(let pipe): pipe.pos
        }
    }

    /// Go's `Node.String()`.
    var goString: String {
        switch self {
        case .field(_, let names): names.map { "." + $0 }.joined()
        case .variable(_, let name, let fields): ([name] + fields).joined(separator: ".")
        case .identifier(_, let name, _): name
        case .chain(_, let base, let fields):
            (base.isPipe ? "(" + base.goString + ")" : base.goString) + fields.map { "." + $0 }.joined()
        case .pipe(let p): p.goString
        case .dot: "."
        case .nilValue: "nil"
        case .bool(_, let b): b ? "true" : "false"
        case .number(_, let n): n.text
        case .string(_, let q, _): q
        }
    }

    var isPipe: Bool {
        if case .pipe = self { return true }
        return false
    }
}

/// One parsed template: a file's top level or a `define`.
struct Tree: Sendable {
    var name: String
    /// The file it was parsed from (Go's `ParseName`).
    var parseName: String
    var root: [Node]
    /// Shared source text of the file, for line/column computation.
    var source: SourceText

    /// Go's `IsEmptyTree`: only whitespace text (and nothing else).
    var isEmpty: Bool { root.allSatisfy { Tree.isEmptyNode($0) } }

    static func isEmptyNode(_ n: Node) -> Bool {
        switch n {
        case .text(let t): t.utf8.allSatisfy { $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 }
        case .list(let l): l.allSatisfy(isEmptyNode)
        default: false
        }
    }
}

/// A source file's text, shared by all trees parsed from it.
final class SourceText: Sendable {
    let bytes: [UInt8]
    init(_ text: String) { bytes = Array(text.utf8) }

    /// Go's `ErrorContext` location: 1-based line and 0-based byte column of `pos`.
    func location(_ pos: Int) -> (line: Int, column: Int) {
        let p = min(max(pos, 0), bytes.count)
        var line = 1
        var lastNL = -1
        for i in 0..<p where bytes[i] == 10 {
            line += 1
            lastNL = i
        }
        return (line, lastNL < 0 ? p : p - lastNL - 1)
    }
}
