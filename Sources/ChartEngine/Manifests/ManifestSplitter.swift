/// Splits a rendered file into YAML documents as Helm's `releaseutil.SplitManifests`, whose separator
/// is the regexp `(?:^|\s*\n)---\s*`.
///
/// Checked against Helm v4.2.3's recorded manifests: any `---` right after a newline separates (even
/// `---foo`), the separator eats the white space around it, empty pieces are dropped, leading white
/// space of each document is trimmed, and the last document of a file keeps its trailing newlines
/// (which then show as a blank line before the next `---` in the manifest stream).
public enum ManifestSplitter {
    /// The documents of `text`, in order.
    public static func split(_ text: String) -> [String] {
        let b = Array(text.utf8)
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
        var out: [String] = []
        for d in docs where !d.isEmpty {
            let trimmed = d.drop(while: { $0.unicodeScalars.allSatisfy { $0.properties.isWhitespace } })
            if trimmed.isEmpty { continue }
            out.append(String(trimmed))
        }
        return out
    }
}
