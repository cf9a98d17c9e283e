import CLibYAML

/// Builds ``Value``s from libyaml parser events the way Helm's YAML loading (sigs.k8s.io/yaml over
/// go-yaml v2, then a JSON round trip) sees them.
///
/// The tree is built with an explicit stack (no recursion on input depth); nesting deeper than
/// go-yaml's 10000 levels and alias expansion beyond go-yaml's alias ratio are refused.
struct YAMLDecoder {
    /// go-yaml v2's `max_flow_level`/`max_indents`.
    static let maxDepth = 10_000

    let numbersAsFloat: Bool

    /// A node under construction.
    private enum Frame {
        case sequence(items: [Value], anchor: String?, nodes: Int)
        /// The entries in document order (a later one overrides an earlier one with the same key),
        /// made into a dictionary once, sized, when the mapping ends: growing it entry by entry
        /// rehashed every key at each resize.
        case mapping(entries: [(String, Value)], key: PendingKey?, anchor: String?, nodes: Int)
    }

    /// What a map key event produced: a plain key string, or a merge (`<<`) marker.
    private enum PendingKey {
        case key(String)
        case merge
        /// A key sigs.k8s.io/yaml cannot turn into a JSON key (null, uint64): the entry is dropped
        /// and the error (which quotes the value) is reported once the document parsed cleanly.
        case unsupported(String)
    }

    /// How a scalar spells as a JSON object key, or why it cannot.
    private enum KeyText {
        case text(String)
        case unsupported(String)
    }

    /// An anchored node: its value and expanded node count (for go-yaml's alias-ratio check), and the
    /// key spelling when it is a scalar.
    private struct Anchored {
        var value: Value
        var nodes: Int
        var keyText: KeyText?
        var isMapping: Bool
    }

    private var stack: [Frame] = []
    private var anchors: [String: Anchored] = [:]
    /// Anchors whose node is still open (an alias to one would be a cycle).
    private var openAnchors: Set<String> = []
    /// go-yaml parses a whole document into nodes before decoding them, so a syntax error anywhere in
    /// the document wins over a decoding error (bad tag value, invalid merge, alias cycle, excessive
    /// aliasing, collection key); the first decoding error in document order is kept until then.
    /// sigs.k8s.io/yaml's YAML→JSON conversion errors (null/uint64 keys, NaN/±Inf) come last and are
    /// found by scanning the finished document, so values later overwritten do not count.
    private var deferredDecodeError: StructuredDataError?

    /// Stands in for a map entry whose key JSON cannot hold (go-yaml keeps it; sigs.k8s.io/yaml then
    /// fails on it). NUL-prefixed, so no real key collides in practice.
    static let unsupportedKeyMarker = "\u{0}\u{0}helmctl:unsupported-map-key"

    private mutating func deferDecode(_ e: StructuredDataError) {
        if deferredDecodeError == nil { deferredDecodeError = e }
    }
    private var decodeCount = 0
    private var aliasCount = 0

    /// Head mode (``YAML/decodeHead(_:keys:)``): the top-level mapping keeps only these keys; the
    /// values of other keys are parsed (syntax errors still count) but not built. nil: full decode.
    var headKeys: Set<String>?
    /// Set when head mode met something only a full decode reports exactly (anchors, aliases, tags,
    /// keys that are not strings, NaN/±Inf…); the result is then meaningless.
    private(set) var headBailed = false

    init(numbersAsFloat: Bool) { self.numbersAsFloat = numbersAsFloat }

