/// Base64 (RFC 4648) for the cluster and release code: Kubernetes' `[]byte` fields, Secret `data`,
/// etcd's gateway, kubeconfig `*-data`, Helm's release records, opaque list tokens. (Templating's
/// `Base64` keeps Go's exact `b64dec` error texts for templates.)
public enum Base64Codec {
    private static let standard = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let url = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Standard alphabet with `=` padding; `urlSafe` = the URL alphabet without padding.
    public static func encode<C: Collection>(_ bytes: C, urlSafe: Bool = false) -> String where C.Element == UInt8 {
        let alphabet = urlSafe ? url : standard
        let b = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity((b.count + 2) / 3 * 4)
        var i = 0
        while i < b.count {
            let n = UInt32(b[i]) << 16 | (i + 1 < b.count ? UInt32(b[i + 1]) << 8 : 0) | (i + 2 < b.count ? UInt32(b[i + 2]) : 0)
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            if i + 1 < b.count { out.append(alphabet[Int(n >> 6 & 63)]) } else if !urlSafe { out.append(UInt8(ascii: "=")) }
            if i + 2 < b.count { out.append(alphabet[Int(n & 63)]) } else if !urlSafe { out.append(UInt8(ascii: "=")) }
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes base64. `strict`: only padded standard base64 (length a multiple of 4, `=` only at
    /// the end), as Go's `StdEncoding`; otherwise either alphabet, padding optional, whitespace
    /// ignored. nil on anything else.
    public static func decode(_ text: String, strict: Bool = false) -> [UInt8]? {
        let chars = Array(text.utf8)
        if strict {
            guard chars.count % 4 == 0 else { return nil }
            if let firstPad = chars.firstIndex(of: UInt8(ascii: "=")) {
                guard firstPad >= chars.count - 2, chars[firstPad...].allSatisfy({ $0 == UInt8(ascii: "=") }) else { return nil }
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 4 * 3)
        var acc: UInt32 = 0
        var bits = 0
        for c in chars {
            let v: UInt32
            switch c {
            case 65...90: v = UInt32(c - 65)
            case 97...122: v = UInt32(c - 97 + 26)
            case 48...57: v = UInt32(c - 48 + 52)
            case 43: v = 62
            case 47: v = 63
            case 45 where !strict: v = 62
            case 95 where !strict: v = 63
            case 61: continue
            case 9, 10, 13, 32:
                if strict { return nil }
                continue
            default: return nil
            }
            acc = (acc << 6 | v) & 0xFFFFFF
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(acc >> UInt32(bits) & 0xFF))
            }
        }
        return out
    }
}
