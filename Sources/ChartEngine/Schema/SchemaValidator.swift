import StructuredData
import Templating

/// Validates values against a ``CompiledSchema`` the way santhosh-tekuri/jsonschema v6 does:
/// the same keyword order, the same error tree and messages. Where the library iterates Go maps
/// (object members, additional property names) and so varies from run to run, keys are taken in
/// byte order so that output is deterministic.
struct SchemaValidator {
    /// `jsonType` order, used for `type` lists in messages (`want boolean or integer`).
    static let typeOrder = ["null", "boolean", "number", "integer", "string", "array", "object"]
    /// Nested evaluation deeper than this (reference chains × value depth) is refused.
    static let maxDepth = 2000

    private struct Scope {
        var node: Int
        var refKeyword: String
        var vid: Int
    }

    /// What a successful evaluation left unevaluated (for `unevaluatedProperties/Items`).
    struct Uneval {
        var props: Set<String> = []
        var items: Set<Int> = []

        init(_ v: Value) {
            switch v {
            case .map(let m): props = Set(m.keys)
            case .list(let l): items = Set(l.indices)
            default: break
            }
        }

        mutating func merge(_ o: Uneval) {
            props.formIntersection(o.props)
            items.formIntersection(o.items)
        }
    }

    var schema: CompiledSchema
    /// Validating a schema against its meta-schema: `format` is asserted in every dialect (the
    /// library rejects a `pattern` that is not a valid regexp this way).
    var metaValidation = false
    private var scopes: [Scope] = []

    init(_ schema: CompiledSchema) { self.schema = schema }

    /// Validates `v`; the top-level errors (a single "group" is unwrapped into its causes).
    mutating func validate(_ v: Value) throws(SchemaCompileError) -> [SchemaValidationError] {
        scopes = []
        let (err, _) = try eval(schema.root, v, [], refKeyword: "", vid: 0)
        guard let err else { return [] }
        return err.kind == .group ? err.causes : [err]
    }

    // MARK: Core

    private mutating func eval(_ n: Int, _ v: Value, _ loc: [String], refKeyword: String, vid: Int)
        throws(SchemaCompileError) -> (SchemaValidationError?, Uneval)
    {
        guard scopes.count < Self.maxDepth else {
            throw SchemaCompileError("schema evaluation exceeds \(Self.maxDepth) nested levels")
        }
        scopes.append(Scope(node: n, refKeyword: refKeyword, vid: vid))
        defer { scopes.removeLast() }
        let s = schema.nodes[n]
        var ue = Uneval(v)
        func fail(_ m: String) -> SchemaValidationError { SchemaValidationError(location: loc, kind: .message(m)) }

        if let b = s.boolValue { return b ? (nil, ue) : (fail("false schema"), ue) }

        // A schema re-entered for the same value through references is a cycle.
        var k = scopes.count - 2
        while k >= 0, scopes[k].vid == vid {
            if scopes[k].node == n {
                let m = "both \(kwLoc(scopes.count - 1)) and \(kwLoc(k)) resolve to \(quoteGo(s.location)) causing reference cycle"
                return (fail(m), ue)
            }
            k -= 1
        }

        let t = Self.typeName(v)
        if let types = s.types, !types.isEmpty {
            let ok = types.contains(t) || (types.contains("integer") && SchemaNumber(v)?.isInteger == true)
            if !ok { return (fail("got \(t), want \(types.joined(separator: " or "))"), ue) }
        }
        if s.hasConst, let c = s.constValue, !Self.equals(v, c) {
            switch c {
            case .array, .object: return (fail("'const' failed"), ue)
            default: return (fail("value must be \(SchemaText.display(c))"), ue)
            }
        }
        if let e = s.enumValues, !e.contains(where: { Self.equals(v, $0) }) {
            let primitive = !e.contains { if case .array = $0 { return true }; if case .object = $0 { return true }; return false }
            if !primitive { return (fail("'enum' failed"), ue) }
            if e.count == 1 { return (fail("value must be \(SchemaText.display(e[0]))"), ue) }
            return (fail("value must be one of \(e.map(SchemaText.display).joined(separator: ", "))"), ue)
        }
        // Format is an assertion up to draft 7; later drafts treat it as an annotation (the
        // library's default, which Helm keeps).
        if s.draft <= 7 || metaValidation, let f = s.format, case .string(let str) = v,
            let problem = SchemaFormats.check(f, str)
        {
            return (fail("\(SchemaText.quote(str)) is not valid \(f): \(problem)"), ue)
        }

        var errors: [SchemaValidationError] = []
        if let r = s.ref {
            let (err, sub) = try ref(r, v, loc, keyword: "$ref", vid: vid)
            if err == nil { ue.merge(sub) }
            if s.draft < 2019 { return (err, ue) }
            if let err { errors.append(err) }
        }

        switch v {
        case .map(let m): try object(s, m, loc, vid, &errors, &ue)
        case .list(let l): try array(s, l, loc, vid, &errors, &ue)
        case .string(let str): string(s, str, loc, &errors)
        case .int, .float: number(s, v, loc, &errors)
        default: break
        }

        if s.draft >= 2019, let d = s.dynamicRef {
            let (err, sub) = try ref(dynamicTarget(s, d), v, loc, keyword: s.dynamicRefKeyword, vid: vid)
            if let err { errors.append(err) } else { ue.merge(sub) }
        }

        try conditionals(s, v, loc, vid, &errors, &ue)
        if s.draft >= 2019 { try unevaluated(s, v, loc, vid, &errors, &ue) }

        switch errors.count {
        case 0: return (nil, ue)
        case 1: return (errors[0], ue)
        default: return (SchemaValidationError(location: loc, kind: .group, causes: errors), ue)
        }
    }

