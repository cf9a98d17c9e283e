import StructuredData
/// Expression evaluation, following Go's `exec.go` step by step so that results, nil handling and
/// error messages (with the node Go would blame) match.
extension ExecState {
    func evalPipeline(_ dot: TemplateValue, _ pipe: Pipe) throws -> TemplateValue {
        at = .pipe(pipe)
        var value: TemplateValue? = nil  // nil = Go's missingVal
        for cmd in pipe.cmds {
            var v = try evalCommand(dot, cmd, final: value)
            // A nil interface{} result becomes "no value" (Go: reflect.ValueOf(v.Interface())).
            if case .null = v { v = .invalid }
            value = v
        }
        let result = value ?? .invalid
        for name in pipe.decl {
            if pipe.isAssign {
                try setVar(name, result)
            } else {
                vars.append((name, result, false))
            }
        }
        return result
    }

    func evalCommand(_ dot: TemplateValue, _ cmd: Command, final: TemplateValue?) throws -> TemplateValue {
        let first = cmd.args[0]
        switch first {
        case .field(_, let names):
            at = .arg(first)
            return try evalFieldChain(dot, receiver: dot, receiverBoxed: dotBoxed, node: first, names: names,
                                      args: cmd.args, final: final)
        case .chain(_, let base, let fields):
            return try evalChain(dot, first, base: base, fields: fields, args: cmd.args, final: final)
        case .identifier(_, let name, let fn):
            at = .arg(first)
            return try evalFunction(dot, name: name, fn: fn, callNode: .cmd(cmd), args: cmd.args, final: final)
        case .pipe(let p):
            try notAFunction(cmd.args, final)
            return try evalPipeline(dot, p)
        case .variable(_, let name, let fields):
            return try evalVariable(dot, first, name: name, fields: fields, args: cmd.args, final: final)
        default: break
        }
        at = .arg(first)
        try notAFunction(cmd.args, final)
        switch first {
        case .bool(_, let b): return .bool(b)
        case .dot: return dot
        case .nilValue: throw error("nil is not a command")
        case .number(_, let n): return try idealConstant(n)
        case .string(_, _, let text): return .string(text)
        default: throw error("can't evaluate command \(goQuote(first.goString))")
        }
    }

    func notAFunction(_ args: [Arg], _ final: TemplateValue?) throws {
        if args.count > 1 || final != nil {
            throw error("can't give argument to non-function \(args[0].goString)")
        }
    }

    func idealConstant(_ n: NumberLiteral) throws -> TemplateValue {
        if n.isComplex { return .object(GoComplex(real: n.complexReal, imag: n.complexImag)) }
        let t = n.text.lowercased()
        let isHexInt = t.hasPrefix("0x") || t.hasPrefix("-0x") || t.hasPrefix("+0x")
        let hexIsInt = isHexInt && !t.contains("p")
        let isRune = n.text.hasPrefix("'")
        if n.isFloat && !hexIsInt && !isRune && n.text.contains(where: { ".eEpP".contains($0) }) {
            return .float(n.float64)
        }
        if n.isInt { return .int(n.int64, .int) }
        if n.isUint { throw error("\(n.text) overflows int") }
        return .invalid
    }

    func evalVariable(_ dot: TemplateValue, _ node: Arg, name: String, fields: [String], args: [Arg],
                      final: TemplateValue?) throws -> TemplateValue {
        at = .arg(node)
        let (value, boxed) = try varValue(name)
        if fields.isEmpty {
            try notAFunction(args, final)
            return value
        }
        return try evalFieldChain(dot, receiver: value, receiverBoxed: boxed, node: node, names: fields,
                                  args: args, final: final)
    }

    func evalChain(_ dot: TemplateValue, _ node: Arg, base: Arg, fields: [String], args: [Arg],
                   final: TemplateValue?) throws -> TemplateValue {
        at = .arg(node)
        if case .nilValue = base { throw error("indirection through explicit nil in \(node.goString)") }
        let receiver = try evalArg(dot, nil, base)
        return try evalFieldChain(dot, receiver: receiver, receiverBoxed: false, node: node, names: fields,
                                  args: args, final: final)
    }

    func evalFieldChain(_ dot: TemplateValue, receiver: TemplateValue, receiverBoxed: Bool, node: Arg,
                        names: [String], args: [Arg], final: TemplateValue?) throws -> TemplateValue {
        var recv = receiver
        var boxed = receiverBoxed
        for name in names.dropLast() {
            (recv, boxed) = try evalField(dot, name, node: node, args: nil, final: nil, receiver: recv, boxed: boxed)
        }
        return try evalField(dot, names[names.count - 1], node: node, args: args, final: final, receiver: recv,
                             boxed: boxed).0
    }

