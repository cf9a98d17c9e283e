@testable import ChartEngine
import Testing

/// Go's `strings.TrimSpace` (`unicode.IsSpace`), as Helm trims chart and repository text.
struct TrimmingSpacesTests {
    @Test(arguments: [
        ("  a b  ", "a b"), ("\t\n\u{0B}\u{0C}\r x \r\n", "x"), ("line\r\n", "line"), ("", ""), (" \r\n\t ", ""),
        ("\u{00A0}x\u{3000}\u{2029}", "x"), ("\u{200B}x", "\u{200B}x"), ("é ", "é"), ("\r\n\r\nkeep\r\nme\r\n", "keep\r\nme"),
    ])
    func trims(input: String, expected: String) {
        #expect(input.trimmingSpaces() == expected)
    }
}
