import StructuredData
/// Go `text/template/parse`: turns one source file into its top-level tree plus the trees of its
/// `define`/`block` templates. Error texts and line numbers follow Go's parser.
struct Parser {
    let parseName: String
    let source: SourceText
    let functions: FunctionRegistry
    var tokens: [Token]
    var index = 0
    var vars: [String] = ["$"]
    var rangeDepth = 0
    var actionLine = 0
    /// Nesting depth of parenthesized pipelines and control structures (Go caps expressions at 10000).
    var stackDepth = 0
    static let maxStackDepth = 10_000
    /// The last token handed out (Go reports parse errors at `token[0].line`).
    var lastLine = 1
    /// Trees defined in this file, by name, in definition order.
    var defined: [(String, Tree)] = []

    init(name: String, text: String, functions: FunctionRegistry) {
        self.parseName = name
        self.source = SourceText(text)
        self.functions = functions
        self.tokens = Lexer.tokenize(name: name, text: text)
    }

    /// Parses the file; returns its trees: the file's own (named `parseName`) first, then the defines.
    static func parse(name: String, text: String, functions: FunctionRegistry) throws -> [(String, Tree)] {
        // Deeply nested input recurses deeply; give such files a large stack.
        var openers = 0
        var t = text
        t.withUTF8 { for b in $0 where b == UInt8(ascii: "(") || b == UInt8(ascii: "{") { openers += 1 } }
        if openers > 128 {
            return try LargeStack.run { try parseOnCurrentStack(name: name, text: text, functions: functions) }
        }
        return try parseOnCurrentStack(name: name, text: text, functions: functions)
    }

    static func parseOnCurrentStack(name: String, text: String, functions: FunctionRegistry) throws -> [(String, Tree)] {
        var p = Parser(name: name, text: text, functions: functions)
        let root = try p.parseTop()
        var result: [(String, Tree)] = []
        let top = Tree(name: name, parseName: name, root: root, source: p.source)
        // A define of the file's own name in the same file collides with its top level (Go `add`).
        try p.addTree(top, into: &result, topLevel: true)
        for (_, t) in p.defined { try p.addTree(t, into: &result, topLevel: false) }
        return result
    }

    private func addTree(_ t: Tree, into result: inout [(String, Tree)], topLevel: Bool) throws {
        if let i = result.firstIndex(where: { $0.0 == t.name }) {
            if result[i].1.isEmpty {
                result[i].1 = t
                return
            }
            if !t.isEmpty {
                throw TemplateError(kind: .parse, parseName: parseName, line: lastLine,
                                    message: "template: multiple definition of template \(goQuote(t.name))")
            }
            return
        }
        result.append((t.name, t))
    }

    // MARK: - token access

    mutating func next() -> Token {
        let t = tokens[min(index, tokens.count - 1)]
        if index < tokens.count { index += 1 }
        lastLine = t.line
        return t
    }

    mutating func backup(_ n: Int = 1) { index -= n }

    func peek() -> Token { tokens[min(index, tokens.count - 1)] }

    mutating func nextNonSpace() -> Token {
        var t = next()
        while t.kind == .space { t = next() }
        return t
    }

    mutating func peekNonSpace() -> Token {
        let t = nextNonSpace()
        backup()
        return t
    }

    func error(_ message: String) -> TemplateError {
        TemplateError(kind: .parse, parseName: parseName, line: lastLine, message: message)
    }

    func unexpected(_ token: Token, _ context: String) -> TemplateError {
        if token.kind == .error {
            var extra = ""
            if actionLine != 0 && actionLine != token.line {
                extra = " in action started at \(parseName):\(actionLine)"
                if token.value.hasSuffix(" action") { extra = String(extra.dropFirst(" in action".count)) }
            }
            return error("\(token.goDescription)\(extra)")
        }
        return error("unexpected \(token.goDescription) in \(context)")
    }

    mutating func expect(_ kind: Token.Kind, _ context: String) throws -> Token {
        let t = nextNonSpace()
        if t.kind != kind { throw unexpected(t, context) }
        return t
    }

