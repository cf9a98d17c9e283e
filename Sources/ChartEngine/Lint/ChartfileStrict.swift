import StructuredData

extension ChartfileRules {
    static let metadataFields = ["name", "home", "sources", "version", "description", "keywords", "maintainers",
                                 "icon", "apiVersion", "condition", "tags", "appVersion", "deprecated",
                                 "annotations", "kubeVersion", "dependencies", "type"]
    static let maintainerFields = ["name", "email", "url"]
    static let dependencyFields = ["name", "version", "repository", "condition", "tags", "enabled",
                                   "import-values", "alias"]

    /// `chartutil.StrictLoadChartfile`'s error: duplicate keys at any depth (go-yaml strict mode)
    /// or the first field `chart.Metadata` does not know (`encoding/json` with
    /// `DisallowUnknownFields`, visiting keys in the sorted order YAML-to-JSON conversion produces).
    static func strictProblem(_ text: String) -> String? {
        let dups = YAML.duplicateKeys(text)
        if !dups.isEmpty {
            return "error converting YAML to JSON: yaml: unmarshal errors:\n"
                + dups.map { "  line \($0.line): key \(goSyntax($0.key)) already set in map" }.joined(separator: "\n")
        }
        guard case .map(let m)? = try? YAML.decode(text) else { return nil }
        if let unknown = firstUnknown(m) {
            return "error unmarshaling JSON: while decoding JSON: json: unknown field \(quoteGo(unknown))"
        }
        return nil
    }

    static func knows(_ fields: [String], _ key: String) -> Bool {
        // encoding/json matches field names case-insensitively.
        fields.contains { $0.lowercased() == key.lowercased() }
    }

    static func firstUnknown(_ m: [String: Value]) -> String? {
        for key in m.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            if !knows(metadataFields, key) { return key }
            let nested: [String]? = key.lowercased() == "maintainers" ? maintainerFields
                : key.lowercased() == "dependencies" ? dependencyFields : nil
            guard let fields = nested, case .list(let items)? = m[key] else { continue }
            for case .map(let item) in items {
                for k in item.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) where !knows(fields, k) {
                    return k
                }
            }
        }
        return nil
    }

    /// Go's `%#v` of a decoded map key, as go-yaml's "already set in map" error prints it.
    static func goSyntax(_ key: YAML.MapKey) -> String {
        switch key {
        case .null: return "<nil>"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .uint(let u): return "0x" + String(u, radix: 16)
        case .float(let d): return GoFloat.formatV(d)
        case .string(let s): return quoteGo(s)
        }
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var s = self
        while let c = s.first, set.contains(c) { s = s.dropFirst() }
        while let c = s.last, set.contains(c) { s = s.dropLast() }
        return String(s)
    }
}
