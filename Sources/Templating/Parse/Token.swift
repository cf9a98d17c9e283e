import StructuredData
/// A lexical item of Go's template language.
struct Token: Sendable {
    enum Kind: Sendable, Equatable {
        case error, bool, char, charConstant, comment, complex, assign, declare, eof, field, identifier
        case leftDelim, leftParen, number, pipe, rawString, rightDelim, rightParen, space, string, text
        case variable
        // keywords
        case block, `break`, `continue`, dot, define, `else`, end, `if`, `nil`, range, template, with

        var isKeyword: Bool {
            switch self {
            case .block, .break, .continue, .dot, .define, .else, .end, .if, .nil, .range, .template, .with:
                true
            default: false
            }
        }
    }

    var kind: Kind
    /// Byte offset in the source.
    var pos: Int
    var value: String
    /// 1-based line where the item starts.
    var line: Int

    /// Go's `item.String()`, used in "unexpected X in Y" messages.
    var goDescription: String {
        switch kind {
        case .eof: return "EOF"
        case .error: return value
        case _ where kind.isKeyword: return "<\(value)>"
        default:
            if value.unicodeScalars.count > 10 {
                return goQuote(String(String.UnicodeScalarView(value.unicodeScalars.prefix(10)))) + "..."
            }
            return goQuote(value)
        }
    }
}

let keywords: [String: Token.Kind] = [
    ".": .dot, "block": .block, "break": .break, "continue": .continue, "define": .define, "else": .else,
    "end": .end, "if": .if, "range": .range, "nil": .nil, "template": .template, "with": .with,
]
