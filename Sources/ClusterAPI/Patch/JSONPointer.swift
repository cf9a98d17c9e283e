/// An RFC 6901 JSON pointer split into its decoded reference tokens.
struct JSONPointer: Sendable, Hashable {
    /// The pointer as written (used in error messages).
    let text: String
    /// Decoded tokens; empty for the whole document.
    let tokens: [String]

    /// Parses `""` (the whole document) or `/a/b~1c/0`; `~1` decodes to `/` and `~0` to `~`.
    init(_ text: String) throws(PointerSyntaxError) {
        self.text = text
        if text.isEmpty {
            tokens = []
            return
        }
        guard text.first == "/" else { throw PointerSyntaxError(reason: "must be empty or start with \"/\"") }
        var out: [String] = []
        for raw in text.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            out.append(try Self.unescape(raw))
        }
        tokens = out
    }

    private static func unescape(_ raw: Substring) throws(PointerSyntaxError) -> String {
        guard raw.contains("~") else { return String(raw) }
        var s = ""
        var it = raw.makeIterator()
        while let c = it.next() {
            guard c == "~" else {
                s.append(c)
                continue
            }
            switch it.next() {
            case "0": s.append("~")
            case "1": s.append("/")
            default: throw PointerSyntaxError(reason: "\"~\" must be followed by \"0\" or \"1\"")
            }
        }
        return s
    }

    /// True when `self` is a proper prefix of `other` (moving a value into its own child).
    func isProperPrefix(of other: JSONPointer) -> Bool {
        tokens.count < other.tokens.count && Array(other.tokens.prefix(tokens.count)) == tokens
    }
}

struct PointerSyntaxError: Error {
    let reason: String
}
