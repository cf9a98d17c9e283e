public import StructuredData

/// Chart metadata as Helm serialises it: `yaml.Marshal` from sigs.k8s.io/yaml, i.e. Go's
/// `encoding/json` of `chart.Metadata` (fields with `omitempty` dropped when empty) re-read and
/// emitted by go-yaml v2, which sorts the keys.
public enum ChartfileEncoding {
    /// `Chart.yaml` text as `helm package` writes it into the archive.
    public static func chartYAML(_ md: ChartMetadata) -> String {
        YAML.encode(.map(metadataJSON(md)))
    }

    /// The JSON object `encoding/json` makes of `chart.Metadata` (Helm's field tags; all `omitempty`).
    public static func metadataJSON(_ md: ChartMetadata) -> [String: Value] {
        var m: [String: Value] = [:]
        func str(_ k: String, _ v: String) { if !v.isEmpty { m[k] = .string(v) } }
        func strs(_ k: String, _ v: [String]) { if !v.isEmpty { m[k] = .list(v.map { .string($0) }) } }
        str("name", md.name)
        str("home", md.home)
        strs("sources", md.sources)
        str("version", md.version)
        str("description", md.description)
        strs("keywords", md.keywords)
        if !md.maintainers.isEmpty {
            m["maintainers"] = .list(md.maintainers.map { mt in
                var o: [String: Value] = [:]
                if !mt.name.isEmpty { o["name"] = .string(mt.name) }
                if !mt.email.isEmpty { o["email"] = .string(mt.email) }
                if !mt.url.isEmpty { o["url"] = .string(mt.url) }
                return .map(o)
            })
        }
        str("icon", md.icon)
        str("apiVersion", md.apiVersion)
        str("condition", md.condition)
        str("tags", md.tags)
        str("appVersion", md.appVersion)
        if md.deprecated { m["deprecated"] = .bool(true) }
        if !md.annotations.isEmpty { m["annotations"] = .map(md.annotations.mapValues { .string($0) }) }
        str("kubeVersion", md.kubeVersion)
        if !md.dependencies.isEmpty { m["dependencies"] = .list(md.dependencies.map { .map(dependencyJSON($0)) }) }
        str("type", md.type)
        return m
    }

    /// `chart.Dependency` as JSON: `name` and `repository` are always present, the rest `omitempty`.
    public static func dependencyJSON(_ d: ChartDependency) -> [String: Value] {
        var o: [String: Value] = ["name": .string(d.name), "repository": .string(d.repository)]
        if !d.version.isEmpty { o["version"] = .string(d.version) }
        if !d.condition.isEmpty { o["condition"] = .string(d.condition) }
        if !d.tags.isEmpty { o["tags"] = .list(d.tags.map { .string($0) }) }
        if d.enabled { o["enabled"] = .bool(true) }
        if !d.importValues.isEmpty { o["import-values"] = .list(d.importValues) }
        if !d.alias.isEmpty { o["alias"] = .string(d.alias) }
        return o
    }

    /// `Chart.lock` re-serialised as Helm's `yaml.Marshal(c.Lock)`: `generated` (RFC 3339 with
    /// nanoseconds, trailing zeros dropped), `digest` and `dependencies`, keys sorted.
    static func lockYAML(_ text: String) throws(ChartEngineError) -> String {
        let v: Value
        do {
            v = try YAML.decode(text)
        } catch {
            throw ChartEngineError(.invalidChart, "cannot load Chart.lock: error converting YAML to JSON: \(error)")
        }
        let m = v.mapValue ?? [:]
        var out: [String: Value] = [:]
        out["generated"] = .string(normalizeRFC3339(m["generated"]?.stringValue ?? ""))
        out["digest"] = .string(m["digest"]?.stringValue ?? "")
        var deps: [Value] = []
        if case .list(let items)? = m["dependencies"] {
            for item in items {
                guard case .map(let d) = item else { continue }
                var dep = ChartDependency(name: d["name"]?.stringValue ?? "")
                dep.version = d["version"]?.stringValue ?? ""
                dep.repository = d["repository"]?.stringValue ?? ""
                dep.condition = d["condition"]?.stringValue ?? ""
                dep.alias = d["alias"]?.stringValue ?? ""
                if case .list(let t)? = d["tags"] { dep.tags = t.compactMap(\.stringValue) }
                if case .bool(let e)? = d["enabled"] { dep.enabled = e }
                if case .list(let iv)? = d["import-values"] { dep.importValues = iv }
                deps.append(.map(dependencyJSON(dep)))
            }
        }
        out["dependencies"] = m["dependencies"] == nil || m["dependencies"]?.isNull == true ? .null : .list(deps)
        return YAML.encode(.map(out))
    }

    /// Go's `time.Time` JSON form after parsing RFC 3339: fraction without trailing zeros, `Z` for a
    /// zero offset; the zero time when absent.
    static func normalizeRFC3339(_ s: String) -> String {
        if s.isEmpty { return "0001-01-01T00:00:00Z" }
        var body = s
        var zone = ""
        if body.hasSuffix("Z") || body.hasSuffix("z") {
            body.removeLast()
            zone = "Z"
        } else if body.count > 6 {
            let tail = String(body.suffix(6))
            if (tail.hasPrefix("+") || tail.hasPrefix("-")) && tail.dropFirst(3).hasPrefix(":") {
                body.removeLast(6)
                zone = (tail == "+00:00" || tail == "-00:00") ? "Z" : tail
            }
        }
        if let dot = body.firstIndex(of: ".") {
            var frac = String(body[body.index(after: dot)...])
            while frac.hasSuffix("0") { frac.removeLast() }
            body = String(body[..<dot]) + (frac.isEmpty ? "" : "." + frac)
        }
        return body + zone
    }
}
