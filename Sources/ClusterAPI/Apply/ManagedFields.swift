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

    /// Kubernetes keeps at most this many `Update` entries besides the `ancient-changes` bucket.
    static let maxUpdateManagers = 10
    static let ancientChanges = "ancient-changes"

    /// Folds the oldest `Update` entries into one `ancient-changes` entry while there are more than
    /// ``maxUpdateManagers`` (Kubernetes' cap, so many one-off writers cannot grow managedFields
    /// without bound). The bucket takes the apiVersion and time of the newest entry folded in.
    static func capUpdateEntries(_ entries: [ManagedEntry]) -> [ManagedEntry] {
        let isUpdater = { (e: ManagedEntry) in
            e.key.operation == "Update" && !e.set.isEmpty && e.key.manager != ancientChanges
        }
        let updaters = entries.filter(isUpdater)
        guard updaters.count > maxUpdateManagers else { return entries }
        let oldest = updaters.sorted { a, b in
            if (a.time ?? "") != (b.time ?? "") { return (a.time ?? "") < (b.time ?? "") }
            return a.key.manager < b.key.manager
        }.prefix(updaters.count - maxUpdateManagers)
        let folded = Set(oldest.map(\.key))
        var out = entries.filter { !folded.contains($0.key) }
        let key = ManagerKey(manager: ancientChanges, operation: "Update", subresource: "")
        var bucket = out.first { $0.key == key } ?? ManagedEntry(key: key, apiVersion: nil, time: nil, set: FieldSet())
        out.removeAll { $0.key == key }
        for e in oldest {
            bucket.set = bucket.set.union(e.set)
            bucket.apiVersion = e.apiVersion
            bucket.time = e.time
        }
        out.append(bucket)
        return out
    }

    /// The `managedFields` list, in Kubernetes' order (operation, time, manager, apiVersion,
    /// subresource); entries with empty sets are dropped.
    static func encode(_ entries: [ManagedEntry]) -> [Value] {
        let kept = capUpdateEntries(entries).filter { !$0.set.isEmpty }.sorted { a, b in
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
