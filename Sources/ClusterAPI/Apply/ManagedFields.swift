import StructuredData

/// Who owns a field set: one `metadata.managedFields` entry per (manager, operation, subresource).
struct ManagerKey: Hashable {
    var manager: String
    /// `Apply` or `Update`.
    var operation: String
    /// `""` for the main resource.
    var subresource: String
}

/// One decoded `metadata.managedFields` entry.
struct ManagedEntry {
    var key: ManagerKey
    var apiVersion: String?
    var time: String?
    var set: FieldSet
}

/// Decoding and encoding `metadata.managedFields`.
enum ManagedFieldsCodec {
    /// The entries of a `managedFields` value; `[]` when absent, nil when malformed (Kubernetes
    /// then resets them). Entries sharing a key are merged (their sets united, the later time kept).
    static func decode(_ v: Value?) -> [ManagedEntry]? {
        guard let v, !v.isNull else { return [] }
        guard case .list(let items) = v else { return nil }
        var out: [ManagedEntry] = []
        var index: [ManagerKey: Int] = [:]
        for item in items {
            guard let e = entry(item) else { return nil }
            if let i = index[e.key] {
                out[i].set = out[i].set.union(e.set)
                if let t = e.time, t > (out[i].time ?? "") { out[i].time = t }
            } else {
                index[e.key] = out.count
                out.append(e)
            }
        }
        return out
    }

    private static func entry(_ item: Value) -> ManagedEntry? {
        guard case .map(let m) = item else { return nil }
        func optionalString(_ k: String) -> String?? {
            switch m[k] {
            case nil, .some(.null): return .some(nil)
            case .some(.string(let s)): return .some(s)
            default: return nil
            }
        }
        guard let manager = optionalString("manager"), let operation = optionalString("operation"),
            let apiVersion = optionalString("apiVersion"), let time = optionalString("time"),
            let subresource = optionalString("subresource"), let fieldsType = optionalString("fieldsType")
        else { return nil }
        guard operation == "Apply" || operation == "Update" else { return nil }
        var set = FieldSet()
        if let f = m["fieldsV1"], !f.isNull {
            guard fieldsType == "FieldsV1", let s = FieldSet(fieldsV1: f) else { return nil }
            set = s
        } else if let fieldsType, fieldsType != "FieldsV1" {
            return nil
        }
        return ManagedEntry(
            key: ManagerKey(manager: manager ?? "", operation: operation ?? "", subresource: subresource ?? ""),
            apiVersion: apiVersion, time: time, set: set)
    }

    /// The `managedFields` list, in Kubernetes' order (operation, time, manager, apiVersion,
    /// subresource); entries with empty sets are dropped.
    static func encode(_ entries: [ManagedEntry]) -> [Value] {
        let kept = entries.filter { !$0.set.isEmpty }.sorted { a, b in
            if a.key.operation != b.key.operation { return a.key.operation < b.key.operation }
            if (a.time ?? "") != (b.time ?? "") { return (a.time ?? "") < (b.time ?? "") }
            if a.key.manager != b.key.manager { return a.key.manager < b.key.manager }
            if (a.apiVersion ?? "") != (b.apiVersion ?? "") { return (a.apiVersion ?? "") < (b.apiVersion ?? "") }
            return a.key.subresource < b.key.subresource
        }
        return kept.map { e in
            var m: [String: Value] = [
                "manager": .string(e.key.manager),
                "operation": .string(e.key.operation),
                "fieldsType": "FieldsV1",
                "fieldsV1": e.set.fieldsV1,
            ]
            if let a = e.apiVersion { m["apiVersion"] = .string(a) }
            if let t = e.time { m["time"] = .string(t) }
            if !e.key.subresource.isEmpty { m["subresource"] = .string(e.key.subresource) }
            return .map(m)
        }
    }
}
