public import Templating

/// Helm's render-time template functions (`pkg/engine/engine.go` `initFunMap`), added on top of
/// ``FunctionRegistry/standard``.
public enum HelmFunctions {
    /// Helm marks `required`/`fail` messages so that the error rewording can find them.
    static let warnStart = "HELM_ERR_START"
    static let warnEnd = "HELM_ERR_END"
    /// Nested `include`s of one name allowed before Helm reports a recursion.
    static let recursionMax = 1000

    /// The standard library plus `include`, `tpl`, `required`, `fail`, `lookup`, `getHostByName`.
    public static let registry: FunctionRegistry = {
        var r = FunctionRegistry.standard
        register(into: &r)
        return r
    }()

    static func register(into r: inout FunctionRegistry) {
        r.register("include", [.string, .any]) { args, env in
            let name = args[0].stringValue
            let key = "include:" + name
            if let v = env.userState[key] {
                if v > recursionMax {
                    throw FunctionError("rendering template has a nested reference name: \(name): unable to execute template")
                }
                env.userState[key] = v + 1
            } else {
                env.userState[key] = 1
            }
            defer { env.userState[key] = (env.userState[key] ?? 1) - 1 }
            do {
                return .string(try env.executeTemplate(named: name, data: args[1]))
            } catch let e as TemplateError where e.kind == .plain && e.message.hasPrefix("template: no template ") {
                // Helm's include executes through the root template of the set, named "gotpl".
                throw TemplateError(kind: .plain,
                                    message: "template: no template \(quoteGo(name)) associated with template \"gotpl\"")
            }
        }

        r.register("tpl", [.string, .any]) { args, env in
            let text = args[0].stringValue
            do {
                // Helm parses tpl text as a new template named after the root template, "gotpl".
                let out = try env.executeText(text, name: "gotpl", data: args[1])
                return .string(out.replacingAll("<no value>", with: ""))
            } catch let e as TemplateError {
                if e.kind == .parse {
                    throw FunctionError("cannot parse template \(quoteGo(text)): \(e.goDescription)")
                }
                throw FunctionError("error during tpl function execution for \(quoteGo(text)): \(e.goDescription)")
            }
        }

        r.register("required", [.string, .any]) { args, _ in
            let warn = args[0].stringValue
            switch args[1] {
            case .null, .invalid: throw FunctionError(warnStart + warn + warnEnd)
            case .string(let s) where s.isEmpty: throw FunctionError(warnStart + warn + warnEnd)
            default: return args[1]
            }
        }

        r.register("fail", [.string]) { args, _ in
            throw FunctionError(warnStart + args[0].stringValue + warnEnd)
        }

        // Without a cluster connection Helm's lookup returns an empty map.
        r.register("lookup", [.string, .string, .string, .string]) { _, _ in .map([:]) }

        // DNS lookups are disabled unless --enable-dns; Helm then returns "".
        r.register("getHostByName", [.string]) { _, _ in .string("") }
    }
}

extension TemplateValue {
    /// The payload of a `.string` (arguments declared `string` always arrive as one).
    var stringValue: String {
        if case .string(let s) = self { return s }
        return stringified
    }
}

extension String {
    /// Go's `strings.ReplaceAll` (non-overlapping, left to right).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, containsBytes(target) else { return self }
        return components(separatedBy: target).joined(separator: replacement)
    }

    /// Whether `target`'s UTF-8 occurs in this string's (over the contiguous bytes, no copies: this
    /// runs over every rendered file).
    func containsBytes(_ target: String) -> Bool {
        var s = self
        var t = target
        return s.withUTF8 { sb in
            t.withUTF8 { tb in
                guard let first = tb.first else { return true }
                guard sb.count >= tb.count else { return false }
                var i = 0
                let last = sb.count - tb.count
                while i <= last {
                    if sb[i] == first {
                        var k = 1
                        while k < tb.count && sb[i + k] == tb[k] { k += 1 }
                        if k == tb.count { return true }
                    }
                    i += 1
                }
                return false
            }
        }
    }
}
