/// k8s.io/apimachinery's `YAMLReader`, which Helm uses to split values files and rendered manifests
/// into documents: a line starting with `---` ends a document when only spaces or a comment follow;
/// anything else after `---` is an error; empty documents are dropped. Each document is then parsed
/// on its own, so YAML error line numbers count from the document's first line.
enum YAMLDocumentReader {
    /// The documents in order, and the separator error that stopped the reading, if any (documents
    /// before it are returned).
    static func split(_ text: String) -> (documents: [String], error: String?) {
        // Byte-wise over lines ending in "\n" (as the Go reader): a document is the text between
        // separator lines, so it is sliced out rather than rebuilt line by line.
        var docs: [String] = []
        var t = text
        return t.withUTF8 { b -> (documents: [String], error: String?) in
            let n = b.count
            var docStart = 0
            var lineStart = 0
            func flush(_ end: Int) {
                if end > docStart { docs.append(String(decoding: UnsafeBufferPointer(rebasing: b[docStart..<end]), as: UTF8.self)) }
            }
            while lineStart < n {
                var lineEnd = lineStart
                while lineEnd < n && b[lineEnd] != 0x0A { lineEnd += 1 }
                let next = lineEnd < n ? lineEnd + 1 : n
                if lineEnd - lineStart >= 3 && b[lineStart] == 0x2D && b[lineStart + 1] == 0x2D && b[lineStart + 2] == 0x2D {
                    // Trim " \t\r\v\f" around what follows the dashes.
                    func blank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0B || c == 0x0C }
                    var rs = lineStart + 3
                    var re = lineEnd
                    while rs < re && blank(b[rs]) { rs += 1 }
                    while re > rs && blank(b[re - 1]) { re -= 1 }
                    if re > rs && b[rs] != UInt8(ascii: "#") {
                        flush(lineStart)
                        let rest = String(decoding: UnsafeBufferPointer(rebasing: b[rs..<re]), as: UTF8.self)
                        return (docs, "invalid Yaml document separator: \(rest)")
                    }
                    flush(lineStart)
                    docStart = next
                }
                lineStart = next
            }
            flush(n)
            return (docs, nil)
        }
    }

    /// What go-yaml v2's `Unmarshal` reads of a stream: its first document only (an explicit empty
    /// first document included).
    static func firstDocument(_ text: String) -> String {
        var buffer = ""
        var separators = 0
        var hasContent = false
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (i, line) in lines.enumerated() {
            if line.hasPrefix("---") {
                if hasContent { break }
                separators += 1
                if separators == 2 { break }
                continue
            }
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if !trimmed.isEmpty && !trimmed.hasPrefix("#") && trimmed != "\r" { hasContent = true }
            buffer += i == lines.count - 1 ? String(line) : line + "\n"
        }
        return buffer
    }
}
