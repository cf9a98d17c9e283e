import CLibCrypto
import StructuredData

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension RepoIndex {
    /// Helm's `LoadIndexFile`: JSON when the bytes are valid JSON, else YAML; unknown fields refused
    /// (Helm unmarshals strictly); entries that fail chart validation are skipped with a warning;
    /// lists sorted newest first; `apiVersion` required.
    public static func load(path: String, warn: (String) -> Void = { _ in }) throws(ChartEngineError) -> RepoIndex {
        let bytes = try FileSystem.read(path)
        do {
            return try parse(bytes, source: path, warn: warn)
        } catch {
            throw ChartEngineError(error.code, "error loading \(path): \(error.message)")
        }
    }

    /// Parses index bytes (see ``load(path:warn:)``).
    public static func parse(_ bytes: [UInt8], source: String, warn: (String) -> Void = { _ in })
        throws(ChartEngineError) -> RepoIndex
    {
        if bytes.isEmpty { throw ChartEngineError(.invalidChart, "empty index.yaml file") }
        let text = String(decoding: bytes, as: UTF8.self)
        let doc: Value
        if let j = try? JSON.decode(text) {
            doc = j
        } else {
            do {
                doc = try YAML.decode(text)
            } catch {
                throw ChartEngineError(.invalidChart, "error converting YAML to JSON: \(error)")
            }
        }
        guard case .map(let top) = doc else {
            if doc.isNull { throw ChartEngineError(.invalidChart, "no API version specified") }
            throw ChartEngineError(.invalidChart,
                                   "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal \(MetadataDecoding.jsonType(doc)) into Go value of type repo.IndexFile")
        }
        for k in top.keys where !["serverInfo", "apiVersion", "generated", "entries", "publicKeys", "annotations"].contains(k) {
            throw ChartEngineError(.invalidChart, "error unmarshaling JSON: while decoding JSON: json: unknown field \"\(k)\"")
        }
        var index = RepoIndex(generated: top["generated"]?.stringValue ?? "0001-01-01T00:00:00Z")
        index.apiVersion = top["apiVersion"]?.stringValue ?? ""
        index.serverInfo = top["serverInfo"]?.mapValue ?? [:]
        index.publicKeys = top["publicKeys"]?.listValue?.compactMap(\.stringValue) ?? []
        index.annotations = (top["annotations"]?.mapValue ?? [:]).compactMapValues(\.stringValue)
        if let entriesValue = top["entries"], !entriesValue.isNull {
            guard case .map(let entries) = entriesValue else {
                throw ChartEngineError(.invalidChart,
                                       "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal \(MetadataDecoding.jsonType(entriesValue)) into Go struct field IndexFile.entries of type map[string]repo.ChartVersions")
            }
            for (name, listValue) in entries {
                guard case .list(let items) = listValue else {
                    if listValue.isNull { index.entries[name] = []; continue }
                    throw ChartEngineError(.invalidChart,
                                           "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal \(MetadataDecoding.jsonType(listValue)) into Go struct field IndexFile.entries of type repo.ChartVersions")
                }
                var kept: [IndexEntry] = []
                for item in items {
                    guard case .map(let m) = item else {
                        if item.isNull {
                            warn("skipping loading invalid entry for chart \"\(name)\" from \(source): empty entry")
                            continue
                        }
                        throw ChartEngineError(.invalidChart,
                                               "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal \(MetadataDecoding.jsonType(item)) into Go value of type repo.ChartVersion")
                    }
                    let entry = try entryFrom(m)
                    var md = entry.metadata
                    if md.apiVersion.isEmpty { md.apiVersion = "v1" }
                    do {
                        try ChartValidation.validate(&md)
                    } catch {
                        if !error.message.hasPrefix("validation: more than one dependency with name or alias") {
                            warn("skipping loading invalid entry for chart \"\(name)\" \"\(md.version)\" from \(source): \(error.message)")
                            continue
                        }
                    }
                    var e = entry
                    e.metadata = md
                    kept.append(e)
                }
                index.entries[name] = kept
            }
        }
        index.sortEntries()
        if index.apiVersion.isEmpty { throw ChartEngineError(.invalidChart, "no API version specified") }
        return index
    }

    private static let metadataKeys: Set<String> = [
        "name", "home", "sources", "version", "description", "keywords", "maintainers", "icon", "apiVersion",
        "condition", "tags", "appVersion", "deprecated", "annotations", "kubeVersion", "dependencies", "type",
    ]
    private static let versionKeys: Set<String> = [
        "urls", "created", "removed", "digest", "checksum", "engine", "tillerVersion", "url",
    ]

    /// A Chart.yaml decoding error re-rooted where `encoding/json` reports it inside an index: the
    /// metadata is embedded in `ChartVersion` under `entries`.
    static func reroot(_ message: String) -> String {
        var msg = message
        let chartPrefix = "cannot load Chart.yaml: "
        if msg.hasPrefix(chartPrefix) { msg.removeFirst(chartPrefix.count) }
        let marker = "Go struct field "
        guard let r = msg.range(of: marker), let dot = msg[r.upperBound...].firstIndex(of: ".") else { return msg }
        let structName = String(msg[r.upperBound..<dot])
        let rest = msg[msg.index(after: dot)...]
        let owner = structName == "Metadata" ? "ChartVersion" : structName
        return String(msg[..<r.upperBound]) + owner + ".entries.Metadata." + rest
    }

    static func entryFrom(_ m: [String: Value]) throws(ChartEngineError) -> IndexEntry {
        for k in m.keys where !metadataKeys.contains(k) && !versionKeys.contains(k) {
            throw ChartEngineError(.invalidChart, "error unmarshaling JSON: while decoding JSON: json: unknown field \"\(k)\"")
        }
        let md: ChartMetadata
        do {
            md = try MetadataDecoding.decode(.map(m.filter { metadataKeys.contains($0.key) }))
        } catch {
            throw ChartEngineError(error.code, reroot(error.message))
        }
        if let u = m["urls"], !u.isNull, u.listValue == nil {
            throw ChartEngineError(.invalidChart, "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
                + "\(MetadataDecoding.jsonType(u)) into Go struct field ChartVersion.entries.urls of type []string")
        }
        func str(_ k: String) -> String {
            switch m[k] {
            case .string(let s)?: s
            case .bool(let b)?: b ? "true" : "false"
            case .int(let i)?: String(i)
            case .float(let f)?: JSON.formatFloat(f)
            default: ""
            }
        }
        var e = IndexEntry(metadata: md, urls: m["urls"]?.listValue?.compactMap(\.stringValue) ?? [],
                           created: RepoTime.normalize(str("created")), digest: str("digest"))
        if case .bool(true)? = m["removed"] { e.removed = true }
        e.checksum = str("checksum")
        e.engine = str("engine")
        e.tillerVersion = str("tillerVersion")
        e.url = str("url")
        return e
    }
}

