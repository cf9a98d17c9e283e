import StructuredData

extension RepoIndex {
    /// `index.yaml` as Helm's `WriteFile` writes it (sigs.k8s.io/yaml: keys sorted, timestamps
    /// quoted because go-yaml would otherwise read them back as times).
    public func yaml() -> String {
        YAML.encode(.map(jsonObject().mapValues(\.value)))
    }

    /// The `--json` form: Go's `json.MarshalIndent(index, "", "  ")`, fields in struct order, map keys
    /// sorted, no final newline.
    public func json() -> String {
        var out = ""
        Ordered.object(jsonFields()).write(into: &out, level: 0)
        return out
    }

    private func jsonObject() -> [String: Ordered] {
        Dictionary(jsonFields(), uniquingKeysWith: { a, _ in a })
    }

    private func jsonFields() -> [(String, Ordered)] {
        var f: [(String, Ordered)] = []
        if !serverInfo.isEmpty { f.append(("serverInfo", .leaf(.map(serverInfo)))) }
        f.append(("apiVersion", .leaf(.string(apiVersion))))
        f.append(("generated", .leaf(.string(generated))))
        let names = entries.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        f.append(("entries", .object(names.map { n in (n, .array((entries[n] ?? []).map(Self.entryJSON))) })))
        if !publicKeys.isEmpty { f.append(("publicKeys", .leaf(.list(publicKeys.map { .string($0) })))) }
        if !annotations.isEmpty { f.append(("annotations", .leaf(.map(annotations.mapValues { .string($0) })))) }
        return f
    }

    /// `ChartVersion`: the embedded metadata's fields first, then its own.
    static func entryJSON(_ e: IndexEntry) -> Ordered {
        let md = ChartfileEncoding.metadataJSON(e.metadata)
        var f: [(String, Ordered)] = []
        for k in ["name", "home", "sources", "version", "description", "keywords", "maintainers", "icon",
                  "apiVersion", "condition", "tags", "appVersion", "deprecated", "annotations", "kubeVersion",
                  "dependencies", "type"]
        {
            guard let v = md[k] else { continue }
            if k == "dependencies", case .list(let deps) = v {
                f.append((k, .array(deps.map { d in
                    let m = d.mapValue ?? [:]
                    return .object(["name", "version", "repository", "condition", "tags", "enabled",
                                    "import-values", "alias"].compactMap { key in m[key].map { (key, .leaf($0)) } })
                })))
            } else if k == "maintainers", case .list(let ms) = v {
                f.append((k, .array(ms.map { mt in
                    let m = mt.mapValue ?? [:]
                    return .object(["name", "email", "url"].compactMap { key in m[key].map { (key, .leaf($0)) } })
                })))
            } else {
                f.append((k, .leaf(v)))
            }
        }
        f.append(("urls", .leaf(.list(e.urls.map { .string($0) }))))
        f.append(("created", .leaf(.string(e.created))))
        if e.removed { f.append(("removed", .leaf(.bool(true)))) }
        if !e.digest.isEmpty { f.append(("digest", .leaf(.string(e.digest)))) }
        if !e.checksum.isEmpty { f.append(("checksum", .leaf(.string(e.checksum)))) }
        if !e.engine.isEmpty { f.append(("engine", .leaf(.string(e.engine)))) }
        if !e.tillerVersion.isEmpty { f.append(("tillerVersion", .leaf(.string(e.tillerVersion)))) }
        if !e.url.isEmpty { f.append(("url", .leaf(.string(e.url)))) }
        return .object(f)
    }
}

/// A JSON value whose object fields keep their order (Go structs marshal in field order).
indirect enum Ordered {
    case leaf(Value)
    case array([Ordered])
    case object([(String, Ordered)])

    /// The plain value (field order lost), for the YAML path where keys are sorted anyway.
    var value: Value {
        switch self {
        case .leaf(let v): v
        case .array(let a): .list(a.map(\.value))
        case .object(let f): .map(Dictionary(f.map { ($0.0, $0.1.value) }, uniquingKeysWith: { a, _ in a }))
        }
    }

    func write(into out: inout String, level: Int) {
        let pad = String(repeating: "  ", count: level + 1)
        let closePad = String(repeating: "  ", count: level)
        switch self {
        case .leaf(let v):
            // MarshalIndent re-indents nested leaves too; encode them with the same prefix depth.
            let text = JSON.encode(v, indent: "  ")
            out += text.split(separator: "\n", omittingEmptySubsequences: false)
                .joined(separator: "\n" + closePad)
        case .array(let items):
            if items.isEmpty {
                out += "[]"
                return
            }
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += pad
                item.write(into: &out, level: level + 1)
                out += i == items.count - 1 ? "\n" : ",\n"
            }
            out += closePad + "]"
        case .object(let fields):
            if fields.isEmpty {
                out += "{}"
                return
            }
            out += "{\n"
            for (i, (k, v)) in fields.enumerated() {
                out += pad + JSON.encode(.string(k)) + ": "
                v.write(into: &out, level: level + 1)
                out += i == fields.count - 1 ? "\n" : ",\n"
            }
            out += closePad + "}"
        }
    }
}
