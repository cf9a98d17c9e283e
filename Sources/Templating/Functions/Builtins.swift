import StructuredData
extension FunctionRegistry {
    /// Go's `text/template` builtins (`and`/`or` are handled by the executor, which short-circuits;
    /// `slice` is shadowed by Sprig's, registered with the lists).
    mutating func registerBuiltins() {
        register("not", [.value]) { a, _ in .bool(!a[0].isTruthy) }
        register("len", [.value]) { a, _ in .int(try GoBuiltins.length(a[0])) }
        register("index", [.value], variadic: .value) { a, _ in try GoBuiltins.index(a[0], Array(a.dropFirst())) }
        register("print", [], variadic: .any) { a, _ in .string(GoFmt.sprint(a)) }
        register("println", [], variadic: .any) { a, _ in .string(GoFmt.sprintln(a)) }
        register("printf", [.string], variadic: .any) { a, _ in
            guard case .string(let f) = a[0] else { return .string("") }
            return .string(GoFmt.sprintf(f, Array(a.dropFirst())))
        }
        register("html", [], variadic: .any) { a, _ in .string(GoBuiltins.htmlEscape(GoBuiltins.evalArgs(a))) }
        register("js", [], variadic: .any) { a, _ in .string(GoBuiltins.jsEscape(GoBuiltins.evalArgs(a))) }
        register("urlquery", [], variadic: .any) { a, _ in .string(GoBuiltins.queryEscape(GoBuiltins.evalArgs(a))) }
        register("call", [.value], variadic: .value) { a, _ in
            // a[0] is the callee's source text (inserted by the executor), a[1] the callee.
            if a[1].isNil { throw FunctionError("call of nil") }
            throw FunctionError("non-function \(a[0].stringified) of type \(a[1].goTypeName)")
        }
        register("eq", [.value], variadic: .value) { a, _ in .bool(try GoBuiltins.eq(a[0], Array(a.dropFirst()))) }
        register("ne", [.value, .value]) { a, _ in .bool(!(try GoBuiltins.eq(a[0], [a[1]]))) }
        register("lt", [.value, .value]) { a, _ in .bool(try GoBuiltins.lt(a[0], a[1])) }
        register("le", [.value, .value]) { a, _ in
            .bool(try GoBuiltins.lt(a[0], a[1]) || GoBuiltins.eq(a[0], [a[1]]))
        }
        register("gt", [.value, .value]) { a, _ in
            .bool(!(try GoBuiltins.lt(a[0], a[1]) || GoBuiltins.eq(a[0], [a[1]])))
        }
        register("ge", [.value, .value]) { a, _ in .bool(!(try GoBuiltins.lt(a[0], a[1]))) }
    }
}

/// The semantics of Go's builtin template functions.
enum GoBuiltins {
    enum BasicKind { case invalid, bool, int, uint, float, complex, string }

    static func basicKind(_ v: TemplateValue) -> BasicKind {
        switch v {
        case .bool: .bool
        case .int(_, let k): k.isUnsigned ? .uint : .int
        case .float: .float
        case .string: .string
        default: .invalid
        }
    }

    static let errBadComparisonType = FunctionError("invalid type for comparison")

    static func eq(_ a1: TemplateValue, _ rest: [TemplateValue]) throws -> Bool {
        if rest.isEmpty { throw FunctionError("missing argument for comparison") }
        let k1 = basicKind(a1)
        for a2 in rest {
            let k2 = basicKind(a2)
            var truth = false
            if k1 != k2 {
                switch (k1, k2, a1, a2) {
                case (.int, .uint, .int(let x, _), .int(let y, _)):
                    truth = x >= 0 && UInt64(x) == UInt64(bitPattern: y)
                case (.uint, .int, .int(let x, _), .int(let y, _)):
                    truth = y >= 0 && UInt64(bitPattern: x) == UInt64(y)
                default:
                    if case .invalid = a1 { break }
                    if case .invalid = a2 { break }
                    if a1.isNil || a2.isNil {
                        // A nil interface compares as "invalid" kind; only equal to another nil.
                        truth = a1.isNil && a2.isNil
                        break
                    }
                    throw FunctionError("incompatible types for comparison: \(a1.goTypeName) and \(a2.goTypeName)")
                }
            } else {
                switch (a1, a2) {
                case (.bool(let x), .bool(let y)): truth = x == y
                case (.float(let x), .float(let y)): truth = x == y
                case (.int(let x, _), .int(let y, _)): truth = x == y
                case (.string(let x), .string(let y)): truth = x == y
                default:
                    if a1.isNil || a2.isNil {
                        truth = a1.isNil == a2.isNil
                    } else if case .object(let o1) = a1, case .object(let o2) = a2 {
                        truth = o1.goTypeName == o2.goTypeName && o1.formatted == o2.formatted
                    } else if a1.goTypeName != a2.goTypeName {
                        throw FunctionError(GoFmt.sprintf("non-comparable types %s: %v, %s: %v", [a1, .string(a1.goTypeName), .string(a2.goTypeName), a2]))
                    } else {
                        throw FunctionError(GoFmt.sprintf("non-comparable type %s: %v", [a2, .string(a2.goTypeName)]))
                    }
                }
            }
            if truth { return true }
        }
        return false
    }