    /// The same value against another schema (`allOf`, `$ref`, `then`…).
    private mutating func evalSelf(_ n: Int, _ v: Value, _ loc: [String], _ vid: Int, _ ue: inout Uneval,
                                   refKeyword: String = "") throws(SchemaCompileError) -> SchemaValidationError?
    {
        let (err, sub) = try eval(n, v, loc, refKeyword: refKeyword, vid: vid)
        if err == nil { ue.merge(sub) }
        return err
    }

    /// A member or item against a subschema.
    private mutating func evalChild(_ n: Int, _ v: Value, _ loc: [String], _ token: String, _ vid: Int)
        throws(SchemaCompileError) -> SchemaValidationError?
    {
        try eval(n, v, loc + [token], refKeyword: "", vid: vid + 1).0
    }

    private mutating func ref(_ n: Int, _ v: Value, _ loc: [String], keyword: String, vid: Int)
        throws(SchemaCompileError) -> (SchemaValidationError?, Uneval)
    {
        let (err, sub) = try eval(n, v, loc, refKeyword: keyword, vid: vid)
        guard let err else { return (nil, sub) }
        let causes = err.kind == .group ? err.causes : [err]
        return (SchemaValidationError(location: loc, kind: .reference, causes: causes), sub)
    }

    /// Where a `$dynamicRef`/`$recursiveRef` lands: the outermost schema resource in the dynamic
    /// scope that declares the anchor, when the static target declares it too.
    private func dynamicTarget(_ s: SchemaNode, _ initial: Int) -> Int {
        var target = initial
        let nodes = schema.nodes
        if let name = s.dynamicRefAnchor, nodes[initial].dynamicAnchor == name {
            for sc in scopes.reversed() {
                if let a = schema.dynamicAnchors[nodes[sc.node].resourceURL]?[name] { target = a }
            }
        }
        if s.dynamicRefKeyword == "$recursiveRef", nodes[initial].recursiveAnchor {
            for sc in scopes.reversed() {
                if let root = schema.resourceRoots[nodes[sc.node].resourceURL], nodes[root].recursiveAnchor { target = root }
            }
        }
        return target
    }

    private func kwLoc(_ index: Int) -> String {
        var loc = ""
        var i = index
        while i > 0 {
            let sc = scopes[i]
            if !sc.refKeyword.isEmpty {
                loc = "/" + SchemaCompiler.escapePointer(sc.refKeyword) + loc
            } else {
                let cur = schema.nodes[sc.node].location
                let parent = schema.nodes[scopes[i - 1].node].location
                loc = (cur.hasPrefix(parent) ? String(cur.dropFirst(parent.count)) : "") + loc
            }
            i -= 1
        }
        return loc
    }

    // MARK: Objects

