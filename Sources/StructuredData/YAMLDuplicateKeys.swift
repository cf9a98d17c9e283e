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
    /// inside a repeated entry's value come first. Syntax errors end the scan (the caller's regular
    /// decoding reports them). Merge keys (`<<`) are skipped. Depth is bounded as in decoding.
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

/// The event walk behind ``YAML/duplicateKeys(_:)``.
private struct DuplicateKeyScan {
    /// An open mapping: keys seen so far, and the pending entry (its key, or nil when the key was a
    /// collection or merge key, and the line its value started on).
    struct Mapping {
        var keys: Set<YAML.MapKey> = []
        var expectingKey = true
        var pendingKey: YAML.MapKey?
        var valueLine = 0
    }

    enum Frame {
        case mapping(Mapping)
        case sequence
    }

    var stack: [Frame] = []
    var anchors: [String: YAML.MapKey] = [:]
    var found: [YAML.DuplicateKey] = []

    mutating func run(_ parser: inout yaml_parser_t) -> [YAML.DuplicateKey] {
        var event = yaml_event_t()
        var documents = 0
        while true {
            guard yaml_parser_parse(&parser, &event) != 0 else { return found }
            defer { yaml_event_delete(&event) }
            let line = Int(event.start_mark.line) + 1
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return found
            case YAML_DOCUMENT_START_EVENT:
                // go-yaml's Unmarshal decodes the first document only.
                documents += 1
                if documents > 1 { return found }
            case YAML_SCALAR_EVENT:
                let s = event.data.scalar
                let value = YAMLDecoder.string(s.value, Int(s.length))
                let tag = YAMLDecoder.optionalString(s.tag)
                let key = Self.resolveKey(value, tag: tag, plain: s.style == YAML_PLAIN_SCALAR_STYLE)
                if let anchor = YAMLDecoder.optionalString(s.anchor) { anchors[anchor] = key }
                let isMerge = s.style == YAML_PLAIN_SCALAR_STYLE && value == "<<" && (tag == nil || tag == YAMLResolve.mergeTag)
                node(start: line, key: isMerge ? nil : key)
                nodeEnded()
            case YAML_ALIAS_EVENT:
                let name = YAMLDecoder.optionalString(event.data.alias.anchor) ?? ""
                node(start: line, key: anchors[name])
                nodeEnded()
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                guard stack.count < YAMLDecoder.maxDepth else { return found }
                node(start: line, key: nil)
                stack.append(event.type == YAML_MAPPING_START_EVENT ? .mapping(Mapping()) : .sequence)
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                _ = stack.popLast()
                nodeEnded()
            default:
                break
            }
        }
    }

    /// A node starts inside the innermost collection: in a mapping it is either a key or a value.
    mutating func node(start line: Int, key: YAML.MapKey?) {
        guard case .mapping(var m)? = stack.last else { return }
        if m.expectingKey {
            m.pendingKey = key
        } else {
            m.valueLine = line
        }
        stack[stack.count - 1] = .mapping(m)
    }

    /// A node (scalar, alias or collection) ended: a finished value completes its mapping entry.
    mutating func nodeEnded() {
        guard case .mapping(var m)? = stack.last else { return }
        if m.expectingKey {
            m.expectingKey = false
        } else {
            if let key = m.pendingKey {
                if m.keys.contains(key) {
                    found.append(YAML.DuplicateKey(line: m.valueLine, key: key))
                } else {
                    m.keys.insert(key)
                }
            }
            m.pendingKey = nil
            m.expectingKey = true
        }
        stack[stack.count - 1] = .mapping(m)
    }

    /// The `interface{}` value go-yaml v2 gives a key scalar; timestamps stay strings there.
    static func resolveKey(_ value: String, tag: String?, plain: Bool) -> YAML.MapKey {
        let resolved: YAMLResolve.Scalar
        switch tag {
        case nil, "!": resolved = plain ? YAMLResolve.resolvePlain(value) : .string(value)
        case YAMLResolve.strTag, "!!str": resolved = .string(value)
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