/// Times as Go's `time.Time` prints them in JSON (RFC 3339 with nanoseconds, trailing zeros dropped).
public enum RepoTime {
    /// The current local time (`time.Now()`).
    public static func now() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var t = time_t(ts.tv_sec)
        var tmv = tm()
        localtime_r(&t, &tmv)
        return format(seconds: Int64(ts.tv_sec), nanoseconds: Int(ts.tv_nsec), offset: Int(tmv.tm_gmtoff))
    }

    /// RFC3339Nano for a Unix time at a UTC offset in seconds.
    public static func format(seconds: Int64, nanoseconds: Int, offset: Int) -> String {
        let local = seconds + Int64(offset)
        var days = local >= 0 ? local / 86400 : (local - 86399) / 86400
        let secs = local - days * 86400
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let doe = days - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        var year = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        if month <= 2 { year += 1 }
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        var out = "\(year)-\(two(month))-\(two(day))T\(two(secs / 3600)):\(two(secs / 60 % 60)):\(two(secs % 60))"
        if nanoseconds > 0 {
            var frac = String(nanoseconds)
            while frac.count < 9 { frac = "0" + frac }
            while frac.hasSuffix("0") { frac.removeLast() }
            out += "." + frac
        }
        if offset == 0 {
            out += "Z"
        } else {
            let a = abs(offset)
            out += (offset < 0 ? "-" : "+") + two(Int64(a / 3600)) + ":" + two(Int64(a / 60 % 60))
        }
        return out
    }

    /// A time read back from an index, re-printed as Go would after parsing it.
    static func normalize(_ s: String) -> String { ChartfileEncoding.normalizeRFC3339(s) }
}

/// SHA-256 through OpenSSL (its direct implementation: no provider start-up).
enum SHA256 {
    static func hex(_ bytes: [UInt8]) -> String {
        var md = [UInt8](repeating: 0, count: 32)
        bytes.withUnsafeBufferPointer { buf in
            helmctl_sha256(buf.baseAddress, buf.count, &md)
        }
        let digits = Array("0123456789abcdef")
        return String(md.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }
}
