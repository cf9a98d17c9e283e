import StructuredData

/// Converts one protobuf-encoded Kubernetes object into the JSON-shaped value the JSON API would carry,
/// driven by the schema table.
///
/// Zero values: gogo-protobuf writes every non-pointer scalar even when it is zero, and Go's
/// `encoding/json` drops zero values of `omitempty` fields. So a decoded zero scalar (`0`, `false`, `""`,
/// empty bytes) is dropped unless its field is a Go pointer (`FieldSchema.pointer`: an explicit
/// `replicas: 0` or `suspend: false`) or its JSON tag has no `omitempty` (`FieldSchema.omitEmpty == false`).
/// Messages are kept whenever present (gogo omits nil pointers and always writes value structs, exactly
/// what `encoding/json` prints), except the special types whose zero JSON form is `null`
/// (`Time`/`MicroTime` zero, empty `RawExtension`/`FieldsV1`), which are left out.
struct ProtobufConverter {
    let schemas: SchemaSet
    let bytes: [UInt8]
    /// Nesting limit for messages (and envelopes nested in RawExtension); Kubernetes objects stay far below.
    static let maxDepth = 100

    // MARK: - Messages

    func message(_ schema: MessageSchema, _ range: Range<Int>, path: String, depth: Int)
        throws(KubeProtobufError) -> Value
    {
        guard depth <= Self.maxDepth else {
            throw KubeProtobufError("messages nested deeper than \(Self.maxDepth)", path: path)
        }
        switch schema.name {
        case WellKnownMessage.rawExtension, WellKnownMessage.fieldsV1, WellKnownMessage.json:
            return try embedded(firstBytesField(range, path: path), path: path, depth: depth)
        case WellKnownMessage.time, WellKnownMessage.microTime:
            let fields = try generic(schema, range, path: path, depth: depth, dropZero: false)
            let seconds = fields["seconds"].flatMap(Self.int) ?? 0
            let nanos = fields["nanos"].flatMap(Self.int) ?? 0
            if seconds == 0 && nanos == 0 { return .null }
            return .string(WellKnownFormats.rfc3339(seconds: seconds, nanos: nanos,
                                                    micro: schema.name == WellKnownMessage.microTime))
        case WellKnownMessage.duration:
            let fields = try generic(schema, range, path: path, depth: depth, dropZero: false)
            return .string(WellKnownFormats.goDuration(fields["duration"].flatMap(Self.int) ?? 0))
        case WellKnownMessage.quantity:
            let fields = try generic(schema, range, path: path, depth: depth, dropZero: false)
            return .string(fields["string"]?.stringValue ?? "0")
        case WellKnownMessage.intOrString:
            let fields = try generic(schema, range, path: path, depth: depth, dropZero: false)
            if fields["type"].flatMap(Self.int) == 1 { return .string(fields["strVal"]?.stringValue ?? "") }
            return .int(fields["intVal"].flatMap(Self.int) ?? 0)
        case WellKnownMessage.jsonSchemaPropsOrArray:
            let fields = try generic(schema, range, path: path, depth: depth, dropZero: true)
            if let list = fields["jSONSchemas"], list.listValue?.isEmpty == false { return list }
            return fields["schema"] ?? .null
        case WellKnownMessage.jsonSchemaPropsOrBool:
            let fields = try generic(schema, range, path: path, depth: depth, dropZero: false)
            if let schema = fields["schema"] { return schema }
            return .bool(fields["allows"] == .bool(true))
        case WellKnownMessage.jsonSchemaPropsOrStringArray:
            let fields = try generic(schema, range, path: path, depth: depth, dropZero: true)
            if let list = fields["property"], list.listValue?.isEmpty == false { return list }
            return fields["schema"] ?? .null
        default:
            return .map(try generic(schema, range, path: path, depth: depth, dropZero: true))
        }
    }

