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

    /// Decodes; on failure returns Go's error text (`illegal base64 data at input byte N`).
    public static func decode(_ text: String) -> Result<[UInt8], FunctionError> {
        var table = [Int8](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = Int8(i) }
        let input = Array(text.utf8).filter { $0 != 10 && $0 != 13 }
        var out = [UInt8]()
        var acc: UInt32 = 0
        var bits = 0
        var idx = 0
        while idx < input.count {
            let c = input[idx]
            if c == UInt8(ascii: "=") {
                // Padding must complete the final quantum exactly.
                let quantumPos = idx % 4
                if quantumPos < 2 { return .failure(FunctionError("illegal base64 data at input byte \(idx)")) }
                let needed = 4 - quantumPos
                var j = idx
                while j < input.count && input[j] == UInt8(ascii: "=") { j += 1 }
                if j - idx != needed || j != input.count {
                    return .failure(FunctionError("illegal base64 data at input byte \(min(j, input.count - 1) == j ? j : idx)"))
                }
                break
            }
            let v = table[Int(c)]
            if v < 0 { return .failure(FunctionError("illegal base64 data at input byte \(idx)")) }
            acc = acc << 6 | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
            }
            idx += 1
        }
        if idx == input.count && input.count % 4 != 0 {
            // Go reports an unfinished final quantum at the quantum's first byte (`CorruptInputError(si - j)`).
            return .failure(FunctionError("illegal base64 data at input byte \(input.count / 4 * 4)"))
        }
        return .success(out)
    }
}
