import Templating

/// Builds a ``CompiledSchema`` from schema JSON: keywords per dialect, `$id`/`$anchor` indexing and
/// `$ref` resolution (done after the tree, from a work list, so reference chains never recurse).
struct SchemaCompiler {
    /// Schemas nested deeper than this are refused rather than risking the stack.
    static let maxDepth = 256

    private(set) var out = CompiledSchema()
    private var memo: [String: Int] = [:]
    /// Loaded documents by URL (without fragment).
    private var documents: [String: SchemaJSON] = [:]
    /// `$id`-identified resources and anchors: URL → (document URL, JSON pointer tokens).
    private var resources: [String: (doc: String, pointer: [String])] = [:]
    private var pending: [Int] = []
    private var dynamicAnchorPointers: [String: [String: (doc: String, pointer: [String])]] = [:]
    private var resourcePointers: [String: (doc: String, pointer: [String])] = [:]
    private let loadFile: (String) -> Result<String, SchemaCompileError>

    init(loadFile: @escaping (String) -> Result<String, SchemaCompileError>) {
        self.loadFile = loadFile
    }

    /// Compiles the root document.
    static func compile(_ text: String,
                        loadFile: @escaping (String) -> Result<String, SchemaCompileError> = SchemaCompiler.readFile)
        throws(SchemaCompileError) -> CompiledSchema
    {
        let doc = try SchemaJSON.parse(text)
        var c = SchemaCompiler(loadFile: loadFile)
        c.documents[CompiledSchema.rootURL] = doc
        let draft = try Self.draft(of: doc, default: 2020)
        try validateAgainstMetaschema(doc, url: CompiledSchema.rootURL, draft: draft)
        c.index(doc, docURL: CompiledSchema.rootURL, base: CompiledSchema.rootURL, draft: draft)
        c.out.root = try c.node(doc, docURL: CompiledSchema.rootURL, pointer: [], base: CompiledSchema.rootURL,
                                draft: draft, depth: 0)
        try c.resolvePending()
        return c.out
    }

    /// The library checks every schema document against its dialect's meta-schema before compiling it.
    static func validateAgainstMetaschema(_ doc: SchemaJSON, url: String, draft: Int) throws(SchemaCompileError) {
        let meta = try compileMetaschema(draft)
        var validator = SchemaValidator(meta)
        validator.metaValidation = true
        let errors = try validator.validate(doc.instanceValue)
        guard !errors.isEmpty else { return }
        throw SchemaCompileError("\(quoteGo(url + "#")) is not valid against metaschema: jsonschema validation failed with "
            + SchemaText.quote(metaschemaURL(draft) + "#") + "\n" + SchemaValidationError.display(errors))
    }