    /// Decodes a message's fields into a JSON object (repeated fields as lists, map fields as objects).
    private func generic(_ schema: MessageSchema, _ range: Range<Int>, path: String, depth: Int, dropZero: Bool)
        throws(KubeProtobufError) -> [String: Value]
    {
        var reader = ProtoWire(bytes, range: range)
        var out: [String: Value] = [:]
        var lists: [Int: [Value]] = [:]
        var maps: [Int: [String: Value]] = [:]
        var inlined: [String: Value] = [:]
        while !reader.atEnd {
            let (number, wire) = try reader.key(path)
            guard let field = schema.field(number: number) else {
                try reader.skip(wire, path)  // a newer client's field: ignore it
                continue
            }
            let fieldPath = path + "." + field.name
            switch field.type {
            case .map(let keyType, let valueType):
                try expect(wire, .lengthDelimited, field, fieldPath)
                let entry = try reader.lengthDelimited(fieldPath)
                let (key, value) = try mapEntry(entry, keyType, valueType, path: fieldPath, depth: depth)
                maps[number, default: [:]][key] = value
            case .message(let name):
                try expect(wire, .lengthDelimited, field, fieldPath)
                let sub = try reader.lengthDelimited(fieldPath)
                guard let subSchema = schemas.message(name) else {
                    throw KubeProtobufError("no schema for message \(name)", path: fieldPath)
                }
                if field.repeated {
                    let index = lists[number]?.count ?? 0
                    let v = try message(subSchema, sub, path: fieldPath + "[\(index)]", depth: depth + 1)
                    lists[number, default: []].append(v)
                } else if field.inline {
                    // `json:",inline"`: the embedded struct's fields belong to this object.
                    if case .map(let inner) = try message(subSchema, sub, path: path, depth: depth + 1) {
                        inlined.merge(inner) { _, new in new }
                    }
                } else {
                    out[field.name] = try message(subSchema, sub, path: fieldPath, depth: depth + 1)
                }
            default:
                if field.repeated {
                    try repeatedScalar(&reader, wire, field, into: &lists[number, default: []], path: fieldPath)
                } else {
                    out[field.name] = try scalar(&reader, wire, field, path: fieldPath)
                }
            }
        }
        for (key, value) in inlined where out[key] == nil {
            out[key] = value
        }
        for field in schema.fields where !field.inline {
            if let list = lists[field.number] {
                out[field.name] = .list(list)
            } else if let map = maps[field.number] {
                out[field.name] = .map(map)
            } else if let v = out[field.name] {
                if v == .null {
                    out[field.name] = nil
                } else if dropZero, !field.pointer, field.omitEmpty, !field.repeated, Self.isZeroScalar(v, field.type) {
                    out[field.name] = nil
                }
            }
        }
        return out
    }

    private func mapEntry(_ range: Range<Int>, _ keyType: FieldType, _ valueType: FieldType, path: String, depth: Int)
        throws(KubeProtobufError) -> (String, Value)
    {
        var reader = ProtoWire(bytes, range: range)
        var key: Value?
        var value: Value?
        let keyField = FieldSchema(name: "key", number: 1, type: keyType)
        let valueField = FieldSchema(name: "value", number: 2, type: valueType)
        while !reader.atEnd {
            let (number, wire) = try reader.key(path)
            switch number {
            case 1:
                key = try scalar(&reader, wire, keyField, path: path)
            case 2:
                if case .message(let name) = valueType {
                    try expect(wire, .lengthDelimited, valueField, path)
                    let sub = try reader.lengthDelimited(path)
                    guard let schema = schemas.message(name) else {
                        throw KubeProtobufError("no schema for message \(name)", path: path)
                    }
                    value = try message(schema, sub, path: path, depth: depth + 1)
                } else {
                    value = try scalar(&reader, wire, valueField, path: path)
                }
            default:
                try reader.skip(wire, path)
            }
        }
        let keyText: String
        switch key {
        case .string(let s): keyText = s
        case .int(let i): keyText = String(i)
        case .bool(let b): keyText = b ? "true" : "false"
        default: keyText = ""
        }
        let entryPath = path + "[\(keyText)]"
        if let value { return (keyText, value) }
        // A missing value is the type's zero value.
        switch valueType {
        case .message(let name):
            guard let schema = schemas.message(name) else {
                throw KubeProtobufError("no schema for message \(name)", path: entryPath)
            }
            return (keyText, try message(schema, range.upperBound..<range.upperBound, path: entryPath, depth: depth + 1))
        case .string, .bytes: return (keyText, .string(""))
        case .bool: return (keyText, .bool(false))
        case .float, .double: return (keyText, .float(0))
        default: return (keyText, .int(0))
        }
    }

    // MARK: - Scalars

    private func expect(_ wire: ProtoWire.WireType, _ expected: ProtoWire.WireType, _ field: FieldSchema,
                        _ path: String) throws(KubeProtobufError)
    {
        guard wire == expected else {
            throw KubeProtobufError("field \(field.name) (\(field.number)) has wire type \(wire.rawValue), "
                                        + "expected \(expected.rawValue)", path: path)
        }
    }

    private static func naturalWire(_ type: FieldType) -> ProtoWire.WireType {
        switch type {
        case .fixed32, .sfixed32, .float: return .fixed32
        case .fixed64, .sfixed64, .double: return .fixed64
        case .string, .bytes, .message, .map: return .lengthDelimited
        default: return .varint
        }
    }

