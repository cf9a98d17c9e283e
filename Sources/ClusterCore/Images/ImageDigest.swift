import CLibCrypto
#if canImport(Glibc)
    import Glibc
#endif

/// A streaming SHA-256 for blob digests (`sha256:<64 hex>`), fed as bytes arrive from a registry or an
/// archive so a blob is never held in memory whole.
final class SHA256Stream {
    private let context: OpaquePointer

    init() throws(RuntimeError) {
        guard let c = EVP_MD_CTX_new() else { throw RuntimeError("cannot allocate a SHA-256 context") }
        context = c
        guard EVP_DigestInit_ex(c, EVP_sha256(), nil) == 1 else {
            EVP_MD_CTX_free(c)
            throw RuntimeError("cannot initialise SHA-256")
        }
    }

    deinit { EVP_MD_CTX_free(context) }

    func update(_ bytes: UnsafeRawBufferPointer) {
        if bytes.count > 0 { _ = EVP_DigestUpdate(context, bytes.baseAddress, bytes.count) }
    }

    func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

    /// The digest as `sha256:<hex>`; the stream cannot be fed afterwards.
    func finish() -> String {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        _ = EVP_DigestFinal_ex(context, &out, &length)
        return "sha256:" + ImageDigest.hex(out.prefix(Int(length)))
    }
}

/// Digest strings as the OCI image spec writes them.
enum ImageDigest {
    static func of(_ bytes: [UInt8]) -> String {
        guard let s = try? SHA256Stream() else { return "" }
        s.update(bytes)
        return s.finish()
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xf)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The hex part of a valid `sha256:` digest, or nil: only SHA-256 is accepted, and the check keeps
    /// digests from a registry or archive from naming paths outside the store.
    static func hexPart(_ digest: String) -> String? {
        guard digest.hasPrefix("sha256:") else { return nil }
        let hex = digest.dropFirst(7)
        guard hex.utf8.count == 64, hex.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else { return nil }
        return String(hex)
    }

    /// `hexPart` or a clear error naming where the digest came from.
    static func validated(_ digest: String, _ what: String) throws(RuntimeError) -> String {
        guard let hex = hexPart(digest) else { throw RuntimeError("\(what): unsupported or malformed digest \"\(digest)\" (want sha256:<64 hex digits>)") }
        return hex
    }
}
