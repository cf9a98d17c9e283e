internal import CLibCrypto

/// Sprig v3.3.0's hashing, password and symmetric-crypto functions (`crypto.go`), plus `uuidv4`.
/// Every primitive comes from the system's OpenSSL libcrypto or libxcrypt (bcrypt).
extension FunctionRegistry {
    mutating func registerCrypto() {
        register("sha1sum", [.string]) { args, _ in .string(CryptoSupport.hex(CryptoSupport.digest(args[0], .sha1))) }
        register("sha256sum", [.string]) { args, _ in .string(CryptoSupport.hex(CryptoSupport.digest(args[0], .sha256))) }
        register("sha512sum", [.string]) { args, _ in .string(CryptoSupport.hex(CryptoSupport.digest(args[0], .sha512))) }
        register("adler32sum", [.string]) { args, _ in
            .string(String(CryptoSupport.adler32(Array(RegexSupport.str(args[0]).utf8))))
        }
        register("uuidv4", []) { _, env in .string(CryptoSupport.uuidv4(env.random)) }
        register("randBytes", [.int]) { args, env in
            let n = RegexSupport.int(args[0])
            guard n >= 0 else { throw FunctionError("runtime error: makeslice: len out of range") }
            guard n <= 1 << 26 else { throw FunctionError("randBytes: count too large") }
            var buf = [UInt8](repeating: 0, count: n)
            env.random.fill(&buf)
            return .string(Base64.encode(buf))
        }
        register("derivePassword", [.int, .string, .string, .string, .string]) { args, _ in
            .string(try MasterPassword.derive(
                counter: UInt32(truncatingIfNeeded: args[0].castInt64), type: RegexSupport.str(args[1]),
                password: RegexSupport.str(args[2]), user: RegexSupport.str(args[3]), site: RegexSupport.str(args[4])))
        }
        register("encryptAES", [.string, .string]) { args, env in
            .string(try CryptoSupport.encryptAES(RegexSupport.str(args[0]), RegexSupport.str(args[1]), env.random))
        }
        register("decryptAES", [.string, .string]) { args, _ in
            .string(try CryptoSupport.decryptAES(RegexSupport.str(args[0]), RegexSupport.str(args[1])))
        }
        register("bcrypt", [.string]) { args, env in .string(CryptoSupport.bcrypt(RegexSupport.str(args[0]), env.random)) }
        register("htpasswd", [.string, .string]) { args, env in
            let user = RegexSupport.str(args[0])
            if user.contains(":") { return .string("invalid username: \(user)") }
            return .string(user + ":" + CryptoSupport.bcrypt(RegexSupport.str(args[1]), env.random))
        }
        registerCertificates()
        markCryptoUsers([
            "sha1sum", "sha256sum", "sha512sum", "derivePassword", "encryptAES", "decryptAES", "genPrivateKey",
            "buildCustomCert", "genCA", "genCAWithKey", "genSelfSignedCert", "genSelfSignedCertWithKey",
            "genSignedCert", "genSignedCertWithKey",
        ])
    }
}

enum CryptoSupport {
    enum Digest { case sha1, sha256, sha512 }

    static func digest(_ v: TemplateValue, _ kind: Digest) -> [UInt8] {
        let data = v.goStringBytes ?? Array(RegexSupport.str(v).utf8)
        return data.withUnsafeBytes { d in
            switch kind {
            case .sha1: digestBytes(20) { helmctl_sha1(d.baseAddress, d.count, $0) }
            case .sha256: digestBytes(32) { helmctl_sha256(d.baseAddress, d.count, $0) }
            case .sha512: digestBytes(64) { helmctl_sha512(d.baseAddress, d.count, $0) }
            }
        }
    }

