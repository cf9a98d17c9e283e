/// k8s.io/apimachinery's `YAMLReader`, which Helm uses to split values files and rendered manifests
/// into documents: a line starting with `---` ends a document when only spaces or a comment follow;
/// anything else after `---` is an error; empty documents are dropped. Each document is then parsed
/// on its own, so YAML error line numbers count from the document's first line.
enum YAMLDocumentReader {
    /// The documents in order, and the separator error that stopped the reading, if any (documents
    /// before it are returned).
    static func split(_ text: String) -> (documents: [String], error: String?) {
        var docs: [String] = []
        var buffer = ""
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (i, line) in lines.enumerated() {
            let full = i == lines.count - 1 ? String(line) : String(line) + "\n"
            if full.isEmpty { continue }
            if line.hasPrefix("---") {
                var rest = line.dropFirst(3)
                while let c = rest.first, c == " " || c == "\t" || c == "\r" || c == "\u{0B}" || c == "\u{0C}" {
                    rest = rest.dropFirst()
                }
                while let c = rest.last, c == " " || c == "\t" || c == "\r" || c == "\u{0B}" || c == "\u{0C}" {
                    rest = rest.dropLast()
                }
                if !rest.isEmpty && !rest.hasPrefix("#") {
                    if !buffer.isEmpty { docs.append(buffer) }
                    return (docs, "invalid Yaml document separator: \(rest)")
                }
                if !buffer.isEmpty { docs.append(buffer) }
                buffer = ""
                continue
            }
            buffer += full
        }
        if !buffer.isEmpty { docs.append(buffer) }
        return (docs, nil)
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
