/// Sprig's `b64enc`/`b64dec`/`b32enc`/`b32dec` (standard alphabets, padded). Decoding never fails
/// the render: Sprig returns Go's error text as the result (`illegal base64 data at input byte 0`).
extension FunctionRegistry {
    mutating func registerEncoding() {
        register("b64enc", [.string]) { a, _ in .string(Base64.encode(try a[0].goStringBytes ?? Array(a.string(0).utf8))) }
        register("b64dec", [.string]) { a, _ in
            switch Base64.decode(try a.string(0)) {
            case .success(let bytes): return GoBinaryString.value(bytes)
            case .failure(let e): return .string(e.message)
            }
        }
        register("b32enc", [.string]) { a, _ in .string(Base32.encode(Array(try a.string(0).utf8))) }
        register("b32dec", [.string]) { a, _ in
            switch Base32.decode(try a.string(0)) {
            case .success(let bytes): return .string(GoStrings.fromBytes(bytes))
            case .failure(let e): return .string(e.message)
            }
        }
    }
}

/// Standard base32 (RFC 4648, padded), as Go's `base32.StdEncoding`.
enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let chunk = Array(bytes[i..<min(i + 5, bytes.count)])
            var block = [UInt8](repeating: 0, count: 5)
            for (k, b) in chunk.enumerated() { block[k] = b }
            var bits: UInt64 = 0
            for b in block { bits = bits << 8 | UInt64(b) }
            // Characters carrying data for 1…5 input bytes; the rest is padding.
            let used = [0, 2, 4, 5, 7, 8][chunk.count]
            for k in 0..<8 {
                out.append(k < used ? alphabet[Int(bits >> UInt64(35 - 5 * k) & 31)] : UInt8(ascii: "="))
            }
            i += 5
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Go's `DecodeString`: newlines are stripped first, so error offsets count the remaining bytes.
    static func decode(_ text: String) -> Result<[UInt8], FunctionError> {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        let src = Array(text.utf8).filter { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") }
        let olen = src.count
        let pad = UInt8(ascii: "=")
        func corrupt(_ at: Int) -> Result<[UInt8], FunctionError> {
            .failure(FunctionError("illegal base32 data at input byte \(at)"))
        }
        var out: [UInt8] = []
        var p = 0  // next unread byte; Go's len(src) == olen - p
        var end = false
        while p < olen && !end {
            var dbuf = [UInt8](repeating: 0, count: 8)
            var dlen = 8
            var j = 0
            while j < 8 {
                if p == olen { return corrupt(olen - (olen - p) - j) }  // missing padding
                let c = src[p]
                p += 1
                let remaining = olen - p
                if c == pad && j >= 2 && remaining < 8 {
                    // Padding must run to the end of the 8-character block.
                    if remaining + j < 8 - 1 { return corrupt(olen) }
                    for k in 0..<(8 - 1 - j) where remaining > k && src[p + k] != pad {
                        return corrupt(olen - remaining + k - 1)
                    }
                    dlen = j
                    end = true
                    // 1, 3 and 6 data characters cannot encode whole bytes.
                    if dlen == 1 || dlen == 3 || dlen == 6 { return corrupt(olen - remaining - 1) }
                    break
                }
                dbuf[j] = table[Int(c)]
                if dbuf[j] == 0xFF { return corrupt(olen - remaining - 1) }
                j += 1
            }
            let b = dbuf.map(UInt64.init)
            let bits = b.reduce(UInt64(0)) { $0 << 5 | $1 }
            let produced = [8: 5, 7: 4, 5: 3, 4: 2, 2: 1][dlen] ?? 0
            for k in 0..<produced { out.append(UInt8(truncatingIfNeeded: bits >> UInt64(32 - 8 * k))) }
        }
        return .success(out)
    }
}
