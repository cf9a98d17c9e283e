import StructuredData

/// Decodes `Chart.yaml` into ``ChartMetadata`` the way Helm does: sigs.k8s.io/yaml converts YAML to
/// JSON guided by the Go struct, so scalars destined for string fields become strings (`name: off` →
/// `"false"`, `version: 1.10` → `"1.1"`), and other type clashes are `encoding/json` errors.
enum MetadataDecoding {
    struct TypeClash: Error {
        var message: String
    }

    static func decode(_ value: Value) throws(ChartEngineError) -> ChartMetadata {
        do {
            return try decodeMetadata(value)
        } catch {
            throw ChartEngineError(.invalidChart,
                                   "cannot load Chart.yaml: error unmarshaling JSON: while decoding JSON: \(error.message)")
        }
    }

    private static func decodeMetadata(_ value: Value) throws(TypeClash) -> ChartMetadata {
        guard case .map(let m) = value else {
            if value.isNull { return ChartMetadata(apiVersion: "", name: "", version: "") }
            throw TypeClash(message: "json: cannot unmarshal \(jsonType(value)) into Go value of type v2.Metadata")
        }
        let field = FieldReader(map: m, structName: "Metadata", prefix: "")
        var md = ChartMetadata(apiVersion: "", name: "", version: "")
        md.apiVersion = try field.string("apiVersion")
        md.name = try field.string("name")
        md.version = try field.string("version")
        md.kubeVersion = try field.string("kubeVersion")
        md.description = try field.string("description")
        md.type = try field.string("type")
        md.keywords = try field.strings("keywords")
        md.home = try field.string("home")
        md.sources = try field.strings("sources")
        md.icon = try field.string("icon")
        md.appVersion = try field.string("appVersion")
        md.deprecated = try field.bool("deprecated")
        md.annotations = try field.stringMap("annotations")
        md.condition = try field.string("condition")
        md.tags = try field.string("tags")
        md.maintainers = try field.list("maintainers", element: "Maintainer").map { item throws(TypeClash) in
            let f = FieldReader(map: item, structName: "Maintainer", prefix: "maintainers.")
            return ChartMetadata.Maintainer(name: try f.string("name"), email: try f.string("email"),
                                            url: try f.string("url"))
        }
        md.dependencies = try decodeDependencies(field.list("dependencies", element: "Dependency"),
                                                 prefix: "dependencies.")
        return md
    }

    /// Decodes `dependencies:` entries (from Chart.yaml or a v1 requirements.yaml).
    static func decodeDependencies(_ items: [[String: Value]], prefix: String) throws(TypeClash)
        -> [ChartDependency]
    {
        var out: [ChartDependency] = []
        for item in items {
            let f = FieldReader(map: item, structName: "Dependency", prefix: prefix)
            var d = ChartDependency(name: try f.string("name"))
            d.version = try f.string("version")
            d.repository = try f.string("repository")
            d.condition = try f.string("condition")
            d.tags = try f.strings("tags")
            d.enabled = try f.bool("enabled")
            d.alias = try f.string("alias")
            if let iv = item["import-values"], !iv.isNull {
                guard case .list(let l) = iv else {
                    throw TypeClash(message: "json: cannot unmarshal \(jsonType(iv)) into Go struct field "
                        + "Dependency.\(prefix)import-values of type []interface {}")
                }
                d.importValues = l
            }
            out.append(d)
        }
        return out
    }

    /// Decodes a v1 `requirements.yaml`.
    static func decodeRequirements(_ value: Value) throws(ChartEngineError) -> [ChartDependency] {
        guard case .map(let m) = value, let deps = m["dependencies"] else { return [] }
        do {
            let f = FieldReader(map: ["dependencies": deps], structName: "Requirements", prefix: "")
            return try decodeDependencies(f.list("dependencies", element: "Dependency"), prefix: "dependencies.")
        } catch {
            throw ChartEngineError(.invalidChart,
                                   "error unmarshaling JSON: while decoding JSON: \(error.message)")
        }
    }

    /// JSON's name for a value's type, as `encoding/json` reports clashes.
    static func jsonType(_ v: Value) -> String {
        switch v {
        case .null: "null"
        case .bool: "bool"
        case .int, .float: "number"
        case .string: "string"
        case .list: "array"
        case .map: "object"
        }
    }

    /// The string sigs.k8s.io/yaml produces for a scalar whose target is a Go string.
    static func scalarString(_ v: Value) -> String? {
        switch v {
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .float(let d): return float32G(d)
        default: return nil
        }
    }

