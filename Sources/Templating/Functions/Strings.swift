import StructuredData
/// Sprig's string functions (strings.go and the `genericMap` entries). The subject is the last
/// argument ("pipeline friendly"); offsets are bytes as in Go.
extension FunctionRegistry {
    mutating func registerStrings() {
        register("hello", []) { _, _ in .string("Hello!") }

        register("abbrev", [.int, .string]) { a, _ in
            let width = try a.int(0), s = try a.string(1)
            if width < 4 { return .string(s) }
            return .string(GoUtils.abbreviate(s, offset: 0, maxWidth: width) ?? "")
        }
        register("abbrevboth", [.int, .int, .string]) { a, _ in
            let left = try a.int(0), right = try a.int(1), s = try a.string(2)
            if right < 4 || (left > 0 && right < 7) { return .string(s) }
            return .string(GoUtils.abbreviate(s, offset: left, maxWidth: right) ?? "")
        }
        register("trunc", [.int, .string]) { a, _ in
            let c = try a.int(0), s = try a.string(1)
            let b = Array(s.utf8)
            if c < 0 && b.count + c > 0 { return .string(GoStrings.fromBytes(b[(b.count + c)...])) }
            if c >= 0 && b.count > c { return .string(GoStrings.fromBytes(b[..<c])) }
            return .string(s)
        }
        register("substr", [.int, .int, .string]) { a, _ in
            let start = try a.int(0), end = try a.int(1), s = try a.string(2)
            let b = Array(s.utf8)
            // Sprig: start < 0 → s[:end]; end < 0 or past the end → s[start:]; else s[start:end].
            // Out-of-range bounds panic in Go; text/template reports the runtime error.
            if start < 0 {
                try GoPanic.checkSlice(nil, end, len: b.count)
                return .string(GoStrings.fromBytes(b[..<end]))
            }
            if end < 0 || end > b.count {
                try GoPanic.checkSlice(start, nil, len: b.count)
                return .string(GoStrings.fromBytes(b[start...]))
            }
            try GoPanic.checkSlice(start, end, len: b.count)
            return .string(GoStrings.fromBytes(b[start..<end]))
        }

        register("trim", [.string]) { a, _ in .string(GoStrings.trimSpace(try a.string(0))) }
        let trimAll: TemplateFunction.Body = { a, _ in .string(GoStrings.trim(try a.string(1), try a.string(0))) }
        register("trimAll", [.string, .string], trimAll)
        register("trimall", [.string, .string], trimAll)
        register("trimPrefix", [.string, .string]) { a, _ in
            .string(GoStrings.trimPrefix(try a.string(1), try a.string(0)))
        }
        register("trimSuffix", [.string, .string]) { a, _ in
            .string(GoStrings.trimSuffix(try a.string(1), try a.string(0)))
        }

        register("upper", [.string]) { a, _ in .string(GoStrings.mapRunes(try a.string(0), GoUnicode.toUpper)) }
        register("lower", [.string]) { a, _ in .string(GoStrings.mapRunes(try a.string(0), GoUnicode.toLower)) }
        register("title", [.string]) { a, _ in .string(GoStrings.title(try a.string(0))) }
        register("untitle", [.string]) { a, _ in .string(GoUtils.uncapitalize(try a.string(0))) }
        register("swapcase", [.string]) { a, _ in .string(GoUtils.swapCase(try a.string(0))) }
        register("nospace", [.string]) { a, _ in .string(GoUtils.deleteWhiteSpace(try a.string(0))) }
        register("initials", [.string]) { a, _ in .string(GoUtils.initials(try a.string(0))) }
        register("snakecase", [.string]) { a, _ in .string(XStrings.toLowerCase(try a.string(0), connector: "_")) }
        register("kebabcase", [.string]) { a, _ in .string(XStrings.toLowerCase(try a.string(0), connector: "-")) }
        register("camelcase", [.string]) { a, _ in .string(XStrings.toPascalCase(try a.string(0))) }
        register("shuffle", [.string]) { a, env in
            // xstrings.Shuffle: Fisher–Yates over runes.
            var runes = Array(try a.string(0).unicodeScalars)
            var i = runes.count - 1
            while i > 0 {
                let j = Int(env.random.next(below: UInt64(i + 1)))
                runes.swapAt(i, j)
                i -= 1
            }
            return .string(String(String.UnicodeScalarView(runes)))
        }

        register("repeat", [.int, .string]) { a, _ in .string(try GoStrings.repeated(try a.string(1), try a.int(0))) }
        register("wrap", [.int, .string]) { a, _ in
            .string(GoUtils.wrap(try a.string(1), try a.int(0), newline: "", wrapLongWords: false))
        }
        register("wrapWith", [.int, .string, .string]) { a, _ in
            .string(GoUtils.wrap(try a.string(2), try a.int(0), newline: try a.string(1), wrapLongWords: true))
        }

        register("contains", [.string, .string]) { a, _ in .bool(GoStrings.contains(try a.string(1), try a.string(0))) }
        register("hasPrefix", [.string, .string]) { a, _ in .bool(GoStrings.hasPrefix(try a.string(1), try a.string(0))) }
        register("hasSuffix", [.string, .string]) { a, _ in .bool(GoStrings.hasSuffix(try a.string(1), try a.string(0))) }

        register("quote", [], variadic: .any) { a, _ in
            // %q of each non-nil argument's strval.
            .string(a.filter { !$0.isGoNil }.map { goQuote($0.stringified) }.joined(separator: " "))
        }
        register("squote", [], variadic: .any) { a, _ in
            // '%v' — no escaping, and %v (not strval): bytes print as [104 105].
            .string(a.filter { !$0.isGoNil }.map { "'" + $0.goString + "'" }.joined(separator: " "))
        }
        register("cat", [], variadic: .any) { a, _ in
            .string(a.filter { !$0.isGoNil }.map(\.goString).joined(separator: " "))
        }

        register("indent", [.int, .string]) { a, _ in .string(try indent(try a.int(0), try a.string(1))) }
        register("nindent", [.int, .string]) { a, _ in .string("\n" + (try indent(try a.int(0), try a.string(1)))) }
        register("replace", [.string, .string, .string]) { a, _ in
            .string(GoStrings.replaceAll(try a.string(2), try a.string(0), try a.string(1)))
        }
        register("plural", [.string, .string, .int]) { a, _ in
            .string(try a.int(2) == 1 ? try a.string(0) : try a.string(1))
        }

        register("randAlphaNum", [.int]) { a, env in .string(try randomString(try a.int(0), from: alnum, env.random)) }
        register("randAlpha", [.int]) { a, env in .string(try randomString(try a.int(0), from: alpha, env.random)) }
        register("randNumeric", [.int]) { a, env in .string(try randomString(try a.int(0), from: digits, env.random)) }
        register("randAscii", [.int]) { a, env in .string(try randomString(try a.int(0), from: printable, env.random)) }

        registerStringLists()
    }
}

/// Sprig's `indent`: the pad before the first line and after every newline.
private func indent(_ spaces: Int, _ s: String) throws -> String {
    let pad = try GoStrings.repeated(" ", spaces)
    return pad + GoStrings.replaceAll(s, "\n", "\n" + pad)
}

private let digits = Array("0123456789".unicodeScalars)
private let alpha = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".unicodeScalars)
private let alnum = digits + alpha
private let printable = (32...126).map { Unicode.Scalar(UInt8($0)) }

/// goutils' `CryptoRandom*`: uniform choices from the class (its rejection sampling over `' '...'z'`
/// is uniform over the accepted characters); a negative count is an error Sprig swallows → "".
private func randomString(_ count: Int, from set: [Unicode.Scalar], _ random: RandomSource) throws -> String {
    if count <= 0 { return "" }
    if count > GoStrings.maxStringBytes {
        throw FunctionError("random string length \(count) exceeds the limit of \(GoStrings.maxStringBytes)"
            + " (helmctl refuses runaway templates)")
    }
    var out = String.UnicodeScalarView()
    for _ in 0..<count { out.append(set[Int(random.next(below: UInt64(set.count)))]) }
    return String(out)
}
