/// A byte-level reader of Kubernetes manifest heads for the plain block YAML templates usually render.
///
/// Sorting a chart's rendered manifests needs only `apiVersion`, `kind`, `metadata.name` and
/// `metadata.annotations` of each document, but every document must also be valid YAML. Going through
/// libyaml costs more than rendering the document did, so documents written in a small, strict subset
/// of block YAML are checked and read here in one pass; anything outside the subset (flow collections
/// other than `{}`/`[]`, quoting with escapes, block scalars, anchors, tags, comments after values,
/// multi-line scalars, tabs, non-ASCII, special keys, NaN/±Inf…) returns nil and the caller uses the
/// full decoder. Inside the subset every document is valid YAML, and the fields read have the values
/// the full decoder would give them (scalars resolved with go-yaml v2's rules; only string results
/// are accepted for the head fields).
enum YAMLHeadScan {
    /// A block container open at an indentation.
    private struct Level: YAMLOpenBlock {
        var indent: Int
        var isSequence: Bool
        /// For the top-level mapping and `metadata`/`annotations`: which head map this is.
        var role: Role
    }

    private enum Role { case none, top, metadata, annotations }

    /// The head of `text` as `[apiVersion, kind, metadata: [name, annotations]]` (absent keys left
    /// out, a null `metadata`/`annotations` as `.null`), or nil when the document is outside the subset.
    static func scan(_ text: String) -> Value? {
        var t = text
        return t.withUTF8 { scan(bytes: $0) }
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    private static func scan(bytes b: UnsafeBufferPointer<UInt8>) -> Value? {
        let n = b.count
        var stack: [Level] = []
        // A `key:` or `-` with nothing after it: the next line may open its nested block.
        var pending: (indent: Int, isSequenceItem: Bool, role: Role)? = nil
        var top: [String: Value] = [:]
        var metadata: [String: Value]? = nil
        var metadataNull = false
        var annotations: [String: Value]? = nil
        var annotationsNull = false
        var seenTop = false
        var i = 0

        /// Reads a scalar value in `[s, e)` (trailing spaces already cut). Returns the string value for
        /// head fields (nil: bail), or a non-nil marker for other positions when valid.
        func scalar(_ s: Int, _ e: Int, needString: Bool) -> String?? {
            let c = b[s]
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                // Quoted without escapes, closed at the end of the value.
                guard e - s >= 2, b[e - 1] == c else { return .none }
                for k in (s + 1)..<(e - 1) where b[k] == c || b[k] == UInt8(ascii: "\\") { return .none }
                return .some(String(decoding: UnsafeBufferPointer(rebasing: b[(s + 1)..<(e - 1)]), as: UTF8.self))
            }
            if e - s == 2 && ((c == UInt8(ascii: "{") && b[s + 1] == UInt8(ascii: "}"))
                || (c == UInt8(ascii: "[") && b[s + 1] == UInt8(ascii: "]")))
            {
                return needString ? .none : .some(nil)
            }
            // Plain: no indicator first, no `: `, ` #` or trailing `:` inside.
            switch c {
            case UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "["),
                 UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "#"), UInt8(ascii: "&"),
                 UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "%"),
                 UInt8(ascii: "@"), UInt8(ascii: "`"), UInt8(ascii: "."), UInt8(ascii: "+"):
                // `.`/`+` may spell NaN/±Inf, which the full decode refuses.
                return .none
            default: break
            }
            for k in s..<e {
                if b[k] == UInt8(ascii: ":") && (k + 1 == e || b[k + 1] == 32) { return .none }
                if b[k] == UInt8(ascii: "#") && b[k - 1] == 32 { return .none }
            }
            guard needString else { return .some(nil) }
            let text = String(decoding: UnsafeBufferPointer(rebasing: b[s..<e]), as: UTF8.self)
            guard case .string(let v) = YAMLResolve.resolvePlain(text) else { return .none }
            return .some(v)
        }

        while i < n {
            // One line: [i, lineEnd).
            var lineEnd = i
            while lineEnd < n && b[lineEnd] != 10 { lineEnd += 1 }
            var indent = 0
            while i + indent < lineEnd && b[i + indent] == 32 { indent += 1 }
            var s = i + indent
            var e = lineEnd
            while e > s && b[e - 1] == 32 { e -= 1 }
            for k in i..<lineEnd {
                let c = b[k]
                if c < 32 || c >= 127 { return nil }  // tabs, CR, control characters, non-ASCII
            }
            i = lineEnd + 1
            if s == e || b[s] == UInt8(ascii: "#") { continue }  // blank or comment-only line

            let lineIsDash = b[s] == UInt8(ascii: "-") && (s + 1 == e || b[s + 1] == 32)
            var opensPending = false
            if let p = pending {
                if YAMLBlockLines.opensPending(indent: indent, isDash: lineIsDash, pendingIndent: p.indent,
                                               pendingIsItem: p.isSequenceItem)
                {
                    opensPending = true
                } else {
                    // Nothing nested: the pending value is null.
                    if p.role == .metadata { metadataNull = true }
                    if p.role == .annotations { annotationsNull = true }
                }
            }
            guard YAMLBlockLines.place(&stack, lineAt: indent, isDash: lineIsDash, opensPending: opensPending,
                                         seenTop: seenTop) else { return nil }
            let parentRole = pending?.role ?? .none
            let pendingWasItem = pending?.isSequenceItem ?? false
            pending = nil

            // The line's entries: `- ` items (possibly with a compact `key: value`), or `key: value`.
            var col = indent
            var isItem = false
            if lineIsDash {
                isItem = true
                if opensPending {
                    // A list where metadata or annotations must be maps: the full decode words that error.
                    if parentRole != .none { return nil }
                    stack.append(Level(indent: indent, isSequence: true, role: .none))
                } else {
                    // The next item of the open sequence.
                    guard let last = stack.last, last.isSequence else { return nil }
                }
                // After the dash: nothing (nested block follows), or an entry at column + 2.
                var k = s + 1
                while k < e && b[k] == 32 { k += 1 }
                if k == e {
                    pending = (indent, true, .none)
                    continue
                }
                if b[k] == UInt8(ascii: "-") && (k + 1 == e || b[k + 1] == 32) { return nil }  // `- - x`
                col = indent + (k - s)
                s = k
            }

            // `key:` or `key: value`, or (items only) a scalar.
            var keyEnd = s
            while keyEnd < e {
                let c = b[keyEnd]
                let ok = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c == 95
                    || (keyEnd > s && (c == 46 || c == 47 || c == 45))
                if !ok { break }
                keyEnd += 1
            }
            let isEntry = keyEnd > s && keyEnd < e && b[keyEnd] == UInt8(ascii: ":")
                && (keyEnd + 1 == e || b[keyEnd + 1] == 32)
            if !isEntry {
                // A plain item value; anything else (a bare scalar line) is outside the subset.
                guard isItem, case .some = scalar(s, e, needString: false) else { return nil }
                continue
            }
            if keyEnd - s > 1000 { return nil }
            let key = String(decoding: UnsafeBufferPointer(rebasing: b[s..<keyEnd]), as: UTF8.self)
            switch b[s] {
            case UInt8(ascii: "y"), UInt8(ascii: "Y"), UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "t"),
                 UInt8(ascii: "T"), UInt8(ascii: "f"), UInt8(ascii: "F"), UInt8(ascii: "o"), UInt8(ascii: "O"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"):
                // Keys that may resolve to booleans or numbers are stringified by the full decode.
                guard case .string = YAMLResolve.resolvePlain(key) else { return nil }
            default: break
            }
            // The mapping this entry belongs to.
            var role = Role.none
            if isItem {
                // A compact mapping inside the item starts at the key's column.
                stack.append(Level(indent: col, isSequence: false, role: .none))
            } else if opensPending {
                if pendingWasItem { return nil }  // `-` then a deeper mapping: fine in YAML, rare here
                role = parentRole
                stack.append(Level(indent: col, isSequence: false, role: role))
            } else if let last = stack.last {
                if last.isSequence { return nil }
                role = last.role
            } else {
                // The first line: the top-level mapping at column 0.
                guard col == 0, !seenTop else { return nil }
                seenTop = true
                role = .top
                stack.append(Level(indent: 0, isSequence: false, role: .top))
            }

            var v = keyEnd + 1
            while v < e && b[v] == 32 { v += 1 }
            let hasValue = v < e
            // What this key means for the head.
            var childRole = Role.none
            switch role {
            case .top where key == "apiVersion" || key == "kind":
                if top[key] != nil || !hasValue { return nil }
                guard case .some(let str?) = scalar(v, e, needString: true) else { return nil }
                top[key] = .string(str)
                continue
            case .top where key == "metadata":
                if top["metadata"] != nil || metadata != nil || metadataNull { return nil }
                top["metadata"] = .null  // placeholder: filled at the end
                childRole = .metadata
                if !hasValue { metadata = [:] }
            case .metadata where key == "name":
                if metadata?["name"] != nil || !hasValue { return nil }
                guard case .some(let str?) = scalar(v, e, needString: true) else { return nil }
                metadata?["name"] = .string(str)
                continue
            case .metadata where key == "annotations":
                if annotations != nil || annotationsNull { return nil }
                childRole = .annotations
                if !hasValue { annotations = [:] }
            case .annotations:
                if annotations?[key] != nil || !hasValue { return nil }
                guard case .some(let str?) = scalar(v, e, needString: true) else { return nil }
                annotations?[key] = .string(str)
                continue
            default:
                break
            }
            if hasValue {
                // Only `{}` is accepted for metadata/annotations written inline.
                if childRole == .metadata || childRole == .annotations {
                    guard e - v == 2, b[v] == UInt8(ascii: "{"), b[v + 1] == UInt8(ascii: "}") else { return nil }
                    if childRole == .metadata { metadata = [:] } else { annotations = [:] }
                    continue
                }
                guard case .some = scalar(v, e, needString: false) else { return nil }
            } else {
                pending = (col, false, childRole)
            }
        }
        if let p = pending {
            if p.role == .metadata { metadataNull = true }
            if p.role == .annotations { annotationsNull = true }
        }
        guard seenTop else { return nil }
        if metadataNull {
            // `metadata:` with nothing under it.
            if metadata?.isEmpty == false || annotations != nil { return nil }
            top["metadata"] = .null
        } else if var md = metadata {
            if annotationsNull {
                md["annotations"] = .null
            } else if let a = annotations {
                md["annotations"] = .map(a)
            }
            top["metadata"] = .map(md)
        }
        return .map(top)
    }
}
