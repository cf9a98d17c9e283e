import CLibCrypto
#if canImport(Glibc)
    import Glibc
#endif

/// The cluster's PKI, made with system OpenSSL at first start: a CA, the API server's serving
/// certificate (SANs for 127.0.0.1, localhost and the in-cluster names) and the admin client
/// certificate (`O=system:masters`). EC P-256 keys; PEM text throughout.
public struct ClusterPKI: Sendable {
    public var caCertificate: String
    public var caKey: String
    public var serverCertificate: String
    public var serverKey: String
    public var adminCertificate: String
    public var adminKey: String

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Generates a new PKI valid for `days` from now.
    public static func generate(hosts: [String] = ["127.0.0.1", "localhost"], days: Int = 3650) throws(Failure) -> ClusterPKI {
        let caKey = try newKey()
        defer { EVP_PKEY_free(caKey) }
        let ca = try issue(cn: "helmctl-ca", org: nil, key: caKey, signer: nil, signerKey: caKey, isCA: true, san: nil, days: days)
        defer { X509_free(ca) }
        var sans = ["DNS:kubernetes", "DNS:kubernetes.default", "DNS:kubernetes.default.svc",
                    "DNS:kubernetes.default.svc.cluster.local", "IP:10.96.0.1"]
        for h in hosts {
            sans.append(h.allSatisfy { $0.isNumber || $0 == "." || $0 == ":" } ? "IP:\(h)" : "DNS:\(h)")
        }
        let serverKey = try newKey()
        defer { EVP_PKEY_free(serverKey) }
        let server = try issue(cn: "kube-apiserver", org: nil, key: serverKey, signer: ca, signerKey: caKey, isCA: false,
                               san: sans.joined(separator: ","), days: days)
        defer { X509_free(server) }
        let adminKey = try newKey()
        defer { EVP_PKEY_free(adminKey) }
        let admin = try issue(cn: "helmctl-admin", org: "system:masters", key: adminKey, signer: ca, signerKey: caKey,
                              isCA: false, san: nil, days: days)
        defer { X509_free(admin) }
        return ClusterPKI(caCertificate: try pem(cert: ca), caKey: try pem(key: caKey),
                          serverCertificate: try pem(cert: server), serverKey: try pem(key: serverKey),
                          adminCertificate: try pem(cert: admin), adminKey: try pem(key: adminKey))
    }

    private static func newKey() throws(Failure) -> OpaquePointer {
        guard let ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nil) else { throw Failure(description: "cannot create an EC key context") }
        defer { EVP_PKEY_CTX_free(ctx) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(ctx) > 0, EVP_PKEY_CTX_set_ec_paramgen_curve_nid(ctx, NID_X9_62_prime256v1) > 0,
              EVP_PKEY_keygen(ctx, &key) > 0, let key
        else { throw Failure(description: "EC P-256 key generation failed") }
        return key
    }

    private static func issue(cn: String, org: String?, key: OpaquePointer, signer: OpaquePointer?, signerKey: OpaquePointer,
                              isCA: Bool, san: String?, days: Int) throws(Failure) -> OpaquePointer
    {
        guard let x = X509_new() else { throw Failure(description: "out of memory") }
        X509_set_version(x, 2)
        var serial = [UInt8](repeating: 0, count: 16)
        var g = SystemRandomNumberGenerator()
        for i in serial.indices { serial[i] = UInt8.random(in: 0...255, using: &g) }
        serial[0] &= 0x7F
        let bn = BN_bin2bn(serial, Int32(serial.count), nil)
        BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x))
        BN_free(bn)
        X509_gmtime_adj(X509_getm_notBefore(x), -300)
        X509_gmtime_adj(X509_getm_notAfter(x), days * 86400)
        guard let name = X509_NAME_new() else { throw Failure(description: "out of memory") }
        defer { X509_NAME_free(name) }
        if let org { X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, org, -1, -1, 0) }
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, cn, -1, -1, 0)
        X509_set_subject_name(x, name)
        X509_set_issuer_name(x, signer.map { X509_get_subject_name($0) } ?? name)
        X509_set_pubkey(x, key)
        var ctx = X509V3_CTX()
        helmctl_X509V3_set_ctx_nodb(&ctx)
        X509V3_set_ctx(&ctx, signer ?? x, x, nil, nil, 0)
        func add(_ nid: Int32, _ value: String) throws(Failure) {
            guard let ext = X509V3_EXT_conf_nid(nil, &ctx, nid, value) else {
                throw Failure(description: "cannot add certificate extension \(value)")
            }
            defer { X509_EXTENSION_free(ext) }
            X509_add_ext(x, ext, -1)
        }
        if isCA {
            try add(NID_basic_constraints, "critical,CA:TRUE")
            try add(NID_key_usage, "critical,digitalSignature,keyCertSign,cRLSign")
            try add(NID_subject_key_identifier, "hash")
        } else {
            try add(NID_basic_constraints, "critical,CA:FALSE")
            try add(NID_key_usage, "critical,digitalSignature,keyEncipherment")
            try add(NID_ext_key_usage, san == nil ? "clientAuth" : "serverAuth")
            try add(NID_authority_key_identifier, "keyid:always")
        }
        if let san { try add(NID_subject_alt_name, san) }
        guard X509_sign(x, signerKey, EVP_sha256()) > 0 else {
            X509_free(x)
            throw Failure(description: "signing the certificate for \(cn) failed")
        }
        return x
    }

    private static func pem(cert: OpaquePointer) throws(Failure) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw Failure(description: "out of memory") }
        defer { BIO_free(bio) }
        PEM_write_bio_X509(bio, cert)
        return read(bio)
    }

    private static func pem(key: OpaquePointer) throws(Failure) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw Failure(description: "out of memory") }
        defer { BIO_free(bio) }
        PEM_write_bio_PrivateKey(bio, key, nil, nil, 0, nil, nil)
        return read(bio)
    }

    private static func read(_ bio: OpaquePointer) -> String {
        var ptr: UnsafeMutablePointer<CChar>?
        let n = helmctl_BIO_get_mem_data(bio, &ptr)
        guard n > 0, let ptr else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: ptr, count: n), as: UTF8.self)
    }
}

/// Names inside certificates clients present.
enum CertificateNames {
    /// The subject's last commonName of a DER certificate.
    static func commonName(der: [UInt8]) -> String? {
        der.withUnsafeBufferPointer { buf -> String? in
            var p: UnsafePointer<UInt8>? = buf.baseAddress
            guard let x = d2i_X509(nil, &p, buf.count) else { return nil }
            defer { X509_free(x) }
            guard let name = X509_get_subject_name(x) else { return nil }
            let i = X509_NAME_get_index_by_NID(name, NID_commonName, -1)
            guard i >= 0, let entry = X509_NAME_get_entry(name, i), let data = X509_NAME_ENTRY_get_data(entry),
                  let bytes = ASN1_STRING_get0_data(data)
            else { return nil }
            return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(ASN1_STRING_length(data))), as: UTF8.self)
        }
    }
}