    private static func digestBytes(_ size: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Void) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: size) { buf, count in
            body(buf.baseAddress!)
            count = size
        }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        // Built as bytes: appending Characters one by one costs far more (sha256sum is common).
        let digits: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: bytes.count * 2) { buf in
            digits.withUTF8Buffer { d in
                for (i, b) in bytes.enumerated() {
                    buf[2 * i] = d[Int(b >> 4)]
                    buf[2 * i + 1] = d[Int(b & 15)]
                }
            }
            return bytes.count * 2
        }
    }

    /// Adler-32 (RFC 1950), as Go's `hash/adler32`.
    static func adler32(_ data: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for chunkStart in stride(from: 0, to: data.count, by: 5552) {
            for x in data[chunkStart..<min(data.count, chunkStart + 5552)] {
                a += UInt32(x)
                b += a
            }
            a %= 65_521
            b %= 65_521
        }
        return b << 16 | a
    }

    /// google/uuid `New()`: 16 random bytes with version 4 and the RFC 4122 variant.
    static func uuidv4(_ random: RandomSource) -> String {
        var b = [UInt8](repeating: 0, count: 16)
        random.fill(&b)
        b[6] = b[6] & 0x0F | 0x40
        b[8] = b[8] & 0x3F | 0x80
        let h = hex(b)
        let c = Array(h)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20]) + "-"
            + String(c[20..<32])
    }

    /// Runs AES-256-CBC without padding over whole blocks.
    private static func aesCBC(key: [UInt8], iv: [UInt8], _ input: [UInt8], encrypt: Bool) throws -> [UInt8] {
        guard let ctx = EVP_CIPHER_CTX_new() else { throw FunctionError("crypto: cannot allocate cipher context") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        guard EVP_CipherInit_ex(ctx, EVP_aes_256_cbc(), nil, key, iv, encrypt ? 1 : 0) == 1 else {
            throw FunctionError("crypto: cannot initialise AES")
        }
        EVP_CIPHER_CTX_set_padding(ctx, 0)
        var out = [UInt8](repeating: 0, count: input.count + 32)
        var len: Int32 = 0
        var total: Int32 = 0
        guard EVP_CipherUpdate(ctx, &out, &len, input, Int32(input.count)) == 1 else { throw FunctionError("crypto: AES failed") }
        total = len
        let ok = out.withUnsafeMutableBufferPointer { p in EVP_CipherFinal_ex(ctx, p.baseAddress! + Int(total), &len) }
        guard ok == 1 else { throw FunctionError("crypto: AES failed") }
        total += len
        return Array(out.prefix(Int(total)))
    }

    /// Sprig's key: the password's bytes in a zeroed 32-byte buffer (longer passwords are cut).
    private static func aesKey(_ password: String) -> [UInt8] {
        var key = [UInt8](repeating: 0, count: 32)
        for (i, b) in password.utf8.prefix(32).enumerated() { key[i] = b }
        return key
    }

    /// Sprig's `encryptAES`: PKCS#7-style padding, random IV prepended, base64.
    static func encryptAES(_ password: String, _ plaintext: String, _ random: RandomSource) throws -> String {
        if plaintext.isEmpty { return "" }
        var content = Array(plaintext.utf8)
        let pad = 16 - content.count % 16
        content += [UInt8](repeating: UInt8(pad), count: pad)
        var iv = [UInt8](repeating: 0, count: 16)
        random.fill(&iv)
        return Base64.encode(iv + (try aesCBC(key: aesKey(password), iv: iv, content, encrypt: true)))
    }

    /// Sprig's `decryptAES`, including the Go runtime panics it hits on malformed input (text/template
    /// reports them as the call's error).
    static func decryptAES(_ password: String, _ crypt64: String) throws -> String {
        if crypt64.isEmpty { return "" }
        let crypt: [UInt8]
        switch Base64.decode(crypt64) {
        case .success(let b): crypt = b
        case .failure(let e): throw e
        }
        guard crypt.count >= 16 else {
            // Go's DecodeString buffer has DecodedLen(len) capacity.
            throw FunctionError("runtime error: slice bounds out of range [:16] with capacity \(crypt64.utf8.count / 4 * 3)")
        }
        let body = Array(crypt[16...])
        guard body.count % 16 == 0 else { throw FunctionError("crypto/cipher: input not full blocks") }
        guard !body.isEmpty else { throw FunctionError("runtime error: index out of range [-1]") }
        let plain = try aesCBC(key: aesKey(password), iv: Array(crypt[..<16]), body, encrypt: false)
        let end = plain.count - Int(plain[plain.count - 1])
        guard end >= 0 else { throw FunctionError("runtime error: slice bounds out of range [:\(end)]") }
        return String(decoding: plain[..<end], as: UTF8.self)
    }

    /// x/crypto/bcrypt `GenerateFromPassword(…, 10)`: a `$2a$10$` hash (via libxcrypt). Sprig returns
    /// the failure text instead of an error.
    static func bcrypt(_ password: String, _ random: RandomSource) -> String {
        if password.utf8.count > 72 {
            return "failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes"
        }
        var salt = [UInt8](repeating: 0, count: 16)
        random.fill(&salt)
        var setting = [CChar](repeating: 0, count: 64)
        let made = salt.withUnsafeBufferPointer { s in
            crypt_gensalt_rn("$2a$", 10, UnsafeRawPointer(s.baseAddress).map { $0.assumingMemoryBound(to: CChar.self) },
                             Int32(s.count), &setting, Int32(setting.count))
        }
        guard made != nil else { return "failed to encrypt string with bcrypt: cannot make salt" }
        let data = UnsafeMutablePointer<crypt_data>.allocate(capacity: 1)
        defer { data.deallocate() }
        memset(data, 0, MemoryLayout<crypt_data>.size)
        guard let out = crypt_r(password, setting, data) else {
            return "failed to encrypt string with bcrypt: crypt failed"
        }
        let hash = String(cString: out)
        return hash.hasPrefix("$2a$10$") ? hash : "failed to encrypt string with bcrypt: crypt failed"
    }
}

