internal import CLibCrypto
import StructuredData
#if canImport(Glibc)
    import Glibc
#endif

/// Sprig v3.3.0's key and certificate generators (`crypto.go`): `genPrivateKey`, `genCA*`,
/// `genSelfSignedCert*`, `genSignedCert*`, `buildCustomCert`, on OpenSSL. Certificates follow Go's
/// `x509.CreateCertificate` template as Sprig fills it (random 128-bit serial, CN-only subject, key
/// usages, server+client auth, basic constraints, SAN, SKI/AKI for CAs).
extension FunctionRegistry {
    mutating func registerCertificates() {
        register("genPrivateKey", [.string]) { args, _ in
            let type = RegexSupport.str(args[0])
            guard ["", "rsa", "dsa", "ecdsa", "ed25519"].contains(type) else { return .string("Unknown type \(type)") }
            do {
                let key = try PrivateKey.generate(type.isEmpty ? "rsa" : type, rsaBits: 4096)
                return .string(try key.pem())
            } catch {
                return .string("failed to generate private key: \(error)")
            }
        }
        register("buildCustomCert", [.string, .string]) { args, _ in
            .object(try SprigCertificate.build(RegexSupport.str(args[0]), RegexSupport.str(args[1])))
        }
        register("genCA", [.string, .int]) { args, env in
            let key = try PrivateKey.generateForCert()
            return .object(try CertificateBuilder.make(cn: args[0], ips: .null, dns: .null, days: args[1], key: key,
                                                       isCA: true, signer: nil, env: env))
        }
        register("genCAWithKey", [.string, .int, .string]) { args, env in
            let key = try PrivateKey.parse(RegexSupport.str(args[2]), context: "parsing private key")
            return .object(try CertificateBuilder.make(cn: args[0], ips: .null, dns: .null, days: args[1], key: key,
                                                       isCA: true, signer: nil, env: env))
        }
        register("genSelfSignedCert", [.string, .list, .list, .int]) { args, env in
            let key = try PrivateKey.generateForCert()
            return .object(try CertificateBuilder.make(cn: args[0], ips: args[1], dns: args[2], days: args[3], key: key,
                                                       isCA: false, signer: nil, env: env))
        }
        register("genSelfSignedCertWithKey", [.string, .list, .list, .int, .string]) { args, env in
            let key = try PrivateKey.parse(RegexSupport.str(args[4]), context: "parsing private key")
            return .object(try CertificateBuilder.make(cn: args[0], ips: args[1], dns: args[2], days: args[3], key: key,
                                                       isCA: false, signer: nil, env: env))
        }
        register("genSignedCert", [.string, .list, .list, .int, .goType("sprig.certificate")]) { args, env in
            let ca = try SprigCertificate.argument(args[4])
            let key = try PrivateKey.generateForCert()
            return .object(try CertificateBuilder.make(cn: args[0], ips: args[1], dns: args[2], days: args[3], key: key,
                                                       isCA: false, signer: ca, env: env))
        }
        register("genSignedCertWithKey", [.string, .list, .list, .int, .goType("sprig.certificate"), .string]) { args, env in
            let ca = try SprigCertificate.argument(args[4])
            let key = try PrivateKey.parse(RegexSupport.str(args[5]), context: "parsing private key")
            return .object(try CertificateBuilder.make(cn: args[0], ips: args[1], dns: args[2], days: args[3], key: key,
                                                       isCA: false, signer: ca, env: env))
        }
    }
}

/// Sprig's `certificate` struct: `.Cert` and `.Key` PEM strings.
struct SprigCertificate: TemplateObject {
    let cert: String
    let key: String

    var goTypeName: String { "sprig.certificate" }
    var goKind: String { "struct" }
    var formatted: String { "{\(cert) \(key)}" }
    var dataValue: Value { .map(["Cert": .string(cert), "Key": .string(key)]) }

    func member(_ name: String) -> TemplateMember? {
        switch name {
        case "Cert": .field(.string(cert))
        case "Key": .field(.string(key))
        default: nil
        }
    }

    static func argument(_ v: TemplateValue) throws -> SprigCertificate {
        if case .object(let o as SprigCertificate) = v { return o }
        throw FunctionError("wrong type for value; expected sprig.certificate; got \(v.goTypeName)")
    }