    private func scalar(_ reader: inout ProtoWire, _ wire: ProtoWire.WireType, _ field: FieldSchema, path: String)
        throws(KubeProtobufError) -> Value
    {
        try expect(wire, Self.naturalWire(field.type), field, path)
        switch field.type {
        case .string:
            let r = try reader.lengthDelimited(path)
            return .string(String(decoding: bytes[r], as: UTF8.self))
        case .bytes:
            let r = try reader.lengthDelimited(path)
            return .string(Base64Codec.encode(bytes[r]))
        case .bool:
            return .bool(try reader.varint(path) != 0)
        case .int32:
            return .int(Int64(Int32(truncatingIfNeeded: try reader.varint(path))))
        case .int64:
            return .int(Int64(bitPattern: try reader.varint(path)))
        case .uint32:
            return .int(Int64(UInt32(truncatingIfNeeded: try reader.varint(path))))
        case .uint64:
            return .int(Int64(bitPattern: try reader.varint(path)))
        case .sint32:
            let v = UInt32(truncatingIfNeeded: try reader.varint(path))
            return .int(Int64(Int32(bitPattern: (v >> 1) ^ (0 &- (v & 1)))))
        case .sint64:
            let v = try reader.varint(path)
            return .int(Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1))))
        case .fixed32:
            return .int(Int64(try reader.fixed32(path)))
        case .sfixed32:
            return .int(Int64(Int32(bitPattern: try reader.fixed32(path))))
        case .fixed64:
            return .int(Int64(bitPattern: try reader.fixed64(path)))
        case .sfixed64:
            return .int(Int64(bitPattern: try reader.fixed64(path)))
        case .float:
            return .float(Double(Float(bitPattern: try reader.fixed32(path))))
        case .double:
            return .float(Double(bitPattern: try reader.fixed64(path)))
        case .message, .map:
            throw KubeProtobufError("field \(field.name) is not a scalar", path: path)
        }
    }

    /// A repeated scalar, packed (one length-delimited run) or unpacked (one key per element).
    private func repeatedScalar(_ reader: inout ProtoWire, _ wire: ProtoWire.WireType, _ field: FieldSchema,
                                into list: inout [Value], path: String) throws(KubeProtobufError)
    {
        let natural = Self.naturalWire(field.type)
        if wire == .lengthDelimited && natural != .lengthDelimited {
            let run = try reader.lengthDelimited(path)
            var packed = ProtoWire(bytes, range: run)
            while !packed.atEnd {
                list.append(try scalar(&packed, natural, field, path: path + "[\(list.count)]"))
            }
        } else {
            list.append(try scalar(&reader, wire, field, path: path + "[\(list.count)]"))
        }
    }

    private static func isZeroScalar(_ v: Value, _ type: FieldType) -> Bool {
        switch (v, type) {
        case (_, .message), (_, .map): return false
        case (.int(0), _), (.bool(false), _), (.string(""), _): return true
        case (.float(let d), _): return d == 0
        default: return false
        }
    }

    private static func int(_ v: Value) -> Int64? {
        if case .int(let i) = v { return i }
        return nil
    }

    // MARK: - Embedded payloads

    /// The bytes of field 1 (RawExtension.raw, FieldsV1.Raw, JSON.raw), or an empty range.
    private func firstBytesField(_ range: Range<Int>, path: String) throws(KubeProtobufError) -> Range<Int> {
        var reader = ProtoWire(bytes, range: range)
        var found = range.upperBound..<range.upperBound
        while !reader.atEnd {
            let (number, wire) = try reader.key(path)
            if number == 1 {
                guard wire == .lengthDelimited else {
                    throw KubeProtobufError("field raw (1) has wire type \(wire.rawValue), expected 2", path: path)
                }
                found = try reader.lengthDelimited(path)
            } else {
                try reader.skip(wire, path)
            }
        }
        return found
    }

    /// Embedded JSON (or a nested `k8s\0` protobuf envelope); empty bytes are `null`.
    private func embedded(_ range: Range<Int>, path: String, depth: Int) throws(KubeProtobufError) -> Value {
        if range.isEmpty { return .null }
        if KubeProtobuf.hasMagic(bytes, at: range) {
            return try KubeProtobuf.envelope(bytes, range.lowerBound + 4..<range.upperBound, schemas: schemas,
                                             path: path, depth: depth + 1)
        }
        do {
            return try JSON.decodeKeepingIntegers(Array(bytes[range]))
        } catch {
            throw KubeProtobufError("embedded JSON is invalid: \(error)", path: path)
        }
    }
}
