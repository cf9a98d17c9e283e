/// A byte-level validity check for values files written in plain block YAML, without libyaml and
/// without building any value.
///
/// `helm package` only needs to know that `values.yaml` loads (each document a map or empty); the
/// archive keeps the file's bytes. Decoding a large values file through libyaml and building its
/// tree costs more than the rest of packaging, so files in a strict subset of block YAML are checked
/// here in one pass: block mappings and sequences indented with spaces, plain keys of
/// `[A-Za-z0-9_./-]` (or quoted without escapes), plain scalars, quoted scalars without escapes,
/// one-line flow sequences of scalars, `{}`, literal/folded block scalars, comments. Anything else
/// (anchors, aliases, tags, merge keys, escapes, multi-line plain or quoted scalars, flow mappings,
/// document markers, tabs, CR, non-ASCII, keys that do not resolve to strings, NaN/±Inf…) answers
/// false and the caller decodes with ``YAML/decode(_:numbersAsFloat:)-(String,_)``.
///
/// Inside the subset, true means the full decode (numbers as float64) succeeds and yields a map or
/// null: `YAMLValuesScanTests` checks that against the decoder for every one-edit variant of a sample.
enum YAMLValuesScan {
    /// A block container open at an indentation.
    private struct Level: YAMLOpenBlock {
        var indent: Int
        var isSequence: Bool
    }

    /// What an inline value turned out to be.
    private enum Inline {
        case complete
        /// `|` or `>` header: the content lines follow.
        case blockScalar
    }

    private static let space: UInt8 = 32
    private static let hash = UInt8(ascii: "#")
    private static let colon = UInt8(ascii: ":")
    private static let dash = UInt8(ascii: "-")
    private static let doubleQuote = UInt8(ascii: "\"")
    private static let singleQuote = UInt8(ascii: "'")

    /// True only when `bytes` (BOM already removed) certainly decodes to a map or null.
    static func decodesToMap(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var scan = Scanner(b: bytes)
        return scan.run()
    }

    private struct Scanner {
        let b: UnsafeBufferPointer<UInt8>
        var stack: [Level] = []
        /// A `key:` or `-` with nothing after it: the next line may open its nested block.
        var pending: (indent: Int, isSequenceItem: Bool)? = nil
        var seenTop = false

        init(b: UnsafeBufferPointer<UInt8>) { self.b = b }

        // swiftlint:disable:next cyclomatic_complexity function_body_length
        mutating func run() -> Bool {
            let n = b.count
            var i = 0
            while i < n {
                // One line: [i, lineEnd).
                var lineEnd = i
                while lineEnd < n && b[lineEnd] != 10 { lineEnd += 1 }
                for k in i..<lineEnd where b[k] < 32 || b[k] >= 127 { return false }  // tabs, CR, controls, non-ASCII
                var indent = 0
                while i + indent < lineEnd && b[i + indent] == space { indent += 1 }
                var s = i + indent
                var e = lineEnd
                while e > s && b[e - 1] == space { e -= 1 }
                i = lineEnd + 1
                if s == e || b[s] == hash { continue }  // blank or comment-only line

                let lineIsDash = b[s] == dash && (s + 1 == e || b[s + 1] == space)
                var opensPending = false
                if let p = pending {
                    opensPending = YAMLBlockLines.opensPending(indent: indent, isDash: lineIsDash, pendingIndent: p.indent,
                                                               pendingIsItem: p.isSequenceItem)
                }
                guard YAMLBlockLines.place(&stack, lineAt: indent, isDash: lineIsDash, opensPending: opensPending,
                                             seenTop: seenTop) else { return false }
                let pendingWasItem = pending?.isSequenceItem ?? false
                pending = nil

                // The line's entries: `- ` items (possibly with a compact `key: value`), or `key: value`.
                var col = indent
                var isItem = false
                if lineIsDash {
                    isItem = true
                    if opensPending {
                        stack.append(Level(indent: indent, isSequence: true))
                    } else {
                        guard let last = stack.last, last.isSequence else { return false }
                    }
                    var k = s + 1
                    while k < e && b[k] == space { k += 1 }
                    if k == e || b[k] == hash {
                        pending = (indent, true)
                        continue
                    }
                    if b[k] == dash && (k + 1 == e || b[k + 1] == space) { return false }  // `- - x`
                    col = indent + (k - s)
                    s = k
                }

                guard let keyEnd = key(s, e) else {
                    // Not an entry: a scalar item, or (anywhere else) outside the subset.
                    guard isItem, let kind = inline(s, e) else { return false }
                    if kind == .blockScalar {
                        guard let next = skipBlockScalar(from: i, parent: indent) else { return false }
                        i = next
                    }
                    continue
                }
                // The mapping this entry belongs to.
                if isItem {
                    // A compact mapping inside the item starts at the key's column.
                    stack.append(Level(indent: col, isSequence: false))
                } else if opensPending {
                    if pendingWasItem { return false }  // `-` then a deeper mapping: valid, rare in values
                    stack.append(Level(indent: col, isSequence: false))
                } else if let last = stack.last {
                    if last.isSequence { return false }
                } else {
                    // The first line: the top-level mapping at column 0.
                    guard col == 0, !seenTop else { return false }
                    seenTop = true
                    stack.append(Level(indent: 0, isSequence: false))
                }

                var v = keyEnd + 1
                while v < e && b[v] == space { v += 1 }
                if v == e || b[v] == hash {
                    pending = (col, false)
                    continue
                }
                guard let kind = inline(v, e) else { return false }
                if kind == .blockScalar {
                    guard let next = skipBlockScalar(from: i, parent: col) else { return false }
                    i = next
                }
            }
            return true
        }