    private mutating func object(_ s: SchemaNode, _ obj: [String: Value], _ loc: [String], _ vid: Int,
                                 _ errors: inout [SchemaValidationError], _ ue: inout Uneval) throws(SchemaCompileError)
    {
        func fail(_ m: String) { errors.append(SchemaValidationError(location: loc, kind: .message(m))) }
        if let min = s.minProperties, obj.count < min {
            fail("minProperties: got \(EnglishNumber.int(obj.count)), want \(EnglishNumber.int(min))")
        }
        if let max = s.maxProperties, obj.count > max {
            fail("maxProperties: got \(EnglishNumber.int(obj.count)), want \(EnglishNumber.int(max))")
        }
        let missing = s.required.filter { obj[$0] == nil }
        if missing.count == 1 { fail("missing property \(SchemaText.quote(missing[0]))") }
        if missing.count > 1 { fail("missing properties \(SchemaText.joinQuoted(missing))") }

        for (name, dep) in s.dependencies.sorted(by: { $0.key < $1.key }) where obj[name] != nil {
            switch dep {
            case .required(let req):
                let miss = req.filter { obj[$0] == nil }
                if !miss.isEmpty {
                    fail("properties \(SchemaText.joinQuoted(miss)) required, if \(SchemaText.quote(name)) exists")
                }
            case .schema(let d):
                if let e = try evalSelf(d, .map(obj), loc, vid, &ue) { errors.append(e) }
            }
        }

        var additional: [String] = []
        for (name, value) in obj.sorted(by: { $0.key < $1.key }) {
            var evaluated = false
            if let p = s.properties[name] {
                evaluated = true
                if let e = try evalChild(p, value, loc, name, vid) { errors.append(e) }
            }
            for pp in s.patternProperties where pp.regexp.firstMatch(in: name) != nil {
                evaluated = true
                if let e = try evalChild(pp.schema, value, loc, name, vid) { errors.append(e) }
            }
            if !evaluated, let a = s.additionalProperties {
                evaluated = true
                switch a {
                case .allowed(let ok): if !ok { additional.append(name) }
                case .schema(let n): if let e = try evalChild(n, value, loc, name, vid) { errors.append(e) }
                }
            }
            if evaluated { ue.props.remove(name) }
        }
        if !additional.isEmpty { fail("additional properties \(SchemaText.joinQuoted(additional)) not allowed") }

        if s.draft == 4 { return }
        if let pn = s.propertyNames {
            for name in obj.keys.sorted() {
                // The library validates each name as a separate document and reports it at ''.
                var inner = SchemaValidator(schema)
                inner.schema.root = pn
                inner.metaValidation = metaValidation
                let causes = try inner.validate(.string(name))
                if !causes.isEmpty {
                    errors.append(SchemaValidationError(location: [], kind: .message("invalid propertyName \(SchemaText.quote(name))"),
                                                        causes: causes))
                }
            }
        }
        if s.draft == 6 { return }
        for (name, d) in s.dependentSchemas.sorted(by: { $0.key < $1.key }) where obj[name] != nil {
            if let e = try evalSelf(d, .map(obj), loc, vid, &ue) { errors.append(e) }
        }
        for (name, req) in s.dependentRequired.sorted(by: { $0.key < $1.key }) where obj[name] != nil {
            let miss = req.filter { obj[$0] == nil }
            if !miss.isEmpty {
                fail("properties \(SchemaText.joinQuoted(miss)) required, if \(SchemaText.quote(name)) exists")
            }
        }
    }

    // MARK: Arrays