    /// `buildCustomCert b64cert b64key`: checks both decode and parse, then returns them as given.
    static func build(_ b64cert: String, _ b64key: String) throws -> SprigCertificate {
        guard case .success(let certBytes) = Base64.decode(b64cert) else {
            throw FunctionError("unable to decode base64 certificate")
        }
        guard case .success(let keyBytes) = Base64.decode(b64key) else {
            throw FunctionError("unable to decode base64 private key")
        }
        let certText = String(decoding: certBytes, as: UTF8.self)
        let keyText = String(decoding: keyBytes, as: UTF8.self)
        guard let certBlock = PEMBlock.first(in: certText) else { throw FunctionError("unable to decode certificate") }
        guard X509Handle.parse(der: certBlock.der) != nil else {
            throw FunctionError("error parsing certificate: decodedCert.Bytes: x509: malformed certificate")
        }
        guard let keyBlock = PEMBlock.first(in: keyText) else { throw FunctionError("unable to decode key") }
        // Helm v4.2.3 accepts RSA (PKCS#1), EC (SEC 1) and PKCS#8 keys here (checked with an EC key).
        guard PrivateKey.parseAny(keyBlock.der) else {
            throw FunctionError("error parsing prive key: decodedKey.Bytes: x509: failed to parse private key")
        }
        return SprigCertificate(cert: certText, key: keyText)
    }
}

/// One block of Go's `pem.Decode`: its type and DER bytes.
struct PEMBlock {
    let type: String
    let der: [UInt8]
    /// The block's text from BEGIN to END line.
    let text: String

    static func first(in s: String) -> PEMBlock? {
        var rest = Substring(s)
        while let begin = rest.range(of: "-----BEGIN ") {
            let afterBegin = rest[begin.upperBound...]
            guard let dashes = afterBegin.range(of: "-----") else { return nil }
            let type = String(afterBegin[..<dashes.lowerBound])
            let body = afterBegin[dashes.upperBound...]
            guard let end = body.range(of: "-----END \(type)-----") else {
                rest = afterBegin
                continue
            }
            let b64 = body[..<end.lowerBound].filter { !$0.isWhitespace }
            if case .success(let der) = Base64.decode(String(b64)), !type.contains("\n") {
                return PEMBlock(type: type, der: der, text: String(rest[begin.lowerBound..<end.upperBound]) + "\n")
            }
            rest = body[end.upperBound...]
        }
        return nil
    }

    static func encode(type: String, der: [UInt8]) -> String {
        let b64 = Array(Base64.encode(der))
        var out = "-----BEGIN \(type)-----\n"
        var i = 0
        while i < b64.count {
            out += String(b64[i..<min(b64.count, i + 64)]) + "\n"
            i += 64
        }
        return out + "-----END \(type)-----\n"
    }
}

/// An OpenSSL `EVP_PKEY` with the Go key type it stands for.
final class PrivateKey {
    let pkey: OpaquePointer
    let type: String  // rsa, ecdsa, ed25519, dsa

    init(_ pkey: OpaquePointer, type: String) {
        self.pkey = pkey
        self.type = type
    }

    deinit { EVP_PKEY_free(pkey) }

    static func generateForCert() throws -> PrivateKey {
        do { return try generate("rsa", rsaBits: 2048) } catch { throw FunctionError("error generating rsa key: \(error)") }
    }