    // MARK: - structure

    enum ListEnd { case end(Int), elseNode(pos: Int, line: Int) }

    mutating func parseTop() throws -> [Node] {
        var root: [Node] = []
        while peek().kind != .eof {
            if peek().kind == .leftDelim {
                let delimIndex = index
                _ = next()
                if nextNonSpace().kind == .define {
                    try parseDefinition()
                    continue
                }
                index = delimIndex
            }
            switch try textOrAction() {
            case .node(let n): root.append(n)
            case .end: throw error("unexpected {{end}}")
            case .elseNode: throw error("unexpected {{else}}")
            }
        }
        if peek().kind == .eof, index < tokens.count { lastLine = peek().line }
        return root
    }

    mutating func parseDefinition() throws {
        let context = "define clause"
        let nameTok = nextNonSpace()
        guard nameTok.kind == .string || nameTok.kind == .rawString else { throw unexpected(nameTok, context) }
        let name = try unquote(nameTok)
        _ = try expect(.rightDelim, context)
        let savedVars = vars
        vars = ["$"]
        let (list, end) = try itemList()
        vars = savedVars
        if case .elseNode = end { throw error("unexpected {{else}} in \(context)") }
        defined.append((name, Tree(name: name, parseName: parseName, root: list, source: source)))
    }

    enum Item { case node(Node), end(Int), elseNode(pos: Int, line: Int) }

    mutating func itemList() throws -> ([Node], ListEnd) {
        var list: [Node] = []
        while peekNonSpace().kind != .eof {
            switch try textOrAction() {
            case .node(let n): list.append(n)
            case .end(let p): return (list, .end(p))
            case .elseNode(let p, let l): return (list, .elseNode(pos: p, line: l))
            }
        }
        _ = next()
        throw error("unexpected EOF")
    }

    mutating func textOrAction() throws -> Item {
        let token = nextNonSpace()
        switch token.kind {
        case .text: return .node(.text(token.value))
        case .leftDelim:
            actionLine = token.line
            defer { actionLine = 0 }
            return try action()
        default: throw unexpected(token, "input")
        }
    }

    mutating func action() throws -> Item {
        let token = nextNonSpace()
        switch token.kind {
        case .block: return .node(try blockControl())
        case .break: return .node(try breakControl(token, name: "break"))
        case .continue: return .node(try breakControl(token, name: "continue"))
        case .else: return try elseControl(token)
        case .end:
            let t = try expect(.rightDelim, "end")
            return .end(t.pos)
        case .if: return .node(.ifNode(try parseControl("if")))
        case .range: return .node(.range(try parseControl("range")))
        case .template: return .node(try templateControl())
        case .with: return .node(.with(try parseControl("with")))
        default: break
        }
        backup()
        // Variables declared in an action persist until the enclosing {{end}}.
        return .node(.action(try pipeline("command", end: .rightDelim)))
    }

    mutating func breakControl(_ token: Token, name: String) throws -> Node {
        let t = nextNonSpace()
        if t.kind != .rightDelim { throw unexpected(t, "{{\(name)}}") }
        if rangeDepth == 0 { throw error("{{\(name)}} outside {{range}}") }
        return name == "break" ? .breakNode(pos: token.pos) : .continueNode(pos: token.pos)
    }

    mutating func elseControl(_ token: Token) throws -> Item {
        let p = peekNonSpace()
        if p.kind == .if || p.kind == .with {
            // "else if" / "else with": leave the keyword pending for parseControl.
            return .elseNode(pos: p.pos, line: p.line)
        }
        let t = try expect(.rightDelim, "else")
        return .elseNode(pos: t.pos, line: t.line)
    }