    private mutating func array(_ s: SchemaNode, _ arr: [Value], _ loc: [String], _ vid: Int,
                                _ errors: inout [SchemaValidationError], _ ue: inout Uneval) throws(SchemaCompileError)
    {
        func fail(_ m: String) { errors.append(SchemaValidationError(location: loc, kind: .message(m))) }
        if let min = s.minItems, arr.count < min {
            fail("minItems: got \(EnglishNumber.int(arr.count)), want \(EnglishNumber.int(min))")
        }
        if let max = s.maxItems, arr.count > max {
            fail("maxItems: got \(EnglishNumber.int(arr.count)), want \(EnglishNumber.int(max))")
        }
        if s.uniqueItems, arr.count > 1 {
            outer: for i in arr.indices {
                for j in (i + 1)..<arr.count where Self.equalValues(arr[i], arr[j]) {
                    fail("items at \(EnglishNumber.int(i)) and \(EnglishNumber.int(j)) are equal")
                    break outer
                }
            }
        }
        // Items after the positional ones are reported with their index counted from the first
        // non-positional item, as santhosh-tekuri/jsonschema v6.0.2 does (`/a/0` for the second item).
        if s.draft < 2020 {
            var evaluated = 0
            if let items = s.items {
                for (i, item) in arr.enumerated() {
                    if let e = try evalChild(items, item, loc, String(i), vid) { errors.append(e) }
                }
                evaluated = arr.count
            } else if let list = s.itemsArray {
                let count = min(arr.count, list.count)
                for i in 0..<count {
                    if let e = try evalChild(list[i], arr[i], loc, String(i), vid) { errors.append(e) }
                }
                evaluated = count
            }
            switch s.additionalItems {
            case .allowed(false)?:
                if evaluated != arr.count { fail("last \(EnglishNumber.int(arr.count - evaluated)) additionalItem(s) not allowed") }
            case .schema(let n)?:
                for (i, item) in arr[evaluated...].enumerated() {
                    if let e = try evalChild(n, item, loc, String(i), vid) { errors.append(e) }
                }
                evaluated = arr.count
            default: break
            }
            for i in 0..<evaluated { ue.items.remove(i) }
        } else {
            let evaluated = min(s.prefixItems.count, arr.count)
            for i in 0..<evaluated {
                if let e = try evalChild(s.prefixItems[i], arr[i], loc, String(i), vid) { errors.append(e) }
                ue.items.remove(i)
            }
            if let items = s.items {
                for (i, item) in arr[evaluated...].enumerated() {
                    if let e = try evalChild(items, item, loc, String(i), vid) { errors.append(e) }
                }
                ue.items = []
            }
        }
        if let c = s.contains {
            var causes: [SchemaValidationError] = []
            var matched: [Int] = []
            for (i, item) in arr.enumerated() {
                if let e = try evalChild(c, item, loc, String(i), vid) { causes.append(e) } else {
                    matched.append(i)
                    if s.draft >= 2020 { ue.items.remove(i) }
                }
            }
            let at = matched.map { String($0) }.joined(separator: " ")
            if let min = s.minContains {
                if matched.count < min {
                    let m = matched.isEmpty
                        ? "min \(EnglishNumber.int(min)) items required to match contains schema, but none matched"
                        : "min \(EnglishNumber.int(min)) items required to match contains schema, but matched \(EnglishNumber.int(matched.count)) items at \(at)"
                    errors.append(SchemaValidationError(location: loc, kind: .message(m), causes: causes))
                }
            } else if matched.isEmpty {
                errors.append(SchemaValidationError(location: loc, kind: .message("no items match contains schema"), causes: causes))
            }
            if let max = s.maxContains, matched.count > max {
                fail("max \(EnglishNumber.int(max)) items required to match contains schema, but matched \(EnglishNumber.int(matched.count)) items at \(at)")
            }
        }
    }

    // MARK: Strings and numbers

    private func string(_ s: SchemaNode, _ str: String, _ loc: [String], _ errors: inout [SchemaValidationError]) {
        func fail(_ m: String) { errors.append(SchemaValidationError(location: loc, kind: .message(m))) }
        if s.minLength != nil || s.maxLength != nil {
            // Go counts runes (invalid UTF-8 never reaches here: values are Swift strings).
            let len = str.unicodeScalars.count
            if let min = s.minLength, len < min { fail("minLength: got \(EnglishNumber.int(len)), want \(EnglishNumber.int(min))") }
            if let max = s.maxLength, len > max { fail("maxLength: got \(EnglishNumber.int(len)), want \(EnglishNumber.int(max))") }
        }
        if let p = s.pattern, p.regexp.firstMatch(in: str) == nil {
            fail("\(SchemaText.quote(str)) does not match pattern \(SchemaText.quote(p.source))")
        }
    }

    private func number(_ s: SchemaNode, _ v: Value, _ loc: [String], _ errors: inout [SchemaValidationError]) {
        guard let num = SchemaNumber(v) else { return }
        func fail(_ kw: String, _ want: SchemaNumber) {
            let m = "\(kw): got \(EnglishNumber.float(num.double)), want \(EnglishNumber.float(want.double))"
            errors.append(SchemaValidationError(location: loc, kind: .message(m)))
        }
        if let m = s.minimum, num.compare(m) < 0 { fail("minimum", m) }
        if let m = s.maximum, num.compare(m) > 0 { fail("maximum", m) }
        if let m = s.exclusiveMinimum, num.compare(m) <= 0 { fail("exclusiveMinimum", m) }
        if let m = s.exclusiveMaximum, num.compare(m) >= 0 { fail("exclusiveMaximum", m) }
        if let m = s.multipleOf, !num.isMultiple(of: m) { fail("multipleOf", m) }
    }

