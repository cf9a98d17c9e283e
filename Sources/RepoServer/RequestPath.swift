/// The request target reduced to a safe relative path inside the repository, or the reason it is refused.
///
/// The server only ever serves names from its own scan of the directory, so this check is a first
/// line of defence: anything that could name a file outside the directory — `..` (also
/// percent-encoded), `//`, encoded slashes or backslashes, NUL, dot-files — is refused before lookup.
enum RequestPath: Equatable {
    /// A clean path without the leading `/` ("" for the root).
    case clean(String)
    /// A malformed or hostile target (answered 400).
    case bad(String)
    /// A well-formed target naming a hidden file (answered 404, as if it did not exist).
    case hidden

    init(target: String) {
        var raw = Substring(target)
        if let q = raw.firstIndex(where: { $0 == "?" || $0 == "#" }) { raw = raw[..<q] }
        guard raw.hasPrefix("/") else {
            self = .bad("request target must be an absolute path")
            return
        }
        guard let decoded = RequestPath.percentDecode(raw.utf8) else {
            self = .bad("malformed percent-encoding or encoded separator")
            return
        }
        if decoded.contains(0) || decoded.contains(UInt8(ascii: "\\")) {
            self = .bad("NUL or backslash in path")
            return
        }
        let text = String(decoding: decoded.dropFirst(), as: UTF8.self)
        if text.isEmpty {
            self = .clean("")
            return
        }
        let segments = text.split(separator: "/", omittingEmptySubsequences: false)
        for s in segments {
            if s.isEmpty {
                self = .bad("empty path segment")
                return
            }
            if s == "." || s == ".." {
                self = .bad("dot segment in path")
                return
            }
        }
        if segments.contains(where: { $0.hasPrefix(".") }) {
            self = .hidden
            return
        }
        self = .clean(text)
    }

    /// Decodes `%XX` escapes; nil for a malformed escape or an encoded `/` (which would smuggle a
    /// separator past segment checks) or an invalid UTF-8 result.
    static func percentDecode(_ bytes: some Collection<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var it = bytes.makeIterator()
        while let b = it.next() {
            guard b == UInt8(ascii: "%") else {
                out.append(b)
                continue
            }
            guard let h = it.next().flatMap(hexValue), let l = it.next().flatMap(hexValue) else { return nil }
            let v = h << 4 | l
            if v == UInt8(ascii: "/") { return nil }
            out.append(v)
        }
        guard String(validating: out, as: UTF8.self) != nil else { return nil }
        return out
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
