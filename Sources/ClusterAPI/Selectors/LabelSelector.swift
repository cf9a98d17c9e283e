public import StructuredData

/// A Kubernetes label selector: parsed from the string form (`app=web,tier!=db,env in (a,b),!legacy`) or
/// built from the object form (`matchLabels` / `matchExpressions`), with apimachinery's validation, error
/// texts, matching rules and canonical rendering (requirements sorted by key).
public struct LabelSelector: Sendable, Hashable, CustomStringConvertible {
    /// The requirement operators; raw values are how `labels.Selector` spells them (`selection.Operator`).
    public enum Operator: String, Sendable, Hashable {
        case equals = "="
        case doubleEquals = "=="
        case notEquals = "!="
        case `in` = "in"
        case notIn = "notin"
        case exists
        case doesNotExist = "!"
        case greaterThan = "gt"
        case lessThan = "lt"
    }

    /// One `key op values` term.
    public struct Requirement: Sendable, Hashable, CustomStringConvertible {
        public let key: String
        public let op: Operator
        /// Sorted, de-duplicated for `in`/`notin`; one value for the equality and comparison operators.
        public let values: [String]

        /// Validates like `labels.NewRequirement`.
        public init(key: String, op: Operator, values: [String]) throws(SelectorError) {
            var errs: [String] = []
            let keyErrs = LabelValidation.qualifiedNameErrors(key)
            if !keyErrs.isEmpty { errs.append(LabelValidation.invalid("key", key, keyErrs.joined(separator: "; "))) }
            switch op {
            case .in, .notIn:
                if values.isEmpty {
                    errs.append(LabelValidation.invalidList("values", values.isEmpty ? nil : values,
                                                            "for 'in', 'notin' operators, values set can't be empty"))
                }
            case .equals, .doubleEquals, .notEquals:
                if values.count != 1 {
                    errs.append(LabelValidation.invalidList("values", values.isEmpty ? nil : values,
                                                            "exact-match compatibility requires one single value"))
                }
            case .exists, .doesNotExist:
                if !values.isEmpty {
                    errs.append(LabelValidation.invalidList("values", values,
                                                            "values set must be empty for exists and does not exist"))
                }
            case .greaterThan, .lessThan:
                if values.count != 1 {
                    errs.append(LabelValidation.invalidList("values", values.isEmpty ? nil : values,
                                                            "for 'Gt', 'Lt' operators, exactly one value is required"))
                }
                for (i, v) in values.enumerated() where Int64(v) == nil {
                    errs.append(LabelValidation.invalid("values[\(i)]", v,
                                                        "for 'Gt', 'Lt' operators, the value must be an integer"))
                }
            }
            for (i, v) in values.enumerated() {
                let vErrs = LabelValidation.labelValueErrors(v)
                if !vErrs.isEmpty {
                    errs.append(LabelValidation.invalid("values[\(i)][\(key)]", v, vErrs.joined(separator: "; ")))
                }
            }
            if errs.count == 1 { throw SelectorError(errs[0]) }
            if errs.count > 1 { throw SelectorError("[" + errs.joined(separator: ", ") + "]") }
            self.key = key
            self.op = op
            self.values = values
        }

        /// True when `labels` satisfy this requirement (`!=` and `notin` match when the key is absent).
        public func matches(_ labels: [String: String]) -> Bool {
            switch op {
            case .equals, .doubleEquals, .in:
                guard let v = labels[key] else { return false }
                return values.contains(v)
            case .notEquals, .notIn:
                guard let v = labels[key] else { return true }
                return !values.contains(v)
            case .exists: return labels[key] != nil
            case .doesNotExist: return labels[key] == nil
            case .greaterThan, .lessThan:
                guard let s = labels[key], let l = Int64(s), values.count == 1, let r = Int64(values[0]) else {
                    return false
                }
                return op == .greaterThan ? l > r : l < r
            }
        }

        public var description: String {
            var s = op == .doesNotExist ? "!" + key : key
            switch op {
            case .exists, .doesNotExist: return s
            case .equals: s += "="
            case .doubleEquals: s += "=="
            case .notEquals: s += "!="
            case .in: s += " in ("
            case .notIn: s += " notin ("
            case .greaterThan: s += ">"
            case .lessThan: s += "<"
            }
            s += values.count == 1 ? values[0] : values.sorted().joined(separator: ",")
            if op == .in || op == .notIn { s += ")" }
            return s
        }
    }

