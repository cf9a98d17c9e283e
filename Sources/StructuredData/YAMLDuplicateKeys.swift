import CLibYAML

extension YAML {
    /// A mapping key resolved as go-yaml v2 resolves it into `interface{}` (so `0x1` equals `1`,
    /// `yes` equals `true` and `1.50` equals `1.5`).
    public enum MapKey: Sendable, Hashable {
        case null
        case bool(Bool)
        case int(Int64)
        case uint(UInt64)
        case float(Double)
        case string(String)
    }

    /// A repeated mapping key as go-yaml v2's strict mode reports it: `line` is the 1-based line
    /// where the repeated entry's *value* starts (go-yaml's `setMapIndex` gets the value node).
    public struct DuplicateKey: Sendable, Equatable {
        public var line: Int
        public var key: MapKey
    }

    /// go-yaml v2 `UnmarshalStrict` into `interface{}` (what sigs.k8s.io/yaml's strict conversion
    /// does): every mapping at every depth of the first document is checked for repeated keys, in
    /// the order go-yaml reports them — an entry is checked once its value is decoded, so repeats
    /// inside a repeated entry's value come first; aliased nodes are checked at every use; keys
    /// merged with `<<` count as entries of the enclosing mapping. Syntax errors end the scan (the
    /// caller's regular decoding reports them). Depth and work are bounded.
    public static func duplicateKeys(_ text: String) -> [DuplicateKey] {
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) != 0 else { return [] }
        defer { yaml_parser_delete(&parser) }
        return bytes.withUnsafeBufferPointer { buf in
            yaml_parser_set_input_string(&parser, buf.baseAddress, buf.count)
            var scan = DuplicateKeyScan()
            return scan.run(&parser)
        }
    }
}

/// The scan behind ``YAML/duplicateKeys(_:)``: libyaml events build a node tree as go-yaml's parser
/// does, then a decode walk with go-yaml's order revisits aliased nodes (their repeats count again
/// at every use) and merges (`<<`) store the merged keys into the enclosing mapping, so a merged
/// key repeated by another merge or an explicit key is reported at the merged value's line. Both
/// phases use explicit stacks; nesting is capped as in decoding and the walk's work is bounded.
private struct DuplicateKeyScan {
    enum Kind {
        case scalar(key: YAML.MapKey, isMerge: Bool)
        case mapping
        case sequence
        case alias(target: Int?)
    }

    struct Node {
        var kind: Kind
        var line: Int
        var children: [Int] = []
    }

    var nodes: [Node] = []
    var found: [YAML.DuplicateKey] = []
    static let maxWork = 1_000_000

    mutating func run(_ parser: inout yaml_parser_t) -> [YAML.DuplicateKey] {
        guard let root = buildFirstDocument(&parser) else { return [] }
        walk(root)
        return found
    }

    /// The first document's node tree (go-yaml's Unmarshal reads only it); nil when it is empty.
    /// A syntax error keeps what was built so far, as the events before it were valid.
    mutating func buildFirstDocument(_ parser: inout yaml_parser_t) -> Int? {
        var event = yaml_event_t()
        var open: [Int] = []
        var anchors: [String: Int] = [:]
        var root: Int?
        while true {
            guard yaml_parser_parse(&parser, &event) != 0 else { return root }
            defer { yaml_event_delete(&event) }
            let line = Int(event.start_mark.line) + 1
            switch event.type {
            case YAML_STREAM_END_EVENT, YAML_DOCUMENT_END_EVENT:
                return root
            case YAML_SCALAR_EVENT:
                let s = event.data.scalar
                let value = YAMLDecoder.string(s.value, Int(s.length))
                let tag = YAMLDecoder.optionalString(s.tag)
                let plain = s.style == YAML_PLAIN_SCALAR_STYLE
                let isMerge = plain && value == "<<" && (tag == nil || tag == YAMLResolve.mergeTag)
                nodes.append(Node(kind: .scalar(key: Self.resolveKey(value, tag: tag, plain: plain), isMerge: isMerge),
                                  line: line))
                if let anchor = YAMLDecoder.optionalString(s.anchor) { anchors[anchor] = nodes.count - 1 }
                attach(nodes.count - 1, to: open.last, root: &root)
            case YAML_ALIAS_EVENT:
                let name = YAMLDecoder.optionalString(event.data.alias.anchor) ?? ""
                nodes.append(Node(kind: .alias(target: anchors[name]), line: line))
                attach(nodes.count - 1, to: open.last, root: &root)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                guard open.count < YAMLDecoder.maxDepth else { return nil }
                let isMapping = event.type == YAML_MAPPING_START_EVENT
                nodes.append(Node(kind: isMapping ? .mapping : .sequence, line: line))
                let anchor = YAMLDecoder.optionalString(isMapping ? event.data.mapping_start.anchor
                                                                  : event.data.sequence_start.anchor)
                // An alias inside its own anchor's node is a cycle go-yaml refuses; registering the
                // anchor only when the node closes keeps such an alias unresolved here.
                attach(nodes.count - 1, to: open.last, root: &root)
                open.append(nodes.count - 1)
                if let anchor { pendingAnchors.append((anchor, nodes.count - 1)) }
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                if let closed = open.popLast(), let i = pendingAnchors.lastIndex(where: { $0.1 == closed }) {
                    anchors[pendingAnchors[i].0] = closed
                    pendingAnchors.remove(at: i)
                }
            default:
                break
            }
        }
    }

