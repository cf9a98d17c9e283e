/// YAML as Helm reads and writes it: YAML 1.1 decoding as sigs.k8s.io/yaml over go-yaml v2 (values
/// files, `fromYaml`), `toYaml` output (JSON round trip + go-yaml v2 emitter) and `toYamlPretty`
/// output (go-yaml v3, indent 2).
public enum YAML {
    /// Decodes the first document of `text` (an empty document is `.null`).
    ///
    /// With `numbersAsFloat` (Helm's values path: YAML → JSON → `interface{}`) every number is a
    /// float64 and NaN/±Inf are refused as Go's `json.Marshal` refuses them; without it integers
    /// stay `.int` and non-finite floats are kept.
    public static func decode(_ text: String, numbersAsFloat: Bool = true) throws(StructuredDataError) -> Value {
        try decode(Array(text.utf8), numbersAsFloat: numbersAsFloat)
    }

    /// As ``decode(_:numbersAsFloat:)-(String,_)`` for raw file bytes; invalid UTF-8 fails as in
    /// go-yaml (`yaml: invalid leading UTF-8 octet`).
    public static func decode(_ bytes: [UInt8], numbersAsFloat: Bool = true) throws(StructuredDataError) -> Value {
        var d = YAMLDecoder(numbersAsFloat: numbersAsFloat)
        return try d.decode(bytes, firstOnly: true).first ?? .null
    }

    /// The first document of `text` as ``decode(_:numbersAsFloat:)-(String,_)`` would return it, but
    /// with only `keys` of a top-level mapping built (the others are parsed, not materialised) — for
    /// reading a few head fields of large documents. nil when only a full decode gives the exact
    /// result (anchors, aliases, tags, special keys, NaN/±Inf, syntax errors…): call it then.
    public static func decodeHead(_ text: String, keys: Set<String>) -> Value? {
        var d = YAMLDecoder(numbersAsFloat: true)
        d.headKeys = keys
        guard let docs = try? d.decode(Array(text.utf8), firstOnly: true), !d.headBailed else { return nil }
        return docs.first ?? .null
    }

    /// The head of a Kubernetes manifest (`apiVersion`, `kind`, `metadata.name`,
    /// `metadata.annotations`; absent keys left out) read without libyaml, for documents in the plain
    /// block YAML subset templates usually produce; nil otherwise (use ``decodeHead(_:keys:)`` then).
    /// When not nil, the document is valid YAML and those fields are what a full decode gives.
    public static func scanManifestHead(_ text: String) -> Value? {
        YAMLHeadScan.scan(text)
    }

    /// True only when ``decode(_:numbersAsFloat:)-([UInt8],_)`` of `bytes` (no BOM), numbers as
    /// float64, certainly succeeds with a map or null; checked without libyaml for values files in
    /// plain block YAML (see `YAMLValuesScan`). False means "decode to find out", not "invalid".
    public static func certainlyDecodesToMap(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { YAMLValuesScan.decodesToMap($0) }
    }

    /// Decodes every document of a multi-document stream (`---` separated), in order.
    public static func decodeAll(_ text: String, numbersAsFloat: Bool = true) throws(StructuredDataError) -> [Value] {
        try decodeAll(Array(text.utf8), numbersAsFloat: numbersAsFloat)
    }

    /// As ``decodeAll(_:numbersAsFloat:)-(String,_)`` for raw file bytes.
    public static func decodeAll(_ bytes: [UInt8], numbersAsFloat: Bool = true) throws(StructuredDataError) -> [Value] {
        var d = YAMLDecoder(numbersAsFloat: numbersAsFloat)
        return try d.decode(bytes, firstOnly: false)
    }

    /// sigs.k8s.io/yaml `Marshal` output (Helm `toYaml` before it trims the final newline). NaN and
    /// ±Inf, which Go's JSON step refuses, print as `.nan`/`.inf` here; see ``encodeChecked(_:)``.
    public static func encode(_ v: Value) -> String {
        DeepValues.run(for: v) {
            var e = YAMLEmitter(flavor: .v2)
            return e.document(node(v, jsonRoundTrip: true))
        }
    }

    /// As ``encode(_:)`` but failing like sigs.k8s.io/yaml for values JSON cannot hold
    /// (`json: unsupported value: NaN`).
    public static func encodeChecked(_ v: Value) throws(StructuredDataError) -> String {
        if let bad = firstNonFinite(v) {
            throw StructuredDataError("json: unsupported value: \(GoFloat.formatV(bad))")
        }
        return encode(v)
    }

    /// go-yaml v3 with `SetIndent(2)` (Helm `toYamlPretty` before trimming): sequences indented
    /// under keys, no line folding, floats as Go `%g` (`1e+06`), multi-line strings as literal blocks.
    public static func encodePretty(_ v: Value) -> String {
        DeepValues.run(for: v) {
            var e = YAMLEmitter(flavor: .v3)
            return e.document(node(v, jsonRoundTrip: false))
        }
    }

    /// Converts a value to emitter nodes, keys in go-yaml's natural order.
    ///
    /// `jsonRoundTrip`: sigs.k8s.io/yaml marshals to JSON and re-reads it with go-yaml, so a float
    /// prints as its JSON spelling would resolve — integral floats below 1e21 become ints
    /// (`1000000`), others print with `strconv.FormatFloat(f, 'g', -1, 64)` (`1.5`, `1e+21`).
    static func node(_ v: Value, jsonRoundTrip: Bool) -> YAMLEmitter.Node {
        switch v {
        case .null: return .plain("null")
        case .bool(let b): return .plain(b ? "true" : "false")
        case .int(let i): return .plain(String(i))
        case .float(let d): return .plain(jsonRoundTrip ? roundTripFloat(d) : goYAMLFloat(d))
        case .string(let s): return .string(s)
        case .list(let items): return .list(items.map { node($0, jsonRoundTrip: jsonRoundTrip) })
        case .map(let m):
            return .map(NaturalOrder.sorted(m.keys).map { ($0, node(m[$0] ?? .null, jsonRoundTrip: jsonRoundTrip)) })
        }
    }

    /// go-yaml's float spelling: `%g` shortest, with YAML's `.inf`/`.nan`.
    static func goYAMLFloat(_ d: Double) -> String {
        if d.isNaN { return ".nan" }
        if d.isInfinite { return d < 0 ? "-.inf" : ".inf" }
        return GoFloat.formatV(d)
    }

    static func roundTripFloat(_ d: Double) -> String {
        guard d.isFinite else { return goYAMLFloat(d) }
        // Integral values below 2^53 print as their integer digits (what the JSON spelling resolves to).
        if d.rounded(.towardZero) == d && abs(d) < 9_007_199_254_740_992 { return String(Int64(d)) }
        switch YAMLResolve.resolvePlain(JSON.formatFloat(d)) {
        case .int(let i): return String(i)
        case .uint(let u): return String(u)
        case .float(let f): return goYAMLFloat(f)
        default: return goYAMLFloat(d)
        }
    }

    private static func firstNonFinite(_ v: Value) -> Double? {
        var pending = [v]
        while let x = pending.popLast() {
            switch x {
            case .float(let d) where !d.isFinite: return d
            case .list(let items): pending += items
            case .map(let m): pending += m.values
            default: break
            }
        }
        return nil
    }
}
