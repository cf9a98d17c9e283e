import StructuredData

/// The label-selector pieces workload validation needs: `ValidateLabelSelector` and matching a
/// label set (`metav1.LabelSelectorAsSelector` semantics, where a nil selector matches nothing
/// and an empty one matches everything).
enum LabelSelectorCheck {
    static func validate(_ sel: [String: Value], path: String) -> [FieldCause] {
        var causes = MetadataValidation.labels(sel["matchLabels"], path: path + ".matchLabels")
        for (i, e) in (V.list(sel["matchExpressions"]) ?? []).enumerated() {
            let ep = "\(path).matchExpressions[\(i)]"
            let m = e.mapValue ?? [:]
            let op = V.str(m, "operator")
            let values = V.list(m["values"]) ?? []
            switch op {
            case "In", "NotIn":
                if values.isEmpty {
                    causes.append(Cause.required(ep + ".values", "must be specified when `operator` is 'In' or 'NotIn'"))
                }
            case "Exists", "DoesNotExist":
                if !values.isEmpty {
                    causes.append(Cause.forbidden(ep + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
                }
            default:
                causes.append(Cause.invalid(ep + ".operator", .string(op), "not a valid selector operator"))
            }
            let key = V.str(m, "key")
            for msg in NameRules.qualifiedName(key) { causes.append(Cause.invalid(ep + ".key", .string(key), msg)) }
        }
        return causes
    }

    /// Whether the selector is well-formed enough to be converted (unknown operators are not).
    static func convertible(_ sel: [String: Value]?) -> Bool {
        guard let sel else { return true }
        return (V.list(sel["matchExpressions"]) ?? []).allSatisfy {
            ["In", "NotIn", "Exists", "DoesNotExist"].contains(V.str($0.mapValue, "operator"))
        }
    }

    static func isEmpty(_ sel: [String: Value]) -> Bool {
        (V.map(sel["matchLabels"])?.isEmpty ?? true) && (V.list(sel["matchExpressions"])?.isEmpty ?? true)
    }

    static func matches(_ sel: [String: Value]?, labels: [String: String]) -> Bool {
        guard let sel else { return false }
        for (k, v) in V.stringMap(sel["matchLabels"]) where labels[k] != v { return false }
        for e in V.list(sel["matchExpressions"]) ?? [] {
            let m = e.mapValue ?? [:]
            let key = V.str(m, "key")
            let values = (V.list(m["values"]) ?? []).compactMap(\.stringValue)
            switch V.str(m, "operator") {
            case "In": guard let l = labels[key], values.contains(l) else { return false }
            case "NotIn": if let l = labels[key], values.contains(l) { return false }
            case "Exists": if labels[key] == nil { return false }
            case "DoesNotExist": if labels[key] != nil { return false }
            default: return false
            }
        }
        return true
    }

    /// The template labels as `%#v` prints them (`map[string]string(nil)` when absent).
    static func renderLabels(_ v: Value?) -> String {
        guard let m = v?.mapValue else { return "map[string]string(nil)" }
        return m.isEmpty ? "map[string]string{}" : GoFormat.stringMap(V.stringMap(v))
    }
}
