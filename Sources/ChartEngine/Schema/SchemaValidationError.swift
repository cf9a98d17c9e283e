/// One validation failure as santhosh-tekuri/jsonschema v6 reports it: where in the values, what
/// failed, and nested causes (for `anyOf`, `$ref`, groups of several failures).
struct SchemaValidationError: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// Several failures of one schema on one value: "validation failed".
        case group
        /// A `$ref` whose target failed; not printed when it has a single cause.
        case reference
        /// Any other keyword failure, with its message.
        case message(String)
    }

    var location: [String]
    var kind: Kind
    var causes: [SchemaValidationError] = []

    /// The library's text for this error's own line.
    var text: String {
        switch kind {
        case .group, .reference: return "validation failed"
        case .message(let m): return m
        }
    }

    /// The JSON pointer of ``location`` (`/a/0`).
    var pointer: String {
        location.map { "/" + SchemaCompiler.escapePointer($0) }.joined()
    }

    /// The lines Helm prints (the library's `Error()` without its first line): `- at '/port': …`,
    /// causes indented by two spaces per level.
    static func display(_ errors: [SchemaValidationError]) -> String {
        var out = ""
        for e in errors { e.display(into: &out, indent: 1) }
        return out
    }

    private func display(into out: inout String, indent: Int) {
        var indent = indent
        let skip = kind == .reference && causes.count == 1
        if !skip {
            if !out.isEmpty { out += "\n" }
            out += String(repeating: "  ", count: indent - 1) + "- at " + SchemaText.quote(pointer) + ": " + text
            indent += 1
        }
        for c in causes { c.display(into: &out, indent: indent) }
    }
}

/// The text helpers of santhosh-tekuri/jsonschema's messages.
enum SchemaText {
    /// `quote`: Go's `%q` with `\"` unescaped and `'` escaped, in single quotes.
    static func quote(_ s: String) -> String {
        let q = quoteGo(s)
        let inner = q.dropFirst().dropLast()
        return "'" + String(inner).replacingAll("\\\"", with: "\"").replacingAll("'", with: "\\'") + "'"
    }

    static func joinQuoted(_ items: [String]) -> String {
        items.map(quote).joined(separator: ", ")
    }

    /// `display`: strings quoted, numbers as written in the schema, null as Go prints nil.
    static func display(_ v: SchemaJSON) -> String {
        switch v {
        case .string(let s): return quote(s)
        case .number(let n): return n.goValueText
        case .bool(let b): return b ? "true" : "false"
        case .null: return "<nil>"
        case .array, .object: return "value"
        }
    }
}
