public import Templating
public import StructuredData

/// `.Files`: the chart's non-template files (Helm's `engine.files`, a `map[string][]byte` with
/// methods `Get`, `GetBytes`, `Glob`, `Lines`, `AsConfig`, `AsSecrets`).
public struct FilesObject: TemplateObject {
    public let files: [String: [UInt8]]

    public init(_ files: [String: [UInt8]]) { self.files = files }

    public init(chartFiles: [ChartFile]) {
        var m: [String: [UInt8]] = [:]
        for f in chartFiles { m[f.name] = f.data }
        files = m
    }

    public var goTypeName: String { "engine.files" }
    /// `engine.files` is a map type: range, index and len see its entries.
    public var mapView: MapRef? { MapRef(files.mapValues { .bytes($0) }, typeName: "engine.files") }
    public var goKind: String { "map" }

    var sortedNames: [String] { files.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } }

    public var formatted: String {
        "map[" + sortedNames.map { name in
            "\(name):[" + (files[name] ?? []).map { String($0) }.joined(separator: " ") + "]"
        }.joined(separator: " ") + "]"
    }

    public var dataValue: Value {
        .map(files.mapValues { .string(Base64.encode($0)) })
    }

    /// `Get`: the file as a string, `""` when absent.
    public func get(_ name: String) -> String { String(decoding: files[name] ?? [], as: UTF8.self) }

    /// `Lines`: split on `\n` after dropping one trailing newline; `[]` when absent.
    public func lines(_ name: String) -> [String] {
        guard let data = files[name], !data.isEmpty else { return [] }
        // Split on the byte "\n" (a Character split would treat "\r\n" as one separator-less cluster).
        var bytes = data[...]
        if bytes.last == 10 { bytes = bytes.dropLast() }
        return bytes.split(separator: 10, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    /// `Glob`: the files whose names match (an invalid pattern matches everything, as Helm falls back
    /// to `**`).
    public func glob(_ pattern: String) -> FilesObject {
        guard let g = try? GlobPattern(pattern) else { return self }
        return FilesObject(files.filter { g.matches($0.key) })
    }

    /// `{basename: content}` (or base64 content) rendered as Helm's `toYAML` (sigs.k8s.io/yaml,
    /// final newline trimmed).
    func asYAML(base64: Bool) -> String {
        var m: [String: Value] = [:]
        for name in sortedNames {
            let data = files[name] ?? []
            m[pathBase(name)] = .string(base64 ? Base64.encode(data) : String(decoding: data, as: UTF8.self))
        }
        var out = YAML.encode(.map(m))
        if out.hasSuffix("\n") { out.removeLast() }
        return out
    }

    public func member(_ name: String) -> TemplateMember? {
        switch name {
        case "Get":
            return stringMethod("Get") { .string(self.get($0)) }
        case "GetBytes":
            return stringMethod("GetBytes") { .bytes(self.files[$0] ?? []) }
        case "Glob":
            return stringMethod("Glob") { .object(self.glob($0)) }
        case "Lines":
            return stringMethod("Lines") { .stringList(self.lines($0)) }
        case "AsConfig":
            return .function(TemplateFunction(name: "AsConfig", params: []) { _, _ in .string(self.asYAML(base64: false)) })
        case "AsSecrets":
            return .function(TemplateFunction(name: "AsSecrets", params: []) { _, _ in .string(self.asYAML(base64: true)) })
        default:
            // A map key: its bytes, or the zero value (a nil []byte) under missingkey=zero.
            return .field(.bytes(files[name] ?? []))
        }
    }
}
