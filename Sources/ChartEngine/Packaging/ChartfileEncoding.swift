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
    static func lockYAML(_ text: String) throws(ChartEngineError) -> (text: String, generated: FileTime) {
        let v: Value
        do {
            v = try YAML.decode(text)
        } catch {
            throw ChartEngineError(.invalidChart, "cannot load Chart.lock: error converting YAML to JSON: \(error)")
        }
        let m = v.mapValue ?? [:]
        var out: [String: Value] = [:]
        let prefix = "cannot load Chart.lock: error unmarshaling JSON: while decoding JSON: "
        if let g = m["generated"], !g.isNull {
            guard let gs = g.stringValue else {
                throw ChartEngineError(.invalidChart, prefix + "Time.UnmarshalJSON: input is not a JSON string")
            }
            if parseRFC3339(gs) == nil {
                // Go names the first layout element it could not match; the year is the usual one.
                throw ChartEngineError(.invalidChart, prefix
                    + "parsing time \"\\\"\(gs)\\\"\" as \"\\\"2006-01-02T15:04:05Z07:00\\\"\": cannot parse \"\(gs)\\\"\" as \"2006\"")
            }
        }
        let generated = normalizeRFC3339(m["generated"]?.stringValue ?? "")
        out["generated"] = .string(generated)
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
        return (YAML.encode(.map(out)), parseRFC3339(generated) ?? FileTime(seconds: 0))
    }

    /// Seconds and nanoseconds since the epoch of an RFC 3339 time (`2021-02-03T04:05:06.5+02:00`),
    /// or nil when it is not one.
    static func parseRFC3339(_ s: String) -> FileTime? {
        let u = Array(s.utf8)
        guard u.count >= 20, u[4] == 0x2D, u[7] == 0x2D, u[10] == 0x54 || u[10] == 0x74, u[13] == 0x3A,
              u[16] == 0x3A else { return nil }
        func num(_ a: Int, _ b: Int) -> Int64? {
            var v: Int64 = 0
            for i in a..<b {
                guard u[i] >= 0x30 && u[i] <= 0x39 else { return nil }
                v = v * 10 + Int64(u[i] - 0x30)
            }
            return v
        }
        guard let y = num(0, 4), let mo = num(5, 7), let d = num(8, 10), let h = num(11, 13),
              let mi = num(14, 16), let se = num(17, 19), (1...12).contains(mo) else { return nil }
        var i = 19
        var nanos: Int64 = 0
        if i < u.count && u[i] == 0x2E {
            i += 1
            var digits = 0
            while i < u.count && u[i] >= 0x30 && u[i] <= 0x39 {
                if digits < 9 { nanos = nanos * 10 + Int64(u[i] - 0x30); digits += 1 }
                i += 1
            }
            while digits < 9 { nanos *= 10; digits += 1 }
        }
        var offset: Int64 = 0
        if i < u.count && (u[i] == 0x5A || u[i] == 0x7A) {
            i += 1
        } else if i + 6 == u.count && (u[i] == 0x2B || u[i] == 0x2D), let oh = num(i + 1, i + 3),
                  let om = num(i + 4, i + 6)
        {
            offset = (oh * 3600 + om * 60) * (u[i] == 0x2D ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == u.count else { return nil }
        // Days from civil (Howard Hinnant's algorithm).
        let yy = mo <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return FileTime(seconds: days * 86400 + h * 3600 + mi * 60 + se - offset, nanoseconds: Int32(nanos))
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
