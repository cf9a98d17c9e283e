import StructuredData

/// One field-level validation failure, as the API server reports it in a 422 `Status`'s
/// `details.causes[]` (`reason`, `message`, `field`).
public struct FieldCause: Sendable, Hashable, CustomStringConvertible {
    /// The cause type: `FieldValueRequired`, `FieldValueInvalid`, `FieldValueNotSupported`,
    /// `FieldValueDuplicate`, `FieldValueForbidden`, `FieldValueTooLong`, `FieldValueNotFound`.
    public var reason: String
    /// The message without the field, e.g. `Invalid value: "Bad_Name": a lowercase RFC 1123 …`.
    public var message: String
    /// The field path, e.g. `spec.containers[0].name` or `data[key]`.
    public var field: String

    public init(reason: String, message: String, field: String) {
        self.reason = reason
        self.message = message
        self.field = field
    }

    /// `<field>: <message>`, the form the aggregated `Status.message` lists.
    public var description: String { "\(field): \(message)" }
}

/// Builders mirroring apimachinery's `field.Required/Invalid/…`: the reason's fixed text, the bad
/// value rendered as Go prints it, then `: detail` when there is one.
enum Cause {
    static func make(_ reason: String, _ head: String, _ field: String, _ value: String?, _ detail: String) -> FieldCause {
        var s = head
        if let value { s += ": " + value }
        if !detail.isEmpty { s += ": " + detail }
        return FieldCause(reason: reason, message: s, field: field)
    }

    static func required(_ field: String, _ detail: String = "") -> FieldCause {
        make("FieldValueRequired", "Required value", field, nil, detail)
    }

    static func forbidden(_ field: String, _ detail: String) -> FieldCause {
        make("FieldValueForbidden", "Forbidden", field, nil, detail)
    }

    static func invalid(_ field: String, _ value: Value, _ detail: String) -> FieldCause {
        make("FieldValueInvalid", "Invalid value", field, GoFormat.render(value), detail)
    }

    /// An invalid value rendered by the caller (for Go struct values such as `v1.LabelSelector{…}`).
    static func invalid(_ field: String, rendered: String, _ detail: String) -> FieldCause {
        make("FieldValueInvalid", "Invalid value", field, rendered, detail)
    }

    static func notSupported(_ field: String, _ value: Value, _ supported: [String]) -> FieldCause {
        let detail = supported.isEmpty ? "" : "supported values: " + supported.map(GoFormat.quote).joined(separator: ", ")
        return make("FieldValueNotSupported", "Unsupported value", field, GoFormat.render(value), detail)
    }

    static func duplicate(_ field: String, _ value: Value) -> FieldCause {
        make("FieldValueDuplicate", "Duplicate value", field, GoFormat.render(value), "")
    }

    static func notFound(_ field: String, _ value: Value) -> FieldCause {
        make("FieldValueNotFound", "Not found", field, GoFormat.render(value), "")
    }

    static func tooLong(_ field: String, max: Int) -> FieldCause {
        make("FieldValueTooLong", "Too long", field, nil, "may not be more than \(max) \(max == 1 ? "byte" : "bytes")")
    }
}

/// Renders bad values the way Go's `%q`/`%v`/`%#v` print them in field errors.
enum GoFormat {
    static func render(_ v: Value) -> String {
        switch v {
        case .string(let s): return quote(s)
        case .int(let i): return String(i)
        case .float(let d):
            if d.isFinite, d.rounded() == d, abs(d) < 1e15 { return String(Int64(d)) }
            return JSON.formatFloat(d)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .list(let items):
            if items.allSatisfy({ $0.stringValue != nil }) {
                return "[]string{" + items.compactMap { $0.stringValue.map(quote) }.joined(separator: ", ") + "}"
            }
            return JSON.encode(v, escapeHTML: false)
        case .map(let m):
            if m.values.allSatisfy({ $0.stringValue != nil }) {
                return stringMap(V.stringMap(v))
            }
            return JSON.encode(v, escapeHTML: false)
        }
    }

    /// `map[string]string{"a":"b"}` with sorted keys, as `%#v` prints it.
    static func stringMap(_ m: [String: String]) -> String {
        "map[string]string{" + m.keys.sorted().map { quote($0) + ":" + quote(m[$0] ?? "") }.joined(separator: ", ") + "}"
    }

    /// `v1.LabelSelector{…}` as `%#v` prints a label selector (the immutable-selector message).
    static func labelSelector(_ v: Value?) -> String {
        let labels = v?["matchLabels"]?.mapValue.map { _ in stringMap(V.stringMap(v?["matchLabels"])) } ?? "map[string]string(nil)"
        var exprs = "[]v1.LabelSelectorRequirement(nil)"
        if let list = v?["matchExpressions"]?.listValue {
            let items = list.map { e -> String in
                let values = e["values"]?.listValue.map { vs in
                    "[]string{" + vs.compactMap { $0.stringValue.map(quote) }.joined(separator: ", ") + "}"
                } ?? "[]string(nil)"
                return "v1.LabelSelectorRequirement{Key:\(quote(V.str(e.mapValue, "key"))), Operator:\(quote(V.str(e.mapValue, "operator"))), Values:\(values)}"
            }
            exprs = "[]v1.LabelSelectorRequirement{" + items.joined(separator: ", ") + "}"
        }
        return "v1.LabelSelector{MatchLabels:\(labels), MatchExpressions:\(exprs)}"
    }

    /// Go's `strconv.Quote`: escapes quotes, backslashes and control characters.
    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\u{07}": out += "\\a"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{0B}": out += "\\v"
            default:
                if u.value < 0x20 || u.value == 0x7F {
                    out += "\\x" + hex(u.value, width: 2)
                } else if (0x80..<0xA0).contains(u.value) {
                    out += "\\u" + hex(u.value, width: 4)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    private static func hex(_ v: UInt32, width: Int) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }
}
