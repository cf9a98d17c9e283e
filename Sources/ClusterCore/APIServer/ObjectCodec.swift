import ClusterAPI
import ClusterStore
import StructuredData

/// Where and how objects live in the store: `/registry/<group|core>/<resource>/<namespace>/<name>`
/// (cluster-scoped kinds omit the namespace), values are the object's JSON without
/// `metadata.resourceVersion`, which is the entry's `modRevision` (one global revision, as etcd's).
enum ObjectKeys {
    static func prefix(group: String, plural: String) -> String {
        "/registry/\(group.isEmpty ? "core" : group)/\(plural)/"
    }

    static func prefix(group: String, plural: String, namespace: String?) -> String {
        guard let namespace else { return prefix(group: group, plural: plural) }
        return prefix(group: group, plural: plural) + namespace + "/"
    }

    static func key(group: String, plural: String, namespace: String?, name: String) -> String {
        prefix(group: group, plural: plural, namespace: namespace) + name
    }

    /// Every namespaced key of one namespace, across resources, is not one prefix; callers list per resource.
    static let all = "/registry/"
}

enum ObjectCodec {
    /// The stored bytes of an object (resourceVersion dropped: the store revision is the truth).
    static func encode(_ object: Value) -> [UInt8] {
        var o = object
        o.setMeta("resourceVersion", nil)
        return Array(JSON.encode(o, escapeHTML: false).utf8)
    }

    /// The object of a stored entry, with `metadata.resourceVersion` = the entry's modRevision.
    static func decode(_ kv: KeyValue) -> Value? {
        guard var o = try? JSON.decodeKeepingIntegers(kv.value) else { return nil }
        o.setMeta("resourceVersion", .string(String(kv.modRevision)))
        return o
    }

    static func decode(_ kv: KeyValue, revision: Int64) -> Value? {
        guard var o = try? JSON.decodeKeepingIntegers(kv.value) else { return nil }
        o.setMeta("resourceVersion", .string(String(revision)))
        return o
    }
}

extension Value {
    /// `metadata.<field>`.
    func meta(_ field: String) -> Value? { self["metadata"]?[field] }

    func metaString(_ field: String) -> String? { meta(field)?.stringValue }

    var name: String { metaString("name") ?? "" }
    var namespace: String? { metaString("namespace") }
    var uid: String { metaString("uid") ?? "" }

    var labels: [String: String] {
        guard case .map(let m)? = meta("labels") else { return [:] }
        var out: [String: String] = [:]
        for (k, v) in m { if case .string(let s) = v { out[k] = s } }
        return out
    }

    var finalizers: [String] { meta("finalizers")?.listValue?.compactMap(\.stringValue) ?? [] }

    var isBeingDeleted: Bool { meta("deletionTimestamp").map { !$0.isNull } ?? false }

    /// Sets (or with nil removes) `metadata.<field>`, creating `metadata` when needed.
    mutating func setMeta(_ field: String, _ value: Value?) {
        guard case .map(var m) = self else { return }
        var md = m["metadata"]?.mapValue ?? [:]
        if let value { md[field] = value } else { md.removeValue(forKey: field) }
        m["metadata"] = .map(md)
        self = .map(m)
    }

    /// Sets (or removes) a top-level field.
    mutating func setField(_ field: String, _ value: Value?) {
        guard case .map(var m) = self else { return }
        if let value { m[field] = value } else { m.removeValue(forKey: field) }
        self = .map(m)
    }

    /// Follows a path of map keys, setting the leaf (creating maps on the way).
    mutating func set(path: ArraySlice<String>, to value: Value?) {
        guard let first = path.first else {
            if let value { self = value }
            return
        }
        var m = mapValue ?? [:]
        if path.count == 1 {
            if let value { m[first] = value } else { m.removeValue(forKey: first) }
        } else {
            var child = m[first] ?? .map([:])
            child.set(path: path.dropFirst(), to: value)
            m[first] = child
        }
        self = .map(m)
    }

    /// An integer field that may have been decoded as an integral float.
    var intValue: Int64? {
        switch self {
        case .int(let i): return i
        case .float(let d) where d.rounded() == d && abs(d) < 9.0e18: return Int64(d)
        default: return nil
        }
    }
}