    // MARK: Applicators

    private mutating func conditionals(_ s: SchemaNode, _ v: Value, _ loc: [String], _ vid: Int,
                                       _ errors: inout [SchemaValidationError], _ ue: inout Uneval) throws(SchemaCompileError)
    {
        func fail(_ m: String, _ causes: [SchemaValidationError] = []) {
            errors.append(SchemaValidationError(location: loc, kind: .message(m), causes: causes))
        }
        // As in the library, a `not` subschema that passes still marks what it evaluated.
        if let n = s.not, try evalSelf(n, v, loc, vid, &ue) == nil { fail("'not' failed") }
        if !s.allOf.isEmpty {
            var causes: [SchemaValidationError] = []
            for n in s.allOf { if let e = try evalSelf(n, v, loc, vid, &ue) { causes.append(e) } }
            if !causes.isEmpty { fail("'allOf' failed", causes) }
        }
        if !s.anyOf.isEmpty {
            var causes: [SchemaValidationError] = []
            var matched = false
            for n in s.anyOf {
                if let e = try evalSelf(n, v, loc, vid, &ue) { causes.append(e) } else { matched = true }
            }
            if !matched { fail("'anyOf' failed", causes) }
        }
        if !s.oneOf.isEmpty {
            var causes: [SchemaValidationError] = []
            var matched = -1
            for (i, n) in s.oneOf.enumerated() {
                if let e = try evalSelf(n, v, loc, vid, &ue) {
                    if matched == -1 { causes.append(e) }
                } else if matched == -1 {
                    matched = i
                } else {
                    fail("'oneOf' failed, subschemas \(matched), \(i) matched")
                    break
                }
            }
            if matched == -1 { fail("'oneOf' failed, none matched", causes) }
        }
        if let i = s.ifSchema {
            if try evalSelf(i, v, loc, vid, &ue) == nil {
                if let t = s.thenSchema, let e = try evalSelf(t, v, loc, vid, &ue) { errors.append(e) }
            } else if let el = s.elseSchema, let e = try evalSelf(el, v, loc, vid, &ue) {
                errors.append(e)
            }
        }
    }

    private mutating func unevaluated(_ s: SchemaNode, _ v: Value, _ loc: [String], _ vid: Int,
                                      _ errors: inout [SchemaValidationError], _ ue: inout Uneval) throws(SchemaCompileError)
    {
        if case .map(let obj) = v, let u = s.unevaluatedProperties {
            for name in ue.props.sorted() {
                if let value = obj[name], let e = try evalChild(u, value, loc, name, vid) { errors.append(e) }
            }
            ue.props = []
        }
        if case .list(let arr) = v, let u = s.unevaluatedItems {
            for i in ue.items.sorted() where i < arr.count {
                if let e = try evalChild(u, arr[i], loc, String(i), vid) { errors.append(e) }
            }
            ue.items = []
        }
    }

    // MARK: Values

    /// The library's `jsonType` name of a value; every number is "number".
    static func typeName(_ v: Value) -> String {
        switch v {
        case .null: return "null"
        case .bool: return "boolean"
        case .int, .float: return "number"
        case .string: return "string"
        case .list: return "array"
        case .map: return "object"
        }
    }

    /// Instance against a schema literal (`const`, `enum`); numbers compare by value.
    static func equals(_ v: Value, _ j: SchemaJSON) -> Bool {
        switch (v, j) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.int, .number(let b)), (.float, .number(let b)): return SchemaNumber(v).map { $0.compare(b) == 0 } ?? false
        case (.list(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { equals($0, $1) }
        case (.map(let a), .object(let b)):
            return a.count == b.count && a.allSatisfy { k, x in b[k].map { equals(x, $0) } ?? false }
        default: return false
        }
    }

    /// Instance against instance (`uniqueItems`).
    static func equalValues(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.int, .int), (.int, .float), (.float, .int), (.float, .float):
            guard let x = SchemaNumber(a), let y = SchemaNumber(b) else { return false }
            return x.compare(y) == 0
        case (.list(let x), .list(let y)): return x.count == y.count && zip(x, y).allSatisfy { equalValues($0, $1) }
        case (.map(let x), .map(let y)):
            return x.count == y.count && x.allSatisfy { k, xv in y[k].map { equalValues(xv, $0) } ?? false }
        default: return a == b
        }
    }
}
