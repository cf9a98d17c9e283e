import StructuredData

/// Reading and writing the etcd v3 JSON gateway's encoding: bytes are base64, int64s are JSON strings,
/// proto3 defaults (0, false, empty) are omitted. Anything else is a ``StoreError/backend(_:)``.
enum EtcdJSON {
    typealias Object = [String: Value]

    static func malformed(_ what: String) -> StoreError { .backend("etcd: malformed response: \(what)") }

    static func object(_ bytes: [UInt8], _ what: String) throws(StoreError) -> Object {
        let v: Value
        do { v = try JSON.decode(bytes) } catch {
            throw malformed("\(what) is not JSON (\(error)): \(String(decoding: bytes.prefix(200), as: UTF8.self))")
        }
        guard let m = v.mapValue else { throw malformed("\(what) is not a JSON object") }
        return m
    }

    static func int64(_ m: Object, _ field: String) throws(StoreError) -> Int64 {
        switch m[field] {
        case nil, .null?: return 0
        case .string(let s)?:
            guard let n = Int64(s) else { throw malformed("\(field) \"\(s)\" is not an int64") }
            return n
        case .int(let n)?: return n
        case .float(let d)?:
            guard d == d.rounded(), abs(d) < 9.0e15 else { throw malformed("\(field) \(d) is not an int64") }
            return Int64(d)
        default: throw malformed("\(field) is not an int64")
        }
    }

    static func bytes(_ m: Object, _ field: String) throws(StoreError) -> [UInt8] {
        switch m[field] {
        case nil, .null?: return []
        case .string(let s)?:
            guard let b = Base64Codec.decode(s, strict: true) else { throw malformed("\(field) is not base64") }
            return b
        default: throw malformed("\(field) is not a base64 string")
        }
    }

    static func bool(_ m: Object, _ field: String) -> Bool {
        if case .bool(let b)? = m[field] { return b }
        return false
    }

    static func objects(_ m: Object, _ field: String) throws(StoreError) -> [Object] {
        switch m[field] {
        case nil, .null?: return []
        case .list(let items)?:
            var out: [Object] = []
            for item in items {
                guard let o = item.mapValue else { throw malformed("\(field) holds a non-object") }
                out.append(o)
            }
            return out
        default: throw malformed("\(field) is not a list")
        }
    }

    static func child(_ m: Object, _ field: String) throws(StoreError) -> Object? {
        switch m[field] {
        case nil, .null?: return nil
        case .map(let o)?: return o
        default: throw malformed("\(field) is not an object")
        }
    }

    static func keyValue(_ m: Object) throws(StoreError) -> KeyValue {
        let keyBytes = try bytes(m, "key")
        guard let key = String(validating: keyBytes, as: UTF8.self) else { throw malformed("key is not UTF-8") }
        return KeyValue(key: key, value: try bytes(m, "value"), createRevision: try int64(m, "create_revision"),
                        modRevision: try int64(m, "mod_revision"), lease: try int64(m, "lease"))
    }

    static func headerRevision(_ m: Object) throws(StoreError) -> Int64 {
        guard let h = try child(m, "header") else { throw malformed("no header") }
        return try int64(h, "revision")
    }

    /// A watch event (`{"type":"DELETE"?, "kv":…, "prev_kv":…}`) as a ``StoreEvent``.
    static func event(_ m: Object) throws(StoreError) -> StoreEvent {
        guard let kvObject = try child(m, "kv") else { throw malformed("watch event without kv") }
        let kv = try keyValue(kvObject)
        let previous = try child(m, "prev_kv").map { o throws(StoreError) in try keyValue(o) }
        switch m["type"] {
        case nil, .string("PUT")?:
            let added = kv.createRevision == kv.modRevision
            return StoreEvent(kind: added ? .added : .modified, kv: kv, previous: added ? nil : previous)
        case .string("DELETE")?:
            var gone = previous ?? KeyValue(key: kv.key, value: [], createRevision: 0, modRevision: 0)
            gone.modRevision = kv.modRevision
            return StoreEvent(kind: .deleted, kv: gone, previous: previous)
        default:
            throw malformed("unknown watch event type")
        }
    }

    /// Encodes a request body.
    static func encode(_ fields: [String: Value]) -> String { JSON.encode(.map(fields)) }

    static func b64(_ s: String) -> Value { .string(Base64Codec.encode(Array(s.utf8))) }
    static func b64(_ b: [UInt8]) -> Value { .string(Base64Codec.encode(b)) }
    static func int(_ n: Int64) -> Value { .string(String(n)) }
}
