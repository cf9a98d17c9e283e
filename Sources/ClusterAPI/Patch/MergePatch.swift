public import StructuredData

/// RFC 7386 JSON Merge Patch (`application/merge-patch+json`): a map patch merges key by key, `null`
/// deletes a key, and anything that is not a map (lists included) replaces the target wholesale.
public enum MergePatch {
    /// Applies `patch` to `document`. Total: every pair of values has a result.
    public static func apply(_ patch: Value, to document: Value) -> Value {
        guard case .map(let p) = patch else { return patch }
        var target: [String: Value]
        if case .map(let m) = document { target = m } else { target = [:] }
        for (key, value) in p {
            if value.isNull {
                target[key] = nil
            } else if case .map = value {
                // Take the old child out first so it is merged in place rather than copied.
                let old = target.removeValue(forKey: key) ?? .null
                target[key] = apply(value, to: old)
            } else {
                target[key] = value
            }
        }
        return .map(target)
    }
}