    mutating func parseControl(_ context: String) throws -> Branch {
        // Not a Go limit: bounds our recursion on hostile input (Go's goroutine stack would overflow).
        if stackDepth >= Parser.maxStackDepth { throw error("max expression depth exceeded") }
        stackDepth += 1
        defer { stackDepth -= 1 }
        let savedVarCount = vars.count
        defer { vars.removeLast(vars.count - savedVarCount) }
        let pipe = try pipeline(context, end: .rightDelim)
        if context == "range" { rangeDepth += 1 }
        let (list, next) = try itemList()
        if context == "range" { rangeDepth -= 1 }
        var elseList: [Node]?
        if case .elseNode = next {
            if context == "if" && peek().kind == .if {
                _ = self.next()
                elseList = [.ifNode(try parseControl("if"))]
            } else if context == "with" && peek().kind == .with {
                _ = self.next()
                elseList = [.with(try parseControl("with"))]
            } else {
                if context == "range" { /* else of range is outside the loop body */ }
                let (l, n2) = try itemList()
                if case .elseNode = n2 { throw error("expected end; found {{else}}") }
                elseList = l
            }
        }
        return Branch(pos: pipe.pos, pipe: pipe, list: list, elseList: elseList)
    }

    mutating func parseTemplateName(_ token: Token, _ context: String) throws -> String {
        guard token.kind == .string || token.kind == .rawString else { throw unexpected(token, context) }
        return try unquote(token)
    }

    mutating func templateControl() throws -> Node {
        let context = "template clause"
        let token = nextNonSpace()
        let name = try parseTemplateName(token, context)
        var pipe: Pipe?
        if nextNonSpace().kind != .rightDelim {
            backup()
            pipe = try pipeline(context, end: .rightDelim)
        }
        return .template(pos: token.pos, name: name, pipe: pipe)
    }

    mutating func blockControl() throws -> Node {
        let context = "block clause"
        let token = nextNonSpace()
        let name = try parseTemplateName(token, context)
        let pipe = try pipeline(context, end: .rightDelim)
        let savedVars = vars
        vars = ["$"]
        let (list, end) = try itemList()
        vars = savedVars
        if case .elseNode = end { throw error("unexpected {{else}} in \(context)") }
        defined.append((name, Tree(name: name, parseName: parseName, root: list, source: source)))
        return .template(pos: token.pos, name: name, pipe: pipe)
    }

    // MARK: - pipelines

    mutating func pipeline(_ context: String, end: Token.Kind) throws -> Pipe {
        let first = peekNonSpace()
        let pipe = Pipe(pos: first.pos, isAssign: false, decl: [], declPos: [], cmds: [])
        decls: while true {
            let v = peekNonSpace()
            guard v.kind == .variable else { break }
            let vIndex = index
            _ = nextNonSpace()
            let tokenAfterVariable = peek()
            let nextTok = peekNonSpace()
            if nextTok.kind == .assign || nextTok.kind == .declare {
                pipe.isAssign = nextTok.kind == .assign
                _ = nextNonSpace()
                pipe.decl.append(v.value)
                pipe.declPos.append(v.pos)
                vars.append(v.value)
            } else if nextTok.kind == .char && nextTok.value == "," {
                _ = nextNonSpace()
                pipe.decl.append(v.value)
                pipe.declPos.append(v.pos)
                vars.append(v.value)
                if context == "range" && pipe.decl.count < 2 {
                    switch peekNonSpace().kind {
                    case .variable, .rightDelim, .rightParen: continue decls
                    default: throw error("range can only initialize variables")
                    }
                }
                throw error("too many declarations in \(context)")
            } else if tokenAfterVariable.kind == .space {
                index = vIndex
            } else {
                index = vIndex
            }
            break
        }
        while true {
            let token = nextNonSpace()
            if token.kind == end {
                try checkPipeline(pipe, context)
                return pipe
            }
            switch token.kind {
            case .bool, .charConstant, .complex, .dot, .field, .identifier, .number, .nil, .rawString, .string,
                .variable, .leftParen:
                backup()
                pipe.cmds.append(try command())
            default:
                throw unexpected(token, context)
            }
        }
    }

    func checkPipeline(_ pipe: Pipe, _ context: String) throws {
        if pipe.cmds.isEmpty { throw error("missing value for \(context)") }
        for (i, c) in pipe.cmds.enumerated().dropFirst() {
            switch c.args[0] {
            case .bool, .dot, .nilValue, .number, .string:
                throw error("non executable command in pipeline stage \(i + 1)")
            default: break
            }
        }
    }

