/// The `Masterminds/goutils` v1.1.1 helpers Sprig wraps (`abbrev`, `nospace`, `initials`,
/// `swapcase`, `untitle`, `wrap`). Several work on bytes, not runes — reproduced on purpose.
enum GoUtils {
    typealias Scalar = Unicode.Scalar

    /// `AbbreviateFull(str, offset, maxWidth)` (byte offsets); nil where goutils returns an error.
    static func abbreviate(_ str: String, offset: Int, maxWidth: Int) -> String? {
        if str.isEmpty { return "" }
        if maxWidth < 4 { return nil }
        let b = Array(str.utf8)
        if b.count <= maxWidth { return str }
        var offset = offset
        if offset > b.count { offset = b.count }
        if b.count - offset < maxWidth - 3 { offset = b.count - (maxWidth - 3) }
        if offset <= 4 { return GoStrings.fromBytes(b[0..<(maxWidth - 3)]) + "..." }
        if maxWidth < 7 { return nil }
        if offset + maxWidth - 3 < b.count {
            let rest = GoStrings.fromBytes(b[offset...])
            return "..." + (abbreviate(rest, offset: 0, maxWidth: maxWidth - 3) ?? "")
        }
        return "..." + GoStrings.fromBytes(b[(b.count - (maxWidth - 3))...])
    }

    /// `DeleteWhiteSpace`: walks *bytes*, treating each as a Latin-1 rune, so when any whitespace is
    /// removed, non-ASCII text is re-encoded byte by byte (`"é x"` → `"Ã©x"`), exactly as Go does.
    static func deleteWhiteSpace(_ str: String) -> String {
        let bytes = Array(str.utf8)
        var out = String.UnicodeScalarView()
        var kept = 0
        for b in bytes {
            let r = Scalar(b)
            if !GoUnicode.isSpace(r) {
                out.append(r)
                kept += 1
            }
        }
        return kept == bytes.count ? str : String(out)
    }

    /// `Initials` with default (whitespace) delimiters; byte-wise like ``deleteWhiteSpace(_:)``.
    static func initials(_ str: String) -> String {
        var out = String.UnicodeScalarView()
        var lastWasGap = true
        for b in str.utf8 {
            let r = Scalar(b)
            if GoUnicode.isSpace(r) {
                lastWasGap = true
            } else if lastWasGap {
                out.append(r)
                lastWasGap = false
            }
        }
        return String(out)
    }

    /// `SwapCase`: upper/title → lower; lower → title after whitespace (or at the start), else upper.
    static func swapCase(_ str: String) -> String {
        var whitespace = true
        return GoStrings.mapRunes(str) { r in
            if GoUnicode.isUpper(r) || GoUnicode.isTitle(r) {
                whitespace = false
                return GoUnicode.toLower(r)
            }
            if GoUnicode.isLower(r) {
                if whitespace {
                    whitespace = false
                    return GoUnicode.toTitle(r)
                }
                return GoUnicode.toUpper(r)
            }
            whitespace = GoUnicode.isSpace(r)
            return r
        }
    }

    /// `Uncapitalize`: lower-cases the first rune of each whitespace-separated word.
    static func uncapitalize(_ str: String) -> String {
        var next = true
        return GoStrings.mapRunes(str) { r in
            if GoUnicode.isSpace(r) {
                next = true
                return r
            }
            if next {
                next = false
                return GoUnicode.toLower(r)
            }
            return r
        }
    }

    /// `WrapCustom(str, wrapLength, newLineStr, wrapLongWords)`: byte-based word wrapping at spaces.
    static func wrap(_ str: String, _ length: Int, newline: String, wrapLongWords: Bool) -> String {
        if str.isEmpty { return "" }
        let nl = Array((newline.isEmpty ? "\n" : newline).utf8)
        let width = max(length, 1)
        let b = Array(str.utf8)
        var out: [UInt8] = []
        var offset = 0
        let space = UInt8(ascii: " ")
        while b.count - offset > width {
            if b[offset] == space {
                offset += 1
                continue
            }
            // Last space within the next width+1 bytes.
            var wrapAt: Int? = nil
            var i = width + offset
            while i >= offset {
                if b[i] == space { wrapAt = i; break }
                i -= 1
            }
            if let at = wrapAt {
                out += b[offset..<at]
                out += nl
                offset = at + 1
            } else if wrapLongWords {
                out += b[offset..<(offset + width)]
                out += nl
                offset += width
            } else {
                let end = width + offset
                if let at = b[end...].firstIndex(of: space) {
                    out += b[offset..<at]
                    out += nl
                    offset = at + 1
                } else {
                    out += b[offset...]
                    offset = b.count
                }
            }
        }
        out += b[offset...]
        return GoStrings.fromBytes(out)
    }
}