    /// One `.name` step. Returns the value and whether its static Go type is `interface{}` (map
    /// elements are), which decides how a later nil or type error is worded.
    func evalField(_ dot: TemplateValue, _ name: String, node: Arg, args: [Arg]?, final: TemplateValue?,
                   receiver: TemplateValue, boxed: Bool) throws -> (TemplateValue, Bool) {
        // Only error messages name the type: not computed on the way through.
        var typeName: String { boxed ? "interface {}" : receiver.goTypeName }
        switch receiver {
        case .invalid:
            if options.missingKeyError { throw error("nil data; no entry for key \(goQuote(name))") }
            return (.invalid, false)
        case .null:
            throw error("nil pointer evaluating \(boxed ? "interface {}" : "interface {}").\(name)")
        case .object(let obj):
            if let member = obj.member(name) {
                switch member {
                case .method(let fn):
                    let v = try callMethod(dot, name, fn, node: node, args: args, final: final)
                    return (v, false)
                case .function(let fn):
                    let v = try evalCall(dot, fn, callNode: .arg(node), args: args ?? [node], final: final)
                    return (v, false)
                case .field(let v):
                    if (args?.count ?? 0) > 1 || final != nil {
                        throw error("\(name) has arguments but cannot be invoked as function")
                    }
                    return (v, false)
                }
            }
            throw error("can't evaluate field \(name) in type \(typeName)")
        case .map(let m):
            if (args?.count ?? 0) > 1 || final != nil { throw error("\(name) is not a method but has arguments") }
            if let v = m.storage[name] { return (v.boxed, m.typeName != "map[string]string") }
            if options.missingKeyError { throw error("map has no entry for key \(goQuote(name))") }
            return (m.typeName == "map[string]string" ? .string("") : .null, true)
        default:
            throw error("can't evaluate field \(name) in type \(typeName)")
        }
    }

    func callMethod(_ dot: TemplateValue, _ name: String, _ fn: @Sendable ([TemplateValue]) throws -> TemplateValue,
                    node: Arg, args: [Arg]?, final: TemplateValue?) throws -> TemplateValue {
        var argv: [TemplateValue] = []
        for a in (args ?? []).dropFirst() { argv.append(try evalArg(dot, .any, a)) }
        if let final { argv.append(final.boxed) }
        do {
            return try fn(argv)
        } catch let e as FunctionError {
            at = .arg(node)
            throw error("error calling \(name): \(e.message)", function: name)
        }
    }

    func evalFunction(_ dot: TemplateValue, name: String, fn: TemplateFunction?, callNode: ErrorNode, args: [Arg],
                      final: TemplateValue?) throws -> TemplateValue {
        // Functions are resolved at parse time; only `and`/`or` (short-circuiting) have none.
        guard let fn else { return try evalAndOr(dot, name: name, args: args, final: final) }
        return try evalCall(dot, fn, callNode: callNode, args: args, final: final)
    }

    /// `and`/`or` short-circuit and return the deciding value (Go ≥ 1.18).
    func evalAndOr(_ dot: TemplateValue, name: String, args: [Arg], final: TemplateValue?) throws -> TemplateValue {
        let realArgs = args.dropFirst()
        let numIn = realArgs.count + (final == nil ? 0 : 1)
        if numIn < 1 { throw error("wrong number of args for \(name): want at least 1 got \(realArgs.count)") }
        var v: TemplateValue = .invalid
        for a in realArgs {
            v = try evalArg(dot, .value, a)
            if v.isTruthy == (name == "or") { return v }
        }
        if let final { v = final }
        return v
    }

    func evalCall(_ dot: TemplateValue, _ fn: TemplateFunction, callNode: ErrorNode, args: [Arg],
                  final: TemplateValue?) throws -> TemplateValue {
        let realArgs = args.dropFirst()
        let numIn = realArgs.count + (final == nil ? 0 : 1)
        let name = fn.name
        if fn.variadic != nil {
            if numIn < fn.params.count {
                throw error("wrong number of args for \(name): want at least \(fn.params.count) got \(realArgs.count)")
            }
        } else if numIn != fn.params.count {
            throw error("wrong number of args for \(name): want \(fn.params.count) got \(numIn)")
        }
        var argv: [TemplateValue] = []
        argv.reserveCapacity(numIn)
        var i = 0
        for a in realArgs {
            let t = i < fn.params.count ? fn.params[i] : fn.variadic!
            argv.append(try evalArg(dot, t, a))
            i += 1
        }
        if let final {
            let t = i < fn.params.count ? fn.params[i] : fn.variadic!
            argv.append(try validateType(final, t))
        }
        if fn.isCall {
            // Go passes the callee's source text to `call` for its error messages.
            argv.insert(.string(realArgs.first?.goString ?? ""), at: 0)
        }
        do {
            return try fn.body(argv, self)
        } catch let e as FunctionError {
            at = callNode
            throw error("error calling \(name): \(e.message)", function: name)
        } catch let e as TemplateError {
            at = callNode
            throw error("error calling \(name): \(e.goDescription)", function: name, underlying: TemplateErrorBox(e))
        }
    }

