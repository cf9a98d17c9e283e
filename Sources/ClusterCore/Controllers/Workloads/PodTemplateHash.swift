import StructuredData

/// The `pod-template-hash` of a Deployment's ReplicaSets: a 32-bit FNV-1a over the pod template
/// (canonical JSON here, where Kubernetes hashes its Go struct dump) followed by the collision count
/// as 8 little-endian bytes, printed in decimal and each digit mapped into Kubernetes'
/// `rand.SafeEncodeString` alphabet, so names look like theirs (`web-7d4b9c8f5`).
enum PodTemplateHash {
    static let label = "pod-template-hash"
    private static let alphabet = Array("bcdfghjklmnpqrstvwxz2456789".utf8)

    static func compute(template: Value?, collisionCount: Int64?) -> String {
        var h: UInt32 = 2_166_136_261
        func feed(_ bytes: some Sequence<UInt8>) {
            for b in bytes {
                h ^= UInt32(b)
                h = h &* 16_777_619
            }
        }
        feed(JSON.encode(template ?? .null, escapeHTML: false).utf8)
        if let collisionCount {
            let c = UInt32(truncatingIfNeeded: collisionCount)
            feed([UInt8(c & 0xff), UInt8((c >> 8) & 0xff), UInt8((c >> 16) & 0xff), UInt8(c >> 24), 0, 0, 0, 0])
        }
        return encode(String(h))
    }

    /// `rand.SafeEncodeString`: each character becomes `alphabet[code % 27]`.
    static func encode(_ s: String) -> String {
        String(decoding: s.utf8.map { alphabet[Int($0) % alphabet.count] }, as: UTF8.self)
    }

    /// The template without the hash label (`EqualIgnoreHash` compares these).
    static func withoutHash(_ template: Value?) -> Value? {
        guard var t = template else { return nil }
        guard case .map(var labels)? = t["metadata"]?["labels"] else { return t }
        labels.removeValue(forKey: label)
        t.set(path: ["metadata", "labels"], to: labels.isEmpty ? Value?.none : .map(labels))
        if case .map(let m)? = t["metadata"], m.isEmpty { t.setField("metadata", nil) }
        return t
    }

    static func equalIgnoringHash(_ a: Value?, _ b: Value?) -> Bool {
        normalized(withoutHash(a)) == normalized(withoutHash(b))
    }

    /// Treats an absent `metadata` and an empty one alike.
    private static func normalized(_ t: Value?) -> Value? {
        guard var t else { return nil }
        if case .map(let m)? = t["metadata"], m.isEmpty { t.setField("metadata", nil) }
        return t
    }
}