        /// The position of the `:` ending a key at `s` (followed by a space or the line's end), or
        /// nil when the line does not start with a key the subset accepts.
        func key(_ s: Int, _ e: Int) -> Int? {
            var end: Int
            if b[s] == doubleQuote || b[s] == singleQuote {
                guard let close = quoted(s, e) else { return nil }
                end = close + 1
            } else {
                end = s
                while end < e {
                    let c = b[end]
                    let ok = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c == 95
                        || (end > s && (c == 46 || c == 47 || c == 45))
                    if !ok { break }
                    end += 1
                }
                if end == s { return nil }
                switch b[s] {
                case UInt8(ascii: "y"), UInt8(ascii: "Y"), UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "t"),
                     UInt8(ascii: "T"), UInt8(ascii: "f"), UInt8(ascii: "F"), UInt8(ascii: "o"), UInt8(ascii: "O"),
                     UInt8(ascii: "0")...UInt8(ascii: "9"):
                    // Keys that resolve to booleans, numbers or null are stringified (or refused) by
                    // the full decode.
                    guard case .string = YAMLResolve.resolvePlain(text(s, end)) else { return nil }
                default: break
                }
            }
            guard end - s <= 1000, end < e, b[end] == colon, end + 1 == e || b[end + 1] == space else { return nil }
            return end
        }

        /// The closing quote of the quoted scalar opening at `s`, on this line and without escapes
        /// (`''` inside single quotes is allowed).
        func quoted(_ s: Int, _ e: Int) -> Int? {
            let q = b[s]
            var k = s + 1
            while k < e {
                if b[k] == UInt8(ascii: "\\") && q == doubleQuote { return nil }
                if b[k] == q {
                    if q == singleQuote && k + 1 < e && b[k + 1] == singleQuote {
                        k += 2
                        continue
                    }
                    return k
                }
                k += 1
            }
            return nil
        }

        /// Whether only spaces, or spaces then a comment, fill `[k, e)`.
        func onlyComment(_ k: Int, _ e: Int) -> Bool {
            var j = k
            while j < e && b[j] == space { j += 1 }
            return j == e || (j > k && b[j] == hash)
        }

        /// An inline value in `[s, e)` (the line's trailing spaces cut), or nil outside the subset.
        func inline(_ s: Int, _ e: Int) -> Inline? {
            let c = b[s]
            switch c {
            case doubleQuote, singleQuote:
                guard let close = quoted(s, e), onlyComment(close + 1, e) else { return nil }
                return .complete
            case UInt8(ascii: "["):
                guard let close = flowSequence(s, e), onlyComment(close + 1, e) else { return nil }
                return .complete
            case UInt8(ascii: "{"):
                var k = s + 1
                while k < e && b[k] == space { k += 1 }
                guard k < e, b[k] == UInt8(ascii: "}"), onlyComment(k + 1, e) else { return nil }
                return .complete
            case UInt8(ascii: "|"), UInt8(ascii: ">"):
                var k = s + 1
                if k < e && (b[k] == dash || b[k] == UInt8(ascii: "+")) { k += 1 }
                return onlyComment(k, e) ? .blockScalar : nil
            default:
                return plain(s, e, flow: false) != nil ? .complete : nil
            }
        }

