import CLibYAML

/// Head mode of ``YAMLDecoder``: skipping a top-level value without building it, for documents where
/// only a few top-level fields are read (manifest heads). Anything whose full decode could fail or
/// differ in a way that depends on the skipped value makes the skip give up, and the caller decodes
/// in full; so head mode never reports an error or a value a full decode would not.
extension YAMLDecoder {
    static func hasAnchorOrAlias(_ e: yaml_event_t) -> Bool {
        switch e.type {
        case YAML_ALIAS_EVENT: return true
        case YAML_SCALAR_EVENT: return e.data.scalar.anchor != nil
        case YAML_SEQUENCE_START_EVENT: return e.data.sequence_start.anchor != nil
        case YAML_MAPPING_START_EVENT: return e.data.mapping_start.anchor != nil
        default: return false
        }
    }

    static func startsNode(_ e: yaml_event_t) -> Bool {
        e.type == YAML_SCALAR_EVENT || e.type == YAML_SEQUENCE_START_EVENT || e.type == YAML_MAPPING_START_EVENT
            || e.type == YAML_ALIAS_EVENT
    }

    /// Consumes the node that `first` starts. False when the node holds something a full decode treats
    /// specially: a tag, an anchor or alias, a collection or null/uint64/merge key, a NaN/±Inf value
    /// (refused by the JSON step), nesting past the depth limit, or a syntax error.
    mutating func skipNode(_ parser: inout yaml_parser_t, first: yaml_event_t) -> Bool {
        // Open collections: a sequence, or a mapping waiting for a key or for a value.
        let sequence: UInt8 = 0, awaitingKey: UInt8 = 1, awaitingValue: UInt8 = 2
        var open: [UInt8] = []
        var event = first
        var owned = false  // `first` belongs to the caller
        defer { if owned { yaml_event_delete(&event) } }
        while true {
            var completed = false
            switch event.type {
            case YAML_SCALAR_EVENT:
                let s = event.data.scalar
                if s.anchor != nil || s.tag != nil { return false }
                if s.style == YAML_PLAIN_SCALAR_STYLE {
                    if open.last == awaitingKey {
                        let text = Self.string(s.value, Int(s.length))
                        if text == "<<" { return false }
                        switch YAMLResolve.resolvePlain(text) {
                        case .null, .uint: return false
                        default: break
                        }
                    } else if numbersAsFloat, s.length > 0, let p = s.value,
                              p[0] == UInt8(ascii: ".") || p[0] == UInt8(ascii: "+") || p[0] == UInt8(ascii: "-")
                    {
                        if case .float(let d) = YAMLResolve.resolvePlain(Self.string(s.value, Int(s.length))),
                           !d.isFinite
                        {
                            return false
                        }
                    }
                }
                completed = true
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                let isMap = event.type == YAML_MAPPING_START_EVENT
                let tag = isMap ? event.data.mapping_start.tag : event.data.sequence_start.tag
                if tag != nil || Self.hasAnchorOrAlias(event) { return false }
                if open.last == awaitingKey { return false }  // a collection as a key
                if 1 + open.count >= Self.maxDepth { return false }
                open.append(isMap ? awaitingKey : sequence)
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard !open.isEmpty else { return false }
                open.removeLast()
                completed = true
            default:
                return false  // aliases, and anything unexpected
            }
            if completed {
                guard let last = open.last else { return true }
                if last == awaitingKey { open[open.count - 1] = awaitingValue }
                else if last == awaitingValue { open[open.count - 1] = awaitingKey }
            }
            if owned { yaml_event_delete(&event) }
            owned = false
            event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) != 0 else { return false }
            owned = true
        }
    }
}