    /// The dialect named by `$schema` (4, 6, 7, 2019, 2020).
    static func draft(of doc: SchemaJSON, default d: Int) throws(SchemaCompileError) -> Int {
        guard case .string(let s)? = doc["$schema"] else { return d }
        var u = s
        while u.hasSuffix("#") { u.removeLast() }
        if u.hasPrefix("https://") { u = "http://" + u.dropFirst("https://".count) }
        switch u {
        case "http://json-schema.org/draft-04/schema", "http://json-schema.org/schema": return 4
        case "http://json-schema.org/draft-06/schema": return 6
        case "http://json-schema.org/draft-07/schema": return 7
        case "http://json-schema.org/draft/2019-09/schema": return 2019
        case "http://json-schema.org/draft/2020-12/schema": return 2020
        default:
            let lower = s.lowercased()
            if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
                throw SchemaCompileError("failing loading \(quoteGo(splitFragment(s).0)): remote schema references are not supported (no network access)")
            }
            throw SchemaCompileError("unsupported $schema \(quoteGo(s)) (supported: drafts 4, 6, 7, 2019-09, 2020-12)")
        }
    }

    /// The meta-schema URL of a dialect, as the library names it in messages.
    static func metaschemaURL(_ draft: Int) -> String {
        switch draft {
        case 4: return "http://json-schema.org/draft-04/schema"
        case 6: return "http://json-schema.org/draft-06/schema"
        case 7: return "http://json-schema.org/draft-07/schema"
        case 2019: return "https://json-schema.org/draft/2019-09/schema"
        default: return "https://json-schema.org/draft/2020-12/schema"
        }
    }

    /// Compiles the meta-schema of `draft` (embedded; never fails for the known dialects). Compiled
    /// once per process: the nodes are never mutated after compilation.
    static func compileMetaschema(_ draft: Int) throws(SchemaCompileError) -> CompiledSchema {
        if let hit = MetaschemaCache.shared.get(draft) { return hit }
        let compiled = try compileMetaschemaUncached(draft)
        MetaschemaCache.shared.put(draft, compiled)
        return compiled
    }

    private static func compileMetaschemaUncached(_ draft: Int) throws(SchemaCompileError) -> CompiledSchema {
        var c = SchemaCompiler(loadFile: { url in .failure(SchemaCompileError("failing loading \(quoteGo(url))")) })
        let url = metaschemaURL(draft)
        c.out.root = try c.target(url + "#", draft: draft)
        try c.resolvePending()
        return c.out
    }

    // MARK: Indexing ($id, $anchor)

    private mutating func index(_ doc: SchemaJSON, docURL: String, base: String, draft: Int) {
        var stack: [(SchemaJSON, [String], String)] = [(doc, [], base)]
        while let (json, pointer, base) = stack.popLast() {
            switch json {
            case .object(let o):
                var base = base
                let idKey = draft == 4 ? "id" : "$id"
                if case .string(let id)? = o[idKey], !id.hasPrefix("#") {
                    base = Self.resolve(id, against: base).withoutFragment
                    resources[base] = (docURL, pointer)
                }
                if case .string(let a)? = o["$anchor"] {
                    resources[base + "#" + a] = (docURL, pointer)
                }
                if draft >= 2020, case .string(let a)? = o["$dynamicAnchor"] {
                    resources[base + "#" + a] = resources[base + "#" + a] ?? (docURL, pointer)
                    dynamicAnchorPointers[base, default: [:]][a] = (docURL, pointer)
                }
                if pointer.isEmpty || o["$id"] != nil || o["id"] != nil {
                    resourcePointers[base] = resourcePointers[base] ?? (docURL, pointer)
                }
                if draft < 2019, case .string(let id)? = o[idKey], id.hasPrefix("#"), id.count > 1 {
                    resources[base + id] = (docURL, pointer)
                }
                for (k, v) in o where !["enum", "const", "default", "examples"].contains(k) {
                    stack.append((v, pointer + [k], base))
                }
            case .array(let a):
                for (i, v) in a.enumerated() { stack.append((v, pointer + [String(i)], base)) }
            default: break
            }
        }
    }

    // MARK: Nodes

    private static func location(_ docURL: String, _ pointer: [String]) -> String {
        docURL + "#" + pointer.map { "/" + escapePointer($0) }.joined()
    }

    private mutating func node(_ json: SchemaJSON, docURL: String, pointer: [String], base: String, draft: Int,
                               depth: Int) throws(SchemaCompileError) -> Int
    {
        let loc = Self.location(docURL, pointer)
        if let i = memo[loc] { return i }
        guard depth < Self.maxDepth else {
            throw SchemaCompileError("schema nesting at \(quoteGo(loc)) exceeds \(Self.maxDepth) levels")
        }
        let n = SchemaNode(location: loc, draft: draft)
        let index = out.nodes.count
        out.nodes.append(n)
        memo[loc] = index
        switch json {
        case .bool(let b):
            n.boolValue = b
            return index
        case .object(let o):
            try fill(n, o, docURL: docURL, pointer: pointer, base: base, draft: draft, depth: depth)
            if n.refURL != nil || n.dynamicRefURL != nil { pending.append(index) }
            return index
        default:
            throw SchemaCompileError("\(quoteGo(loc)) is not valid against metaschema: schema must be an object or a boolean")
        }
    }

    private mutating func fill(_ n: SchemaNode, _ o: [String: SchemaJSON], docURL: String, pointer: [String],
                               base: String, draft: Int, depth: Int) throws(SchemaCompileError)
    {
        var base = base
        if case .string(let id)? = o[draft == 4 ? "id" : "$id"], !id.hasPrefix("#") {
            base = Self.resolve(id, against: base).withoutFragment
        }
        let loc = n.location
        func bad(_ kw: String, _ want: String) -> SchemaCompileError {
            SchemaCompileError("\(quoteGo(loc)) is not valid against metaschema: \(kw) must be \(want)")
        }
        func sub(_ kw: [String], _ j: SchemaJSON) throws(SchemaCompileError) -> Int {
            try node(j, docURL: docURL, pointer: pointer + kw, base: base, draft: draft, depth: depth + 1)
        }
        func subMap(_ kw: String) throws(SchemaCompileError) -> [String: Int] {
            guard let v = o[kw] else { return [:] }
            guard case .object(let m) = v else { throw bad(kw, "an object") }
            var r: [String: Int] = [:]
            for (k, s) in m { r[k] = try sub([kw, k], s) }
            return r
        }
        func subList(_ kw: String) throws(SchemaCompileError) -> [Int] {
            guard let v = o[kw] else { return [] }
            guard case .array(let a) = v, !a.isEmpty else { throw bad(kw, "a non-empty array") }
            var r: [Int] = []
            for (i, s) in a.enumerated() { r.append(try sub([kw, String(i)], s)) }
            return r
        }
        func subOne(_ kw: String) throws(SchemaCompileError) -> Int? {
            guard let v = o[kw] else { return nil }
            return try sub([kw], v)
        }
        func int(_ kw: String) throws(SchemaCompileError) -> Int? {
            guard let v = o[kw] else { return nil }
            guard case .number(let num) = v, num.isInteger, !num.negative else { throw bad(kw, "a non-negative integer") }
            return num.wrappingInt
        }
        func number(_ kw: String) throws(SchemaCompileError) -> SchemaNumber? {
            guard let v = o[kw] else { return nil }
            guard case .number(let num) = v else { throw bad(kw, "a number") }
            return num
        }
        func strings(_ kw: String) throws(SchemaCompileError) -> [String] {
            guard let v = o[kw] else { return [] }
            guard case .array(let a) = v else { throw bad(kw, "an array of strings") }
            var r: [String] = []
            for s in a {
                guard case .string(let t) = s else { throw bad(kw, "an array of strings") }
                r.append(t)
            }
            return r
        }
        func regexp(_ kw: String, _ source: String) throws(SchemaCompileError) -> GoRegexp {
            do { return try GoRegexp.compile(source) } catch {
                throw SchemaCompileError("\(quoteGo(loc)) is not valid against metaschema: \(kw) \(quoteGo(source)) is not valid regex: \(error.message)")
            }
        }

        // type
        if let t = o["type"] {
            var names: [String] = []
            switch t {
            case .string(let s): names = [s]
            case .array(let a):
                for e in a {
                    guard case .string(let s) = e else { throw bad("type", "a string or an array of strings") }
                    names.append(s)
                }
            default: throw bad("type", "a string or an array of strings")
            }
            for name in names where !SchemaValidator.typeOrder.contains(name) {
                throw SchemaCompileError("\(quoteGo(loc)) is not valid against metaschema: type \(quoteGo(name)) is not one of 'array', 'boolean', 'integer', 'null', 'number', 'object', 'string'")
            }
            n.types = SchemaValidator.typeOrder.filter { names.contains($0) }
        }
        if draft >= 6, let c = o["const"] {
            n.constValue = c
            n.hasConst = true
        }
        if let e = o["enum"] {
            guard case .array(let a) = e else { throw bad("enum", "an array") }
            n.enumValues = a
        }
        if case .string(let f)? = o["format"] { n.format = f }

        // references
        n.resourceURL = base
        if case .string(let r)? = o["$ref"] { n.refURL = Self.resolve(r, against: base).text }
        if draft == 2019 {
            if case .string(let r)? = o["$recursiveRef"] {
                n.dynamicRefURL = Self.resolve(r, against: base).text
                n.dynamicRefKeyword = "$recursiveRef"
            }
            if case .bool(true)? = o["$recursiveAnchor"] { n.recursiveAnchor = true }
        }
        if draft >= 2020 {
            if case .string(let r)? = o["$dynamicRef"] {
                let resolved = Self.resolve(r, against: base).text
                n.dynamicRefURL = resolved
                let frag = Self.splitFragment(resolved).1
                if !frag.isEmpty && !frag.hasPrefix("/") { n.dynamicRefAnchor = frag }
            }
            if case .string(let a)? = o["$dynamicAnchor"] { n.dynamicAnchor = a }
        }

        // objects
        n.properties = try subMap("properties")
        for (p, s) in try subMap("patternProperties").sorted(by: { $0.key < $1.key }) {
            n.patternProperties.append((p, try regexp("patternProperties", p), s))
        }
        if let a = o["additionalProperties"] {
            if case .bool(let b) = a { n.additionalProperties = .allowed(b) } else {
                n.additionalProperties = .schema(try sub(["additionalProperties"], a))
            }
        }
        if draft == 4, case .bool = o["required"] { throw bad("required", "an array of strings") }
        n.required = try strings("required")
        n.minProperties = try int("minProperties")
        n.maxProperties = try int("maxProperties")
        if draft >= 6 { n.propertyNames = try subOne("propertyNames") }
        // The library keeps draft 7's `dependencies` in every dialect (2019-09 split it in two).
        if case .object(let deps)? = o["dependencies"] {
            for (k, d) in deps {
                if case .array = d {
                    var names: [String] = []
                    if case .array(let a) = d { for case .string(let s) in a { names.append(s) } }
                    n.dependencies[k] = .required(names)
                } else {
                    n.dependencies[k] = .schema(try sub(["dependencies", k], d))
                }
            }
        }
        if draft >= 2019 {
            if case .object(let dr)? = o["dependentRequired"] {
                for (k, d) in dr {
                    guard case .array(let a) = d else { throw bad("dependentRequired", "an object of string arrays") }
                    n.dependentRequired[k] = a.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
                }
            }
            n.dependentSchemas = try subMap("dependentSchemas")
            n.unevaluatedProperties = try subOne("unevaluatedProperties")
            n.unevaluatedItems = try subOne("unevaluatedItems")
        }

        // arrays
        if draft >= 2020 {
            if o["prefixItems"] != nil { n.prefixItems = try subList("prefixItems") }
            n.items = try subOne("items")
        } else if let it = o["items"] {
            if case .array(let a) = it {
                var r: [Int] = []
                for (i, s) in a.enumerated() { r.append(try sub(["items", String(i)], s)) }
                n.itemsArray = r
            } else {
                n.items = try sub(["items"], it)
            }
            if let a = o["additionalItems"] {
                if case .bool(let b) = a { n.additionalItems = .allowed(b) } else {
                    n.additionalItems = .schema(try sub(["additionalItems"], a))
                }
            }
        }
        n.minItems = try int("minItems")
        n.maxItems = try int("maxItems")
        if case .bool(let u)? = o["uniqueItems"] { n.uniqueItems = u }
        if draft >= 6 { n.contains = try subOne("contains") }
        if draft >= 2019 {
            n.minContains = try int("minContains")
            n.maxContains = try int("maxContains")
        }

        // strings
        n.minLength = try int("minLength")
        n.maxLength = try int("maxLength")
        if let p = o["pattern"] {
            guard case .string(let s) = p else { throw bad("pattern", "a string") }
            n.pattern = (s, try regexp("pattern", s))
        }

        // numbers: draft 4's boolean exclusiveMinimum/Maximum turn minimum/maximum exclusive.
        n.minimum = try number("minimum")
        n.maximum = try number("maximum")
        if draft == 4 {
            if case .bool(true)? = o["exclusiveMinimum"] {
                n.exclusiveMinimum = n.minimum
                n.minimum = nil
            }
            if case .bool(true)? = o["exclusiveMaximum"] {
                n.exclusiveMaximum = n.maximum
                n.maximum = nil
            }
        } else {
            n.exclusiveMinimum = try number("exclusiveMinimum")
            n.exclusiveMaximum = try number("exclusiveMaximum")
        }
        if let m = try number("multipleOf") {
            guard !m.negative, !m.isZero else { throw bad("multipleOf", "a number greater than 0") }
            n.multipleOf = m
        }

        // applicators
        n.allOf = try subList("allOf")
        n.anyOf = try subList("anyOf")
        n.oneOf = try subList("oneOf")
        n.not = try subOne("not")
        if draft >= 7 {
            n.ifSchema = try subOne("if")
            n.thenSchema = try subOne("then")
            n.elseSchema = try subOne("else")
        }
    }

    // MARK: References

    private mutating func resolvePending() throws(SchemaCompileError) {
        var done: Set<String> = []
        repeat {
            while let i = pending.popLast() {
                let n = out.nodes[i]
                if let url = n.refURL { n.ref = try target(url, draft: n.draft) }
                if let url = n.dynamicRefURL { n.dynamicRef = try target(url, draft: n.draft) }
            }
            // Dynamic scopes may enter any resource in use: compile its dynamic anchors and root.
            for res in Set(out.nodes.map(\.resourceURL)) where !done.contains(res) {
                done.insert(res)
                for (name, at) in dynamicAnchorPointers[res] ?? [:] {
                    out.dynamicAnchors[res, default: [:]][name] = try compileAt(at, base: res)
                }
                if let at = resourcePointers[res] { out.resourceRoots[res] = try compileAt(at, base: res) }
            }
        } while !pending.isEmpty
    }

    private mutating func compileAt(_ at: (doc: String, pointer: [String]), base: String) throws(SchemaCompileError) -> Int {
        guard let doc = documents[at.doc] else { throw SchemaCompileError("failing loading \(quoteGo(at.doc))") }
        var json = doc
        for tok in at.pointer {
            switch json {
            case .object(let o): json = o[tok] ?? .null
            case .array(let a): json = Int(tok).flatMap { $0 >= 0 && $0 < a.count ? a[$0] : nil } ?? .null
            default: json = .null
            }
        }
        return try node(json, docURL: at.doc, pointer: at.pointer, base: base,
                        draft: try Self.draft(of: doc, default: 2020), depth: 0)
    }

    private mutating func target(_ url: String, draft: Int) throws(SchemaCompileError) -> Int {
        let (docPart, fragment) = Self.splitFragment(url)
        var start: (doc: String, pointer: [String])
        if let r = resources[docPart] {
            start = r
        } else if documents[docPart] != nil {
            start = (docPart, [])
        } else {
            try load(docPart, draft: draft)
            start = (docPart, [])
        }
        guard let doc = documents[start.doc] else { throw SchemaCompileError("failing loading \(quoteGo(docPart))") }
        var pointer = start.pointer
        if fragment.isEmpty {
        } else if fragment.hasPrefix("/") {
            pointer += fragment.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
                Self.unescapePointer(Self.percentDecode(String($0)))
            }
        } else if let anchored = resources[docPart + "#" + fragment] {
            pointer = anchored.pointer
        } else {
            throw SchemaCompileError("anchor \(quoteGo(fragment)) not found in \(quoteGo(url))")
        }
        var json = doc
        for tok in pointer {
            switch json {
            case .object(let o) where o[tok] != nil: json = o[tok] ?? .null
            case .array(let a) where Int(tok).map({ $0 >= 0 && $0 < a.count }) ?? false: json = a[Int(tok) ?? 0]
            default: throw SchemaCompileError("json-pointer in \(quoteGo(url)) not found")
            }
        }
        let docDraft = try Self.draft(of: doc, default: draft)
        return try node(json, docURL: start.doc, pointer: pointer, base: start.doc, draft: docDraft, depth: 0)
    }

    private mutating func load(_ url: String, draft: Int) throws(SchemaCompileError) {
        let lower = url.lowercased()
        if lower.hasPrefix("urn:") {
            // Helm's urnLoader: unresolved URNs become the permissive schema `true`.
            documents[url] = .bool(true)
            return
        }
        if let text = Metaschemas.text(for: url) {
            documents[url] = (try? SchemaJSON.parse(text)) ?? .bool(true)
            if let doc = documents[url] { index(doc, docURL: url, base: url, draft: try Self.draft(of: doc, default: draft)) }
            return
        }
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
            throw SchemaCompileError("failing loading \(quoteGo(url)): remote schema references are not supported (no network access)")
        }
        guard lower.hasPrefix("file://") else {
            throw SchemaCompileError("failing loading \(quoteGo(url)): no URLLoader registered for \(quoteGo(url))")
        }
        switch loadFile(url) {
        case .failure(let e): throw e
        case .success(let text):
            let doc: SchemaJSON
            do { doc = try SchemaJSON.parse(text) } catch {
                throw SchemaCompileError("failing loading \(quoteGo(url)): \(error.message)")
            }
            let docDraft = try Self.draft(of: doc, default: draft)
            try Self.validateAgainstMetaschema(doc, url: url, draft: docDraft)
            documents[url] = doc
            index(doc, docURL: url, base: url, draft: docDraft)
        }
    }
}

/// Compiled meta-schemas shared by all validations (read-only after insertion).
private final class MetaschemaCache: @unchecked Sendable {
    static let shared = MetaschemaCache()
    private var entries: [Int: CompiledSchema] = [:]
    private let lock = Lock()

    func get(_ draft: Int) -> CompiledSchema? { lock.withLock { entries[draft] } }
    func put(_ draft: Int, _ schema: CompiledSchema) { lock.withLock { entries[draft] = schema } }
}
