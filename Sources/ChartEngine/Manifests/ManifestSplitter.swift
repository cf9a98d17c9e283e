/// Splits a rendered file into YAML documents as Helm's `releaseutil.SplitManifests`, whose separator
/// is the regexp `(?:^|\s*\n)---\s*`.
///
/// Any `---` right after a newline separates (even `---foo`) and empty pieces are dropped. The
/// separator eats the white space around it and leading white space is dropped, but the *last*
/// document of a file keeps its trailing newlines — Helm v4.2.3 prints them, which is why
/// `helm template` shows a blank line before the next `---` (verified against Helm's output).
public enum ManifestSplitter {
    /// The documents of `text`, in order.
    public static func split(_ text: String) -> [String] {
        var b = Array(text.utf8)[...]
        while let f = b.first, f == 0x20 || f == 0x09 || f == 0x0A || f == 0x0C || f == 0x0D { b = b.dropFirst() }
        let bytes = Array(b)
        return splitTrimmed(bytes)
    }

    static func splitTrimmed(_ b: [UInt8]) -> [String] {
        var docs: [String] = []
        var docStart = 0
        var i = 0
        // RE2's \s: [\t\n\f\r ].
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0C || c == 0x0D }
        func dashes(at p: Int) -> Bool {
            p + 3 <= b.count && b[p] == 0x2D && b[p + 1] == 0x2D && b[p + 2] == 0x2D
        }
        func skipSpace(from p: Int) -> Int {
            var q = p
            while q < b.count && isSpace(b[q]) { q += 1 }
            return q
        }
        // `^---` only at the very start of the text.
        if dashes(at: 0) {
            docs.append("")
            i = skipSpace(from: 3)
            docStart = i
        }
        while i < b.count {
            guard isSpace(b[i]) else { i += 1; continue }
            // A maximal whitespace run; it separates when it ends in '\n' followed by "---".
            let runStart = i
            let runEnd = skipSpace(from: i)
            if runEnd > runStart && b[runEnd - 1] == 0x0A && dashes(at: runEnd) {
                docs.append(String(decoding: b[docStart..<runStart], as: UTF8.self))
                i = skipSpace(from: runEnd + 3)
                docStart = i
            } else {
                i = runEnd
            }
        }
        docs.append(String(decoding: b[docStart..<b.count], as: UTF8.self))
        return docs.filter { !$0.isEmpty && !$0.utf8.allSatisfy(isSpace) }
    }
}
