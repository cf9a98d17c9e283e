/// Helm's YAML entry points with their exact error wording: sigs.k8s.io/yaml `Unmarshal` into a map
/// or a list (values files, `fromYaml`, `fromYamlArray`), and Helm v4's multi-document `LoadValues`.
extension YAML {
    /// sigs.k8s.io/yaml `Unmarshal(data, &map[string]interface{}{})`: the first document as a map.
    /// An empty or `null` document gives an empty map. Errors read
    /// `error converting YAML to JSON: yaml: line 2: …` or, for a non-map document,
    /// `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of
    /// type map[string]interface {}`.
    public static func unmarshalMap(_ bytes: [UInt8]) throws(StructuredDataError) -> [String: Value] {
        switch try unmarshal(bytes) {
        case .null: return [:]
        case .map(let m): return m
        case let v: throw typeMismatch(v, goType: "map[string]interface {}")
        }
    }

    /// sigs.k8s.io/yaml `Unmarshal(data, &[]interface{}{})` (Helm `fromYamlArray`).
    public static func unmarshalList(_ bytes: [UInt8]) throws(StructuredDataError) -> [Value] {
        switch try unmarshal(bytes) {
        case .null: return []
        case .list(let l): return l
        case let v: throw typeMismatch(v, goType: "[]interface {}")
        }
    }

    /// Helm v4 `loader.LoadValues`: the stream is split into documents on lines starting with `---`
    /// (k8s `YAMLReader`; only a comment may follow the marker), each document is unmarshalled as a
    /// map on its own (so error line numbers count from that document's first line), and the maps
    /// are deep-merged in order (later documents win; nested maps merge).
    ///
    /// Errors: `error reading yaml document: invalid Yaml document separator: …`,
    /// `cannot unmarshal yaml document: error converting YAML to JSON: yaml: line N: …`.
    public static func loadValues(_ bytes: [UInt8]) throws(StructuredDataError) -> [String: Value] {
        var values: [String: Value] = [:]
        for chunk in try splitDocuments(bytes) {
            let current: [String: Value]
            do throws(StructuredDataError) {
                current = try unmarshalMap(chunk)
            } catch {
                throw StructuredDataError("cannot unmarshal yaml document: \(error.message)", line: error.line)
            }
            values = mergeMaps(values, current)
        }
        return values
    }

    /// k8s.io/apimachinery `YAMLReader.Read` applied until EOF: the non-empty documents.
    static func splitDocuments(_ bytes: [UInt8]) throws(StructuredDataError) -> [[UInt8]] {
        var docs: [[UInt8]] = []
        var buffer: [UInt8] = []
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            if end < bytes.count { end += 1 }  // keep the newline, as ReadBytes does
            let line = bytes[start..<end]
            start = end
            if line.starts(with: [0x2D, 0x2D, 0x2D]) {
                let rest = line.dropFirst(3)
                let trimmed = rest.drop(while: isGoSpace).reversed().drop(while: isGoSpace).reversed()
                if let first = trimmed.first, first != UInt8(ascii: "#") {
                    throw StructuredDataError(
                        "error reading yaml document: invalid Yaml document separator: "
                            + String(decoding: trimmed, as: UTF8.self))
                }
                if !buffer.isEmpty {
                    docs.append(buffer)
                    buffer = []
                }
                continue
            }
            buffer += line
        }
        if !buffer.isEmpty { docs.append(buffer) }
        return docs
    }

    private static func isGoSpace(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0B || c == 0x0C
    }

    /// Helm's `MergeMaps`: keys of `b` win, except that two maps merge recursively.
    public static func mergeMaps(_ a: [String: Value], _ b: [String: Value]) -> [String: Value] {
        var out = a
        for (k, v) in b {
            if case .map(let bm) = v, case .map(let am)? = out[k] {
                out[k] = .map(mergeMaps(am, bm))
            } else {
                out[k] = v
            }
        }
        return out
    }

    /// sigs.k8s.io/yaml's YAML→JSON step on the first document.
    private static func unmarshal(_ bytes: [UInt8]) throws(StructuredDataError) -> Value {
        do throws(StructuredDataError) {
            return try decode(bytes)
        } catch {
            throw StructuredDataError("error converting YAML to JSON: \(error.message)", line: error.line)
        }
    }

    private static func typeMismatch(_ v: Value, goType: String) -> StructuredDataError {
        StructuredDataError(
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal \(JSON.goKind(v)) into Go value of type \(goType)")
    }
}

extension JSON {
    /// The JSON kind word Go's `UnmarshalTypeError` uses: `object`, `array`, `string`, `number`, `bool`.
    static func goKind(_ v: Value) -> String {
        switch v {
        case .null: "null"
        case .bool: "bool"
        case .int, .float: "number"
        case .string: "string"
        case .list: "array"
        case .map: "object"
        }
    }

    /// `json.Unmarshal(data, &map[string]interface{}{})` (Helm `fromJson`): JSON `null` gives an
    /// empty map (Go leaves a nil map); other non-objects fail with Go's type error.
    public static func unmarshalMap(_ text: String) throws(StructuredDataError) -> [String: Value] {
        switch try decode(text) {
        case .null: return [:]
        case .map(let m): return m
        case let v:
            throw StructuredDataError("json: cannot unmarshal \(goKind(v)) into Go value of type map[string]interface {}")
        }
    }

    /// `json.Unmarshal(data, &[]interface{}{})` (Helm `fromJsonArray`).
    public static func unmarshalList(_ text: String) throws(StructuredDataError) -> [Value] {
        switch try decode(text) {
        case .null: return []
        case .list(let l): return l
        case let v:
            throw StructuredDataError("json: cannot unmarshal \(goKind(v)) into Go value of type []interface {}")
        }
    }
}
