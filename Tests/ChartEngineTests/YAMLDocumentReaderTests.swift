@testable import ChartEngine
import Testing

/// k8s' YAMLReader as Helm's LoadValues uses it: documents between `---` lines.
struct YAMLDocumentReaderTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var text: String
        var docs: [String]
        var error: String?
        var testDescription: String { text.debugDescription }
    }

    static let cases: [Case] = [
        Case(text: "a: 1\n", docs: ["a: 1\n"]),
        Case(text: "", docs: []),
        Case(text: "---", docs: []),
        Case(text: "a: 1\n---\nb: 2\n", docs: ["a: 1\n", "b: 2\n"]),
        Case(text: "---\na: 1\n--- # note\nb: 2", docs: ["a: 1\n", "b: 2"]),
        Case(text: "a: 1\n---  \t\n\n", docs: ["a: 1\n", "\n"]),
        Case(text: "a: 1\n---\n---\n", docs: ["a: 1\n"]),
        Case(text: "a: |\n  x\n  ---\nb: 2\n", docs: ["a: |\n  x\n  ---\nb: 2\n"]),
        Case(text: "a: 1\n---x\nb: 2\n", docs: ["a: 1\n"], error: "invalid Yaml document separator: x"),
        Case(text: "---  bad  \n", docs: [], error: "invalid Yaml document separator: bad"),
        // Lines end at "\n" as in Go, so a CRLF separator line separates.
        Case(text: "a: 1\r\n---\r\nb: 2\r\n", docs: ["a: 1\r\n", "b: 2\r\n"]),
        Case(text: "ü: é\n---\nß: 1", docs: ["ü: é\n", "ß: 1"]),
    ]

    @Test(arguments: cases)
    func split(_ c: Case) {
        let (docs, error) = YAMLDocumentReader.split(c.text)
        #expect(docs == c.docs)
        #expect(error == c.error)
    }
}