/// Sprig's `derivePassword`: the Master Password algorithm (scrypt N=32768 r=8 p=2, HMAC-SHA256 seed,
/// character templates).
enum MasterPassword {
    static let seed = "com.lyndir.masterpassword"

    static let templates: [String: [String]] = [
        "maximum": ["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
        "long": ["CvcvnoCvcvCvcv", "CvcvCvcvnoCvcv", "CvcvCvcvCvcvno", "CvccnoCvcvCvcv", "CvccCvcvnoCvcv",
                 "CvccCvcvCvcvno", "CvcvnoCvccCvcv", "CvcvCvccnoCvcv", "CvcvCvccCvcvno", "CvcvnoCvcvCvcc",
                 "CvcvCvcvnoCvcc", "CvcvCvcvCvccno", "CvccnoCvccCvcv", "CvccCvccnoCvcv", "CvccCvccCvcvno",
                 "CvcvnoCvccCvcc", "CvcvCvccnoCvcc", "CvcvCvccCvccno", "CvccnoCvcvCvcc", "CvccCvcvnoCvcc",
                 "CvccCvcvCvccno"],
        "medium": ["CvcnoCvc", "CvcCvcno"],
        "short": ["Cvcn"],
        "basic": ["aaanaaan", "aannaaan", "aaannaaa"],
        "pin": ["nnnn"],
    ]

    static let characters: [Character: String] = [
        "V": "AEIOU", "C": "BCDFGHJKLMNPQRSTVWXYZ", "v": "aeiou", "c": "bcdfghjklmnpqrstvwxyz",
        "A": "AEIOUBCDFGHJKLMNPQRSTVWXYZ", "a": "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
        "n": "0123456789", "o": "@&%?,=[]_:-+*$#!'^~;()/.",
        "x": "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
    ]

    private static func be32(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
    }

    static func derive(counter: UInt32, type: String, password: String, user: String, site: String) throws -> String {
        guard let choices = templates[type] else { return "cannot find password template \(type)" }
        let salt = Array(seed.utf8) + be32(UInt32(truncatingIfNeeded: user.utf8.count)) + Array(user.utf8)
        var key = [UInt8](repeating: 0, count: 64)
        let pw = Array(password.utf8)
        let ok = EVP_PBE_scrypt(password, pw.count, salt, salt.count, 32768, 8, 2, 256 << 20, &key, key.count)
        guard ok == 1 else { return "failed to derive password: scrypt failed" }
        let message = Array(seed.utf8) + be32(UInt32(truncatingIfNeeded: site.utf8.count)) + Array(site.utf8) + be32(counter)
        var mac = [UInt8](repeating: 0, count: 32)
        var macLen: UInt32 = 0
        guard HMAC(EVP_sha256(), key, Int32(key.count), message, message.count, &mac, &macLen) != nil else {
            return "failed to derive password: hmac failed"
        }
        let template = Array(choices[Int(mac[0]) % choices.count])
        var out = ""
        for (i, element) in template.enumerated() {
            let chars = Array(characters[element] ?? "")
            out.append(chars[Int(mac[i + 1]) % chars.count])
        }
        return out
    }
}