    /// The requirements, sorted by key (stable).
    public let requirements: [Requirement]
    /// True for the selector that matches nothing (a nil object selector).
    public let matchesNothing: Bool

    /// Matches every object (the empty selector).
    public static let everything = LabelSelector(requirements: [], nothing: false)
    /// Matches no object (what a missing selector object means).
    public static let nothing = LabelSelector(requirements: [], nothing: true)

    private init(requirements: [Requirement], nothing: Bool) {
        self.requirements = requirements
        self.matchesNothing = nothing
    }

    /// A selector of the given requirements (sorted by key, stable).
    public init(requirements: [Requirement]) {
        self.init(requirements: Self.stableSortByKey(requirements), nothing: false)
    }

    private static func stableSortByKey(_ r: [Requirement]) -> [Requirement] {
        r.enumerated().sorted { a, b in a.element.key != b.element.key ? a.element.key < b.element.key : a.offset < b.offset }
            .map(\.element)
    }

    /// Parses the string form (`labels.Parse`); the empty string selects everything.
    public init(parsing text: String) throws(SelectorError) {
        var parser = LabelSelectorParser(text)
        self.init(requirements: try parser.parse())
    }

    /// Builds a selector from the object form (`metav1.LabelSelectorAsSelector`): nil or null selects
    /// nothing; an empty object selects everything.
    public init(object: Value?) throws(SelectorError) {
        guard let object, !object.isNull else {
            self = .nothing
            return
        }
        guard case .map(let m) = object else { throw SelectorError("label selector must be an object") }
        var reqs: [Requirement] = []
        if let ml = m["matchLabels"], !ml.isNull {
            guard case .map(let labels) = ml else { throw SelectorError("matchLabels must be an object") }
            for k in labels.keys.sorted() {
                guard let v = labels[k]?.stringValue else {
                    throw SelectorError("matchLabels[\(k)] must be a string")
                }
                reqs.append(try Requirement(key: k, op: .equals, values: [v]))
            }
        }
        if let me = m["matchExpressions"], !me.isNull {
            guard case .list(let exprs) = me else { throw SelectorError("matchExpressions must be a list") }
            for e in exprs {
                let opName = e["operator"]?.stringValue ?? ""
                let op: Operator
                switch opName {
                case "In": op = .in
                case "NotIn": op = .notIn
                case "Exists": op = .exists
                case "DoesNotExist": op = .doesNotExist
                default: throw SelectorError("\(LabelValidation.quote(opName)) is not a valid label selector operator")
                }
                let values = (e["values"]?.listValue ?? []).compactMap(\.stringValue)
                reqs.append(try Requirement(key: e["key"]?.stringValue ?? "", op: op, values: values))
            }
        }
        self.init(requirements: reqs)
    }

    /// Equality requirements for each label (how `matchLabels`-only selectors and Service selectors behave).
    public init(matchLabels: [String: String]) throws(SelectorError) {
        var reqs: [Requirement] = []
        for k in matchLabels.keys.sorted() {
            reqs.append(try Requirement(key: k, op: .equals, values: [matchLabels[k] ?? ""]))
        }
        self.init(requirements: reqs)
    }

    /// True when the selector has no requirements and is not ``nothing`` (it selects everything).
    public var isEverything: Bool { !matchesNothing && requirements.isEmpty }

    /// True when every requirement matches.
    public func matches(labels: [String: String]) -> Bool {
        if matchesNothing { return false }
        return requirements.allSatisfy { $0.matches(labels) }
    }

    /// The labels of an object (`metadata.labels`), for ``matches(labels:)``.
    public static func labels(of object: Value) -> [String: String] {
        guard case .map(let m)? = object["metadata"]?["labels"] else { return [:] }
        var out: [String: String] = [:]
        for (k, v) in m { if let s = v.stringValue { out[k] = s } }
        return out
    }

    /// True when the object's `metadata.labels` match.
    public func matches(object: Value) -> Bool { matches(labels: Self.labels(of: object)) }

    /// The canonical string form (`labels.Selector.String()`); empty for everything and nothing alike.
    public var description: String { requirements.map(\.description).joined(separator: ",") }
}