    // MARK: arguments

    /// Go's `evalArg`: `type == nil` means "no expected type" (chain bases).
    func evalArg(_ dot: TemplateValue, _ type: ParamType?, _ n: Arg) throws -> TemplateValue {
        at = .arg(n)
        switch n {
        case .dot:
            return try validateType(dot, type)
        case .nilValue:
            guard let type else { throw error("cannot assign nil to <nil>") }
            if let z = zeroIfNillable(type) { return z }
            throw error("cannot assign nil to \(type.goName)")
        case .field(_, let names):
            let v = try evalFieldChain(dot, receiver: dot, receiverBoxed: dotBoxed, node: n, names: names, args: [n],
                                       final: nil)
            return try validateType(v, type)
        case .variable(_, let name, let fields):
            return try validateType(evalVariable(dot, n, name: name, fields: fields, args: [], final: nil), type)
        case .pipe(let p):
            return try validateType(evalPipeline(dot, p), type)
        case .identifier(_, let name, let fn):
            return try validateType(evalFunction(dot, name: name, fn: fn, callNode: .arg(n), args: [n], final: nil), type)
        case .chain(_, let base, let fields):
            return try validateType(evalChain(dot, n, base: base, fields: fields, args: [], final: nil), type)
        default: break
        }
        guard let type else { return try evalEmptyInterface(dot, n) }
        switch type {
        case .bool:
            if case .bool(_, let b) = n { return .bool(b) }
            throw error("expected bool; found \(n.goString)")
        case .float64:
            if case .number(_, let num) = n, num.isFloat { return .float(num.float64) }
            throw error("expected float; found \(n.goString)")
        case .int, .int64:
            if case .number(_, let num) = n, num.isInt { return .int(num.int64, type == .int ? .int : .int64) }
            throw error("expected integer; found \(n.goString)")
        case .any, .value:
            return try evalEmptyInterface(dot, n)
        case .string:
            if case .string(_, _, let text) = n { return .string(text) }
            throw error("expected string; found \(n.goString)")
        case .list, .stringList, .map, .goType:
            throw error("can't handle \(n.goString) for arg of type \(type.goName)")
        }
    }

    func evalEmptyInterface(_ dot: TemplateValue, _ n: Arg) throws -> TemplateValue {
        switch n {
        case .bool(_, let b): return .bool(b)
        case .number(_, let num): return try idealConstant(num)
        case .string(_, _, let text): return .string(text)
        default: return try evalArg(dot, nil, n)
        }
    }

    func zeroIfNillable(_ type: ParamType) -> TemplateValue? {
        switch type {
        case .any: .null
        case .value: .invalid
        case .list: .list([], .any)
        case .stringList: .list([], .string)
        case .map: .map(MapRef())
        default: nil
        }
    }

    /// Go's `validateType`: is `value` assignable to a parameter of `type`?
    func validateType(_ value: TemplateValue, _ type: ParamType?) throws -> TemplateValue {
        guard let type else { return value }
        if case .invalid = value {
            if let z = zeroIfNillable(type) { return z }
            throw error("invalid value; expected \(type.goName)")
        }
        switch (type, value) {
        case (.value, _), (.any, _): return value
        case (.string, .string), (.bool, .bool), (.float64, .float): return value
        case (.int, .int(_, .int)), (.int64, .int(_, .int64)): return value
        case (.list, .list(_, .any)), (.stringList, .list(_, .string)): return value
        case (.map, .map(let m)) where m.typeName == "map[string]interface {}" || m.typeName.hasSuffix(".Values"):
            return value
        case (.goType(let name), .object(let o)) where o.goTypeName == name:
            return value
        case (.string, .object(let o)) where o is GoBinaryString:
            return value
        case (_, .null):
            throw error("wrong type for value; expected \(type.goName); got interface {}")
        default:
            throw error("wrong type for value; expected \(type.goName); got \(value.goTypeName)")
        }
    }
}
