public import StructuredData

/// RFC 7386 JSON Merge Patch (`application/merge-patch+json`): a map patch merges key by key, `null`
/// deletes a key, and anything that is not a map (lists included) replaces the target wholesale.
public enum MergePatch {
    /// Applies `patch` to `document`. Total: every pair of values has a result, at any nesting depth
    /// (the walk keeps its own stack instead of recursing, so a hostile 10000-level patch is fine).
    public static func apply(_ patch: Value, to document: Value) -> Value {
        guard case .map(let p) = patch else { return patch }
        /// One map being merged: its target, the patch members still to apply, and where it goes in
        /// its parent.
        struct Frame {
            var target: [String: Value]
            var pending: [(key: String, value: Value)]
            var key: String
        }
        var stack = [Frame(target: document.mapValue ?? [:], pending: Array(p), key: "")]
        while let top = stack.indices.last {
            guard let (key, value) = stack[top].pending.popLast() else {
                let done = stack.removeLast()
                guard let parent = stack.indices.last else { return .map(done.target) }
                stack[parent].target[done.key] = .map(done.target)
                continue
            }
            if value.isNull {
                stack[top].target[key] = nil
            } else if case .map(let m) = value {
                // Take the old child out so it is merged in place rather than copied.
                let old = stack[top].target.removeValue(forKey: key)
                stack.append(Frame(target: old?.mapValue ?? [:], pending: Array(m), key: key))
            } else {
                stack[top].target[key] = value
            }
        }
        return .map([:])  // unreachable: the root frame returns above
    }
}
