import ClusterAPI

/// Random identities the API server hands out.
enum UUID4 {
    /// A random (version 4) UUID in its canonical lowercase form.
    static func random() -> String {
        var g = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &g) }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let hex = bytes.map { b -> String in
            let s = String(b, radix: 16)
            return b < 16 ? "0" + s : s
        }
        return hex[0..<4].joined() + "-" + hex[4..<6].joined() + "-" + hex[6..<8].joined() + "-"
            + hex[8..<10].joined() + "-" + hex[10..<16].joined()
    }
}

/// `generateName` suffixes: five characters from Kubernetes' alphabet without vowels or look-alikes.
enum NameGenerator {
    static let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")

    static func generate(prefix: String) -> String {
        var g = SystemRandomNumberGenerator()
        // Names are at most 63 characters for most kinds; Kubernetes trims the prefix to 58.
        let base = prefix.count > 58 ? String(prefix.prefix(58)) : prefix
        return base + String((0..<5).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &g)] })
    }
}

/// RFC 3339 UTC timestamps with second precision (`2026-11-27T15:45:30Z`), as `metav1.Time` marshals;
/// the calendar arithmetic is ClusterAPI's (the Table printers use the same).
enum Timestamps {
    static func rfc3339(_ unixSeconds: Int64) -> String { TableTime.format(unixSeconds) }

    /// Unix seconds of a stored timestamp (nil when malformed).
    static func parse(_ s: String) -> Int64? { TableTime.parse(s) }
}
