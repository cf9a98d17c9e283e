public import StructuredData

/// Decodes `application/vnd.kubernetes.protobuf` request bodies (what kubectl's `create` and the Helm SDK's
/// release Secrets and DeleteOptions send) into the JSON-shaped value the JSON API would carry.
///
/// The body is the 4-byte magic `k8s\0` followed by a `runtime.Unknown` envelope
/// `{typeMeta{apiVersion=1, kind=2}=1, raw=2, contentEncoding=3, contentType=4}`; `raw` is the object's own
/// protobuf encoding, decoded with the message the schema table registers for (apiVersion, kind). The result
/// carries `apiVersion` and `kind`. See ``ProtobufConverter`` for the zero-value rule. Unknown field numbers
/// are skipped; malformed input throws ``KubeProtobufError`` naming the problem and the field path. The
/// caller enforces the request size limit (3 MiB).
public enum KubeProtobuf {
    /// The content type of protobuf bodies.
    public static let contentType = "application/vnd.kubernetes.protobuf"
    /// `k8s\0`, the prefix of every Kubernetes protobuf body.
    public static let magic: [UInt8] = [0x6b, 0x38, 0x73, 0x00]

    /// Decodes a whole protobuf body (magic, envelope, object).
    public static func decode(_ body: [UInt8], schemas: SchemaSet = BuiltinSchemas.all)
        throws(KubeProtobufError) -> Value
    {
        guard hasMagic(body, at: 0..<body.count) else {
            throw KubeProtobufError("body does not start with the k8s\\0 magic prefix")
        }
        return try envelope(body, 4..<body.count, schemas: schemas, path: "", depth: 0)
    }

    static func hasMagic(_ bytes: [UInt8], at range: Range<Int>) -> Bool {
        range.count >= 4 && bytes[range.lowerBound..<range.lowerBound + 4].elementsEqual(magic)
    }

    /// Decodes a `runtime.Unknown` envelope occupying `range` and the object inside it.
    static func envelope(_ bytes: [UInt8], _ range: Range<Int>, schemas: SchemaSet, path: String, depth: Int)
        throws(KubeProtobufError) -> Value
    {
        guard depth <= ProtobufConverter.maxDepth else {
            throw KubeProtobufError("envelopes nested deeper than \(ProtobufConverter.maxDepth)", path: path)
        }
        var reader = ProtoWire(bytes, range: range)
        var apiVersion = ""
        var kind = ""
        var raw = range.upperBound..<range.upperBound
        var contentEncoding = ""
        var contentType = ""
        while !reader.atEnd {
            let (number, wire) = try reader.key(path)
            guard (1...4).contains(number) else {
                try reader.skip(wire, path)
                continue
            }
            guard wire == .lengthDelimited else {
                throw KubeProtobufError("envelope field \(number) has wire type \(wire.rawValue), expected 2", path: path)
            }
            let value = try reader.lengthDelimited(path)
            switch number {
            case 1:
                var meta = ProtoWire(bytes, range: value)
                while !meta.atEnd {
                    let (n, w) = try meta.key(path)
                    guard n == 1 || n == 2 else {
                        try meta.skip(w, path)
                        continue
                    }
                    guard w == .lengthDelimited else {
                        throw KubeProtobufError("typeMeta field \(n) has wire type \(w.rawValue), expected 2", path: path)
                    }
                    let text = String(decoding: bytes[try meta.lengthDelimited(path)], as: UTF8.self)
                    if n == 1 { apiVersion = text } else { kind = text }
                }
            case 2: raw = value
            case 3: contentEncoding = String(decoding: bytes[value], as: UTF8.self)
            default: contentType = String(decoding: bytes[value], as: UTF8.self)
            }
        }
        guard !kind.isEmpty, !apiVersion.isEmpty else {
            throw KubeProtobufError("envelope has no apiVersion/kind", path: path)
        }
        guard contentEncoding.isEmpty else {
            throw KubeProtobufError("unsupported content encoding \"\(contentEncoding)\"", path: path)
        }
        var object: Value
        if contentType.isEmpty || contentType == Self.contentType {
            let gvk = GroupVersionKind(apiVersion: apiVersion, kind: kind)
            guard let root = schemas.root(for: gvk) else {
                throw KubeProtobufError("no kind \"\(kind)\" is registered for version \"\(apiVersion)\"", path: path)
            }
            let converter = ProtobufConverter(schemas: schemas, bytes: bytes)
            object = try converter.message(root, raw, path: path, depth: depth)
        } else if contentType == "application/json" {
            do {
                object = try JSON.decodeKeepingIntegers(Array(bytes[raw]))
            } catch {
                throw KubeProtobufError("embedded JSON is invalid: \(error)", path: path)
            }
        } else {
            throw KubeProtobufError("unsupported content type \"\(contentType)\"", path: path)
        }
        guard case .map(var fields) = object else {
            throw KubeProtobufError("\(apiVersion) \(kind) did not decode to an object", path: path)
        }
        fields["apiVersion"] = .string(apiVersion)
        fields["kind"] = .string(kind)
        return .map(fields)
    }
}
