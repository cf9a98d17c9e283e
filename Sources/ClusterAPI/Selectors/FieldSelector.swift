public import StructuredData

/// A Kubernetes field selector (`metadata.name=web,status.phase!=Running`): apimachinery's `fields.Parse`
/// syntax (terms split on unescaped `,`, operators `!=`, `==`, `=`, escapes `\,` `\=` `\\`) plus the per-kind
/// set of supported field labels the API server checks before listing or watching.
public struct FieldSelector: Sendable, Hashable, CustomStringConvertible {
    /// One `field=value` (or `field!=value`) term, value unescaped.
    public struct Requirement: Sendable, Hashable {
        public let field: String
        /// True for `!=`.
        public let negated: Bool
        public let value: String
    }

    /// The terms, sorted by their text as apimachinery sorts them.
    public let requirements: [Requirement]
    /// The resource whose fields the selector reads (nil: only `metadata.name` / `metadata.namespace`).
    public let resource: ResourceInfo?

    /// Selects everything.
    public static let everything = FieldSelector(requirements: [], resource: nil)

    private init(requirements: [Requirement], resource: ResourceInfo?) {
        self.requirements = requirements
        self.resource = resource
    }

    /// Parses `text` and checks each field label against `resource`'s supported fields; the errors carry
    /// Kubernetes' texts (`field label not supported: spec.foo`).
    public init(parsing text: String, for resource: ResourceInfo?) throws(SelectorError) {
        var reqs: [Requirement] = []
        for term in Self.splitTerms(text).sorted() where !term.isEmpty {
            guard let (lhs, op, rhs) = Self.splitTerm(term) else {
                throw SelectorError("invalid selector: '\(text)'; can't understand '\(term)'")
            }
            reqs.append(Requirement(field: lhs, negated: op == "!=", value: try Self.unescape(rhs)))
        }
        for r in reqs {
            try FieldLabels.check(r.field, for: resource)
        }
        self.init(requirements: reqs, resource: resource)
    }

    /// True when the selector has no terms.
    public var isEverything: Bool { requirements.isEmpty }

    /// The value `metadata.name=` asks for when that is the only term (lets the server read one key).
    public var singleName: String? {
        guard requirements.count == 1, let r = requirements.first, r.field == "metadata.name", !r.negated else {
            return nil
        }
        return r.value
    }

    /// The supported field labels of a resource.
    public static func supportedFields(for resource: ResourceInfo?) -> [String] {
        FieldLabels.supported(for: resource)
    }

    /// True when every term matches the object's field values (a missing field reads as `""`).
    public func matches(object: Value) -> Bool {
        if requirements.isEmpty { return true }
        let fields = FieldLabels.values(of: object, resource: resource)
        return requirements.allSatisfy { r in
            let v = fields[r.field] ?? ""
            return r.negated ? v != r.value : v == r.value
        }
    }

    /// The canonical form: terms in order, values re-escaped.
    public var description: String {
        requirements.map { "\($0.field)\($0.negated ? "!=" : "=")\(Self.escape($0.value))" }.joined(separator: ",")
    }

    // MARK: Syntax

    static func splitTerms(_ s: String) -> [String] {
        if s.isEmpty { return [] }
        var terms: [String] = []
        var cur = ""
        var escaped = false
        for ch in s {
            if escaped {
                cur.append(ch)
                escaped = false
            } else if ch == "\\" {
                cur.append(ch)
                escaped = true
            } else if ch == "," {
                terms.append(cur)
                cur = ""
            } else {
                cur.append(ch)
            }
        }
        terms.append(cur)
        return terms
    }

    static func splitTerm(_ term: String) -> (String, String, String)? {
        let chars = Array(term)
        var i = 0
        while i < chars.count {
            if chars[i] == "\\" {
                i += 2
                continue
            }
            for op in ["!=", "==", "="] {
                let o = Array(op)
                if i + o.count <= chars.count, Array(chars[i..<(i + o.count)]) == o {
                    return (String(chars[..<i]), op, String(chars[(i + o.count)...]))
                }
            }
            i += 1
        }
        return nil
    }

    static func unescape(_ s: String) throws(SelectorError) -> String {
        guard s.contains("\\") || s.contains("=") || s.contains(",") else { return s }
        var out = ""
        var escaped = false
        for ch in s {
            if escaped {
                guard ch == "\\" || ch == "," || ch == "=" else {
                    throw SelectorError("invalid field selector: invalid escape sequence: \\\(ch)")
                }
                out.append(ch)
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else if ch == "," || ch == "=" {
                throw SelectorError("invalid field selector: unescaped character in value: \(ch.unicodeScalars.first.map { $0.value } ?? 0)")
            } else {
                out.append(ch)
            }
        }
        if escaped { throw SelectorError("invalid field selector: invalid escape sequence: \\") }
        return out
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for ch in s {
            if ch == "\\" || ch == "," || ch == "=" { out.append("\\") }
            out.append(ch)
        }
        return out
    }
}