    mutating func command() throws -> Command {
        let cmd = Command(pos: peekNonSpace().pos, args: [])
        while true {
            _ = peekNonSpace()
            if let operand = try operand() { cmd.args.append(operand) }
            let token = next()
            switch token.kind {
            case .space: continue
            case .rightDelim, .rightParen: backup()
            case .pipe: break
            default: throw unexpected(token, "operand")
            }
            break
        }
        if cmd.args.isEmpty { throw error("empty command") }
        return cmd
    }

    mutating func operand() throws -> Arg? {
        guard let node = try term() else { return nil }
        if peek().kind == .field {
            let chainPos = peek().pos
            var fields: [String] = []
            while peek().kind == .field { fields.append(String(next().value.dropFirst())) }
            switch node {
            case .field(_, let names): return .field(pos: chainPos, names: names + fields)
            case .variable(_, let name, let f): return .variable(pos: chainPos, name: name, fields: f + fields)
            case .bool, .string, .number, .nilValue, .dot:
                throw error("unexpected . after term \(goQuote(node.goString))")
            default: return .chain(pos: chainPos, base: node, fields: fields)
            }
        }
        return node
    }

    mutating func term() throws -> Arg? {
        let token = nextNonSpace()
        switch token.kind {
        case .identifier:
            let fn = functions[token.value]
            if fn == nil && !builtinNames.contains(token.value) {
                throw error("function \(goQuote(token.value)) not defined")
            }
            if let fn, fn.usesCrypto { CryptoLibrary.preload() }
            return .identifier(pos: token.pos, name: token.value, fn: fn)
        case .dot: return .dot(pos: token.pos)
        case .nil: return .nilValue(pos: token.pos)
        case .variable:
            // The lexer emits `$x` alone; `.field`s after it come as separate tokens.
            let name = token.value
            if !vars.contains(name) { throw error("undefined variable \(goQuote(name))") }
            return .variable(pos: token.pos, name: name, fields: [])
        case .field: return .field(pos: token.pos, names: [String(token.value.dropFirst())])
        case .bool: return .bool(pos: token.pos, token.value == "true")
        case .charConstant, .complex, .number:
            return .number(pos: token.pos, try parseNumber(token))
        case .leftParen:
            if stackDepth >= Parser.maxStackDepth { throw error("max expression depth exceeded") }
            stackDepth += 1
            defer { stackDepth -= 1 }
            return .pipe(try pipeline("parenthesized pipeline", end: .rightParen))
        case .string, .rawString:
            return .string(pos: token.pos, quoted: token.value, text: try unquote(token))
        default:
            backup()
            return nil
        }
    }

    func unquote(_ token: Token) throws -> String {
        guard let s = goUnquote(token.value) else { throw error("invalid syntax") }
        return s
    }

    /// 1 to 18 ASCII digits without a leading zero (or `0` itself), else nil.
    static func shortDecimal(_ text: String) -> UInt64? {
        var v: UInt64 = 0
        var count = 0
        for c in text.utf8 {
            guard c >= 48, c <= 57, count < 18, !(count == 1 && v == 0) else { return nil }
            v = v * 10 + UInt64(c - 48)
            count += 1
        }
        return count > 0 ? v : nil
    }