    /// Parses every document of `text`; stops after the first when `firstOnly`.
    mutating func decode(_ input: [UInt8], firstOnly: Bool) throws(StructuredDataError) -> [Value] {
        var bytes = input
        // UTF-8 BOM: Helm strips it from chart files; libyaml would accept it too, but be explicit.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) != 0 else { throw StructuredDataError("yaml: out of memory") }
        defer { yaml_parser_delete(&parser) }
        return try bytes.withUnsafeBufferPointer { buf throws(StructuredDataError) -> [Value] in
            // go-yaml reads its input 512 bytes at a time, so an invalid character further on is
            // reported only once parsing reaches that chunk; feed libyaml the same way so the same
            // error wins when a document has several.
            let state = UnsafeMutablePointer<ChunkedInput>.allocate(capacity: 1)
            state.initialize(to: ChunkedInput(base: buf.baseAddress, count: buf.count, offset: 0))
            defer { state.deallocate() }
            yaml_parser_set_input(&parser, { data, buffer, size, sizeRead in
                guard let data, let buffer, let sizeRead else { return 0 }
                let input = data.assumingMemoryBound(to: ChunkedInput.self)
                let n = min(size, 512, input.pointee.count - input.pointee.offset)
                if n > 0, let base = input.pointee.base {
                    buffer.update(from: base + input.pointee.offset, count: n)
                    input.pointee.offset += n
                }
                sizeRead.pointee = n
                return 1
            }, state)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            return try run(&parser, firstOnly: firstOnly)
        }
    }

    /// Read position for libyaml's input callback.
    private struct ChunkedInput {
        var base: UnsafePointer<UInt8>?
        var count: Int
        var offset: Int
    }

