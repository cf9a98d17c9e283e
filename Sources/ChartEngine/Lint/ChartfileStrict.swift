import StructuredData

extension ChartfileRules {
    static let metadataFields = ["name", "home", "sources", "version", "description", "keywords", "maintainers",
                                 "icon", "apiVersion", "condition", "tags", "appVersion", "deprecated",
                                 "annotations", "kubeVersion", "dependencies", "type"]
    static let maintainerFields = ["name", "email", "url"]
    static let dependencyFields = ["name", "version", "repository", "condition", "tags", "enabled",
                                   "import-values", "alias"]

    /// `chartutil.StrictLoadChartfile`'s error: duplicate keys (go-yaml strict mode; top-level keys
    /// only here) or the first field `chart.Metadata` does not know (`encoding/json` with
    /// `DisallowUnknownFields`, visiting keys in the sorted order YAML-to-JSON conversion produces).
    static func strictProblem(_ text: String) -> String? {
        let dups = duplicateTopLevelKeys(text)
        if !dups.isEmpty {
            return "error converting YAML to JSON: yaml: unmarshal errors:\n"
                + dups.map { "  line \($0.line): key \(quoteGo($0.key)) already set in map" }.joined(separator: "\n")
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

    /// Unindented `key:` lines seen twice, with the line of the repetition.
    static func duplicateTopLevelKeys(_ text: String) -> [(line: Int, key: String)] {
        var seen: Set<String> = []
        var out: [(Int, String)] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard let first = line.first, first != " ", first != "\t", first != "#", first != "-" else { continue }
            if line.hasPrefix("---") || line.hasPrefix("...") { continue }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let after = line[line.index(after: colon)...]
            if let c = after.first, c != " ", c != "\t" { continue }
            var key = line[..<colon].trimmingCharacters(in: " \t")
            if key.count >= 2, let q = key.first, q == "\"" || q == "'", key.last == q {
                key = String(key.dropFirst().dropLast())
            }
            if seen.contains(key) { out.append((i + 1, key)) } else { seen.insert(key) }
        }
        return out
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
