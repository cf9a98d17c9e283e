/// Standard base64 (RFC 4648 with padding), as Go's `base64.StdEncoding`.
public enum Base64 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)],
                    alphabet[Int(n & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest > 0 {
            var n = UInt32(bytes[i]) << 16
            if rest == 2 { n |= UInt32(bytes[i + 1]) << 8 }
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(rest == 2 ? alphabet[Int(n >> 6 & 63)] : UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes as Go's `base64.StdEncoding.DecodeString`; on failure returns Go's error text
    /// (`illegal base64 data at input byte N`, N counting raw input bytes, newlines included).
    public static func decode(_ text: String) -> Result<[UInt8], FunctionError> {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        let src = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(src.count / 4 * 3)
        var si = 0
        func corrupt(_ at: Int) -> Result<[UInt8], FunctionError> {
            .failure(FunctionError("illegal base64 data at input byte \(at)"))
        }
        let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n"), pad = UInt8(ascii: "=")
        // One 4-character quantum at a time, as Go's decodeQuantum.
        while si < src.count {
            var dbuf = [UInt8](repeating: 0, count: 4)
            var dlen = 4
            var trailingGarbage: Int? = nil
            var j = 0
            quantum: while j < 4 {
                if si == src.count {
                    if j == 0 { return .success(out) }
                    // Missing padding (StdEncoding requires it).
                    return corrupt(si - j)
                }
                let c = src[si]
                si += 1
                let v = table[Int(c)]
                if v != 0xFF {
                    dbuf[j] = v
                    j += 1
                    continue
                }
                if c == lf || c == cr { continue }
                if c != pad { return corrupt(si - 1) }
                // Padding: only after two or three data characters.
                switch j {
                case 0, 1:
                    return corrupt(si - 1)
                case 2:
                    while si < src.count && (src[si] == lf || src[si] == cr) { si += 1 }
                    if si == src.count { return corrupt(src.count) }
                    if src[si] != pad { return corrupt(si - 1) }
                    si += 1
                default:
                    break
                }
                while si < src.count && (src[si] == lf || src[si] == cr) { si += 1 }
                if si < src.count { trailingGarbage = si }
                dlen = j
                break quantum
            }
            let val = UInt32(dbuf[0]) << 18 | UInt32(dbuf[1]) << 12 | UInt32(dbuf[2]) << 6 | UInt32(dbuf[3])
            let bytes = [UInt8(truncatingIfNeeded: val >> 16), UInt8(truncatingIfNeeded: val >> 8),
                         UInt8(truncatingIfNeeded: val)]
            out += bytes[0..<(dlen - 1)]
            if let at = trailingGarbage { return corrupt(at) }
        }
        return .success(out)
    }
}