    /// `strconv.FormatFloat(d, 'g', -1, 32)`: shortest float32 digits, exponent form when the decimal
    /// exponent is < -4 or >= 6 (strconv's rule for shortest 'g').
    static func float32G(_ d: Double) -> String {
        let f = Float(d)
        if f.isNaN { return "NaN" }
        if f.isInfinite { return f < 0 ? "-Inf" : "+Inf" }
        if f == 0 { return f.sign == .minus ? "-0" : "0" }
        // Swift's Float description gives the shortest round-tripping digits.
        let text = abs(f).description
        var mantissa = Substring(text)
        var exp = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exp = Int(text[text.index(after: e)...]) ?? 0
        }
        var digits: [Character] = []
        var point = 0
        var seenDot = false
        for ch in mantissa {
            if ch == "." { seenDot = true; continue }
            digits.append(ch)
            if !seenDot { point += 1 }
        }
        while digits.count > 1 && digits.first == "0" { digits.removeFirst(); point -= 1 }
        while digits.count > 1 && digits.last == "0" { digits.removeLast() }
        point += exp
        let x = point - 1
        let sign = f < 0 ? "-" : ""
        if x < -4 || x >= 6 {
            var s = String(digits[0])
            if digits.count > 1 { s += "." + String(digits.dropFirst()) }
            let a = abs(x)
            return sign + s + (x < 0 ? "e-" : "e+") + (a < 10 ? "0\(a)" : "\(a)")
        }
        if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + String(digits) }
        if point >= digits.count { return sign + String(digits) + String(repeating: "0", count: point - digits.count) }
        return sign + String(digits[..<point]) + "." + String(digits[point...])
    }

    /// Reads typed fields of one Go struct from a decoded map.
    struct FieldReader {
        var map: [String: Value]
        var structName: String
        var prefix: String

        private func clash(_ key: String, _ v: Value, _ goType: String) -> TypeClash {
            TypeClash(message: "json: cannot unmarshal \(jsonType(v)) into Go struct field "
                + "\(structName).\(prefix)\(key) of type \(goType)")
        }

        func string(_ key: String) throws(TypeClash) -> String {
            guard let v = map[key], !v.isNull else { return "" }
            guard let s = scalarString(v) else { throw clash(key, v, "string") }
            return sanitize(s)
        }

        func bool(_ key: String) throws(TypeClash) -> Bool {
            guard let v = map[key], !v.isNull else { return false }
            guard case .bool(let b) = v else { throw clash(key, v, "bool") }
            return b
        }

        func strings(_ key: String) throws(TypeClash) -> [String] {
            guard let v = map[key], !v.isNull else { return [] }
            guard case .list(let l) = v else { throw clash(key, v, "[]string") }
            var out: [String] = []
            for item in l {
                if item.isNull { out.append(""); continue }
                guard let s = scalarString(item) else { throw clash(key, item, "string") }
                out.append(sanitize(s))
            }
            return out
        }

        func stringMap(_ key: String) throws(TypeClash) -> [String: String] {
            guard let v = map[key], !v.isNull else { return [:] }
            guard case .map(let m) = v else { throw clash(key, v, "map[string]string") }
            var out: [String: String] = [:]
            for (k, item) in m {
                if item.isNull { out[k] = ""; continue }
                guard let s = scalarString(item) else { throw clash(key, item, "string") }
                out[k] = s
            }
            return out
        }

        func list(_ key: String, element: String) throws(TypeClash) -> [[String: Value]] {
            guard let v = map[key], !v.isNull else { return [] }
            guard case .list(let l) = v else { throw clash(key, v, "[]*chart.\(element)") }
            var out: [[String: Value]] = []
            for item in l {
                switch item {
                case .map(let m): out.append(m)
                case .null: out.append([:])
                default: throw clash(key, item, "chart.\(element)")
                }
            }
            return out
        }
    }

    /// Helm's `sanitizeString`: whitespace becomes a space, other non-printable runes are dropped.
    static func sanitize(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for r in s.unicodeScalars {
            if r.properties.isWhitespace {
                out.append(" ")
            } else if r.properties.generalCategory == .control || r.properties.generalCategory == .format
                || r.properties.generalCategory == .unassigned || r.properties.generalCategory == .surrogate
            {
                continue
            } else {
                out.append(r)
            }
        }
        return String(out)
    }
}