    var pendingAnchors: [(String, Int)] = []

    /// Adds node `index` to its parent collection, or makes it the document's root.
    mutating func attach(_ index: Int, to parent: Int?, root: inout Int?) {
        if let parent { nodes[parent].children.append(index) } else if root == nil { root = index }
    }

    enum Work {
        /// Decode a node on its own (a mapping gets a fresh key set).
        case decode(Int)
        /// Decode pairs of mapping node `node` from `pair` on into key set `set`.
        case fill(node: Int, set: Int, pair: Int)
        /// Merge (`<<`) value `node` into key set `set`.
        case merge(node: Int, set: Int)
        /// `setMapIndex`: the entry's value is decoded; store `key` into `set`.
        case store(set: Int, key: YAML.MapKey?, line: Int)
    }

    /// An alias resolved to the node it names (nil for unknown anchors).
    func target(_ index: Int) -> Int? {
        if case .alias(let t) = nodes[index].kind { return t }
        return index
    }

    /// A key node's value: scalars and aliases of scalars; collection keys are go-yaml errors.
    func key(_ index: Int) -> YAML.MapKey? {
        guard let t = target(index), case .scalar(let k, _) = nodes[t].kind else { return nil }
        return k
    }

    mutating func walk(_ root: Int) {
        var sets: [Set<YAML.MapKey>] = []
        var work: [Work] = [.decode(root)]
        var budget = Self.maxWork
        while let item = work.popLast(), budget > 0 {
            budget -= 1
            switch item {
            case .decode(let n):
                guard let t = target(n) else { continue }
                switch nodes[t].kind {
                case .mapping:
                    sets.append([])
                    work.append(.fill(node: t, set: sets.count - 1, pair: 0))
                case .sequence:
                    work.append(contentsOf: nodes[t].children.reversed().map { .decode($0) })
                default:
                    continue
                }
            case .fill(let n, let set, let pair):
                let children = nodes[n].children
                guard 2 * pair + 1 < children.count else { continue }
                work.append(.fill(node: n, set: set, pair: pair + 1))
                let (k, v) = (children[2 * pair], children[2 * pair + 1])
                if case .scalar(_, true) = nodes[k].kind {
                    work.append(.merge(node: v, set: set))
                } else {
                    work.append(.store(set: set, key: key(k), line: nodes[v].line))
                    work.append(.decode(v))
                }
            case .merge(let n, let set):
                guard let t = target(n) else { continue }
                switch nodes[t].kind {
                case .mapping:
                    work.append(.fill(node: t, set: set, pair: 0))
                case .sequence:
                    // go-yaml merges a sequence of maps backwards: earlier maps take precedence.
                    for c in nodes[t].children {
                        if let m = target(c), case .mapping = nodes[m].kind { work.append(.fill(node: m, set: set, pair: 0)) }
                    }
                default:
                    continue
                }
            case .store(let set, let key, let line):
                guard let key else { continue }
                if sets[set].contains(key) {
                    found.append(YAML.DuplicateKey(line: line, key: key))
                } else {
                    sets[set].insert(key)
                }
            }
        }
    }

    /// The `interface{}` value go-yaml v2 gives a key scalar; timestamps stay strings there.
    static func resolveKey(_ value: String, tag: String?, plain: Bool) -> YAML.MapKey {
        let resolved: YAMLResolve.Scalar
        switch tag {
        case nil, "!": resolved = plain ? YAMLResolve.resolvePlain(value) : .string(value)
        case YAMLResolve.strTag: resolved = .string(value)
        default: resolved = YAMLResolve.resolvePlain(value)
        }
        switch resolved {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .uint(let u): return .uint(u)
        case .float(let d): return .float(d)
        case .string(let s), .timestamp(let s): return .string(s)
        }
    }
}