    static func lt(_ a1: TemplateValue, _ a2: TemplateValue) throws -> Bool {
        let k1 = basicKind(a1)
        if k1 == .invalid { throw errBadComparisonType }
        let k2 = basicKind(a2)
        if k2 == .invalid { throw errBadComparisonType }
        if k1 != k2 {
            switch (k1, k2, a1, a2) {
            case (.int, .uint, .int(let x, _), .int(let y, _)): return x < 0 || UInt64(x) < UInt64(bitPattern: y)
            case (.uint, .int, .int(let x, _), .int(let y, _)): return y >= 0 && UInt64(bitPattern: x) < UInt64(y)
            default:
                throw FunctionError("incompatible types for comparison: \(a1.goTypeName) and \(a2.goTypeName)")
            }
        }
        switch (a1, a2) {
        case (.float(let x), .float(let y)): return x < y
        case (.int(let x, let k), .int(let y, _)):
            return k.isUnsigned ? UInt64(bitPattern: x) < UInt64(bitPattern: y) : x < y
        case (.string(let x), .string(let y)): return goStringLess(x, y)
        default: throw errBadComparisonType
        }
    }

    static func length(_ v: TemplateValue) throws -> Int {
        switch v {
        case .null: throw FunctionError("len of nil pointer")
        case .invalid: throw FunctionError("reflect: call of reflect.Value.Type on zero Value")
        case .string(let s): return s.utf8.count
        case .object(let o as GoBinaryString): return o.bytes.count
        case .bytes(let b): return b.count
        case .list(let l, _): return l.count
        case .map(let m): return m.storage.count
        case .object(let o) where o.mapView != nil: return o.mapView!.storage.count
        case .object(let o) where o.listView != nil: return o.listView!.count
        default: throw FunctionError("len of type \(v.goTypeName)")
        }
    }

    static func index(_ item: TemplateValue, _ indexes: [TemplateValue]) throws -> TemplateValue {
        var cur = item
        if cur.isNil { throw FunctionError("index of untyped nil") }
        for idx in indexes {
            if case .object(let o) = cur {
                if let m = o.mapView { cur = .map(m) } else if let l = o.listView { cur = .list(l, .string) }
            }
            switch cur {
            case .null: throw FunctionError("index of nil pointer")
            case .list(let l, let kind):
                let x = try indexArg(idx, l.count)
                if x == l.count { throw FunctionError("reflect: slice index out of range") }
                cur = kind == .any ? l[x].boxed : l[x]
            case .bytes(let b):
                let x = try indexArg(idx, b.count)
                if x == b.count { throw FunctionError("reflect: slice index out of range") }
                cur = .int(Int64(b[x]), .uint8)
            case .string(let s):
                let u = Array(s.utf8)
                let x = try indexArg(idx, u.count)
                if x == u.count { throw FunctionError("reflect: string index out of range") }
                cur = .int(Int64(u[x]), .uint8)
            case .map(let m):
                guard case .string(let key) = idx else {
                    if idx.isNil { throw FunctionError("value is nil; should be of type string") }
                    throw FunctionError("value has type \(idx.goTypeName); should be string")
                }
                if let v = m.storage[key] { cur = v.boxed } else { cur = m.typeName == "map[string]string" ? .string("") : .null }
            default:
                throw FunctionError("can't index item of type \(cur.goTypeName)")
            }
        }
        return cur
    }

    static func indexArg(_ idx: TemplateValue, _ cap: Int) throws -> Int {
        guard case .int(let x, _) = idx else {
            if idx.isNil { throw FunctionError("cannot index slice/array with nil") }
            throw FunctionError("cannot index slice/array with type \(idx.goTypeName)")
        }
        if x < 0 || x > Int64(cap) { throw FunctionError("index out of range: \(x)") }
        return Int(x)
    }

    /// Go's `evalArgs` for html/js/urlquery: a lone string as-is, otherwise `fmt.Sprint`.
    static func evalArgs(_ a: [TemplateValue]) -> String {
        if a.count == 1, case .string(let s) = a[0] { return s }
        // Go's printableValue turns a nil argument into "<no value>".
        return GoFmt.sprint(a.map { $0.isNil ? .string("<no value>") : $0 })
    }

    static func htmlEscape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "&#34;"
            case "'": out += "&#39;"
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\u{0}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static func jsEscape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "'": out += "\\'"
            case "\"": out += "\\\""
            case "<": out += "\\u003C"
            case ">": out += "\\u003E"
            case "&": out += "\\u0026"
            case "=": out += "\\u003D"
            default:
                if c.value < 0x20 || (c.value >= 0x80 && !isGoPrintable(c)) {
                    var h = String(c.value, radix: 16, uppercase: true)
                    while h.count < 4 { h = "0" + h }
                    out += "\\u" + h
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out
    }

    /// Go's `url.QueryEscape`.
    static func queryEscape(_ s: String) -> String {
        var out = ""
        let hex = Array("0123456789ABCDEF")
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            case UInt8(ascii: " "):
                out += "+"
            default:
                out += "%"
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 15)])
            }
        }
        return out
    }
}