        /// The end of the plain scalar starting at `s` (a comment or, in a flow sequence, `,`/`]`
        /// ends it; trailing spaces excluded), or nil when it is not a plain scalar of the subset or
        /// resolves to NaN/±Inf.
        func plain(_ s: Int, _ e: Int, flow: Bool) -> Int? {
            switch b[s] {
            case UInt8(ascii: "?"), colon, UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"),
                 UInt8(ascii: "}"), hash, UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: "|"),
                 UInt8(ascii: ">"), UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "`"), UInt8(ascii: "<"),
                 UInt8(ascii: "="), doubleQuote, singleQuote:
                return nil
            case dash:
                // `-` starts a plain scalar only when something other than a space follows.
                guard s + 1 < e, b[s + 1] != space else { return nil }
            default: break
            }
            var end = s
            while end < e {
                let c = b[end]
                if c == hash && b[end - 1] == space { break }
                if c == colon {
                    if flow || end + 1 == e || b[end + 1] == space { return nil }
                }
                if flow {
                    if c == UInt8(ascii: ",") || c == UInt8(ascii: "]") { break }
                    if c == UInt8(ascii: "[") || c == UInt8(ascii: "{") || c == UInt8(ascii: "}") || c == hash
                        || c == doubleQuote || c == singleQuote
                    {
                        return nil
                    }
                }
                end += 1
            }
            while end > s && b[end - 1] == space { end -= 1 }
            if end == s { return nil }
            switch b[s] {
            case UInt8(ascii: "."), UInt8(ascii: "+"), dash, UInt8(ascii: "0")...UInt8(ascii: "9"):
                // NaN/±Inf cannot become JSON (the decode refuses them); these starts may spell them.
                if case .float(let d) = YAMLResolve.resolvePlain(text(s, end)), !d.isFinite { return nil }
            default: break
            }
            return end
        }

        /// The closing `]` of a one-line flow sequence of scalars opening at `s`.
        func flowSequence(_ s: Int, _ e: Int) -> Int? {
            var k = s + 1
            while k < e && b[k] == space { k += 1 }
            if k < e && b[k] == UInt8(ascii: "]") { return k }
            while k < e {
                // One item, then `,` or `]`.
                if b[k] == doubleQuote || b[k] == singleQuote {
                    guard let close = quoted(k, e) else { return nil }
                    k = close + 1
                } else {
                    guard let end = plain(k, e, flow: true) else { return nil }
                    k = end
                }
                while k < e && b[k] == space { k += 1 }
                guard k < e else { return nil }
                if b[k] == UInt8(ascii: "]") { return k }
                guard b[k] == UInt8(ascii: ",") else { return nil }
                k += 1
                while k < e && b[k] == space { k += 1 }
                if k < e && b[k] == UInt8(ascii: "]") { return nil }  // a trailing comma
            }
            return nil
        }

        /// The start of the first line after the block scalar whose content starts at `start`, its
        /// parent block at indentation `parent`; nil when the content is outside the subset (tabs,
        /// non-ASCII, all-space lines before the first content line, a line less indented than the
        /// first one but still inside the block).
        func skipBlockScalar(from start: Int, parent: Int) -> Int? {
            let n = b.count
            var i = start
            var contentIndent: Int? = nil
            while i < n {
                var lineEnd = i
                while lineEnd < n && b[lineEnd] != 10 { lineEnd += 1 }
                var indent = 0
                while i + indent < lineEnd && b[i + indent] == space { indent += 1 }
                if i + indent == lineEnd {
                    // An empty or all-space line belongs to the block.
                    if contentIndent == nil && indent > 0 { return nil }
                    i = lineEnd + 1
                    continue
                }
                if indent <= parent { return i }
                if let c = contentIndent {
                    if indent < c { return nil }
                } else {
                    contentIndent = indent
                }
                for k in i..<lineEnd where b[k] < 32 || b[k] >= 127 { return nil }
                i = lineEnd + 1
            }
            return n
        }

        func text(_ s: Int, _ e: Int) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: b[s..<e]), as: UTF8.self)
        }
    }
}