    private mutating func run(_ parser: inout yaml_parser_t, firstOnly: Bool) throws(StructuredDataError)
        -> [Value]
    {
        var documents: [Value] = []
        var current: Value?
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(&parser, &event) != 0 else { throw Self.parserError(parser) }
            defer { yaml_event_delete(&event) }
            if let keep = headKeys {
                if Self.hasAnchorOrAlias(event) { headBailed = true; return [] }
                if stack.count == 1, case .mapping(let entries, .key(let k)?, let a, let n) = stack[0], !keep.contains(k),
                   Self.startsNode(event)
                {
                    guard skipNode(&parser, first: event) else { headBailed = true; return [] }
                    stack[0] = .mapping(entries: entries, key: nil, anchor: a, nodes: n + 1)
                    continue
                }
            }
            let line = Int(event.start_mark.line) + 1
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return documents
            case YAML_DOCUMENT_START_EVENT:
                current = nil
                anchors = [:]
                deferredDecodeError = nil
            case YAML_DOCUMENT_END_EVENT:
                if let e = deferredDecodeError { throw e }
                let doc = current ?? .null
                try checkJSONConversion(doc)
                documents.append(doc)
                if firstOnly { return documents }
            case YAML_SCALAR_EVENT:
                let s = event.data.scalar
                let value = Self.string(s.value, Int(s.length))
                let tag = Self.optionalString(s.tag)
                let anchor = Self.optionalString(s.anchor)
                let plain = s.style == YAML_PLAIN_SCALAR_STYLE
                var scalar = YAMLResolve.Scalar.string(value)
                do throws(StructuredDataError) {
                    scalar = try resolve(value: value, tag: tag, plain: plain, plainImplicit: s.plain_implicit != 0,
                                         line: line)
                } catch {
                    deferDecode(error)
                }
                let isMerge = plain && value == "<<" && (tag == nil || tag == YAMLResolve.mergeTag)
                count(1, aliased: 0)
                let v = toValue(scalar)
                // Key spelling: needed now when this scalar is a key, later if an alias uses it as one.
                let key: KeyText? = isMerge ? nil : keyText(scalar)
                if let anchor { anchors[anchor] = Anchored(value: v, nodes: 1, keyText: key, isMapping: false) }
                try add(v, keyText: key, isMerge: isMerge, isMapping: false, into: &current, line: line)
            case YAML_ALIAS_EVENT:
                let name = Self.optionalString(event.data.alias.anchor) ?? ""
                guard openAnchors.contains(name) || anchors[name] != nil else {
                    throw StructuredDataError("yaml: unknown anchor '\(name)' referenced")
                }
                guard let target = anchors[name], !openAnchors.contains(name) else {
                    deferDecode(StructuredDataError("yaml: anchor '\(name)' value contains itself"))
                    try add(.null, keyText: .text(""), isMerge: false, isMapping: false, into: &current, line: line)
                    break
                }
                count(1 + target.nodes, aliased: target.nodes)
                try add(target.value, keyText: target.keyText, isMerge: false, isMapping: target.isMapping,
                        into: &current, line: line, aliasNodes: target.nodes, viaAlias: true)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                guard stack.count < Self.maxDepth else {
                    throw StructuredDataError("yaml: exceeded max depth of \(Self.maxDepth)", line: line)
                }
                count(1, aliased: 0)
                let isSeq = event.type == YAML_SEQUENCE_START_EVENT
                let anchor = Self.optionalString(isSeq ? event.data.sequence_start.anchor : event.data.mapping_start.anchor)
                if let anchor { openAnchors.insert(anchor) }
                stack.append(isSeq ? .sequence(items: [], anchor: anchor, nodes: 1)
                                   : .mapping(entries: [], key: nil, anchor: anchor, nodes: 1))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let frame = stack.popLast() else { break }
                let (v, anchor, nodes, isMapping): (Value, String?, Int, Bool)
                switch frame {
                case .sequence(let items, let a, let n): (v, anchor, nodes, isMapping) = (.list(items), a, n, false)
                case .mapping(let entries, _, let a, let n): (v, anchor, nodes, isMapping) = (.map(Self.map(entries)), a, n, true)
                }
                if let anchor {
                    openAnchors.remove(anchor)
                    anchors[anchor] = Anchored(value: v, nodes: nodes, keyText: nil, isMapping: isMapping)
                }
                try add(v, keyText: nil, isMerge: false, isMapping: isMapping, into: &current, line: line,
                        aliasNodes: nodes - 1)
            default:
                break
            }
        }
    }

    /// sigs.k8s.io/yaml's conversion of the decoded document to JSON: unsupported keys fail first,
    /// then (Helm's float path) NaN/±Inf as `json.Marshal` refuses them.
    private func checkJSONConversion(_ doc: Value) throws(StructuredDataError) {
        var sawNonFinite = false
        var pending = [doc]
        while let x = pending.popLast() {
            switch x {
            case .float(let d) where !d.isFinite: sawNonFinite = true
            case .list(let items): pending += items
            case .map(let m):
                if case .string(let problem)? = m[Self.unsupportedKeyMarker] { throw StructuredDataError(problem) }
                pending += m.values
            default: break
            }
        }
        guard numbersAsFloat, sawNonFinite else { return }
        // Report the first one in JSON output order (map keys byte-sorted), as json.Marshal meets it.
        pending = [doc]
        while let x = pending.popLast() {
            switch x {
            case .float(let d) where !d.isFinite:
                throw StructuredDataError("json: unsupported value: \(GoFloat.formatV(d))")
            case .list(let items): pending += items.reversed()
            case .map(let m):
                for k in m.keys.sorted(by: { utf8Less($1, $0) }) {
                    if let v = m[k] { pending.append(v) }
                }
            default: break
            }
        }
    }

    /// True when the next node completes a mapping key.
    private var expectingKey: Bool {
        if case .mapping(_, nil, _, _)? = stack.last { return true }
        return false
    }

    /// Node counts saturate here: an alias bomb's expanded size grows exponentially (the values
    /// themselves share storage), and parsing continues to the end of the document after it is found.
    static let countCap = 1 << 52

    /// A frame's node count after adding a child of `1 + extra` nodes, saturating.
    static func grow(_ n: Int, _ extra: Int) -> Int { min(n + 1 + extra, countCap) }

    /// go-yaml v2's alias-bomb guard (`allowedAliasRatio`), applied per expansion (the ratio only
    /// grows while an alias expands, so checking at its end is equivalent to go-yaml's per-node check).
    private mutating func count(_ decoded: Int, aliased: Int) {
        decodeCount = min(decodeCount + decoded, Self.countCap)
        aliasCount = min(aliasCount + aliased, Self.countCap)
        guard aliasCount > 100, decodeCount > 1000 else { return }
        let allowed: Double
        switch decodeCount {
        case ...400_000: allowed = 0.99
        case 4_000_000...: allowed = 0.10
        default: allowed = 0.99 - 0.89 * (Double(decodeCount - 400_000) / 3_600_000)
        }
        if Double(aliasCount) / Double(decodeCount) > allowed {
            deferDecode(StructuredDataError("yaml: document contains excessive aliasing"))
        }
    }

    /// Attaches a finished node to its parent (or makes it the document root).
    private mutating func add(
        _ v: Value, keyText: KeyText?, isMerge: Bool, isMapping: Bool, into current: inout Value?, line: Int,
        aliasNodes: Int = 0, viaAlias: Bool = false
    ) throws(StructuredDataError) {
        guard var top = stack.popLast() else {
            current = v
            return
        }
        defer { stack.append(top) }
        switch top {
        case .sequence(var items, let a, let n):
            top = .sequence(items: [], anchor: a, nodes: 0)  // release storage before appending
            items.append(v)
            top = .sequence(items: items, anchor: a, nodes: Self.grow(n, aliasNodes))
        case .mapping(var entries, let key, let a, let n):
            top = .mapping(entries: [], key: nil, anchor: a, nodes: 0)
            switch key {
            case nil:
                if isMerge {
                    top = .mapping(entries: entries, key: .merge, anchor: a, nodes: n + 1)
                } else if case .text(let k)? = keyText {
                    top = .mapping(entries: entries, key: .key(k), anchor: a, nodes: Self.grow(n, aliasNodes))
                } else if case .unsupported(let problem)? = keyText {
                    top = .mapping(entries: entries, key: .unsupported(problem), anchor: a, nodes: Self.grow(n, aliasNodes))
                } else {
                    deferDecode(StructuredDataError("yaml: invalid map key: \(Self.goSyntax(v))", line: line))
                    top = .mapping(entries: entries, key: .key(""), anchor: a, nodes: Self.grow(n, aliasNodes))
                }
            case .key(let k)?:
                entries.append((k, v))
                top = .mapping(entries: entries, key: nil, anchor: a, nodes: Self.grow(n, aliasNodes))
            case .unsupported(let problem)?:
                entries.append((Self.unsupportedKeyMarker, .string("\(problem), value: \(Self.goSyntax(v))")))
                top = .mapping(entries: entries, key: nil, anchor: a, nodes: Self.grow(n, aliasNodes))
            case .merge?:
                do throws(StructuredDataError) {
                    try Self.merge(v, viaAlias: viaAlias, into: &entries, line: line)
                } catch {
                    deferDecode(error)
                }
                top = .mapping(entries: entries, key: nil, anchor: a, nodes: Self.grow(n, aliasNodes))
            }
        }
    }

    /// A mapping's entries in document order as a map (later entries win).
    private static func map(_ entries: [(String, Value)]) -> [String: Value] {
        var m = [String: Value](minimumCapacity: entries.count)
        for (k, v) in entries { m[k] = v }
        return m
    }

    /// go-yaml v2 `merge`: a map, or a list of maps where earlier maps take precedence; merged keys
    /// overwrite keys already set (go-yaml v2 applies pairs in document order). An alias must point
    /// at a mapping (an alias to a list of maps is refused, as in go-yaml).
    private static func merge(_ v: Value, viaAlias: Bool, into entries: inout [(String, Value)], line: Int)
        throws(StructuredDataError)
    {
        let fail = StructuredDataError(
            "yaml: map merge requires map or sequence of maps as the value", line: line)
        switch v {
        case .map(let m):
            for (k, x) in m { entries.append((k, x)) }
        case .list(let items) where !viaAlias:
            for item in items.reversed() {
                guard case .map(let m) = item else { throw fail }
                for (k, x) in m { entries.append((k, x)) }
            }
        default:
            throw fail
        }
    }

    // MARK: Scalars

    private func resolve(value: String, tag: String?, plain: Bool, plainImplicit: Bool, line: Int)
        throws(StructuredDataError) -> YAMLResolve.Scalar
    {
        guard let tag else {
            // Quoted scalars are strings; plain ones resolve implicitly.
            return plain && plainImplicit ? YAMLResolve.resolvePlain(value) : .string(value)
        }
        switch tag {
        case YAMLResolve.strTag:
            return .string(value)
        case YAMLResolve.binaryTag:
            guard let bytes = Self.base64Decode(value) else {
                throw StructuredDataError("yaml: !!binary value contains invalid base64 data", line: line)
            }
            return .string(String(decoding: bytes, as: UTF8.self))
        case YAMLResolve.boolTag, YAMLResolve.intTag, YAMLResolve.floatTag, YAMLResolve.nullTag,
            YAMLResolve.timestampTag:
            let r = YAMLResolve.resolvePlain(value)
            let ok: Bool
            var result = r
            switch (tag, r) {
            case (YAMLResolve.boolTag, .bool), (YAMLResolve.intTag, .int), (YAMLResolve.intTag, .uint),
                (YAMLResolve.floatTag, .float), (YAMLResolve.nullTag, .null),
                (YAMLResolve.timestampTag, .timestamp):
                ok = true
            case (YAMLResolve.floatTag, .int(let i)):
                ok = true
                result = .float(Double(i))
            case (YAMLResolve.floatTag, .uint(let u)):
                ok = true
                result = .float(Double(u))
            default:
                ok = false
            }
            guard ok else {
                throw StructuredDataError(
                    "yaml: cannot decode \(Self.shortTag(r)) `\(value)` as a !!\(tag.split(separator: ":").last ?? "")",
                    line: line)
            }
            return result
        default:
            // Unknown tags: go-yaml keeps the text.
            return .string(value)
        }
    }

    private static func shortTag(_ s: YAMLResolve.Scalar) -> String {
        switch s {
        case .null: "!!null"
        case .bool: "!!bool"
        case .int, .uint: "!!int"
        case .float: "!!float"
        case .string: "!!str"
        case .timestamp: "!!timestamp"
        }
    }

    /// The value form; with `numbersAsFloat` every number is a float64 and NaN/±Inf fail as Go's
    /// `json.Marshal` does in sigs.k8s.io/yaml's YAML→JSON step.
    private func toValue(_ s: YAMLResolve.Scalar) -> Value {
        switch s {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .string(let t), .timestamp(let t): return .string(t)
        case .int(let i): return numbersAsFloat ? .float(Double(i)) : .int(i)
        case .uint(let u): return .float(Double(u))
        case .float(let d):
            return .float(d)
        }
    }

    /// How sigs.k8s.io/yaml turns a non-string key into a JSON object key.
    private func keyText(_ s: YAMLResolve.Scalar) -> KeyText {
        switch s {
        case .string(let t), .timestamp(let t): return .text(t)
        case .bool(let b): return .text(b ? "true" : "false")
        case .int(let i): return .text(String(i))
        case .float(let d):
            // strconv.FormatFloat(f, 'g', -1, 32), with YAML spellings for the specials.
            if d.isNaN { return .text(".nan") }
            if d.isInfinite { return .text(d < 0 ? "-.inf" : ".inf") }
            return .text(Self.formatFloat32(Float(d)))
        case .uint(let u):
            return .unsupported("unsupported map key of type: uint64, key: 0x\(String(u, radix: 16))")
        case .null:
            return .unsupported("unsupported map key of type: %!s(<nil>), key: <nil>")
        }
    }

    /// `strconv.FormatFloat(f, 'g', -1, 32)`: float32 shortest digits, exponent form when the
    /// decimal exponent is < -4 or >= 6 (shortest `'g'` uses precision 6 for that choice).
    static func formatFloat32(_ f: Float) -> String {
        if f == 0 { return f.sign == .minus ? "-0" : "0" }
        let text = abs(f).description  // "1.5", "1e-05", "1e+20"
        var mantissa = Substring(text)
        var exp = 0
        if let e = text.firstIndex(of: "e") {
            mantissa = text[..<e]
            exp = Int(text[text.index(after: e)...]) ?? 0
        }
        var digits: [UInt8] = []
        var point = 0
        var seenDot = false
        for ch in mantissa.utf8 {
            if ch == UInt8(ascii: ".") { seenDot = true; continue }
            digits.append(ch - 48)
            if !seenDot { point += 1 }
        }
        while digits.count > 1, digits.first == 0 { digits.removeFirst(); point -= 1 }
        while digits.count > 1, digits.last == 0 { digits.removeLast() }
        point += exp
        let x = point - 1
        let sign = f < 0 ? "-" : ""
        let ds = digits.map { String($0) }.joined()
        if x < -4 || x >= 6 {
            let m = ds.count > 1 ? String(ds.prefix(1)) + "." + ds.dropFirst() : ds
            return sign + m + (x < 0 ? "e-" : "e+") + (abs(x) < 10 ? "0" : "") + String(abs(x))
        }
        if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + ds }
        if point >= ds.count { return sign + ds + String(repeating: "0", count: point - ds.count) }
        return sign + ds.prefix(point) + "." + ds.dropFirst(point)
    }

    // MARK: libyaml glue

    static func string(_ p: UnsafeMutablePointer<yaml_char_t>?, _ length: Int) -> String {
        guard let p, length > 0 else { return "" }
        return String(decoding: UnsafeBufferPointer(start: p, count: length), as: UTF8.self)
    }

    static func optionalString(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let p else { return nil }
        return String(cString: p)
    }

    /// go-yaml's `parser.fail`: parser errors report `problem_mark.line` (0-based, a go-yaml
    /// off-by-one kept for fidelity), scanner errors add one; when that is 0 the context line is used.
    static func parserError(_ parser: yaml_parser_t) -> StructuredDataError {
        var line = 0
        if parser.problem_mark.line != 0 {
            line = Int(parser.problem_mark.line)
            if parser.error == YAML_SCANNER_ERROR { line += 1 }
        } else if parser.context_mark.line != 0 {
            line = Int(parser.context_mark.line)
        }
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown problem parsing YAML content"
        let where_ = line != 0 ? "line \(line): " : ""
        return StructuredDataError("yaml: \(where_)\(problem)", line: line != 0 ? line : nil)
    }

    /// Go `%#v` of a decoded value as go-yaml v2 holds it (`[]interface {}{"a", 1}`,
    /// `map[interface {}]interface {}{"a":"b"}`), for error messages.
    static func goSyntax(_ v: Value, depth: Int = 0) -> String {
        if depth > 100 { return "..." }  // keeps hostile nesting from recursing deeply
        switch v {
        case .null: return "interface {}(nil)"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .float(let d): return GoFloat.formatV(d)
        case .string(let s): return goQuote(s)
        case .list(let items):
            return "[]interface {}{" + items.map { goSyntax($0, depth: depth + 1) }.joined(separator: ", ") + "}"
        case .map(let m):
            let body = m.keys.sorted(by: utf8Less)
                .map { goQuote($0) + ":" + goSyntax(m[$0] ?? .null, depth: depth + 1) }.joined(separator: ", ")
            return "map[interface {}]interface {}{" + body + "}"
        }
    }

    /// `strconv.Quote`.
    static func goQuote(_ s: String) -> String { StructuredData.goQuote(s) }

    /// Standard base64 (with padding, whitespace ignored as YAML folds binary scalars).
    static func base64Decode(_ s: String) -> [UInt8]? {
        var out: [UInt8] = []
        var acc: UInt32 = 0
        var bits = 0
        var padding = 0
        var count = 0
        for c in s.utf8 {
            let v: UInt8
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = c - 65
            case UInt8(ascii: "a")...UInt8(ascii: "z"): v = c - 97 + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - 48 + 52
            case UInt8(ascii: "+"): v = 62
            case UInt8(ascii: "/"): v = 63
            case UInt8(ascii: "="): padding += 1; count += 1; continue
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): continue
            default: return nil
            }
            if padding > 0 { return nil }
            count += 1
            acc = (acc << 6) | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((acc >> UInt32(bits)) & 0xFF))
            }
        }
        guard count % 4 == 0, padding <= 2 else { return nil }
        return out
    }
}