    static func generate(_ type: String, rsaBits: Int32) throws -> PrivateKey {
        var out: OpaquePointer?
        switch type {
        case "dsa":
            guard let pctx = EVP_PKEY_CTX_new_from_name(nil, "DSA", nil) else { throw FunctionError("cannot create DSA context") }
            defer { EVP_PKEY_CTX_free(pctx) }
            var params: OpaquePointer?
            guard EVP_PKEY_paramgen_init(pctx) == 1, EVP_PKEY_CTX_set_dsa_paramgen_bits(pctx, 2048) == 1,
                  EVP_PKEY_CTX_set_dsa_paramgen_q_bits(pctx, 256) == 1, EVP_PKEY_paramgen(pctx, &params) == 1,
                  let params
            else { throw FunctionError("failed to generate dsa params") }
            defer { EVP_PKEY_free(params) }
            guard let kctx = EVP_PKEY_CTX_new_from_pkey(nil, params, nil) else { throw FunctionError("cannot create DSA context") }
            defer { EVP_PKEY_CTX_free(kctx) }
            guard EVP_PKEY_keygen_init(kctx) == 1, EVP_PKEY_generate(kctx, &out) == 1 else {
                throw FunctionError("dsa key generation failed")
            }
        default:
            let name = ["rsa": "RSA", "ecdsa": "EC", "ed25519": "ED25519"][type] ?? "RSA"
            guard let ctx = EVP_PKEY_CTX_new_from_name(nil, name, nil) else { throw FunctionError("cannot create key context") }
            defer { EVP_PKEY_CTX_free(ctx) }
            guard EVP_PKEY_keygen_init(ctx) == 1 else { throw FunctionError("key generation failed") }
            if type == "rsa", EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, rsaBits) != 1 { throw FunctionError("key generation failed") }
            if type == "ecdsa", EVP_PKEY_CTX_set_group_name(ctx, "P-256") != 1 { throw FunctionError("key generation failed") }
            guard EVP_PKEY_generate(ctx, &out) == 1 else { throw FunctionError("key generation failed") }
        }
        guard let out else { throw FunctionError("key generation failed") }
        return PrivateKey(out, type: type)
    }

    /// Sprig's `pemBlockForKey`: PKCS#1 for RSA, SEC 1 for ECDSA, OpenSSL's DSA structure, PKCS#8
    /// otherwise.
    func pem() throws -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw FunctionError("cannot allocate BIO") }
        defer { BIO_free(bio) }
        let ok = type == "ed25519"
            ? PEM_write_bio_PrivateKey(bio, pkey, nil, nil, 0, nil, nil)
            : PEM_write_bio_PrivateKey_traditional(bio, pkey, nil, nil, 0, nil, nil)
        guard ok == 1 else { throw FunctionError("cannot encode private key") }
        return BIOText.read(bio)
    }

    static func parsePKCS1(_ der: [UInt8]) -> PrivateKey? {
        var p: UnsafePointer<UInt8>? = der.withUnsafeBufferPointer { $0.baseAddress }
        return der.withUnsafeBufferPointer { buf -> PrivateKey? in
            p = buf.baseAddress
            guard let k = d2i_PrivateKey(EVP_PKEY_RSA, nil, &p, buf.count) else { return nil }
            return PrivateKey(k, type: "rsa")
        }
    }

    /// Whether `der` is a private key in any DER form OpenSSL recognises (PKCS#1, SEC 1, PKCS#8).
    static func parseAny(_ der: [UInt8]) -> Bool {
        der.withUnsafeBufferPointer { buf -> Bool in
            var p: UnsafePointer<UInt8>? = buf.baseAddress
            guard let k = d2i_AutoPrivateKey(nil, &p, buf.count) else { return false }
            EVP_PKEY_free(k)
            return true
        }
    }

    /// Sprig's `parsePrivateKeyPEM`, errors prefixed with `context` as Sprig words them.
    static func parse(_ text: String, context: String) throws -> PrivateKey {
        guard let block = PEMBlock.first(in: text) else { throw FunctionError("\(context): no PEM data in input") }
        let prefix: String
        if block.type == "PRIVATE KEY" {
            prefix = "decoding PEM as PKCS#8"
        } else if !block.type.hasSuffix(" PRIVATE KEY") {
            throw FunctionError("\(context): no private key data in PEM block of type \(block.type)")
        } else {
            switch String(block.type.dropLast(12)) {
            case "RSA": prefix = "parsing RSA private key from PEM"
            case "EC": prefix = "parsing EC private key from PEM"
            case "DSA": prefix = "parsing DSA private key from PEM"
            default: throw FunctionError("\(context): invalid private key type \(block.type)")
            }
        }
        guard let bio = BIO_new(BIO_s_mem()) else { throw FunctionError("cannot allocate BIO") }
        defer { BIO_free(bio) }
        _ = block.text.withCString { BIO_write(bio, $0, Int32(strlen($0))) }
        guard let k = PEM_read_bio_PrivateKey(bio, nil, nil, nil) else {
            throw FunctionError("\(context): \(prefix): x509: failed to parse private key")
        }
        let kind: String
        switch EVP_PKEY_get_base_id(k) {
        case EVP_PKEY_RSA: kind = "rsa"
        case EVP_PKEY_EC: kind = "ecdsa"
        case EVP_PKEY_ED25519: kind = "ed25519"
        case EVP_PKEY_DSA: kind = "dsa"
        default:
            EVP_PKEY_free(k)
            throw FunctionError("\(context): \(prefix): x509: unsupported private key type")
        }
        return PrivateKey(k, type: kind)
    }
}

/// Reads everything written to a memory BIO.
enum BIOText {
    static func read(_ bio: OpaquePointer) -> String {
        var p: UnsafeMutablePointer<CChar>?
        let n = helmctl_BIO_get_mem_data(bio, &p)
        guard let p, n > 0 else { return "" }
        return p.withMemoryRebound(to: UInt8.self, capacity: n) {
            String(decoding: UnsafeBufferPointer(start: $0, count: n), as: UTF8.self)
        }
    }
}

/// An owned OpenSSL `X509`.
final class X509Handle {
    let x: OpaquePointer
    init(_ x: OpaquePointer) { self.x = x }
    deinit { X509_free(x) }

    static func parse(der: [UInt8]) -> X509Handle? {
        der.withUnsafeBufferPointer { buf -> X509Handle? in
            var p = buf.baseAddress
            return d2i_X509(nil, &p, buf.count).map(X509Handle.init)
        }
    }
}