    func parseNumber(_ token: Token) throws -> NumberLiteral {
        var n = NumberLiteral(text: token.value)
        let text = token.value
        if token.kind == .charConstant {
            guard let s = goUnquote(text), let scalar = s.unicodeScalars.first, s.unicodeScalars.count == 1 else {
                throw error("malformed character constant: \(text)")
            }
            n.isInt = true; n.isUint = true; n.isFloat = true
            n.int64 = Int64(scalar.value); n.uint64 = UInt64(scalar.value); n.float64 = Double(scalar.value)
            return n
        }
        // The commonest literal by far (`nindent 4`, `trunc 63`): a short decimal integer, which the
        // general rules below read as the same int, uint and float.
        if token.kind == .number, let v = Self.shortDecimal(text) {
            n.isInt = true; n.int64 = Int64(v)
            n.isUint = true; n.uint64 = v
            n.isFloat = true; n.float64 = Double(v)
            return n
        }
        if token.kind == .complex || text.hasSuffix("i") {
            // Go: "Ni" is complex(0, N); "A+Bi" is a full complex constant; a zero imaginary part
            // simplifies to a float.
            let body = String(text.dropLast())
            var re = 0.0, im = 0.0
            if token.kind == .number, let f = GoParse.float64Literal(body) {
                im = f
            } else if let split = body.dropFirst().lastIndex(where: { $0 == "+" || $0 == "-" }),
                      let r = GoParse.float64Literal(String(body[..<split])),
                      let i = GoParse.float64Literal(String(body[split...]).replacingOccurrences(of: "+", with: ""))
            {
                re = r
                im = i
            } else {
                throw error("illegal number syntax: \(goQuote(text))")
            }
            if im == 0 {
                n.isFloat = true
                n.float64 = re
                if re.isFinite, abs(re) < 9.2e18, Double(Int64(re)) == re { n.isInt = true; n.int64 = Int64(re) }
                return n
            }
            n.isComplex = true
            n.complexReal = re
            n.complexImag = im
            return n
        }
        if let u = GoParse.uint64(text) { n.isUint = true; n.uint64 = u }
        if let i = GoParse.int64(text, base: 0) {
            n.isInt = true; n.int64 = i
            if i == 0 { n.isUint = true; n.uint64 = 0 }
        }
        if n.isInt {
            n.isFloat = true; n.float64 = Double(n.int64)
        } else if n.isUint {
            n.isFloat = true; n.float64 = Double(n.uint64)
        } else if let f = GoParse.float64Literal(text) {
            if !text.contains(where: { ".eEpP".contains($0) }) {
                throw error("integer overflow: \(goQuote(text))")
            }
            n.isFloat = true; n.float64 = f
            if !n.isInt, f.isFinite, abs(f) < 9.2e18, Double(Int64(f)) == f { n.isInt = true; n.int64 = Int64(f) }
            if !n.isUint, f.isFinite, f >= 0, f < 1.8e19, Double(UInt64(f)) == f { n.isUint = true; n.uint64 = UInt64(f) }
        }
        if !n.isInt && !n.isUint && !n.isFloat { throw error("illegal number syntax: \(goQuote(text))") }
        return n
    }
}

/// Names the executor implements itself (`and`/`or` short-circuit) or that exist without registration.
let builtinNames: Set<String> = ["and", "or"]

extension GoParse {
    /// `strconv.ParseUint(s, 0, 64)`.
    static func uint64(_ s: String) -> UInt64? {
        if s.hasPrefix("-") || s.hasPrefix("+") { return nil }
        // Underscores must sit between digits (Go's underscoreOK); int64 parsing checks that.
        if s.contains("_") && GoParse.int64(s, base: 0) == nil { return nil }
        var text = Substring(s)
        var base = 10
        let lower = s.lowercased()
        if lower.hasPrefix("0x") { base = 16; text = text.dropFirst(2) }
        else if lower.hasPrefix("0o") { base = 8; text = text.dropFirst(2) }
        else if lower.hasPrefix("0b") { base = 2; text = text.dropFirst(2) }
        else if s.count > 1 && s.hasPrefix("0") { base = 8; text = text.dropFirst() }
        let clean = String(text).replacingOccurrences(of: "_", with: "")
        guard !clean.isEmpty else { return nil }
        return UInt64(clean, radix: base)
    }

    /// A Go float literal (decimal or hex, `_` separators allowed).
    static func float64Literal(_ s: String) -> Double? {
        let clean = s.replacingOccurrences(of: "_", with: "")
        // strconv.ParseFloat reports out-of-range values as errors; the parser then rejects them.
        guard let d = Double(clean), d.isFinite else { return nil }
        return d
    }
}
