/// Byte-order key ranges shared by the backends: a prefix covers `[prefix, end(prefix))` where the end is
/// the prefix with its last byte incremented (etcd's `range_end` rule).
enum KeyRange {
    /// The exclusive upper bound of the keys starting with `prefix`; nil when there is none (empty
    /// prefix, or a prefix of only 0xFF bytes).
    static func end(ofPrefix prefix: [UInt8]) -> [UInt8]? {
        var bytes = prefix
        while let last = bytes.last {
            if last < 0xFF {
                bytes[bytes.count - 1] = last + 1
                return bytes
            }
            bytes.removeLast()
        }
        return nil
    }

    /// The smallest key strictly greater than `key` in byte order.
    static func successor(of key: [UInt8]) -> [UInt8] { key + [0] }

    /// Byte-wise `a < b` (Swift's `String <` compares by Unicode scalars, which for valid UTF-8 is the
    /// same order, but the stores promise byte order explicitly).
    static func less(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}
